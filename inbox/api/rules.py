"""/api/v1/rules: keyword rules CRUD, and rules/test to see what the bot would do."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import Select, and_, or_, select

from bot import BotSettings
from bot.conflicts import Conflict, find_conflicts
from inbox import resources
from inbox.actions.rules import (
    LIST_FACTS,
    RULE_DEFAULTS,
    RULE_FIELDS,
    InvalidReorder,
    InvalidRule,
    create_rule,
    current_values,
    delete_rule,
    import_rules,
    reorder_rules,
    saved_rules,
    update_rule,
)
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit
from inbox.botconfig import bot_settings, read_settings, subscribe_list, to_bot_rule
from inbox.db import get_session, utcnow
from inbox.models import ConfigChange, KeywordRule, SubscriberList
from inbox.resources import iso

EXPORT_FORMAT = "textdesk-rules"
EXPORT_VERSION = 1
MAX_IMPORT = 5000

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


def typed_rule_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The rule fields of a request body, type-checked (meaning is checked by the bot's validation)."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a rule field")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "list_id":
            if value is not None and not is_id(value):
                raise invalid("list_id", "must be a list id or null")
            values[name] = value
            continue
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
    if values.get("list_id") is not None:
        # The list's facts ride along, so validation and the test bench judge the rule without a lookup.
        row = get_session().get(SubscriberList, values["list_id"])
        values[LIST_FACTS] = subscribe_list(row) if row is not None else None
    return values


def rule_json(row: KeywordRule) -> dict[str, Any]:
    """The rule resource, with the list a subscribe rule joins."""
    return {**resources.rule(row), "list_id": row.list_id}


def invalid_rule(error: InvalidRule) -> ApiError:
    fields = [{"field": e.field, "message": e.message} for e in error.errors]
    return ApiError(422, "invalid_rule", str(error), fields)


def desk_settings() -> BotSettings:
    """The bot settings as stored now (replies are measured with this desk's brand and support)."""
    return bot_settings(read_settings(get_session()), current_app.config)


def _with_conflicts(row: KeywordRule) -> dict[str, Any]:
    """The rule resource plus the conflicts it has with the other rules now."""
    others = [r for r in saved_rules(get_session()) if r.id != row.id]
    conflicts = find_conflicts(to_bot_rule(row), others)
    return {**rule_json(row), "conflicts": [conflict_json(c) for c in conflicts]}


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """A conflict as the API shows it."""
    return {
        "kind": conflict.kind,
        "keyword": conflict.keyword,
        "rule_id": conflict.rule_id,
        "rule_name": conflict.rule_name,
        "example": conflict.example,
        "winner": conflict.winner,
        "message": conflict.message,
    }


@bp.get("/rules")
def list_rules() -> Response:
    """Every rule, in list order (the order the admin set)."""
    page_size = limit()
    query = select(KeywordRule)
    cursor = decode_cursor(2)
    if cursor is not None:
        position, last_id = cursor
        if not isinstance(position, int) or isinstance(position, bool) or not is_id(last_id):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(
            or_(
                KeywordRule.position > position,
                and_(KeywordRule.position == position, KeywordRule.id > last_id),
            )
        )
    rows = (
        get_session().scalars(query.order_by(KeywordRule.position, KeywordRule.id).limit(page_size + 1)).all()
    )
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].position, rows[-1].id)
    return jsonify(data=[rule_json(r) for r in rows], next_cursor=next_cursor)


@bp.post("/rules")
def create_rule_view() -> tuple[Response, int]:
    """Create a rule at the end of the list (admins); the answer lists its conflicts."""
    _require_admin()
    values = {**RULE_DEFAULTS, **typed_rule_fields(json_body())}
    for required in ("name", "keywords"):
        if required not in values:
            raise invalid(required, "is required")
    try:
        row = create_rule(get_session(), values, g.api_user, desk_settings())
    except InvalidRule as error:
        raise invalid_rule(error) from None
    return jsonify(_with_conflicts(row)), 201


def _rule(rule_id: int) -> KeywordRule:
    row = get_session().get(KeywordRule, rule_id)
    if row is None:
        raise not_found("rule")
    return row


@bp.get("/rules/<id:rule_id>")
def get_rule(rule_id: int) -> Response:
    """One rule."""
    return jsonify(rule_json(_rule(rule_id)))


@bp.patch("/rules/<id:rule_id>")
def patch_rule(rule_id: int) -> Response:
    """Change some fields of a rule (admins); the answer lists its conflicts."""
    _require_admin()
    row = _rule(rule_id)
    data = json_body()
    base = data.pop("base_updated_at", None)
    if base is not None and not isinstance(base, str):
        raise invalid("base_updated_at", "must be the updated_at the edit started from")
    if base is not None and base != iso(row.updated_at):
        # Someone saved this rule after the editor loaded it: saving now would silently undo their change.
        raise ApiError(
            409,
            "edit_conflict",
            "this rule was changed by someone else since you opened it; reload it and edit again",
            rule=rule_json(row),
        )
    try:
        update_rule(get_session(), row, typed_rule_fields(data), g.api_user, desk_settings())
    except InvalidRule as error:
        raise invalid_rule(error) from None
    return jsonify(_with_conflicts(row))


