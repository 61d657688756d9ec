"""Keyword rule changes: each one is recorded (who, when, before → after) and bumps the bot version,
in the same transaction, so every process answers the next text with the new rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot import BotSettings, Rule, RuleError
from bot.rules import SubscribeList
from bot.validation import validate_rule
from inbox.actions.changes import record_change
from inbox.botconfig import bump_version, stored_bot_rules, subscribe_lists
from inbox.models import KeywordRule, User

RULE_FIELDS = (
    "name",
    "keywords",
    "match",
    "fuzzy",
    "threshold",
    "priority",
    "enabled",
    "reply",
    "action",
    "list_id",
)
# Rule values may carry the facts of their list under this key (typed_rule_fields looks it up once),
# so a draft is judged without a session; without it the list is looked up by list_id.
LIST_FACTS = "subscribe_list"
# What a new rule gets for the fields it leaves out: the bot's own defaults, so they exist once.
RULE_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in fields(Rule) if f.name in RULE_FIELDS and f.default is not MISSING
}


class InvalidRule(ValueError):
    """A rule definition with problems, one per field."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class InvalidReorder(ValueError):
    """A new order that does not name every rule exactly once."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    imported: list[KeywordRule]
    deleted: int


def list_id_of(values: Mapping[str, Any]) -> int | None:
    """The list a rule's values subscribe to: only a subscribe rule has one (switching away forgets it)."""
    list_id = values.get("list_id")
    return list_id if values.get("action") == "subscribe" and isinstance(list_id, int) else None


def as_bot_rule(
    rule_id: int,
    values: Mapping[str, Any],
    position: int = 0,
    lists: Mapping[int, SubscribeList] | None = None,
) -> Rule:
    """The pure Rule for a set of rule fields (a draft, or a stored rule with changes)."""
    list_id = list_id_of(values)
    joined = values.get(LIST_FACTS)
    if not isinstance(joined, SubscribeList) or joined.id != list_id:
        joined = (lists or {}).get(list_id) if list_id is not None else None
    return Rule(
        id=rule_id,
        name=values["name"],
        keywords=tuple(values["keywords"]),
        match=values["match"],
        fuzzy=values["fuzzy"],
        threshold=float(values["threshold"]),
        priority=values["priority"],
        enabled=values["enabled"],
        reply=values["reply"],
        action=values["action"],
        position=position,
        list_id=list_id,
        subscribe_list=joined,
    )


def check_rule(
    session: Session, rule_id: int, values: Mapping[str, Any], settings: BotSettings | None = None
) -> None:
    """Raise InvalidRule when the rule fields have problems (replies measured with the desk's settings)."""
    lists = subscribe_lists(session, [list_id_of(values)])
    errors = validate_rule(as_bot_rule(rule_id, values, lists=lists), settings)
    if errors:
        raise InvalidRule(list(errors))


def current_values(row: KeywordRule) -> dict[str, Any]:
    """A stored rule's editable fields (list_id only for a subscribe rule: the only kind that has a list)."""
    return {
        name: list(row.keywords) if name == "keywords" else getattr(row, name)
        for name in RULE_FIELDS
        if name != "list_id" or row.action == "subscribe"
    }


