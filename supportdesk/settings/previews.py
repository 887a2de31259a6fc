"""Attachment previews (issue 24, README "Attachment previews"), read from the environment; base.py imports them."""

import environ

env = environ.Env()

# Thumbnails fit in a square of this many pixels (the ticket timeline shows them at half that or less).
ATTACHMENT_THUMBNAIL_SIZE = env.int("ATTACHMENT_THUMBNAIL_SIZE", default=320)
# Images with more pixels than this are not decoded (a small file can declare a huge canvas: a decompression bomb).
ATTACHMENT_PREVIEW_MAX_PIXELS = env.int("ATTACHMENT_PREVIEW_MAX_PIXELS", default=40_000_000)
# A thumbnail job that keeps dying (a worker killed mid-way) is given up after this many starts and marked failed.
ATTACHMENT_PREVIEW_MAX_ATTEMPTS = env.int("ATTACHMENT_PREVIEW_MAX_ATTEMPTS", default=3)