@bp.delete("/rules/<id:rule_id>")
def delete_rule_view(rule_id: int) -> tuple[str, int]:
    """Delete a rule (admins); its history stays."""
    _require_admin()
    delete_rule(get_session(), _rule(rule_id), g.api_user)
    return "", 204


@bp.post("/rules/reorder")
def reorder_rules_view() -> Response:
    """Put the rules in a new order (admins): ids lists every rule exactly once."""
    _require_admin()
    ids = json_body().get("ids")
    if not isinstance(ids, list) or not all(is_id(i) for i in ids):
        raise invalid("ids", "must be a list of rule ids")
    try:
        rows = reorder_rules(get_session(), ids, g.api_user)
    except InvalidReorder as error:
        raise invalid("ids", str(error)) from None
    return jsonify(data=[rule_json(r) for r in rows])


@bp.get("/rules/export")
def export_rules() -> Response:
    """Every rule as a JSON file, in list order (import takes the same file back)."""
    rows = get_session().scalars(select(KeywordRule).order_by(KeywordRule.position, KeywordRule.id))
    now = utcnow()
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": iso(now),
        "rules": [current_values(row) for row in rows],
    }
    response = jsonify(document)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=textdesk-rules-{now.date().isoformat()}.json"
    )
    return response


@bp.post("/rules/import")
def import_rules_view() -> Response:
    """Replace (or append to) the rules from an exported file (admins); all or nothing."""
    _require_admin()
    data = json_body()
    if data.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise invalid("format", f"must be {EXPORT_FORMAT!r}: this is not a Textdesk rules file")
    if data.get("version", EXPORT_VERSION) != EXPORT_VERSION:
        raise invalid("version", f"this Textdesk reads version {EXPORT_VERSION} rules files")
    mode = data.get("mode", "replace")
    if mode not in ("replace", "append"):
        raise invalid("mode", "must be replace or append")
    definitions = data.get("rules")
    if not isinstance(definitions, list):
        raise invalid("rules", "must be a list of rules")
    if len(definitions) > MAX_IMPORT:
        raise invalid("rules", f"at most {MAX_IMPORT} rules per file")
    values, problems = [], []
    for index, definition in enumerate(definitions):
        if not isinstance(definition, dict):
            problems.append({"field": f"rules[{index}]", "message": "must be an object"})
            continue
        try:
            typed = {**RULE_DEFAULTS, **typed_rule_fields(definition)}
        except ApiError as error:
            problems.extend({**f, "field": f"rules[{index}].{f['field']}"} for f in error.fields or [])
            continue
        missing = [name for name in ("name", "keywords") if name not in typed]
        problems.extend({"field": f"rules[{index}].{name}", "message": "is required"} for name in missing)
        values.append(typed)
    if problems:
        raise _invalid_import(problems)
    try:
        result = import_rules(
            get_session(), values, replace_all=mode == "replace", user=g.api_user, settings=desk_settings()
        )
    except InvalidRule as error:
        raise _invalid_import([{"field": e.field, "message": e.message} for e in error.errors]) from None
    return jsonify(
        imported=len(result.imported),
        deleted=result.deleted,
        data=[rule_json(r) for r in result.imported],
    )


def _invalid_import(problems: list[dict[str, str]]) -> ApiError:
    count = len(problems)
    message = f"nothing was imported: {count} problem{'s' if count != 1 else ''} in the file"
    return ApiError(422, "invalid_import", message, problems)


@bp.get("/rules/changes")
def list_rule_changes() -> Response:
    """The history of rule changes, newest first (?rule_id= for one rule's)."""
    query = select(ConfigChange).where(ConfigChange.subject == "rule")
    raw_rule_id = request.args.get("rule_id")
    if raw_rule_id is not None:
        if not raw_rule_id.isdigit() or not is_id(int(raw_rule_id)):
            raise invalid("rule_id", "must be a rule id")
        query = query.where(ConfigChange.subject_id == int(raw_rule_id))
    return changes_page(query)


def changes_page(query: Select[ConfigChange]) -> Response:
    """One page of recorded configuration changes, newest first."""
    page_size = limit()
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(ConfigChange.id < cursor[0])
    rows = get_session().scalars(query.order_by(ConfigChange.id.desc()).limit(page_size + 1)).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].id)
    return jsonify(data=[resources.config_change(r) for r in rows], next_cursor=next_cursor)