def _stored_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a new rule from its values (list_id only for a subscribe rule)."""
    stored = {name: values.get(name) for name in RULE_FIELDS}
    stored["keywords"] = list(values["keywords"])
    stored["list_id"] = list_id_of(values)
    return stored


def _record(
    session: Session,
    user: User | None,
    action: str,
    row: KeywordRule | None,
    name: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    rule_id: int | None = None,
) -> None:
    record_change(session, user, "rule", action, name, before, after, row.id if row is not None else rule_id)


def _next_position(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(KeywordRule.position), 0))) or 0) + 1


def create_rule(
    session: Session,
    values: Mapping[str, Any],
    user: User | None = None,
    settings: BotSettings | None = None,
) -> KeywordRule:
    """Validate and store a new rule at the end of the list. Commits."""
    check_rule(session, 0, values, settings)
    row = KeywordRule(**_stored_fields(values))
    row.position = _next_position(session)
    session.add(row)
    session.flush()
    _record(session, user, "created", row, row.name, None, current_values(row))
    bump_version(session)
    session.commit()
    return row


def update_rule(
    session: Session,
    row: KeywordRule,
    changes: Mapping[str, Any],
    user: User | None = None,
    settings: BotSettings | None = None,
) -> KeywordRule:
    """Validate the rule as it would be after the changes, then apply them. Commits."""
    before = current_values(row)
    merged = {**before, **changes}
    check_rule(session, row.id, merged, settings)
    for name, value in changes.items():
        if name in RULE_FIELDS:
            setattr(row, name, list(value) if name == "keywords" else value)
    row.list_id = list_id_of(merged)
    after = current_values(row)
    if after != before:  # a PATCH that changes nothing is not a change worth a history line
        _record(session, user, "updated", row, row.name, before, after)
        bump_version(session)
    session.commit()
    return row


def delete_rule(session: Session, row: KeywordRule, user: User | None = None) -> None:
    """Delete a rule (its history stays). Commits."""
    _record(session, user, "deleted", None, row.name, current_values(row), None, rule_id=row.id)
    session.delete(row)
    bump_version(session)
    session.commit()


def reorder_rules(session: Session, ids: Sequence[int], user: User | None = None) -> list[KeywordRule]:
    """Put every rule in the given order (ids must name each rule exactly once). Commits."""
    rows = {row.id: row for row in session.scalars(select(KeywordRule))}
    if len(ids) != len(set(ids)) or set(ids) != set(rows):
        raise InvalidReorder("ids must list every rule exactly once")
    before = [r.id for r in sorted(rows.values(), key=lambda r: (r.position, r.id))]
    if before != list(ids):
        for position, rule_id in enumerate(ids, start=1):
            # A move is not an edit: updated_at stays, so an editor open on the rule can still save.
            session.execute(
                update(KeywordRule)
                .where(KeywordRule.id == rule_id)
                .values(position=position, updated_at=KeywordRule.updated_at)
                .execution_options(synchronize_session="fetch")
            )
        order = {"order": [rows[i].name for i in before]}, {"order": [rows[i].name for i in ids]}
        record_change(session, user, "rule", "reordered", "rule order", *order)
        bump_version(session)
    session.commit()
    return [rows[i] for i in ids]


def import_rules(
    session: Session,
    definitions: Sequence[Mapping[str, Any]],
    replace_all: bool,
    user: User | None = None,
    settings: BotSettings | None = None,
) -> ImportResult:
    """Store rule definitions (already type-checked) after validating every one; all or nothing. Commits.

    replace_all: the file's rules replace every current rule; otherwise they are added after them.
    """
    errors: list[RuleError] = []
    lists = subscribe_lists(session, [list_id_of(values) for values in definitions])
    for index, values in enumerate(definitions):
        problems = validate_rule(as_bot_rule(0, values, lists=lists), settings)
        errors.extend(RuleError(f"rules[{index}].{e.field}", e.message) for e in problems)
    if errors:
        raise InvalidRule(errors)
    deleted = 0
    if replace_all:
        for row in session.scalars(select(KeywordRule).order_by(KeywordRule.position, KeywordRule.id)):
            _record(session, user, "deleted", None, row.name, current_values(row), None, rule_id=row.id)
            session.delete(row)
            deleted += 1
        session.flush()
    position = _next_position(session)
    imported = []
    for offset, values in enumerate(definitions):
        row = KeywordRule(**_stored_fields(values))
        row.position = position + offset
        session.add(row)
        imported.append(row)
    session.flush()
    for row in imported:
        _record(session, user, "imported", row, row.name, None, current_values(row))
    bump_version(session)
    session.commit()
    return ImportResult(imported, deleted)


def saved_rules(session: Session) -> list[Rule]:
    """Every stored rule as the bot sees it, in list order."""
    return stored_bot_rules(session)


def rules_with_draft(
    saved: Sequence[Rule], draft: Mapping[str, Any] | None, draft_id: int | None
) -> tuple[list[Rule], Rule | None]:
    """The saved rules with an unsaved draft in place of rule draft_id (or added at the end).

    The draft keeps the place of the rule it edits; a new draft gets id 0 (no stored rule has it).
    """
    if draft is None:
        return list(saved), None
    existing = next((r for r in saved if r.id == draft_id), None) if draft_id is not None else None
    position = existing.position if existing else max((r.position for r in saved), default=0) + 1
    known = {r.subscribe_list.id: r.subscribe_list for r in saved if r.subscribe_list is not None}
    rule = as_bot_rule(existing.id if existing else 0, draft, position, lists=known)
    return [r for r in saved if existing is None or r.id != existing.id] + [rule], rule
