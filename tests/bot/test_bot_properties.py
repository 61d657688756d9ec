"""Properties: decide() never raises on any text and always gives the same answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import Bot, ConversationState, DecisionKind, Rule, RuleError
from bot.normalize import MAX_INPUT_CHARS
from bot.validation import validate_rule
from tests.bot.factories import make_rule, make_settings, make_state

RULES = [
    make_rule(id=1, keywords=("hours", "opening hours"), match="phrase"),
    make_rule(
        id=2, keywords=("address",), match="exact", reply="Hi {{ contact.first_name | default('there') }}"
    ),
    make_rule(id=3, keywords=("menu",), match="first_word", action="reply_handoff"),
    make_rule(id=4, keywords=(r"order\s*#?\d+",), match="regex", fuzzy=False),
    make_rule(id=5, keywords=("🍕",), match="phrase", action="handoff"),
    make_rule(id=6, keywords=("مرحبا",), match="phrase"),
]
BOT = Bot(RULES, make_settings())

texts = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            ["\x00", "\u200d", "\ufe0f", "\u202e", "🍕", "👍🏽", "é", "ß", " ", "!", "a", "STOP", "שלום"]
        ),
        max_size=200,
    ).map("".join),
    st.builds(
        lambda s, n: (s or "x") * n, st.text(min_size=1, max_size=10), st.integers(160, 700)
    ),  # 1,600+ chars
    st.sampled_from(
        [
            "",
            " ",
            "\x00" * 2000,
            "🍕" * 1700,
            "مرحبا بكم " * 200,
            "\u202eSTOP",
            "stop\x00",
            "opening hours " * 150,
        ]
    ),
)
states = st.builds(
    make_state,
    status=st.sampled_from(["new", "bot", "pending", "open", "resolved"]),
    opted_out=st.booleans(),
    misses=st.integers(0, 5),
    contact_name=st.one_of(st.none(), st.text(max_size=40)),
)


@settings(max_examples=300, deadline=None)
@given(texts, states)
def test_decide_never_raises_and_is_deterministic(text: str, state: ConversationState) -> None:
    first = BOT.decide(text, state)
    again = Bot(reversed(RULES), make_settings()).decide(text, state)
    assert first == again
    assert isinstance(first.kind, DecisionKind)
    assert all(isinstance(reply, str) and reply for reply in first.replies)
    assert len(first.normalized) <= 2 * MAX_INPUT_CHARS  # emoji glued to words get a space
    if first.kind is DecisionKind.SILENT:
        assert first.replies == () and not first.handoff


@settings(max_examples=100, deadline=None)
@given(texts)
def test_explain_agrees_with_decide(text: str) -> None:
    state = make_state()
    assert BOT.explain(text, state).decision == BOT.decide(text, state)


rules = st.builds(
    make_rule,
    id=st.integers(0, 5),
    name=st.text(max_size=20),
    keywords=st.lists(st.text(max_size=30), max_size=4).map(tuple),
    match=st.sampled_from(["exact", "first_word", "phrase", "regex", "bogus"]),
    fuzzy=st.booleans(),
    threshold=st.floats(allow_nan=True, allow_infinity=True),
    priority=st.integers(-5, 5),
    reply=st.text(max_size=60),
    action=st.sampled_from(["reply", "handoff", "reply_handoff", "bogus"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(rules, max_size=6), texts)
def test_any_rules_validate_and_decide_without_raising(some_rules: list[Rule], text: str) -> None:
    for rule in some_rules:
        assert all(isinstance(error, RuleError) for error in validate_rule(rule))
    decision = Bot(some_rules, make_settings()).decide(text, make_state())
    assert isinstance(decision.kind, DecisionKind)
