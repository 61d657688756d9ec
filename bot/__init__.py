"""The bot: pure decision logic (stdlib + rapidfuzz only).

Feed it a text, the conversation's state and the compiled rules; get back a frozen Decision.
It never does I/O, so it is trivially testable and benchmarkable (the h11 habit).
"""

from bot.engine import Bot, decide
from bot.rules import (
    BotSettings,
    ConversationState,
    Decision,
    DecisionKind,
    Rule,
    RuleError,
)

__all__ = [
    "Bot",
    "BotSettings",
    "ConversationState",
    "Decision",
    "DecisionKind",
    "Rule",
    "RuleError",
    "decide",
]
