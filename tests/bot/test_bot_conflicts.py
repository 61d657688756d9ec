"""Conflicts between rules, as the rules editor shows them before saving."""

from __future__ import annotations

from bot import Bot
from bot.conflicts import MAX_CONFLICTS, find_conflicts
from tests.bot.factories import make_rule, make_state

HOURS = make_rule(id=1, name="Opening hours", keywords=("hours", "opening times"), match="first_word")


def kinds(conflicts: list) -> list[tuple[str, str, int | None]]:
    return [(c.kind, c.keyword, c.rule_id) for c in conflicts]


def test_a_rule_with_distinct_keywords_has_no_conflicts() -> None:
    parking = make_rule(id=2, name="Parking", keywords=("parking",), match="first_word")
    assert find_conflicts(parking, [HOURS]) == []


def test_a_keyword_another_rule_already_has_is_a_duplicate_and_names_the_winner() -> None:
    draft = make_rule(id=0, name="Hours 2", keywords=("HOURS!",), match="first_word", priority=5)
    [conflict] = [c for c in find_conflicts(draft, [HOURS]) if c.kind == "duplicate_keyword"]
    assert (conflict.rule_id, conflict.rule_name, conflict.winner) == (1, "Opening hours", "this")
    assert "already a keyword of 'Opening hours'" in conflict.message
    lower = make_rule(id=0, name="Hours 2", keywords=("hours",), match="first_word", priority=-1)
    assert [c.winner for c in find_conflicts(lower, [HOURS]) if c.kind == "duplicate_keyword"] == ["other"]


def test_a_duplicate_with_a_disabled_rule_is_still_shown_without_a_winner() -> None:
    disabled = make_rule(id=3, name="Old hours", keywords=("hours",), enabled=False)
    [conflict] = find_conflicts(make_rule(id=0, keywords=("hours",)), [disabled])
    assert (conflict.kind, conflict.winner) == ("duplicate_keyword", None)
    assert "(disabled)" in conflict.message


def test_typo_tolerant_matches_that_meet_are_an_overlap_both_ways() -> None:
    tours = make_rule(id=2, name="Tours", keywords=("tours",), match="first_word", threshold=75)
    # "hours" typed by a customer matches Tours at 80 >= 75: found from the draft's side ...
    assert ("overlap", "tours", 1) in kinds(find_conflicts(tours, [HOURS]))
    # ... and from the saved rule's side when HOURS is the one being edited.
    assert ("overlap", "hours", 2) in kinds(find_conflicts(HOURS, [tours]))
    strict = make_rule(id=2, name="Tours", keywords=("tours",), match="first_word", threshold=90)
    assert find_conflicts(strict, [HOURS]) == []


def test_the_overlap_winner_is_the_one_the_bot_picks() -> None:
    tours = make_rule(id=2, name="Tours", keywords=("tours",), match="first_word", threshold=75, priority=9)
    [conflict] = find_conflicts(tours, [HOURS])
    bot = Bot([HOURS, tours])
    picked = bot.decide(conflict.example, make_state()).match
    assert picked is not None
    assert conflict.winner == ("this" if picked.rule_id == tours.id else "other")


def test_a_regex_that_matches_another_rules_keyword_overlaps() -> None:
    regex = make_rule(id=0, name="Times", keywords=(r"\bopening\b",), match="regex")
    assert ("overlap", r"\bopening\b", 1) in kinds(find_conflicts(regex, [HOURS]))


def test_compliance_words_are_reserved_and_compliance_wins() -> None:
    rule = make_rule(id=0, keywords=("stop", "help me", "hours"), match="first_word")
    reserved = [c for c in find_conflicts(rule, []) if c.kind == "reserved_word"]
    assert [c.keyword for c in reserved] == ["stop", "help me"]  # a text "help me" gets HELP
    assert {c.winner for c in reserved} == {"compliance"}
    assert "opts the customer out" in reserved[0].message and "gets HELP" in reserved[1].message


def test_a_regex_covering_a_compliance_word_is_reserved_but_one_inside_a_word_is_not() -> None:
    covering = make_rule(id=0, keywords=(r"^(stop|end)$",), match="regex")
    assert [c.example for c in find_conflicts(covering, [])] == ["END"]
    inside = make_rule(id=0, keywords=(r"an",), match="regex")  # inside "cancel", never all of it
    assert find_conflicts(inside, []) == []


def test_the_rule_being_edited_never_conflicts_with_itself() -> None:
    edited = make_rule(id=1, name="Opening hours", keywords=("hours", "opening times"), match="first_word")
    assert find_conflicts(edited, [HOURS]) == []


def test_conflicts_are_capped() -> None:
    others = [make_rule(id=i, name=f"r{i}", keywords=("hours",)) for i in range(1, 200)]
    assert len(find_conflicts(make_rule(id=0, keywords=("hours",)), others)) == MAX_CONFLICTS
