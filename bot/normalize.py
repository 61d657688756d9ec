"""Text normalisation shared by keywords and messages: casefold, strip accents, keep emoji, split words.

The one rule that matters: keywords and inbound texts go through the *same* function, so whatever
choice is made here (hyphens split words, apostrophes join them) is consistent on both sides.

    "Hours?!"          -> "hours"
    "Café  OPEN-late"  -> "cafe open late"     (hyphens and other punctuation separate words)
    "don't"            -> "dont"               (an apostrophe inside a word joins it)
    "pizza🍕 pls"      -> "pizza 🍕 pls"       (each emoji, with its modifiers/ZWJ sequence, is a word)
"""

from __future__ import annotations

import re
import sys
import unicodedata

# Far beyond the 1,600 characters of a 10-segment SMS; keeps every later step bounded.
MAX_INPUT_CHARS = 5000

# Scanning the first two planes covers every combining mark and emoji Unicode has assigned so far
# (planes 2+ hold only ideographs and variation selectors, handled explicitly below).
_SCAN_LIMIT = min(0x20000, sys.maxunicode + 1)


def _ranges(codepoints: list[int]) -> str:
    """Compress sorted code points into a regex character-class body."""
    parts: list[str] = []
    start = prev = -2
    for cp in [*codepoints, -1]:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            parts.append(
                re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}"
            )
        start = prev = cp
    return "".join(parts)


def _class(codepoints: list[int]) -> str:
    """A regex matching one of the code points; astral ones behind a cheap guard (sre scans those)."""
    bmp = [cp for cp in codepoints if cp <= 0xFFFF]
    astral = [cp for cp in codepoints if cp > 0xFFFF]
    # sre compiles a BMP-only class to a constant-time bitmap, but checks astral ranges one by
    # one: the lookahead keeps that linear scan away from ordinary letters and punctuation.
    alternatives = [f"[{_ranges(bmp)}]"] if bmp else []
    if astral:
        alternatives.append(f"(?=[\U00010000-\U0010ffff])[{_ranges(astral)}]")
    return "(?:" + "|".join(alternatives) + ")" if alternatives else "(?!)"


def _build_classes() -> tuple[list[int], str, str]:
    accents: list[int] = []
    other_marks: list[int] = []
    symbols: list[int] = []
    for cp in range(_SCAN_LIMIT):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if unicodedata.combining(ch):
            accents.append(cp)
        elif category in ("Mn", "Mc", "Me") and not (0xFE00 <= cp <= 0xFE0F):
            other_marks.append(cp)
        elif category == "So" or (category == "Cn" and 0x1F000 <= cp <= 0x1FAFF):
            # Unassigned code points in the emoji blocks are emoji newer than this Python's Unicode
            # database; treating them as symbols keeps tomorrow's emoji keywords working.
            symbols.append(cp)
    accents.extend([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
    return accents, _class(other_marks), _class(symbols)


_ACCENTS, _MARKS, _SYMBOLS = _build_classes()

# Accents (any mark with a non-zero combining class) go; marks that are part of a letter in
# scripts such as Devanagari (class 0) stay inside the word. Variation selectors go too, so that
# "❤️" (with VS16) and "❤" (without) are the same keyword.
_STRIP_BMP_RE = re.compile(f"[{_ranges([cp for cp in _ACCENTS if cp <= 0xFFFF])}]")
_STRIP_ASTRAL_RE = re.compile(f"[{_ranges([cp for cp in _ACCENTS if cp > 0xFFFF])}]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_APOSTROPHE_RE = re.compile(r"(?<=[^\W_])['\u2019\u02bc](?=[^\W_])")
_EMOJI = f"{_SYMBOLS}[\U0001f3fb-\U0001f3ff]?"
_TOKEN_RE = re.compile(
    f"(?:[^\\W_]+|{_MARKS})+"
    "|[\U0001f1e6-\U0001f1ff]{2}"  # a flag is a pair of regional indicators
    f"|{_EMOJI}(?:\u200d{_EMOJI})*[\U000e0020-\U000e007f]*"  # ZWJ sequences, subdivision-flag tags
)
_ASCII_APOSTROPHE_RE = re.compile(r"(?<=[a-z0-9])'(?=[a-z0-9])")
_ASCII_WORDS = bytes(ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128


def tokenize(text: str) -> tuple[str, ...]:
    """Split text into normalised words (casefolded, accent-free, punctuation dropped, emoji kept)."""
    if not text:
        return ()
    text = text[:MAX_INPUT_CHARS]
    if text.isascii():
        # Same result as the general path for ASCII input (a property test checks it), 5-10x faster:
        # one C-level byte translation (lowercase letters and digits, everything else a space).
        if "'" in text:
            text = _ASCII_APOSTROPHE_RE.sub("", text.lower())
        return tuple(text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split())
    # Casefold after NFKD too: compatibility forms such as "𝕊" only become letters with a case there.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    # Compatibility decomposition can expand a character up to 18-fold ("ﷺ"): cap again.
    folded = folded[:MAX_INPUT_CHARS]
    folded = _STRIP_BMP_RE.sub("", folded)
    if _ASTRAL_RE.search(folded):
        folded = _STRIP_ASTRAL_RE.sub("", folded)
    folded = unicodedata.normalize("NFC", folded)
    if "'" in folded or "\u2019" in folded or "\u02bc" in folded:
        folded = _APOSTROPHE_RE.sub("", folded)
    return tuple(_TOKEN_RE.findall(folded))


def normalize(text: str) -> str:
    """Normalise text for matching: the words of tokenize() joined by single spaces."""
    return " ".join(tokenize(text))
