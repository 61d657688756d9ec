"""Requests for a human."""

from __future__ import annotations

import pytest

from bot.intents import is_human_request
from bot.normalize import tokenize


@pytest.mark.parametrize(
    "text",
    [
        "AGENT",
        "agent!",
        "HUMAN",
        "Person",
        "representative",
        "OPERATOR",
        "talk to someone",
        "speak to a person",
        "real person",
        "talk to a human",
        "can I speak with someone",
        "can I speak with someone about my bill?",
        "I need an agent",
        "agent please",
        "human please 🙏",
        "let me talk to a human",
        "transfer me to an agent",
        "is this a real person?",
        "live agent",
        "I want to talk to a real person",
        "connect me with a representative",
        "can I speak to a manager",
        "I'd like to chat with someone",
    ],
)
def test_human_requests(text: str) -> None:
    assert is_human_request(tokenize(text))


@pytest.mark.parametrize(
    "text",
    [
        "is a person available to pick up my order at 5?",
        "my agent said I could return it",
        "the delivery person left it at the door",
        "talk to you later",
        "I spoke to someone yesterday",
        "can someone tell me your hours?",
        "I don't need to talk to anyone",
        "how many persons can you seat",
        "the operator was rude",
        "I don't need an agent",
        "no agent needed",
        "what are your hours",
        "one person for dinner at 7",
        "my travel agent booked it",
        "",
    ],
)
def test_not_human_requests(text: str) -> None:
    assert not is_human_request(tokenize(text))
