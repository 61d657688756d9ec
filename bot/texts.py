"""Lawful default texts for HELP/STOP/START, fallback and hand-off, used when a setting is empty.

The defaults are templates ({{ brand }}, {{ support }}) so they follow the brand name when it
changes; default_settings_texts() renders them for an inbox that wants to store plain text.
"""

from __future__ import annotations

from bot.rules import BotSettings
from bot.templates import TemplateContext, render

HELP_TEMPLATE = "{{ brand }}: Help at {{ support }}. Msg&data rates may apply. Reply STOP to opt out."
# Without a support contact the help text still says how to reach a person: through this thread.
HELP_TEMPLATE_NO_SUPPORT = (
    "{{ brand }}: Reply AGENT to reach a person. Msg&data rates may apply. Reply STOP to opt out."
)
STOP_TEMPLATE = (
    "{{ brand }}: You are unsubscribed and will receive no further messages. Reply START to resubscribe."
)
START_TEMPLATE = (
    "{{ brand }}: You are subscribed again. Msg&data rates may apply. Reply HELP for help, STOP to opt out."
)
FALLBACK_TEMPLATE = (
    "Sorry, I didn't catch that. Reply AGENT to reach a person, HELP for help or STOP to opt out."
)
HANDOFF_TEMPLATE = "Thanks! An agent will reply shortly."
AFTER_HOURS_TEMPLATE = "Thanks! We're closed right now; an agent will reply {{ next_open }}."

TEXT_FIELDS: tuple[str, ...] = (
    "help_text",
    "stop_text",
    "start_text",
    "fallback_text",
    "handoff_ack",
    "after_hours_text",
)


def default_text_templates(support: str = "") -> dict[str, str]:
    """The default texts as templates, keyed by BotSettings field name."""
    return {
        "help_text": HELP_TEMPLATE if support.strip() else HELP_TEMPLATE_NO_SUPPORT,
        "stop_text": STOP_TEMPLATE,
        "start_text": START_TEMPLATE,
        "fallback_text": FALLBACK_TEMPLATE,
        "handoff_ack": HANDOFF_TEMPLATE,
        "after_hours_text": AFTER_HOURS_TEMPLATE,
    }


def default_settings_texts(brand: str, support: str = "") -> dict[str, str]:
    """The default texts rendered for a brand and support contact, keyed by BotSettings field name."""
    context = TemplateContext(brand=brand, support=support)
    return {key: render(text, context) for key, text in default_text_templates(support).items()}


def effective_text_templates(settings: BotSettings) -> dict[str, str]:
    """The settings' texts, with the default template standing in for every empty one."""
    defaults = default_text_templates(settings.support_contact)
    return {
        key: getattr(settings, key) if getattr(settings, key).strip() else defaults[key]
        for key in TEXT_FIELDS
    }
