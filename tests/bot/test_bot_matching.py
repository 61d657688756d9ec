"""Match types, typo tolerance and the index agreeing with the naive reference."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import Rule
from bot.matching import FUZZY_WINDOW_WORDS, KeywordIndex, naive_matches, required_literal, typo_score
from bot.normalize import tokenize
from tests.bot.factories import make_rule


def matched_ids(text: str, *rules: Rule) -> list[int]:
    index_result = KeywordIndex(rules).matches(tokenize(text), text)
    assert index_result == naive_matches(rules, tokenize(text), text)  # the index is exact
    return [m.rule_id for m in index_result]


@pytest.mark.parametrize(
    ("match", "keyword", "text", "expected"),
    [
        ("exact", "hours", "Hours?", True),
        ("exact", "hours", "hours please", False),
        ("exact", "opening hours", "OPENING-HOURS!", True),
        ("first_word", "hours", "hours please", True),
        ("first_word", "hours", "what are your hours", False),
        ("first_word", "opening hours", "opening hours today?", True),
        ("first_word", "opening hours", "opening today", False),
        ("phrase", "hours", "what are your hours?", True),
        ("phrase", "opening hours", "what are your opening hours today", True),
        ("phrase", "opening hours", "hours opening", False),
        ("phrase", "hour", "what are your hours", False),  # word boundaries, not substrings
        ("phrase", "café", "is the cafe open", True),
        ("phrase", "🍕", "I want 🍕!", True),
        ("exact", "🍕", "🍕", True),
        ("regex", r"order\s*#\d+", "where is order #123?", True),  # found in the raw text
        ("regex", r"^where is order", "Where is order 5", True),  # found in the normalised text
        ("regex", r"\bzip\b \d{5}", "my ZIP 12345", True),
        ("regex", r"order\s*#\d+", "where is my order", False),
    ],
)
def test_match_types(match: str, keyword: str, text: str, expected: bool) -> None:
    rule = make_rule(match=match, keywords=(keyword,), fuzzy=False)
    assert (matched_ids(text, rule) == [1]) is expected


@pytest.mark.parametrize(
    ("match", "keyword", "text"),
    [
        ("phrase", "opening hours", "what are your openin hours?"),
        ("phrase", "address", "whats your adress"),
        ("exact", "address", "adress?"),
        ("first_word", "opening hours", "opening hourz please"),
        ("phrase", "appointment", "I need an apointment"),
        ("phrase", "appointment", "I need an appointmnet"),  # transposition
        ("phrase", "reservation", "make a resrevation"),
        ("phrase", "refund", "I was refunded"),  # two extra letters
    ],
)
def test_typos_match_when_fuzzy(match: str, keyword: str, text: str) -> None:
    fuzzy = make_rule(match=match, keywords=(keyword,))
    assert matched_ids(text, fuzzy) == [1]
    assert matched_ids(text, make_rule(match=match, keywords=(keyword,), fuzzy=False)) == []


def test_fuzzy_score_is_below_100_and_exact_is_100() -> None:
    rule = make_rule(keywords=("address",))
    (typo,) = KeywordIndex([rule]).matches(tokenize("adress"))
    (exact,) = KeywordIndex([rule]).matches(tokenize("address"))
    assert exact.score == 100.0 and 85.0 <= typo.score < 100.0


@pytest.mark.parametrize(
    ("threshold", "expected"), [(80.0, True), (90.0, True), (93.0, False), (100.0, False)]
)
def test_threshold(threshold: float, expected: bool) -> None:
    # ratio("address", "adress") = 92.3
    rule = make_rule(keywords=("address",), threshold=threshold)
    assert (matched_ids("adress", rule) == [1]) is expected


@pytest.mark.parametrize(
    ("keyword", "text"),
    [("hat", "hta"), ("hat", "hats"), ("abc", "abd"), ("faq", "faqs"), ("🍕", "🍔"), ("a b", "a c")],
)
def test_keywords_of_three_characters_or_fewer_match_only_exactly(keyword: str, text: str) -> None:
    rule = make_rule(keywords=(keyword,), threshold=50.0)
    assert matched_ids(text, rule) == []
    assert matched_ids(keyword, rule) == [1]


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("appointment", "appxxxtment"),  # three wrong letters: not a typo any more
        ("opening hours", "opening hoursxyz"),  # three extra letters
        ("reservation", "reserv"),  # five missing letters
    ],
)
def test_fuzzy_allows_at_most_two_missing_and_two_extra_letters(keyword: str, text: str) -> None:
    assert matched_ids(text, make_rule(keywords=(keyword,), threshold=50.0)) == []


def test_words_are_compared_in_place() -> None:
    # Plain fuzz.ratio would accept the moved space (88.9); in-place comparison does not.
    assert matched_ids("ab cdefgh", make_rule(keywords=("abcdef gh",), threshold=80.0)) == []
    assert typo_score(("opening", "hours"), ("openin", "hours"), 85.0) > 85.0


def test_fuzzy_phrase_looks_at_the_first_words_only_but_exact_phrase_everywhere() -> None:
    filler = " ".join(["blah"] * FUZZY_WINDOW_WORDS)
    rule = make_rule(keywords=("address",))
    assert matched_ids(f"{filler} adress", rule) == []
    assert matched_ids(f"{filler} address", rule) == [1]
    assert matched_ids(f"adress {filler}", rule) == [1]


def test_disabled_rules_never_match() -> None:
    assert matched_ids("hours", make_rule(enabled=False)) == []


def test_ranking_priority_then_score_then_id() -> None:
    rules = [
        make_rule(id=5, keywords=("address",)),  # exact: 100
        make_rule(id=3, keywords=("adress",)),  # exact too: 100
        make_rule(id=4, keywords=("addresss",)),  # fuzzy
        make_rule(id=9, keywords=("adres",), priority=1),  # fuzzy, but higher priority
    ]
    ids = matched_ids("address adress", *rules)
    assert ids == [9, 3, 5, 4]


def test_best_keyword_of_a_rule_is_reported() -> None:
    rule = make_rule(keywords=("adres", "address"))
    (found,) = KeywordIndex([rule]).matches(tokenize("address"))
    assert (found.keyword, found.score) == ("address", 100.0)


@pytest.mark.parametrize(
    ("pattern", "literal"), [(r"\border\s*#\d+", "order"), (r"(a|b)cd", "cd"), (r"x+", ""), (r"[", "")]
)
def test_required_literal(pattern: str, literal: str) -> None:
    assert required_literal(pattern) == literal


def test_long_messages_are_bounded() -> None:
    rules = [make_rule(id=i, keywords=(f"keyword{i}", f"phrase number{i}")) for i in range(1, 200)]
    text = ("lorem ipsum dolor sit amet " * 80)[:1600] + " keyword7"
    assert matched_ids(text, *rules) == [7]


WORDS = [
    "hours",
    "address",
    "opening",
    "refund",
    "return",
    "order",
    "status",
    "menu",
    "vegan",
    "parking",
    "pizza",
]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 25))
def test_index_equals_naive_on_random_rules_and_typos(seed: int, size: int) -> None:
    rng = random.Random(seed)
    rules = []
    for rule_id in range(1, size + 1):
        keywords = tuple(
            " ".join(rng.choice(WORDS) for _ in range(rng.choice((1, 1, 2))))
            for _ in range(rng.randint(1, 3))
        )
        rules.append(
            make_rule(
                id=rule_id,
                keywords=keywords,
                match=rng.choice(("exact", "first_word", "phrase")),
                fuzzy=rng.random() < 0.8,
                threshold=rng.choice((50.0, 70.0, 80.0, 85.0, 95.0)),
                priority=rng.choice((0, 0, 1)),
            )
        )
    for _ in range(5):
        words = [rng.choice([*WORDS, "the", "my", "is", "a"]) for _ in range(rng.randint(1, 6))]
        mangled = []
        for word in words:
            letters = list(word)
            for _ in range(rng.choice((0, 0, 1, 2))):
                i = rng.randrange(len(letters) + 1)
                op = rng.choice(("drop", "add", "swap"))
                if op == "drop" and len(letters) > 1 and i < len(letters):
                    del letters[i]
                elif op == "add":
                    letters.insert(i, rng.choice("aeiorstn"))
                elif i + 1 < len(letters):
                    letters[i], letters[i + 1] = letters[i + 1], letters[i]
            mangled.append("".join(letters))
        text = " ".join(mangled)
        index = KeywordIndex(rules)
        assert index.matches(tokenize(text), text) == naive_matches(rules, tokenize(text), text), text


@pytest.mark.parametrize(
    ("match", "keyword", "text"),
    [
        ("regex", "cafe", "Café!"),  # accents: found in the normalised text
        ("regex", r"\bopen\b", "OPEN?"),  # case-insensitive
        ("exact", "opening hours", "openin hours"),  # fuzzy, whole message, two words
    ],
)
def test_more_matches(match: str, keyword: str, text: str) -> None:
    assert matched_ids(text, make_rule(match=match, keywords=(keyword,))) == [1]


def test_shared_keywords_are_scored_per_rule_threshold() -> None:
    strict = make_rule(id=1, keywords=("address",), threshold=95.0)
    loose = make_rule(id=2, keywords=("address",), threshold=80.0)
    assert matched_ids("adress", strict, loose) == [2]


def test_index_stats() -> None:
    stats = KeywordIndex([make_rule(keywords=("hours", "opening hours"))]).stats
    assert stats["rules"] == 1 and stats["keywords"] == 2 and stats["deletion_keys"] > 0


def test_equal_priority_and_score_goes_to_the_rule_higher_in_the_list() -> None:
    first = make_rule(id=9, name="first", keywords=("hours",), position=1)
    second = make_rule(id=3, name="second", keywords=("hours",), position=2)
    assert [m.rule_name for m in KeywordIndex([second, first]).matches(("hours",), "hours")] == [
        "first",
        "second",
    ]
    moved = make_rule(id=9, name="first", keywords=("hours",), position=3)
    assert KeywordIndex([second, moved]).matches(("hours",), "hours")[0].rule_name == "second"
