"""The decision order: compliance, silence, people, rules, fallback."""

from __future__ import annotations

import random

import pytest

from bot import Bot, BotSettings, DecisionKind, decide
from bot.engine import MAX_RUNNERS_UP
from bot.texts import default_settings_texts, default_text_templates
from tests.bot.factories import decide as decide_with
from tests.bot.factories import make_rule, make_settings, make_state

HOURS = make_rule(id=1, name="hours", keywords=("hours", "stop"), reply="Open 9-5")


@pytest.mark.parametrize("status", ["new", "bot", "pending", "open", "resolved"])
def test_stop_opts_out_whatever_the_status_and_beats_rules(status: str) -> None:
    decision = decide_with("STOP", HOURS, state=make_state(status=status))
    assert decision.kind is DecisionKind.OPT_OUT
    assert (decision.consent, decision.consent_source) == ("opt_out", "keyword")
    assert decision.replies == (
        "Acme: You are unsubscribed and will receive no further messages. Reply START to resubscribe.",
    )
    assert decision.match is None and not decision.handoff


def test_plain_language_opt_out_beats_a_matching_rule() -> None:
    rule = make_rule(keywords=("texting",), reply="We love texting")
    decision = decide_with("please stop texting me", rule)
    assert (decision.kind, decision.consent_source) == (DecisionKind.OPT_OUT, "plain_language")


def test_repeated_opt_out_sends_nothing() -> None:
    decision = decide_with("STOP", HOURS, state=make_state(opted_out=True))
    assert decision.kind is DecisionKind.OPT_OUT and decision.replies == () and decision.consent == "opt_out"


@pytest.mark.parametrize("text", ["START", "unstop", "YES"])
def test_opt_in_when_opted_out(text: str) -> None:
    decision = decide_with(text, HOURS, state=make_state(opted_out=True))
    assert (decision.kind, decision.consent) == (DecisionKind.OPT_IN, "opt_in")
    assert decision.replies == (
        "Acme: You are subscribed again. Msg&data rates may apply. Reply HELP for help, STOP to opt out.",
    )


def test_start_when_not_opted_out_is_still_opt_in() -> None:
    decision = decide_with("START", HOURS)
    assert (decision.kind, decision.consent) == (DecisionKind.OPT_IN, "opt_in")


def test_yes_when_not_opted_out_goes_to_the_rules() -> None:
    yes_rule = make_rule(keywords=("yes",), match="exact", reply="Great!")
    assert decide_with("YES", yes_rule).kind is DecisionKind.RULE
    assert decide_with("YES").kind is DecisionKind.FALLBACK


@pytest.mark.parametrize("status", ["bot", "open"])
def test_help_is_answered_whatever_the_status(status: str) -> None:
    decision = decide_with("HELP", HOURS, state=make_state(status=status))
    assert decision.kind is DecisionKind.HELP
    assert decision.replies == (
        "Acme: Help at help@acme.test. Msg&data rates may apply. Reply STOP to opt out.",
    )


def test_opted_out_contact_gets_silence() -> None:
    decision = decide_with("hours", HOURS, state=make_state(opted_out=True, misses=1))
    assert decision.kind is DecisionKind.SILENT and decision.replies == () and decision.misses == 1
    assert decision.reason == "contact opted out"


@pytest.mark.parametrize("status", ["pending", "open"])
@pytest.mark.parametrize("text", ["hours", "agent", "gibberish"])
def test_agent_owned_conversations_get_silence(status: str, text: str) -> None:
    decision = decide_with(text, HOURS, state=make_state(status=status))
    assert decision.kind is DecisionKind.SILENT and decision.replies == () and not decision.handoff


@pytest.mark.parametrize("status", ["new", "bot", "resolved"])
def test_bot_answers_new_bot_and_resolved_conversations(status: str) -> None:
    assert decide_with("hours", HOURS, state=make_state(status=status)).kind is DecisionKind.RULE


@pytest.mark.parametrize("text", ["agent", "talk to a human", "can I speak with someone?"])
def test_human_request_hands_off(text: str) -> None:
    rule = make_rule(keywords=("agent", "human", "someone"), reply="rule reply")
    decision = decide_with(text, rule, state=make_state(misses=1))
    assert decision.kind is DecisionKind.HUMAN and decision.handoff
    assert decision.replies == ("Thanks! An agent will reply shortly.",) and decision.misses == 0


def test_person_in_a_sentence_is_not_a_handoff() -> None:
    rule = make_rule(keywords=("pick up",), reply="Pickup is 9-5")
    decision = decide_with("is a person available to pick up my order at 5?", rule)
    assert decision.kind is DecisionKind.RULE


@pytest.mark.parametrize(
    ("action", "replies", "handoff"),
    [
        ("reply", ("Open 9-5, Sam",), False),
        ("handoff", ("Thanks! An agent will reply shortly.",), True),
        ("reply_handoff", ("Open 9-5, Sam", "Thanks! An agent will reply shortly."), True),
    ],
)
def test_rule_actions(action: str, replies: tuple[str, ...], handoff: bool) -> None:
    rule = make_rule(reply="Open 9-5, {{ contact.first_name }}", action=action)
    decision = decide_with("hours?", rule, state=make_state(contact_name="Sam Jones", misses=1))
    assert decision.kind is DecisionKind.RULE
    assert (decision.replies, decision.handoff, decision.misses) == (replies, handoff, 0)
    assert decision.match is not None and decision.match.rule_id == 1


