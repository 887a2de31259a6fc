"""Trends settings (issue 24 item 9: hot topics over time, suggestion groups, monthly summary); base.py imports them."""

import environ

env = environ.Env()

# Hot-topics chart: how many complete weeks (Monday to Sunday) the page shows when the viewer does not choose.
TRENDS_WEEKS = env.int("TRENDS_WEEKS", default=12)
# Suggestions are grouped when the Jaccard index of their words (character pairs for Chinese) reaches this.
TRENDS_SUGGESTION_SIMILARITY = env.float("TRENDS_SUGGESTION_SIMILARITY", default=0.4)
# At most this many suggestions (the newest of the period) are compared: grouping costs O(n²) at worst.
TRENDS_SUGGESTION_LIMIT = env.int("TRENDS_SUGGESTION_LIMIT", default=500)
