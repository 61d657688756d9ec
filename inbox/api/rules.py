"""/api/v1/rules: keyword rules CRUD, and rules/test to see what the bot would do."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify
from sqlalchemy import select

from bot import ConversationState, Decision
from inbox import resources
from inbox.actions.rules import (
    RULE_DEFAULTS,
    RULE_FIELDS,
    InvalidRule,
    create_rule,
    delete_rule,
    update_rule,
)
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit, text_field
from inbox.db import get_session
from inbox.models import KeywordRule

_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "keywords": (list,),
    "match": (str,),
    "fuzzy": (bool,),
    "threshold": (int, float),
    "priority": (int,),
    "enabled": (bool,),
    "reply": (str,),
    "action": (str,),
}


def _require_admin() -> None:
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", "only admins can change rules")


def _typed_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The rule fields of a request body, type-checked (meaning is checked by the bot's validation)."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a rule field")
    values: dict[str, Any] = {}
    for name, value in data.items():
        types = _TYPES[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise invalid(name, f"must be a {' or '.join(t.__name__ for t in types)}")
        values[name] = value
    if "keywords" in values:
        keywords = values["keywords"]
        if not all(isinstance(k, str) for k in keywords):
            raise invalid("keywords", "must be a list of strings")
        if len(keywords) > 100:
            raise invalid("keywords", "at most 100 keywords per rule")
    if "priority" in values and not -1_000_000 <= values["priority"] <= 1_000_000:
        raise invalid("priority", "must be between -1000000 and 1000000")
    if "threshold" in values:
        values["threshold"] = float(values["threshold"])
    return values


def _invalid_rule(error: InvalidRule) -> ApiError:
    fields = [{"field": e.field, "message": e.message} for e in error.errors]
    return ApiError(422, "invalid_rule", str(error), fields)


@bp.get("/rules")
def list_rules() -> Response:
    """Every rule, by id."""
    page_size = limit()
    query = select(KeywordRule)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(KeywordRule.id > cursor[0])
    rows = get_session().scalars(query.order_by(KeywordRule.id).limit(page_size + 1)).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].id)
    return jsonify(data=[resources.rule(r) for r in rows], next_cursor=next_cursor)


@bp.post("/rules")
def create_rule_view() -> tuple[Response, int]:
    """Create a rule (admins)."""
    _require_admin()
    values = {**RULE_DEFAULTS, **_typed_fields(json_body())}
    for required in ("name", "keywords"):
        if required not in values:
            raise invalid(required, "is required")
    try:
        row = create_rule(get_session(), values)
    except InvalidRule as error:
        raise _invalid_rule(error) from None
    return jsonify(resources.rule(row)), 201


def _rule(rule_id: int) -> KeywordRule:
    row = get_session().get(KeywordRule, rule_id)
    if row is None:
        raise not_found("rule")
    return row


@bp.get("/rules/<id:rule_id>")
def get_rule(rule_id: int) -> Response:
    """One rule."""
    return jsonify(resources.rule(_rule(rule_id)))


@bp.patch("/rules/<id:rule_id>")
def patch_rule(rule_id: int) -> Response:
    """Change some fields of a rule (admins)."""
    _require_admin()
    row = _rule(rule_id)
    try:
        update_rule(get_session(), row, _typed_fields(json_body()))
    except InvalidRule as error:
        raise _invalid_rule(error) from None
    return jsonify(resources.rule(row))


@bp.delete("/rules/<id:rule_id>")
def delete_rule_view(rule_id: int) -> tuple[str, int]:
    """Delete a rule (admins)."""
    _require_admin()
    delete_rule(get_session(), _rule(rule_id))
    return "", 204


def decision_json(decision: Decision) -> dict[str, Any]:
    """A bot decision as the API shows it."""

    def match_json(match: Any) -> dict[str, Any]:
        return {
            "rule_id": match.rule_id,
            "rule_name": match.rule_name,
            "keyword": match.keyword,
            "score": round(match.score, 2),
            "priority": match.priority,
        }

    return {
        "kind": str(decision.kind),
        "normalized": decision.normalized,
        "replies": list(decision.replies),
        "handoff": decision.handoff,
        "consent": decision.consent,
        "consent_source": decision.consent_source,
        "match": match_json(decision.match) if decision.match else None,
        "runners_up": [match_json(m) for m in decision.runners_up],
        "misses": decision.misses,
        "reason": decision.reason,
    }


@bp.post("/rules/test")
def test_rules() -> Response:
    """What the bot would do with a text, given an optional conversation state; sends and stores nothing."""
    data = json_body()
    text = text_field(data, "text", max_length=10_000) or ""
    status = data.get("status", "bot")
    if status not in ("new", "bot", "pending", "open"):
        raise invalid("status", "must be one of new, bot, pending, open")
    opted_out = data.get("opted_out", False)
    if not isinstance(opted_out, bool):
        raise invalid("opted_out", "must be a boolean")
    misses = data.get("misses", 0)
    if not isinstance(misses, int) or isinstance(misses, bool) or not 0 <= misses <= 1000:
        raise invalid("misses", "must be an integer from 0 to 1000")
    name = text_field(data, "contact_name", required=False, max_length=200)
    state = ConversationState(status=status, opted_out=opted_out, misses=misses, contact_name=name)
    bot = current_app.extensions["textdesk.bot_cache"].get(get_session())
    return jsonify(decision_json(bot.decide(text, state)))