def test_winner_and_runners_up_order() -> None:
    rules = [make_rule(id=i, keywords=("hours",), priority=i % 3) for i in range(1, 11)]
    decision = decide_with("hours", *rules)
    ranked = [decision.match.rule_id] + [m.rule_id for m in decision.runners_up]  # type: ignore[union-attr]
    assert ranked == [2, 5, 8, 1, 4, 7]
    assert len(decision.runners_up) == MAX_RUNNERS_UP


def test_ties_broken_by_score_then_id() -> None:
    exact = make_rule(id=7, keywords=("address",), reply="exact")
    fuzzy_lower_id = make_rule(id=2, keywords=("addresss",), reply="fuzzy")
    same_exact_higher_id = make_rule(id=9, keywords=("address",), reply="later")
    decision = decide_with("address", same_exact_higher_id, fuzzy_lower_id, exact)
    assert decision.replies == ("exact",)
    assert [m.rule_id for m in decision.runners_up] == [9, 2]


def test_fallback_then_handoff_after_n_misses() -> None:
    bot = Bot([HOURS], make_settings(misses_before_handoff=3))
    state = make_state()
    first = bot.decide("blah", state)
    assert (first.kind, first.misses, first.handoff) == (DecisionKind.FALLBACK, 1, False)
    assert first.replies == (
        "Sorry, I didn't catch that. Reply AGENT to reach a person, HELP for help or STOP to opt out.",
    )
    second = bot.decide("blah", make_state(misses=first.misses))
    assert (second.misses, second.handoff) == (2, False)
    third = bot.decide("blah", make_state(misses=second.misses))
    assert (third.kind, third.misses, third.handoff) == (DecisionKind.FALLBACK, 0, True)
    assert third.replies == ("Thanks! An agent will reply shortly.",)


def test_a_match_resets_misses() -> None:
    assert decide_with("hours", HOURS, state=make_state(misses=1)).misses == 0


def test_custom_texts_are_templates_too() -> None:
    decision = decide_with("HELP", help_text="{{ brand | upper }} help: {{ support }}")
    assert decision.replies == ("ACME help: help@acme.test",)


def test_default_texts_without_support_say_how_to_reach_a_person() -> None:
    decision = decide_with("HELP", support_contact="")
    assert decision.replies == (
        "Acme: Reply AGENT to reach a person. Msg&data rates may apply. Reply STOP to opt out.",
    )


def test_default_settings_texts() -> None:
    texts = default_settings_texts("Acme", "help@acme.test")
    assert set(texts) == {
        "help_text",
        "stop_text",
        "start_text",
        "fallback_text",
        "handoff_ack",
        "after_hours_text",
    }
    for key in ("help_text", "stop_text", "start_text"):
        assert texts[key].startswith("Acme: ")
    assert "Msg&data rates may apply" in texts["help_text"] and "STOP" in texts["help_text"]
    assert "help@acme.test" in texts["help_text"]
    assert BotSettings(**texts).help_text == texts["help_text"]
    assert "{{ brand }}" in default_text_templates()["stop_text"]


def test_rules_in_any_order_give_the_same_decision() -> None:
    rules = [
        make_rule(id=i, keywords=(w,), priority=i % 2)
        for i, w in enumerate(["hours", "hour", "ours", "hourz"], 1)
    ]
    expected = decide_with("hours", *rules)
    for seed in range(10):
        shuffled = rules[:]
        random.Random(seed).shuffle(shuffled)
        assert decide_with("hours", *shuffled) == expected


def test_same_input_twice_gives_equal_decisions() -> None:
    bot = Bot([HOURS], make_settings())
    assert bot.decide("what are your hours?", make_state()) == bot.decide(
        "what are your hours?", make_state()
    )


def test_module_level_decide() -> None:
    decision = decide("hours", make_state(), [HOURS], make_settings())
    assert decision.kind is DecisionKind.RULE and decision.replies == ("Open 9-5",)


def test_explain_lists_matches_even_when_compliance_decides() -> None:
    explanation = Bot([HOURS], make_settings()).explain("stop", make_state())
    assert explanation.decision.kind is DecisionKind.OPT_OUT
    assert [m.rule_id for m in explanation.matches] == [1]
    assert explanation.compliance is not None and explanation.compliance.kind == "opt_out"


def test_normalized_text_is_reported() -> None:
    assert decide_with("  What are your HOURS?! ", HOURS).normalized == "what are your hours"


def test_non_text_input_is_treated_as_empty() -> None:
    decision = Bot([HOURS], make_settings()).decide(None, make_state())  # type: ignore[arg-type]
    assert decision.kind is DecisionKind.FALLBACK and decision.normalized == ""
