"""The bot test bench: check a rule draft, test a text, replay recent traffic. Nothing is stored or sent.

Every endpoint takes an optional unsaved `draft` (rule fields) and `draft_id` (the saved rule it
edits): the bench then answers as if the draft were saved, so an admin sees the effect of a change
before it goes live.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify

from bot import Bot, BotSettings, ConversationState, Decision, Explanation, Rule
from bot.conflicts import find_conflicts
from bot.templates import TemplateContext, compile_template, render
from bot.texts import effective_text_templates
from bot.validation import validate_rule
from inbox.actions.rules import RULE_DEFAULTS, InvalidRule, rules_with_draft, saved_rules
from inbox.api import bp
from inbox.api.errors import invalid
from inbox.api.params import is_id, json_body, text_field
from inbox.api.rules import conflict_json, invalid_rule, typed_rule_fields
from inbox.botconfig import bot_settings, read_settings
from inbox.db import get_session, utcnow
from inbox.replay import MAX_REPLAY, replay
from inbox.resources import iso
from sms.segments import analyze

SAMPLE_NAME = "Alex Smith"
SAMPLE_PHONE = "+14155550100"
DEFAULT_REPLAY = 200


def text_details(text: str) -> dict[str, Any]:
    """A text as the customer gets it: characters, segments, encoding."""
    info = analyze(text)
    return {"text": text, "characters": len(text), "segments": info.segments, "encoding": info.encoding}


def _draft(data: dict[str, Any]) -> tuple[dict[str, Any] | None, int | None]:
    """The draft rule fields (defaults filled in) and the id of the rule it edits, if any."""
    draft_id = data.get("draft_id")
    if draft_id is not None and not is_id(draft_id):
        raise invalid("draft_id", "must be a rule id")
    raw = data.get("draft")
    if raw is None:
        return None, draft_id
    if not isinstance(raw, dict):
        raise invalid("draft", "must be an object of rule fields")
    values = {**RULE_DEFAULTS, "name": "(draft)", "keywords": [], **typed_rule_fields(raw)}
    return values, draft_id


def _bot(draft: dict[str, Any] | None, draft_id: int | None) -> Bot:
    """The bot as saved, or as it would be with the draft saved (a draft with problems is a 422)."""
    session = get_session()
    if draft is None:
        return current_app.extensions["textdesk.bot_cache"].get(session)
    rules, rule = rules_with_draft(saved_rules(session), draft, draft_id)
    assert rule is not None
    errors = validate_rule(rule)
    if errors:
        raise invalid_rule(InvalidRule(list(errors)))
    return Bot(rules, bot_settings(read_settings(session), current_app.config))


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


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    """A decision with what the test bench shows beside it: compliance, every reply's segments."""
    decision = explanation.decision
    hit = explanation.compliance
    return {
        **decision_json(decision),
        "reply_details": [text_details(reply) for reply in decision.replies],
        "compliance": {"kind": hit.kind, "matched": hit.matched, "source": hit.source} if hit else None,
    }


@bp.post("/rules/test")
def test_rules() -> Response:
    """What the bot would do with a text (optionally with an unsaved draft rule); sends and stores nothing."""
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
    state = ConversationState(
        status=status, opted_out=opted_out, misses=misses, contact_name=name, now=utcnow()
    )
    bot = _bot(*_draft(data))
    return jsonify(explanation_json(bot.explain(text, state)))


@bp.post("/rules/check")
def check_rule_view() -> Response:
    """A rule draft's problems, conflicts with the other rules and rendered preview; saves nothing."""
    data = json_body()
    raw = data.get("rule")
    if not isinstance(raw, dict):
        raise invalid("rule", "must be an object of rule fields")
    rule_id = data.get("id")
    if rule_id is not None and not is_id(rule_id):
        raise invalid("id", "must be a rule id")
    sample = data.get("sample")
    sample = {} if sample is None else sample
    if not isinstance(sample, dict):
        raise invalid("sample", "must be an object with name and phone")
    sample_name = text_field(sample, "name", required=False, max_length=200)
    sample_phone = text_field(sample, "phone", required=False, max_length=32) or SAMPLE_PHONE

    values = {**RULE_DEFAULTS, "name": "", "keywords": [], **typed_rule_fields(raw)}
    session = get_session()
    rules, rule = rules_with_draft(saved_rules(session), values, rule_id)
    assert rule is not None
    settings = bot_settings(read_settings(session), current_app.config)
    errors = validate_rule(rule, settings)
    conflicts = find_conflicts(rule, [r for r in rules if r is not rule])
    return jsonify(
        errors=[{"field": e.field, "message": e.message} for e in errors],
        conflicts=[conflict_json(c) for c in conflicts],
        # An explicit empty name previews a contact with no name saved (the default("…") case).
        preview=_preview(
            rule, settings, SAMPLE_NAME if "name" not in sample else sample_name or None, sample_phone
        ),
    )


def _preview(rule: Rule, settings: BotSettings, name: str | None, phone: str) -> dict[str, Any] | None:
    """The reply rendered for a sample contact, as the customer would get it; None if it cannot render."""
    template = compile_template(rule.reply)
    if template.problems:
        return None
    context = TemplateContext(name, phone, settings.brand_name, settings.support_contact)
    ack = None
    if rule.action in ("handoff", "reply_handoff"):
        ack = render(effective_text_templates(settings)["handoff_ack"], context).strip()
    text = template.render(context).strip() if rule.action != "handoff" else ""
    return {**text_details(text), "handoff_ack": ack}


@bp.post("/rules/replay")
def replay_rules() -> Response:
    """The last N inbound texts decided again (saved rules, or with a draft) beside what really happened."""
    data = json_body()
    count = data.get("limit", DEFAULT_REPLAY)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_REPLAY:
        raise invalid("limit", f"must be an integer from 1 to {MAX_REPLAY}")
    only_changed = data.get("only_changed", True)
    if not isinstance(only_changed, bool):
        raise invalid("only_changed", "must be a boolean")
    bot = _bot(*_draft(data))
    results = replay(get_session(), bot, count)
    changed = [r for r in results if r.change is not None]
    shown = changed if only_changed else results
    return jsonify(
        considered=len(results),
        changed=len(changed),
        not_recorded=sum(1 for r in results if r.actual is None),
        results=[
            {
                "message_id": r.message.id,
                "conversation_id": r.message.conversation_id,
                "contact": {
                    "id": r.message.contact.id,
                    "phone": r.message.contact.phone,
                    "name": r.message.contact.name,
                },
                "at": iso(r.message.created_at),
                "text": r.message.body,
                "actual": r.actual.as_json() if r.actual else None,
                "proposed": r.proposed.as_json(),
                "changed": r.change is not None,
                "change": r.change,
            }
            for r in shown
        ],
    )
