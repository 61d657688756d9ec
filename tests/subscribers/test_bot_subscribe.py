"""The pure bot's side of subscribing: the SUBSCRIBE decision and its texts, YES, rejoining after STOP,
and the validation of subscribe rules (no database: the bot is plain Python)."""

from __future__ import annotations

from typing import Any

import pytest

from bot import Bot, ConversationState, DecisionKind, Rule
from bot.engine import is_confirmation
from bot.normalize import tokenize
from bot.rules import SubscribeList, SubscriptionTexts
from bot.validation import validate_rule
from tests.bot.factories import make_rule, make_settings

VIP = SubscribeList(id=7, name="VIP", frequency="up to 4 msgs/month")
DOUBLE = SubscribeList(id=8, name="Deals", frequency="", double_opt_in=True)


def join_rule(joined: SubscribeList = VIP, **overrides: object) -> Rule:
    values: dict[str, object] = {
        "id": 3,
        "name": "Join",
        "keywords": ("join vip",),
        "match": "first_word",
        "reply": "",
        "action": "subscribe",
        "list_id": joined.id,
        "subscribe_list": joined,
    }
    values.update(overrides)
    return make_rule(**values)


def bot_with(*rules: Rule) -> Bot:
    return Bot(rules, make_settings())


def state(**overrides: Any) -> ConversationState:
    values: dict[str, Any] = {"status": "bot"}
    values.update(overrides)
    return ConversationState(**values)


def test_a_join_keyword_subscribes_with_a_compliant_confirmation() -> None:
    decision = bot_with(join_rule()).decide("Join VIP please", state())
    assert decision.kind is DecisionKind.SUBSCRIBE and decision.subscribe == VIP
    assert decision.consent is None and not decision.handoff and decision.misses == 0
    (text,) = decision.replies
    assert text == (
        "Acme: You're subscribed to VIP. Up to 4 msgs/month. Msg&data rates may apply. "
        "Reply HELP for help, STOP to cancel."
    )
    assert decision.match is not None and decision.match.rule_id == 3


def test_double_opt_in_asks_for_yes_and_an_unsaid_frequency_says_it_varies() -> None:
    decision = bot_with(join_rule(DOUBLE, keywords=("deals",))).decide("DEALS", state())
    assert decision.replies == (
        "Acme: Reply YES to confirm you want Deals texts. Msg frequency varies. Msg&data rates may apply. "
        "Reply STOP to cancel.",
    )
    assert "double opt-in" in decision.reason


def test_the_texts_name_brand_list_frequency_rates_and_how_to_stop() -> None:
    texts = SubscriptionTexts("Acme", "help@acme.test")
    for text in (texts.subscribed(VIP), texts.confirm_request(VIP), texts.disclosure(VIP)):
        for part in ("Acme", "VIP", "Up to 4 msgs/month.", "Msg&data rates may apply", "STOP"):
            assert part in text, (part, text)
    assert "YES" in texts.confirm_request(VIP) and "HELP" in texts.disclosure(VIP)


@pytest.mark.parametrize(
    ("text", "confirms"),
    [
        ("YES", True),
        ("yes!", True),
        ("Yës.", True),
        ("y", True),
        ("Yes please", True),
        ("yes 👍", True),
        ("CONFIRM", True),
        ("yes I agree", True),
        ("yeah", False),
        ("ok", False),
        ("yes but what is this", False),
        ("no", False),
        ("", False),
    ],
)
def test_which_texts_are_a_yes(text: str, confirms: bool) -> None:
    assert is_confirmation(tokenize(text)) is confirms
    decision = bot_with(join_rule()).decide(text, state())
    assert decision.confirms is confirms
    assert (decision.texts is not None) is confirms


def test_a_yes_keeps_its_normal_decision_and_is_marked_in_an_agents_conversation_too() -> None:
    bot = bot_with(join_rule())
    fallback = bot.decide("yes", state())
    assert fallback.kind is DecisionKind.FALLBACK and fallback.confirms and fallback.replies
    held = bot.decide("yes", state(status="open"))
    assert held.kind is DecisionKind.SILENT and held.confirms
    # Opted out, YES is the carriers' opt-in word: compliance answers it, nothing is confirmed.
    opted_out = bot.decide("yes", state(opted_out=True))
    assert opted_out.kind is DecisionKind.OPT_IN and not opted_out.confirms


def test_an_opted_out_contact_rejoins_only_with_the_exact_keyword() -> None:
    bot = bot_with(join_rule(), make_rule(id=4, keywords=("hours",)))
    rejoin = bot.decide("JOIN VIP", state(opted_out=True))
    assert rejoin.kind is DecisionKind.SUBSCRIBE
    assert (rejoin.consent, rejoin.consent_source) == ("opt_in", "keyword")
    assert "opted out" in rejoin.reason
    for text in ("jion vip", "hours", "hello"):
        assert bot.decide(text, state(opted_out=True)).kind is DecisionKind.SILENT, text
    # While an agent has the conversation the bot answers no keyword, not even this one.
    assert bot.decide("JOIN VIP", state(opted_out=True, status="open")).kind is DecisionKind.SILENT


def test_a_subscribe_rule_whose_list_is_gone_subscribes_no_one() -> None:
    decision = bot_with(join_rule(subscribe_list=None)).decide("join vip", state())
    assert decision.kind is DecisionKind.RULE and decision.replies == () and decision.subscribe is None


def test_validation_of_subscribe_rules() -> None:
    assert validate_rule(join_rule()) == []
    fields = {e.field: e.message for e in validate_rule(join_rule(list_id=None, subscribe_list=None))}
    assert fields == {"list_id": "choose the list this keyword subscribes to"}
    fields = {e.field: e.message for e in validate_rule(join_rule(subscribe_list=None))}
    assert fields == {"list_id": "there is no list 7"}
    assert {e.field for e in validate_rule(join_rule(reply="Hi!"))} == {"reply"}
