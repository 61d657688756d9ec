"""The OpenAPI description of campaigns, senders and reports."""

from __future__ import annotations

from typing import Any

from inbox.api.spec_parts import (
    BOOL,
    DATETIME,
    ENCODINGS,
    INT,
    PAGING,
    ROW_ID,
    STR,
    body,
    enum,
    nullable,
    obj,
    page_of,
    path_id,
    query,
    ref,
    responses,
)
from inbox.campaigns.report import MAX_DAYS
from inbox.models.campaigns import CAMPAIGN_STATUSES, RECIPIENT_STATUSES, SKIP_REASONS, TEMPLATE_KINDS

NUMBER = {"type": "number"}
CLOCK = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}
COUNTS = {"type": "object", "additionalProperties": INT}
RECIPIENT_COUNTS = obj(
    {"total": INT, "pending": INT, "sent": INT, "skipped": INT, "skipped_by_reason": COUNTS}
)

CAMPAIGN_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "list_id": nullable(ROW_ID),
        "segment_id": nullable(ROW_ID),
        "segment_filter": {"type": "string", "maxLength": 2000, "description": "the segment language"},
        "template": {
            "type": "string",
            "maxLength": 1600,
            "description": 'the text; {{ contact.first_name | default("there") }}, '
            "{{ contact.<attribute> }}, {{ brand }} …",
        },
        "sender_id": nullable(ROW_ID),
        "window_start": {**CLOCK, "description": "local time texts may start going out (default 09:00)"},
        "window_end": {**CLOCK, "description": "local time texts stop going out (default 20:00)"},
    },
}
SENDER_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "from_address": {
            "type": "string",
            "maxLength": 64,
            "description": "an E.164 number, a short code, a messaging service sid (MG…), or empty for the "
            "desk's configured sender",
        },
        "segments_per_second": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 1000},
        "price_per_segment": {"type": "number", "minimum": 0, "maximum": 10},
    },
}
TEXT_DETAILS = obj(
    {
        "text": STR,
        "characters": INT,
        "segments": INT,
        "encoding": enum(ENCODINGS),
        "non_gsm_characters": {"type": "array", "items": STR},
    }
)

SCHEMAS: dict[str, Any] = {
    "Sender": obj(
        {
            "id": INT,
            "name": STR,
            "from_address": STR,
            "segments_per_second": NUMBER,
            "price_per_segment": NUMBER,
            "created_at": DATETIME,
        }
    ),
    "CampaignProgress": obj(
        {
            "recipients": RECIPIENT_COUNTS,
            "messages": COUNTS,
            "segments_sent": INT,
            "replies": INT,
            "opt_outs": INT,
        }
    ),
    "Campaign": obj(
        {
            "id": INT,
            "name": STR,
            "status": enum(CAMPAIGN_STATUSES),
            "list_id": nullable(INT),
            "list_name": nullable(STR),
            "segment_id": nullable(INT),
            "segment_filter": STR,
            "template": STR,
            "sender_id": nullable(INT),
            "sender": nullable(ref("Sender")),
            "scheduled_at": nullable(DATETIME),
            "window_start": STR,
            "window_end": STR,
            "created_by_id": nullable(INT),
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "launched_at": nullable(DATETIME),
            "queued_at": nullable(DATETIME),
            "completed_at": nullable(DATETIME),
            "cancelled_at": nullable(DATETIME),
            "progress": ref("CampaignProgress"),
        }
    ),
    "CampaignPreview": obj(
        {
            "audience": obj({"selected": INT, "eligible": INT, "excluded": COUNTS}),
            "samples": {
                "type": "array",
                "items": {
                    "allOf": [
                        obj({"contact": obj({"id": nullable(INT), "phone": STR, "name": nullable(STR)})}),
                        TEXT_DETAILS,
                    ]
                },
            },
            "segments": obj({"per_text_average": NUMBER, "total": INT, "estimated": BOOL}),
            "cost": obj({"price_per_segment": NUMBER, "total": NUMBER}),
            "sender": obj({"id": INT, "name": STR, "segments_per_second": NUMBER}),
            "duration_seconds": INT,
            "warnings": {"type": "array", "items": obj({"code": STR, "message": STR})},
        }
    ),
    "CampaignRecipient": obj(
        {
            "contact": obj({"id": INT, "phone": STR, "name": nullable(STR), "opted_out": BOOL}),
            "status": enum(RECIPIENT_STATUSES),
            "skip_reason": nullable(enum(SKIP_REASONS)),
            "not_before": nullable(DATETIME),
            "message": nullable(
                obj(
                    {
                        "id": INT,
                        "status": STR,
                        "error_code": nullable(INT),
                        "error_message": nullable(STR),
                        "segments": INT,
                        "conversation_id": INT,
                    }
                )
            ),
        }
    ),
    "CampaignReport": obj(
        {
            "campaign_id": INT,
            "status": enum(CAMPAIGN_STATUSES),
            "funnel": obj(
                {
                    "targeted": INT,
                    "excluded": INT,
                    "sent": INT,
                    "delivered": INT,
                    "failed": INT,
                    "replies": INT,
                    "opt_outs": INT,
                }
            ),
            "recipients": RECIPIENT_COUNTS,
            "segments_sent": INT,
            "cost": NUMBER,
            "price_per_segment": NUMBER,
            "days": {
                "type": "array",
                "items": obj({"date": STR, "sent": INT, "delivered": INT, "failed": INT, "replies": INT}),
            },
        }
    ),
    "MessageTemplate": obj(
        {
            "id": INT,
            "name": STR,
            "body": STR,
            "kind": enum(TEMPLATE_KINDS),
            "variables": {"type": "array", "items": STR},
            "created_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
    "DailyTraffic": obj({"date": STR, "inbound": INT, "outbound": INT, "opt_outs": INT}),
}

_ONE = [path_id("campaign_id")]
_STATE_ERRORS = 409


def _transition(operation: str, summary: str) -> dict[str, Any]:
    return {
        "parameters": _ONE,
        "post": {
            "operationId": operation,
            "summary": summary,
            "responses": responses(200, "The campaign", ref("Campaign"), _STATE_ERRORS),
        },
    }


TEMPLATE_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]{0,79}$"},
        "body": {"type": "string", "minLength": 1, "maxLength": 1600},
        "kind": enum(TEMPLATE_KINDS),
    },
}

