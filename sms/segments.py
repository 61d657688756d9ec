"""How a body travels as SMS: GSM-7 or UCS-2, and how many billed segments it takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# 3GPP TS 23.038 default alphabet, in table order (0x1B, the escape to the extension table, left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# 3GPP TS 23.038 extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_PART = 153  # 7 septets of each part go to the concatenation header
UCS2_SINGLE = 70
UCS2_PART = 67


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """Encoding and segment count of one body.

    units: septets for GSM-7, UTF-16 code units for UCS-2.
    chars_per_segment: capacity in those units of each segment (160/153 or 70/67).
    """

    encoding: Encoding
    segments: int
    units: int
    chars_per_segment: int
    non_gsm_chars: tuple[str, ...]


def ucs2_trigger(body: str) -> tuple[str, ...]:
    """The distinct characters (first-seen order) that force the body into UCS-2."""
    seen: dict[str, None] = {}
    for ch in body:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            seen[ch] = None
    return tuple(seen)


def analyze(body: str) -> SegmentInfo:
    """Encoding, units and segment count of body as a carrier would split it.

    An empty body counts as one segment: a message still goes out as one PDU (and is billed as one),
    and callers estimating cost as segments × price should not see zero.
    """
    non_gsm = ucs2_trigger(body)
    if not non_gsm:
        widths = [2 if ch in GSM7_EXTENSION else 1 for ch in body]
        return _split("GSM-7", widths, GSM7_SINGLE, GSM7_PART, ())
    # A code point above U+FFFF is a surrogate pair: two UTF-16 units that must stay in one part.
    widths = [2 if ord(ch) > 0xFFFF else 1 for ch in body]
    return _split("UCS-2", widths, UCS2_SINGLE, UCS2_PART, non_gsm)


def _split(
    encoding: Encoding, widths: list[int], single: int, part: int, non_gsm: tuple[str, ...]
) -> SegmentInfo:
    """Count parts by walking, so no multi-unit character straddles two parts."""
    units = sum(widths)
    if units <= single:
        return SegmentInfo(encoding, 1, units, single, non_gsm)
    segments, used = 1, 0
    for width in widths:
        if used + width > part:
            segments += 1
            used = 0
        used += width
    return SegmentInfo(encoding, segments, units, part, non_gsm)
