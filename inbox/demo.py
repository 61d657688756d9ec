"""The demo: useful rules, canned responses, the default compliance texts and an admin login, seeded once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.actions.canned import create_canned
from inbox.actions.rules import RULE_DEFAULTS, create_rule
from inbox.actions.subscribers import create_list
from inbox.actions.users import create_user
from inbox.botconfig import bot_settings, read_settings, store_default_settings
from inbox.models import Setting

SEEDED_KEY = "demo_seeded"
DEMO_ADMIN = "admin@textdesk.local"

DEMO_RULES: list[dict[str, Any]] = [
    {
        "name": "Opening hours",
        "keywords": ["hours", "opening hours", "open", "when are you open", "closing time"],
        "match": "phrase",
        "reply": "We're open Mon-Fri 9am-6pm and Sat 10am-4pm. Closed Sundays.",
    },
    {
        "name": "Address",
        "keywords": ["address", "location", "where are you", "directions"],
        "match": "phrase",
        "reply": "You'll find us at 123 Main Street, Springfield. Parking is behind the building.",
    },
    {
        "name": "Order status",
        "keywords": ["order", "order status", "where is my order", "tracking", "delivery"],
        "match": "phrase",
        "reply": 'Hi {{ contact.first_name | default("there") }}! Reply with your order number and an agent '
        "will look it up for you.",
        "action": "reply_handoff",
        "priority": 5,
    },
    {
        "name": "Greeting",
        "keywords": ["hi", "hello", "hey", "good morning"],
        "match": "first_word",
        "reply": "Hello from {{ brand }}! Ask about our hours, address or your order, "
        "or reply AGENT for a person.",
        "priority": -10,
    },
    {
        "name": "Thanks",
        "keywords": ["thanks", "thank you", "thx", "🙏"],
        "match": "exact",
        "reply": "You're welcome! 😊",
    },
    {
        "name": "Refunds go to a person",
        "keywords": ["refund", "money back", "complaint"],
        "match": "phrase",
        "action": "handoff",
        "priority": 10,
    },
]


# A list to show the marketing side: customers join by texting JOIN VIP or on its public form, /join/vip.
DEMO_LIST: dict[str, Any] = {
    "name": "VIP Club",
    "description": "Early access to sales and members-only offers.",
    "frequency": "up to 4 msgs/month",
    "slug": "vip",
    "signup_enabled": True,
    "welcome_text": 'Welcome to the VIP Club, {{ contact.first_name | default("friend") }}! Your first '
    "offer is on its way.",
}
DEMO_JOIN_RULE: dict[str, Any] = {
    "name": "Join the VIP Club",
    "keywords": ["join vip", "vip"],
    "match": "exact",
    "action": "subscribe",
}


DEMO_CANNED = {
    "hi": "Hi! Thanks for texting us. How can I help?",
    "hours": "We're open Mon-Fri 9am-6pm and Sat 10am-4pm.",
    "order": "Could you send me your order number? I'll look it up right away.",
    "thanks": "Thanks for your patience! Anything else I can help with?",
    "bye": "Glad I could help. Have a great day!",
}


def seed_demo(session: Session, config: Mapping[str, Any]) -> tuple[str, str] | None:
    """Seed once; returns the admin login created, or None when already seeded."""
    if session.scalar(select(Setting.value).where(Setting.key == SEEDED_KEY)):
        return None
    store_default_settings(session, config)
    session.commit()
    for rule in DEMO_RULES:
        create_rule(session, {**RULE_DEFAULTS, **rule})
    vip = create_list(session, DEMO_LIST, bot_settings(read_settings(session), config))
    create_rule(session, {**RULE_DEFAULTS, **DEMO_JOIN_RULE, "list_id": vip.id})
    for shortcut, body in DEMO_CANNED.items():
        create_canned(session, shortcut, body)
    _, password = create_user(session, DEMO_ADMIN, "admin", name="Demo admin")
    session.add(Setting(key=SEEDED_KEY, value="1"))
    session.commit()
    return DEMO_ADMIN, password
