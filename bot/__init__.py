"""The bot: pure decision logic (stdlib + rapidfuzz only).

Feed it a text, the conversation's state and the compiled rules; get back a frozen Decision.
It never does I/O, so it is trivially testable and benchmarkable (the h11 habit).
"""

from bot.engine import Bot, Explanation, decide
from bot.rules import (
    BotSettings,
    ConversationState,
    Decision,
    DecisionKind,
    Rule,
    RuleError,
    RuleMatch,
)
from bot.texts import default_settings_texts, default_text_templates
from bot.validation import validate_rule, validate_settings

__all__ = [
    "Bot",
    "BotSettings",
    "ConversationState",
    "Decision",
    "DecisionKind",
    "Explanation",
    "Rule",
    "RuleError",
    "RuleMatch",
    "decide",
    "default_settings_texts",
    "default_text_templates",
    "validate_rule",
    "validate_settings",
]
