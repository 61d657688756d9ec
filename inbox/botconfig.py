"""The bot as configured in the database: settings, rules, and a per-process compiled cache.

Every rule or setting change bumps `bot_version` in the same transaction. Each process compares
that one number before deciding and recompiles when it moved, so a change takes effect on the
next message in every process, without a restart.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import Bot, BotSettings, Rule
from bot.hours import parse_hours
from bot.rules import SubscribeList, SubscriptionTexts
from bot.texts import default_text_templates
from inbox.models import KeywordRule, Setting, SubscriberList

VERSION_KEY = "bot_version"


def read_settings(session: Session) -> dict[str, str]:
    """Every stored setting as text."""
    return {row.key: row.value for row in session.scalars(select(Setting))}


def bot_settings(stored: Mapping[str, str], app_config: Mapping[str, Any]) -> BotSettings:
    """BotSettings from stored values, falling back to BRAND_NAME / SUPPORT_CONTACT from the config."""
    misses = stored.get("misses_before_handoff", "")
    hours, _problems = parse_hours(stored.get("timezone") or "UTC", _json(stored.get("business_hours")))
    return BotSettings(
        brand_name=stored.get("brand_name") or app_config.get("BRAND_NAME") or "Textdesk demo",
        support_contact=stored.get("support_contact") or app_config.get("SUPPORT_CONTACT") or "",
        help_text=stored.get("help_text", ""),
        stop_text=stored.get("stop_text", ""),
        start_text=stored.get("start_text", ""),
        fallback_text=stored.get("fallback_text", ""),
        handoff_ack=stored.get("handoff_ack", ""),
        misses_before_handoff=int(misses) if misses.isdigit() and int(misses) > 0 else 2,
        after_hours_text=stored.get("after_hours_text", ""),
        business_hours=hours,  # stored values were validated on the way in; a bad one counts as unset
    )


def subscription_texts(session: Session, app_config: Mapping[str, Any]) -> SubscriptionTexts:
    """How joining a list is worded with the brand and support contact stored now (one query)."""
    settings = bot_settings(read_settings(session), app_config)
    return SubscriptionTexts(settings.brand_name, settings.support_contact)


def _json(value: str | None) -> object:
    try:
        return json.loads(value) if value else {}
    except ValueError:
        return {}


def subscribe_list(row: SubscriberList) -> SubscribeList:
    """The facts about a stored list that the bot needs to word joining it."""
    return SubscribeList(
        id=row.id, name=row.name, frequency=row.frequency or "", double_opt_in=bool(row.double_opt_in)
    )


def subscribe_lists(session: Session, ids: Iterable[int | None] | None = None) -> dict[int, SubscribeList]:
    """The stored lists (only those ids, when given) as the bot sees them: one query."""
    query = select(SubscriberList)
    if ids is not None:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        query = query.where(SubscriberList.id.in_(wanted))
    return {row.id: subscribe_list(row) for row in session.scalars(query)}


def to_bot_rule(row: KeywordRule, lists: Mapping[int, SubscribeList] | None = None) -> Rule:
    """The pure twin of a stored rule; a subscribe rule gets its list from lists (loaded when not given)."""
    joined = None
    if row.list_id is not None:
        if lists is None:
            session = Session.object_session(row)
            lists = subscribe_lists(session, [row.list_id]) if session is not None else {}
        joined = lists.get(row.list_id)
    return Rule(
        id=row.id,
        name=row.name,
        keywords=tuple(row.keywords),
        match=row.match,  # type: ignore[arg-type]
        fuzzy=row.fuzzy,
        threshold=row.threshold,
        priority=row.priority,
        enabled=row.enabled,
        reply=row.reply,
        action=row.action,  # type: ignore[arg-type]
        position=row.position,
        list_id=row.list_id,
        subscribe_list=joined,
    )


def stored_bot_rules(session: Session) -> list[Rule]:
    """Every stored rule as the bot sees it, in list order, with the lists they subscribe to (two queries)."""
    rows = session.scalars(select(KeywordRule).order_by(KeywordRule.position, KeywordRule.id)).all()
    lists = subscribe_lists(session, [row.list_id for row in rows])
    return [to_bot_rule(row, lists) for row in rows]


def current_version(session: Session) -> int:
    """The stored bot configuration version (0 before any change)."""
    value = session.scalar(select(Setting.value).where(Setting.key == VERSION_KEY))
    return int(value) if value and value.isdigit() else 0


def bump_version(session: Session) -> None:
    """Mark the bot configuration changed; call inside the transaction that changes it."""
    changed = session.execute(
        update(Setting)
        .where(Setting.key == VERSION_KEY)
        .values(value=str(current_version(session) + 1))
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        session.add(Setting(key=VERSION_KEY, value="1"))


def write_settings(session: Session, values: Mapping[str, str]) -> None:
    """Store settings (no commit) and bump the bot version."""
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    bump_version(session)


def store_default_settings(session: Session, config: Mapping[str, Any]) -> None:
    """Store the default compliance texts, brand and support where none are stored yet; no commit."""
    stored = read_settings(session)
    support = str(stored.get("support_contact") or config.get("SUPPORT_CONTACT") or "")
    missing = {key: text for key, text in default_text_templates(support).items() if not stored.get(key)}
    if "brand_name" not in stored:
        missing["brand_name"] = str(config.get("BRAND_NAME") or "Textdesk demo")
    if "support_contact" not in stored:
        missing["support_contact"] = support
    if "misses_before_handoff" not in stored:
        missing["misses_before_handoff"] = "2"
    if missing:
        write_settings(session, missing)


class BotCache:
    """One compiled Bot per process, rebuilt when the stored version moves."""

    def __init__(self, app_config: Mapping[str, Any]) -> None:
        self._config = app_config
        self._lock = threading.Lock()
        self._version = -1
        self._bot: Bot | None = None

    def get(self, session: Session) -> Bot:
        """The Bot for the current stored configuration."""
        version = current_version(session)
        bot = self._bot
        if bot is not None and version == self._version:
            return bot
        with self._lock:
            if self._bot is None or version != self._version:
                settings = bot_settings(read_settings(session), self._config)
                self._bot = Bot(stored_bot_rules(session), settings)
                self._version = version
            return self._bot