PATHS: dict[str, Any] = {
    "/messages": {
        "post": {
            "operationId": "sendMessage",
            "summary": "Send a text through the one send path: as written, or from a template with variables",
            "description": "Give `body`, or `template` (a template name) with `variables`. A transactional "
            "template goes now to anyone who has not opted out; a marketing one needs a list subscription "
            "(409 not_subscribed) and waits for the recipient's 09:00–20:00 local window. 409 opted_out "
            "when the recipient replied STOP.",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["to"],
                    "properties": {
                        "to": {"type": "string", "description": "E.164 number or short code"},
                        "body": {"type": "string", "minLength": 1, "maxLength": 1600},
                        "template": {"type": "string", "maxLength": 80},
                        "variables": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "maxLength": 500},
                        },
                    },
                }
            ),
            "responses": responses(201, "The queued message", ref("Message"), 409),
        }
    },
    "/templates": {
        "get": {
            "operationId": "listTemplates",
            "summary": "Message templates for triggered texts, by name",
            "responses": responses(200, "Every template", page_of("MessageTemplate")),
        },
        "post": {
            "operationId": "createTemplate",
            "summary": "Add a template (admins)",
            "requestBody": body({**TEMPLATE_INPUT, "required": ["name", "body"]}),
            "responses": responses(201, "The template", ref("MessageTemplate"), 409),
        },
    },
    "/templates/{template_id}": {
        "parameters": [path_id("template_id")],
        "get": {
            "operationId": "getTemplate",
            "summary": "One template",
            "responses": responses(200, "The template", ref("MessageTemplate")),
        },
        "patch": {
            "operationId": "updateTemplate",
            "summary": "Change a template (admins)",
            "requestBody": body(TEMPLATE_INPUT),
            "responses": responses(200, "The template", ref("MessageTemplate"), 409),
        },
        "delete": {
            "operationId": "deleteTemplate",
            "summary": "Delete a template (admins)",
            "responses": responses(204, "Deleted", None),
        },
    },
    "/campaigns": {
        "get": {
            "operationId": "listCampaigns",
            "summary": "Campaigns, newest first, with their progress",
            "parameters": [query("status", enum(CAMPAIGN_STATUSES), "only campaigns in this state"), *PAGING],
            "responses": responses(200, "A page of campaigns", page_of("Campaign")),
        },
        "post": {
            "operationId": "createCampaign",
            "summary": "Create a draft campaign (admins)",
            "requestBody": body({**CAMPAIGN_INPUT, "required": ["name"]}),
            "responses": responses(201, "The draft", ref("Campaign")),
        },
    },
    "/campaigns/preview": {
        "post": {
            "operationId": "previewCampaignDraft",
            "summary": "What an unsaved campaign would do: audience after exclusions, sample texts, "
            "segments, cost, warnings",
            "requestBody": body(CAMPAIGN_INPUT),
            "responses": responses(200, "The preview", ref("CampaignPreview")),
        },
    },
    "/campaigns/{campaign_id}": {
        "parameters": _ONE,
        "get": {
            "operationId": "getCampaign",
            "summary": "One campaign with its progress",
            "responses": responses(200, "The campaign", ref("Campaign")),
        },
        "patch": {
            "operationId": "updateCampaign",
            "summary": "Edit a draft or scheduled campaign (admins)",
            "requestBody": body(CAMPAIGN_INPUT),
            "responses": responses(200, "The campaign", ref("Campaign"), _STATE_ERRORS),
        },
        "delete": {
            "operationId": "deleteCampaign",
            "summary": "Delete a draft (admins)",
            "responses": responses(204, "Deleted", None, _STATE_ERRORS),
        },
    },
    "/campaigns/{campaign_id}/preview": {
        "parameters": _ONE,
        "get": {
            "operationId": "previewCampaign",
            "summary": "The preview of a saved campaign, its audience as of now",
            "responses": responses(200, "The preview", ref("CampaignPreview")),
        },
    },
    "/campaigns/{campaign_id}/launch": {
        "parameters": _ONE,
        "post": {
            "operationId": "launchCampaign",
            "summary": "Launch a draft now, or schedule it (admins)",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"scheduled_at": nullable(DATETIME)},
                },
                required=False,
            ),
            "responses": responses(200, "The scheduled campaign", ref("Campaign"), _STATE_ERRORS),
        },
    },
    "/campaigns/{campaign_id}/pause": _transition("pauseCampaign", "Pause a sending campaign (admins)"),
    "/campaigns/{campaign_id}/resume": _transition("resumeCampaign", "Resume a paused campaign (admins)"),
    "/campaigns/{campaign_id}/cancel": _transition(
        "cancelCampaign", "Cancel a scheduled, sending or paused campaign for good (admins)"
    ),
    "/campaigns/{campaign_id}/recipients": {
        "parameters": _ONE,
        "get": {
            "operationId": "listCampaignRecipients",
            "summary": "The campaign's recipients with their text's delivery state or why they were skipped",
            "parameters": [
                query("status", enum(RECIPIENT_STATUSES), "only recipients in this state"),
                query("skip_reason", enum(SKIP_REASONS), "only recipients skipped for this reason"),
                *PAGING,
            ],
            "responses": responses(200, "A page of recipients", page_of("CampaignRecipient")),
        },
    },
    "/campaigns/{campaign_id}/report": {
        "parameters": _ONE,
        "get": {
            "operationId": "getCampaignReport",
            "summary": "The funnel (targeted → sent → delivered → failed, replies, opt-outs) and its days",
            "responses": responses(200, "The report", ref("CampaignReport")),
        },
    },
    "/senders": {
        "get": {
            "operationId": "listSenders",
            "summary": "The numbers campaigns send from, with their pace (segments per second) and price",
            "responses": responses(200, "Every sender", page_of("Sender")),
        },
        "post": {
            "operationId": "createSender",
            "summary": "Add a sender (admins)",
            "requestBody": body({**SENDER_INPUT, "required": ["name"]}),
            "responses": responses(201, "The sender", ref("Sender"), 409),
        },
    },
    "/senders/{sender_id}": {
        "parameters": [path_id("sender_id")],
        "patch": {
            "operationId": "updateSender",
            "summary": "Change a sender (admins); a running campaign follows a new pace at once",
            "requestBody": body(SENDER_INPUT),
            "responses": responses(200, "The sender", ref("Sender"), 409),
        },
        "delete": {
            "operationId": "deleteSender",
            "summary": "Delete a sender no unfinished campaign uses (admins)",
            "responses": responses(204, "Deleted", None, 409),
        },
    },
    "/reports/daily": {
        "get": {
            "operationId": "getDailyReport",
            "summary": "Texts in, texts out and opt-outs per UTC day",
            "parameters": [
                query("days", {"type": "integer", "minimum": 1, "maximum": MAX_DAYS}, "how many days (30)")
            ],
            "responses": responses(200, "One row per day, oldest first", page_of("DailyTraffic")),
        },
    },
}
