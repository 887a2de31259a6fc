"""Sniffing and thumbnail drawing (tickets.previews): pure functions, real images."""

import io

import pytest
from PIL import Image

from tests import factories
from tests.tickets.previews import EXIF_ARTIST, image_bytes, jpeg_with_exif, png_bomb
from tickets.previews import PreviewError, render_thumbnail, sniff


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (factories.PNG_BYTES, "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("GIF"), "image/gif"),
        (image_bytes("WEBP"), "image/webp"),
        (factories.PDF_BYTES, "application/pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', None),
        (b"<!doctype html><script>alert(1)</script>", None),
        (b"\x89PNX not quite a png", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_leading_bytes(content, expected):
    assert sniff(content[:16]) == expected


def test_a_thumbnail_fits_the_box_and_keeps_the_aspect_ratio():
    thumbnail = render_thumbnail(image_bytes("PNG", (1000, 500)), size=100, max_pixels=10**7)

    image = Image.open(io.BytesIO(thumbnail.content))
    assert image.format == "JPEG"
    assert image.size == (thumbnail.width, thumbnail.height) == (100, 50)


def test_exif_orientation_is_applied_and_every_metadata_field_dropped():
    thumbnail = render_thumbnail(jpeg_with_exif((80, 40)), size=320, max_pixels=10**7)

    image = Image.open(io.BytesIO(thumbnail.content))
    assert image.size == (40, 80)  # stood upright
    assert dict(image.getexif()) == {}
    assert EXIF_ARTIST not in image.getexif()
    assert "exif" not in image.info
    assert b"Alice" not in thumbnail.content


def test_a_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, format="PNG")

    thumbnail = render_thumbnail(buffer.getvalue(), size=320, max_pixels=10**7)

    assert Image.open(io.BytesIO(thumbnail.content)).getpixel((5, 5)) >= (250, 250, 250)


def test_a_canvas_above_the_limit_is_refused_before_decoding():
    with pytest.raises(PreviewError, match="too large to preview"):
        render_thumbnail(png_bomb(8000, 8000), size=320, max_pixels=40_000_000)


def test_a_decompression_bomb_past_pillows_own_limit_is_refused():
    with pytest.raises(PreviewError, match=r"\(DecompressionBombError\)"):
        render_thumbnail(png_bomb(60_000, 60_000), size=320, max_pixels=10**12)


@pytest.mark.parametrize(
    "content",
    [b"<!doctype html><p>not an image", factories.PDF_BYTES, factories.PNG_BYTES[:20]],
    ids=["html", "pdf", "truncated-png"],
)
def test_what_is_not_a_readable_image_is_a_preview_error(content):
    with pytest.raises(PreviewError):
        render_thumbnail(content, size=320, max_pixels=10**7)
