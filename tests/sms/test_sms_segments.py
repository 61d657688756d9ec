"""sms.segments: known vectors for GSM-7 / UCS-2 segment counting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms.segments import GSM7_BASIC, GSM7_EXTENSION, SegmentInfo, analyze, ucs2_trigger

FULL_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def test_tables_are_the_3gpp_ones() -> None:
    assert len(GSM7_BASIC) == 127  # 128 positions less the escape
    assert set(FULL_BASIC) == GSM7_BASIC
    assert set("\f^{}\\[~]|€") == GSM7_EXTENSION


@pytest.mark.parametrize(
    ("body", "encoding", "segments", "units"),
    [
        ("a" * 160, "GSM-7", 1, 160),
        ("a" * 161, "GSM-7", 2, 161),
        ("a" * 306, "GSM-7", 2, 306),
        ("a" * 307, "GSM-7", 3, 307),
        ("a" * 459, "GSM-7", 3, 459),
        ("a" * 460, "GSM-7", 4, 460),
        ("é" * 160, "GSM-7", 1, 160),  # é is in the GSM basic table
        ("€" * 80, "GSM-7", 1, 160),
        ("€" * 81, "GSM-7", 2, 162),
        ("a" * 159 + "^", "GSM-7", 2, 161),
        ("ж" * 70, "UCS-2", 1, 70),
        ("ж" * 71, "UCS-2", 2, 71),
        ("ж" * 134, "UCS-2", 2, 134),
        ("ж" * 135, "UCS-2", 3, 135),
        ("😀" * 35, "UCS-2", 1, 70),  # each emoji is a surrogate pair: 2 units
        ("😀" * 36, "UCS-2", 2, 72),
        ("a" * 159 + "ç", "UCS-2", 3, 160),  # ç (lower case) is not GSM: all 160 chars go UCS-2
        ("Hello! 👍", "UCS-2", 1, 9),
    ],
)
def test_known_vectors(body: str, encoding: str, segments: int, units: int) -> None:
    info = analyze(body)
    assert (info.encoding, info.segments, info.units) == (encoding, segments, units)


def test_escape_pair_is_not_split_at_the_153_boundary() -> None:
    # 306 septets would fit two parts by arithmetic, but the euro would straddle septets 153/154.
    body = "a" * 152 + "€" + "a" * 152
    info = analyze(body)
    assert info.units == 306
    assert info.segments == 3
    # Shift it by one and it fits exactly: 151 + 2 | 153.
    assert analyze("a" * 151 + "€" + "a" * 153).segments == 2


def test_surrogate_pair_is_not_split_at_the_67_boundary() -> None:
    body = "ж" * 66 + "😀" + "ж" * 66
    info = analyze(body)
    assert info.units == 134
    assert info.segments == 3
    assert analyze("ж" * 65 + "😀" + "ж" * 67).segments == 2


def test_chars_per_segment_follows_single_or_split() -> None:
    assert analyze("a").chars_per_segment == 160
    assert analyze("a" * 161).chars_per_segment == 153
    assert analyze("ж").chars_per_segment == 70
    assert analyze("ж" * 71).chars_per_segment == 67


def test_empty_body_is_one_gsm_segment() -> None:
    assert analyze("") == SegmentInfo("GSM-7", 1, 0, 160, ())


def test_ucs2_trigger_names_each_offending_character_once_in_order() -> None:
    assert ucs2_trigger("plain GSM text {€}") == ()
    assert ucs2_trigger("Café ça va? 😀 ça 😀 “quotes”") == ("ç", "😀", "“", "”")
    assert analyze("ça 😀").non_gsm_chars == ("ç", "😀")


def test_every_basic_and_extension_character_is_gsm() -> None:
    assert analyze(FULL_BASIC).encoding == "GSM-7"
    info = analyze("".join(sorted(GSM7_EXTENSION)))
    assert (info.encoding, info.units) == ("GSM-7", 20)


@given(st.text(max_size=400))
def test_segments_are_consistent(body: str) -> None:
    info = analyze(body)
    per_part = 153 if info.encoding == "GSM-7" else 67
    single = 160 if info.encoding == "GSM-7" else 70
    if info.units <= single:
        assert info.segments == 1
    else:
        # Walking can only add parts over plain division, and at most one per part boundary.
        lower = -(-info.units // per_part)
        assert lower <= info.segments <= info.units // (per_part - 1) + 1
    assert (info.encoding == "UCS-2") == bool(info.non_gsm_chars)
    if info.encoding == "UCS-2":
        assert info.units == len(body.encode("utf-16-le")) // 2
