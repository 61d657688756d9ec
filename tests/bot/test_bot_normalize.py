"""Normalisation: one function for keywords and messages alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.normalize import MAX_INPUT_CHARS, normalize, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HOURS", "hours"),
        ("Hours?!", "hours"),
        ("  opening   hours \n\t ", "opening hours"),
        ("Café", "cafe"),
        ("ARRÊT", "arret"),
        ("naïve façade", "naive facade"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("Ｓｔｏｐ", "stop"),  # full-width letters
        ("ﬁne", "fine"),  # ligature
        ("opening-hours", "opening hours"),  # hyphens separate words
        ("don't", "dont"),  # an apostrophe inside a word joins it
        ("it’s", "its"),
        ("«STOP»", "stop"),
        ("(hours)", "hours"),
        ("hours... please!!!", "hours please"),
        ("order #123", "order 123"),
        ("snake_case", "snake case"),
        ("\x00stop\x00", "stop"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalize_case_accents_whitespace_punctuation(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🍕", ("🍕",)),
        ("pizza🍕 pls", ("pizza", "🍕", "pls")),
        ("🍕🍕", ("🍕", "🍕")),
        ("❤️", ("❤",)),  # the variation selector goes: "❤️" and "❤" are one keyword
        ("👍🏽 ok", ("👍🏽", "ok")),  # skin tone stays with its emoji
        ("👨\u200d👩\u200d👧 hi", ("👨\u200d👩\u200d👧", "hi")),  # ZWJ family is one emoji
        ("🇫🇷!", ("🇫🇷",)),  # a flag is one emoji
    ],
)
def test_emoji_are_kept_as_words(text: str, expected: tuple[str, ...]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مرحبا بكم", "مرحبا بكم"),
        ("Привет, мир", "привет мир"),
        ("שָׁלוֹם", "שלום"),  # Hebrew points are marks like accents
        ("こんにちは", "こんにちは"),
    ],
)
def test_other_scripts_survive(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_input_is_capped() -> None:
    assert len(normalize("a " * (MAX_INPUT_CHARS * 2))) <= MAX_INPUT_CHARS
    assert len(normalize("\ufdfa" * MAX_INPUT_CHARS)) <= MAX_INPUT_CHARS  # expands 18-fold under NFKD


def test_normalize_is_tokenize_joined() -> None:
    text = "Hi! What are your opening-hours, café?"
    assert normalize(text) == " ".join(tokenize(text))


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_fast_path_equals_general_path(text: str) -> None:
    # "é" forces the general path; it normalises to its own word "e" at the end.
    assert tokenize(text + " é") == (*tokenize(text), "e")


@given(st.text(max_size=300))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
