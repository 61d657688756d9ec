"""Before launch: who a campaign reaches, what they receive, how many segments it costs, what to fix."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import BotSettings
from inbox.campaigns.audience import AudienceCounts, audience_condition, count_audience, skip_reason
from inbox.campaigns.quiet_hours import SendWindow
from inbox.campaigns.render import Renderer
from inbox.models import Contact, Sender
from sms.segments import analyze, ucs2_trigger

SAMPLE_SIZE = 500  # recipients rendered to estimate segments (exact below this many)
SHOWN_SAMPLES = 3
SAMPLE_CONTACT = ("Alex Smith", "+14155550123")
_EXPRESSION_RE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# The TCPA's quiet hours: no marketing texts before 8 AM or after 9 PM, recipient's local time.
LAWFUL_START, LAWFUL_END = 8 * 60, 21 * 60  # minutes after midnight


def preview(
    session: Session,
    *,
    list_id: int | None,
    segment_filter: str,
    template: str,
    sender: Sender,
    window: SendWindow,
    settings: BotSettings,
    now: dt.datetime,
) -> dict[str, Any]:
    """Counts after exclusions, sample texts, segments and cost, and warnings (nothing is stored)."""
    counts = count_audience(session, list_id, segment_filter, now)
    renderer = Renderer.load(session, template, settings)
    sample = session.scalars(
        select(Contact)
        .where(audience_condition(session, list_id, segment_filter, now), skip_reason(list_id).is_(None))
        .order_by(Contact.id)
        .limit(SAMPLE_SIZE)
    ).all()
    texts = [(contact, renderer.render(contact)) for contact in sample]
    if not texts:
        name, phone = SAMPLE_CONTACT
        texts_for_estimate = [renderer.render_values(name, phone, {})]
        shown = [{"contact": {"id": None, "phone": phone, "name": name}, **details(texts_for_estimate[0])}]
    else:
        texts_for_estimate = [body for _, body in texts]
        shown = [
            {"contact": {"id": c.id, "phone": c.phone, "name": c.name}, **details(body)}
            for c, body in texts[:SHOWN_SAMPLES]
        ]
    segments = [analyze(body).segments for body in texts_for_estimate]
    average = sum(segments) / len(segments)
    exact = counts.eligible <= len(texts)
    total = sum(segments) if exact else math.ceil(average * counts.eligible)
    return {
        "audience": counts.as_json(),
        "samples": shown,
        "segments": {"per_text_average": round(average, 2), "total": total, "estimated": not exact},
        "cost": {
            "price_per_segment": sender.price_per_segment,
            "total": round(total * sender.price_per_segment, 4),
        },
        "sender": {"id": sender.id, "name": sender.name, "segments_per_second": sender.segments_per_second},
        "duration_seconds": math.ceil(total / sender.segments_per_second) if total else 0,
        "warnings": warnings(template, texts_for_estimate, texts, counts, window, settings),
    }


def details(body: str) -> dict[str, Any]:
    """One text's characters, segments and encoding."""
    info = analyze(body)
    return {
        "text": body,
        "characters": len(body),
        "segments": info.segments,
        "encoding": info.encoding,
        "non_gsm_characters": list(info.non_gsm_chars),
    }


def warnings(
    template: str,
    bodies: Sequence[str],
    texts: Sequence[tuple[Contact, str]],
    counts: AudienceCounts,
    window: SendWindow,
    settings: BotSettings,
) -> list[dict[str, str]]:
    """What to look at before launching (none blocks the launch)."""
    found: list[dict[str, str]] = []
    literal = _EXPRESSION_RE.sub("", template)
    fixed_ucs2 = ucs2_trigger(literal)
    if fixed_ucs2:
        shown = " ".join(fixed_ucs2[:8])
        found.append(
            {
                "code": "ucs2_template",
                "message": f"The text has characters outside GSM-7 ({shown}): every text goes as UCS-2, "
                "70 characters per segment instead of 160. Replace them to halve the cost.",
            }
        )
    else:
        personal = [(c, body) for c, body in texts if analyze(body).encoding == "UCS-2"]
        if personal:
            example = personal[0][0].name or personal[0][0].phone
            found.append(
                {
                    "code": "ucs2_personalised",
                    "message": f"{len(personal)} of {len(texts)} sampled texts turn UCS-2 (70 characters per "
                    f"segment) because of what a contact's name or attributes hold, e.g. {example}.",
                }
            )
    most = max((analyze(body).segments for body in bodies), default=1)
    if most > 1:
        found.append(
            {
                "code": "multi_segment",
                "message": f"Texts run to {most} segments: each one is billed {most} times.",
            }
        )
    if "stop" not in template.casefold():
        found.append(
            {
                "code": "no_opt_out",
                "message": 'Say how to opt out, e.g. "Reply STOP to opt out": carriers expect it in '
                "marketing texts.",
            }
        )
    if "{{ brand" not in template and "{{brand" not in template and settings.brand_name not in template:
        found.append(
            {
                "code": "no_brand",
                "message": f"Name your business ({settings.brand_name}, or {{{{ brand }}}}) so people know "
                "who is texting.",
            }
        )
    if window.start < LAWFUL_START or window.end > LAWFUL_END:
        found.append(
            {
                "code": "window_outside_lawful_hours",
                "message": "The sending window reaches outside 08:00–21:00 local time, when the TCPA "
                "forbids marketing texts in the US.",
            }
        )
    excluded = counts.selected - counts.eligible
    if excluded:
        found.append(
            {
                "code": "excluded",
                "message": f"{excluded} of {counts.selected} selected contacts will not be texted "
                f"({counts.opted_out} opted out, {counts.not_subscribed} not subscribed, "
                f"{counts.invalid_number} without a textable number).",
            }
        )
    return found
