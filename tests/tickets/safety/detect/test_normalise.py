"""NFKC with a map back to the caller's offsets."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.safety.detect.normalise import normalise


def test_ascii_and_full_width_punctuation_keep_their_offsets():
    assert normalise("abc").origins is None
    normalised = normalise("助记词：１２，ｂ\u3000的")

    assert normalised.text == "助记词:12,b 的"
    assert normalised.origins is None


def test_expanding_and_composing_characters_map_back_to_their_source():
    text = "①ﬁx e\u0301te \u1100\u1161"  # circled one, a ligature, a decomposed é, decomposed Hangul
    normalised = normalise(text)

    assert normalised.text == "1fix éte 가"
    assert normalised.original_span(1, 4) == (1, 3)  # "fix" came from "ﬁx"
    assert normalised.original_span(5, 6) == (4, 6)  # "é" from "e" + accent
    assert normalised.original_span(9, 10) == (9, 11)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_property_every_span_maps_inside_the_original(text):
    normalised = normalise(text)

    for start in range(len(normalised.text)):
        origin_start, origin_end = normalised.original_span(start, start + 1)
        assert 0 <= origin_start < origin_end <= len(text)
