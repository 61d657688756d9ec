"""GET /api/v1/openapi.json: the OpenAPI 3 document of everything under /api/v1."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify

from bot.hours import WEEKDAYS
from bot.rules import ACTIONS, MATCH_TYPES, DecisionKind
from bot.texts import TEXT_FIELDS
from inbox.actions.notes import MAX_BODY as MAX_NOTE
from inbox.actions.settings import TEXT_SETTINGS
from inbox.api import bp, spec_campaigns, spec_imports, spec_subscribers
from inbox.api.conversations import FOLDERS
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
from inbox.models.canned import SHORTCUT_INPUT_PATTERN
from inbox.models.contacts import CONSENT_ACTIONS, CONSENT_SOURCES
from inbox.models.conversations import STATUSES as CONVERSATION_STATUSES
from inbox.models.messages import SENDERS
from inbox.models.messages import STATUSES as MESSAGE_STATUSES
from inbox.models.users import ROLES
from inbox.replay import MAX_REPLAY

CLOCK = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}
BUSINESS_HOURS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        day: {
            "type": "array",
            "maxItems": 4,
            "items": {"type": "array", "items": CLOCK, "minItems": 2, "maxItems": 2},
        }
        for day in WEEKDAYS
    },
}
SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": STR,
                    "message": STR,
                    "fields": {"type": "array", "items": obj({"field": STR, "message": STR})},
                    "message_resource": ref("Message"),
                },
                required=["code", "message"],
            )
        }
    ),
    "UserBrief": obj({"id": INT, "email": STR, "name": STR, "role": enum(ROLES)}),
    "ContactBrief": obj({"id": INT, "phone": STR, "name": nullable(STR), "opted_out": BOOL}),
    "ConsentEvent": obj(
        {
            "action": enum(CONSENT_ACTIONS),
            "source": enum(CONSENT_SOURCES),
            "at": DATETIME,
            "message_id": nullable(INT),
            "note": STR,
        }
    ),
    "Contact": {
        "allOf": [
            ref("ContactBrief"),
            obj(
                {
                    "address_kind": {"type": "string", "enum": ["e164", "short_code", "alphanumeric"]},
                    "opted_out_at": nullable(DATETIME),
                    "created_at": DATETIME,
                    "last_inbound_at": nullable(DATETIME),
                    "consent": {"type": "array", "items": ref("ConsentEvent")},
                    "conversation_ids": {"type": "array", "items": INT},
                    "conversations": {"type": "array", "items": ref("ConversationBrief")},
                }
            ),
        ]
    },
    "ConversationBrief": obj(
        {
            "id": INT,
            "status": enum(CONVERSATION_STATUSES),
            "created_at": DATETIME,
            "resolved_at": nullable(DATETIME),
            "last_message_at": DATETIME,
        }
    ),
    "MessagePreview": obj(
        {
            "body": STR,
            "direction": {"type": "string", "enum": ["inbound", "outbound"]},
            "sender": enum(SENDERS),
            "created_at": DATETIME,
        }
    ),
    "FolderCount": obj({"count": INT, "unread": INT}),
    "FolderCounts": obj({folder: ref("FolderCount") for folder in FOLDERS}),
    "User": {"allOf": [ref("UserBrief"), obj({"active": BOOL})]},
    "Note": obj(
        {
            "id": INT,
            "conversation_id": INT,
            "contact_id": INT,
            "author": nullable(ref("UserBrief")),
            "body": STR,
            "created_at": DATETIME,
        }
    ),
    "TimelineItem": {
        "oneOf": [
            {"allOf": [obj({"type": {"type": "string", "enum": ["message"]}}), ref("Message")]},
            {"allOf": [obj({"type": {"type": "string", "enum": ["note"]}}), ref("Note")]},
        ]
    },
    "CannedResponse": obj({"id": INT, "shortcut": STR, "body": STR}),
    "Conversation": obj(
        {
            "id": INT,
            "contact": ref("ContactBrief"),
            "status": enum(CONVERSATION_STATUSES),
            "assignee": nullable(ref("UserBrief")),
            "last_message_at": DATETIME,
            "unread_count": INT,
            "created_at": DATETIME,
            "resolved_at": nullable(DATETIME),
            "last_message": nullable(ref("MessagePreview")),
        }
    ),
    "ConversationWithMessages": {
        "allOf": [ref("Conversation"), obj({"messages": {"type": "array", "items": ref("Message")}})]
    },
    "Message": obj(
        {
            "id": INT,
            "conversation_id": INT,
            "contact_id": INT,
            "direction": {"type": "string", "enum": ["inbound", "outbound"]},
            "sender": enum(SENDERS),
            "sender_user": nullable(ref("UserBrief")),
            "purpose": STR,
            "body": STR,
            "media": {"type": "array", "items": obj({"url": STR, "content_type": nullable(STR)})},
            "status": enum(MESSAGE_STATUSES),
            "error_code": nullable(INT),
            "error_message": nullable(STR),
            "provider_sid": nullable(STR),
            "segments": INT,
            "encoding": {"type": "string", "enum": ["GSM-7", "UCS-2"]},
            "created_at": DATETIME,
            "sent_at": nullable(DATETIME),
            "delivered_at": nullable(DATETIME),
            "campaign": nullable(
                {
                    **obj({"id": INT, "name": STR}),
                    "description": "outbound: the campaign that sent it; inbound: the campaign it replies to",
                }
            ),
        }
    ),
    "Rule": obj(
        {
            "id": INT,
            "name": STR,
            "keywords": {"type": "array", "items": STR},
            "match": enum(MATCH_TYPES),
            "fuzzy": BOOL,
            "threshold": {"type": "number"},
            "priority": INT,
            "enabled": BOOL,
            "reply": STR,
            "action": enum(ACTIONS),
            "list_id": nullable(INT),
            "position": INT,
            "created_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
    "Conflict": obj(
        {
            "kind": {"type": "string", "enum": ["duplicate_keyword", "reserved_word", "overlap"]},
            "keyword": STR,
            "rule_id": nullable(INT),
            "rule_name": nullable(STR),
            "example": STR,
            "winner": nullable({"type": "string", "enum": ["this", "other", "compliance"]}),
            "message": STR,
        }
    ),
    "RuleWithConflicts": {
        "allOf": [ref("Rule"), obj({"conflicts": {"type": "array", "items": ref("Conflict")}})]
    },
    "TextDetails": obj(
        {"text": STR, "characters": INT, "segments": INT, "encoding": {"type": "string", "enum": ENCODINGS}}
    ),
    "RuleCheck": obj(
        {
            "errors": {"type": "array", "items": obj({"field": STR, "message": STR})},
            "conflicts": {"type": "array", "items": ref("Conflict")},
            "preview": nullable({"allOf": [ref("TextDetails"), obj({"handoff_ack": nullable(STR)})]}),
        }
    ),
    "RuleChange": obj(
        {
            "id": INT,
            "at": DATETIME,
            "user": nullable(ref("UserBrief")),
            "action": {
                "type": "string",
                "enum": ["created", "updated", "deleted", "reordered", "imported"],
            },
            "rule_id": nullable(INT),
            "rule_name": STR,
            "before": nullable({"type": "object"}),
            "after": nullable({"type": "object"}),
        }
    ),
    "RuleDefinition": obj(
        {
            "name": STR,
            "keywords": {"type": "array", "items": STR},
            "match": enum(MATCH_TYPES),
            "fuzzy": BOOL,
            "threshold": {"type": "number"},
            "priority": INT,
            "enabled": BOOL,
            "reply": STR,
            "action": enum(ACTIONS),
            "list_id": nullable(INT),
        },
        required=[
            "name",
            "keywords",
            "match",
            "fuzzy",
            "threshold",
            "priority",
            "enabled",
            "reply",
            "action",
        ],
    ),
    "RulesFile": obj(
        {
            "format": {"type": "string", "enum": ["textdesk-rules"]},
            "version": {"type": "integer", "enum": [1]},
            "exported_at": DATETIME,
            "rules": {"type": "array", "items": ref("RuleDefinition")},
        }
    ),
    "Outcome": obj(
        {
            "kind": STR,
            "rule_id": nullable(INT),
            "rule_name": nullable(STR),
            "replies": {"type": "array", "items": STR},
            "handoff": BOOL,
        }
    ),
    "Replay": obj(
        {
            "considered": INT,
            "changed": INT,
            "not_recorded": INT,
            "results": {
                "type": "array",
                "items": obj(
                    {
                        "message_id": INT,
                        "conversation_id": INT,
                        "contact": obj({"id": INT, "phone": STR, "name": nullable(STR)}),
                        "at": DATETIME,
                        "text": STR,
                        "actual": nullable(ref("Outcome")),
                        "proposed": ref("Outcome"),
                        "changed": BOOL,
                        "change": nullable(
                            {
                                "type": "string",
                                "enum": [
                                    "newly_answered",
                                    "no_longer_answered",
                                    "different_rule",
                                    "different_reply",
                                    "handoff_changed",
                                ],
                            }
                        ),
                    }
                ),
            },
        }
    ),
    "Settings": obj(
        {
            **{key: STR for key in TEXT_SETTINGS},
            "misses_before_handoff": INT,
            "business_hours": BUSINESS_HOURS,
            "warnings": {"type": "array", "items": obj({"field": STR, "message": STR})},
            "defaults": obj({key: STR for key in TEXT_FIELDS}),
        }
    ),
    "SettingsPreview": obj(
        {
            "texts": obj({key: ref("TextDetails") for key in TEXT_FIELDS}),
            "warnings": {"type": "array", "items": obj({"field": STR, "message": STR})},
            "errors": {"type": "array", "items": obj({"field": STR, "message": STR})},
        }
    ),
    "RuleInput": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 120},
            "keywords": {"type": "array", "items": STR, "minItems": 1, "maxItems": 100},
            "match": enum(MATCH_TYPES),
            "fuzzy": BOOL,
            "threshold": {"type": "number", "minimum": 50, "maximum": 100},
            "priority": {"type": "integer", "minimum": -1000000, "maximum": 1000000},
            "enabled": BOOL,
            "reply": {"type": "string", "maxLength": 1600},
            "action": enum(ACTIONS),
            "list_id": {**nullable(ROW_ID), "description": 'action "subscribe": the list the keyword joins'},
        },
    },
    # A draft being edited: typed, but its values may still be wrong (/rules/check reports them).
    "RuleDraft": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": STR,
            "keywords": {"type": "array", "items": STR, "maxItems": 100},
            "match": STR,
            "fuzzy": BOOL,
            "threshold": {"type": "number"},
            "priority": {"type": "integer", "minimum": -1000000, "maximum": 1000000},
            "enabled": BOOL,
            "reply": STR,
            "action": STR,
            "list_id": nullable(ROW_ID),
        },
    },
    "RuleMatch": obj(
        {"rule_id": INT, "rule_name": STR, "keyword": STR, "score": {"type": "number"}, "priority": INT}
    ),
    "Decision": obj(
        {
            "kind": {
                "type": "string",
                "enum": [str(kind) for kind in DecisionKind],
            },
            "normalized": STR,
            "replies": {"type": "array", "items": STR},
            "handoff": BOOL,
            "consent": nullable(enum(CONSENT_ACTIONS)),
            "consent_source": nullable({"type": "string", "enum": ["keyword", "plain_language"]}),
            "match": nullable(ref("RuleMatch")),
            "runners_up": {"type": "array", "items": ref("RuleMatch")},
            "misses": INT,
            "reason": STR,
        }
    ),
    "Explanation": {
        "allOf": [
            ref("Decision"),
            obj(
                {
                    "reply_details": {"type": "array", "items": ref("TextDetails")},
                    "compliance": nullable(
                        obj(
                            {
                                "kind": {"type": "string", "enum": ["opt_out", "opt_in", "help"]},
                                "matched": STR,
                                "source": STR,
                            }
                        )
                    ),
                }
            ),
        ]
    },
}


DRAFT_FIELDS: dict[str, Any] = {
    "draft": nullable(ref("RuleInput")),
    "draft_id": nullable(ROW_ID),
}
SETTINGS_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{key: {"type": "string", "maxLength": 5000} for key in TEXT_SETTINGS},
        "misses_before_handoff": {"type": "integer", "minimum": 1, "maximum": 100},
        "business_hours": BUSINESS_HOURS,
    },
}
# The settings form while it is being edited: typed, values checked by the answer's errors.
SETTINGS_DRAFT: dict[str, Any] = {
    **SETTINGS_INPUT,
    "properties": {
        **SETTINGS_INPUT["properties"],
        "misses_before_handoff": {"type": "integer", "minimum": -1000000, "maximum": 1000000},
        "business_hours": {"type": "object"},
    },
}
FOLDER_HELP = (
    "needs_agent (pending), mine (assigned to me, pending or open), unassigned (pending or open), "
    "open (pending or open), bot, resolved"
)
CANNED_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "shortcut": {"type": "string", "pattern": SHORTCUT_INPUT_PATTERN},
        "body": {"type": "string", "minLength": 1, "maxLength": 1600},
    },
}

PATHS: dict[str, Any] = {
    "/conversations": {
        "get": {
            "operationId": "listConversations",
            "summary": "Conversations, most recent activity first",
            "parameters": [
                query("status", STR, "bot, pending, open or resolved; several comma-separated"),
                query("folder", enum(FOLDERS), "an inbox folder: " + FOLDER_HELP),
                query("assignee", STR, "a user id, 'me' or 'none'"),
                query("phone", STR, "a phone number in any formatting"),
                query("q", {"type": "string", "maxLength": 200}, "search phone, name and message text"),
                *PAGING,
            ],
            "responses": responses(200, "A page of conversations", page_of("Conversation")),
        }
    },
    "/inbox/counts": {
        "get": {
            "operationId": "inboxCounts",
            "summary": "How many conversations each inbox folder holds, and how many have unread texts",
            "responses": responses(200, "Counts per folder", ref("FolderCounts")),
        }
    },
    "/conversations/{conversation_id}/read": {
        "parameters": [path_id("conversation_id")],
        "post": {
            "operationId": "markConversationRead",
            "summary": "The caller has seen the conversation: unread_count drops to 0",
            "responses": responses(200, "The conversation", ref("Conversation")),
        },
    },
    "/conversations/{conversation_id}/notes": {
        "parameters": [path_id("conversation_id")],
        "post": {
            "operationId": "addNote",
            "summary": "A private note: shown to the team, never sent",
            "requestBody": body(obj({"body": {"type": "string", "minLength": 1, "maxLength": MAX_NOTE}})),
            "responses": responses(201, "The note", ref("Note")),
        },
    },
    "/conversations/{conversation_id}": {
        "parameters": [path_id("conversation_id")],
        "get": {
            "operationId": "getConversation",
            "summary": "One conversation with its messages, oldest first",
            "responses": responses(200, "The conversation", ref("ConversationWithMessages")),
        },
        "patch": {
            "operationId": "updateConversation",
            "summary": "Change status and/or assignee",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "status": enum(CONVERSATION_STATUSES),
                        "assignee_id": nullable(ROW_ID),
                    },
                }
            ),
            "responses": responses(200, "The changed conversation", ref("Conversation"), 409),
        },
    },
    "/conversations/{conversation_id}/messages": {
        "parameters": [path_id("conversation_id")],
        "post": {
            "operationId": "replyInConversation",
            "summary": "An agent's reply; 409 opted_out when the contact opted out",
            "requestBody": body(obj({"body": {"type": "string", "minLength": 1, "maxLength": 1600}})),
            "responses": responses(201, "The queued message", ref("Message"), 409),
        },
    },
    "/contacts": {
        "get": {
            "operationId": "listContacts",
            "summary": "Contacts, newest first",
            "parameters": [query("phone", STR, "a phone number in any formatting"), *PAGING],
            "responses": responses(200, "A page of contacts", page_of("ContactWithSubscriptions")),
        }
    },
    "/contacts/{contact_id}": {
        "parameters": [path_id("contact_id")],
        "get": {
            "operationId": "getContact",
            "summary": "One contact with its consent ledger",
            "responses": responses(200, "The contact", ref("ContactWithSubscriptions")),
        },
        "patch": {
            "operationId": "updateContact",
            "summary": "Change the contact's display name (null clears it)",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"name": nullable({"type": "string", "maxLength": 200})},
                }
            ),
            "responses": responses(200, "The contact", ref("ContactWithSubscriptions")),
        },
    },
    "/contacts/{contact_id}/timeline": {
        "parameters": [path_id("contact_id")],
        "get": {
            "operationId": "contactTimeline",
            "summary": "The contact's whole history across conversations (messages and notes), newest first",
            "parameters": PAGING,
            "responses": responses(200, "A page of the timeline", page_of("TimelineItem")),
        },
    },
    "/me": {
        "get": {
            "operationId": "me",
            "summary": "The user behind the token or session",
            "responses": responses(200, "The user", ref("UserBrief")),
        }
    },
    "/users": {
        "get": {
            "operationId": "listUsers",
            "summary": "The team, active users first (one page)",
            "responses": responses(200, "The users", page_of("User")),
        }
    },
    "/canned-responses": {
        "get": {
            "operationId": "listCannedResponses",
            "summary": "Canned responses by shortcut (one page)",
            "responses": responses(200, "The canned responses", page_of("CannedResponse")),
        },
        "post": {
            "operationId": "createCannedResponse",
            "summary": "Create a canned response (admins)",
            "requestBody": body(CANNED_INPUT | {"required": ["shortcut", "body"]}),
            "responses": responses(201, "The canned response", ref("CannedResponse")),
        },
    },
    "/canned-responses/{canned_id}": {
        "parameters": [path_id("canned_id")],
        "patch": {
            "operationId": "updateCannedResponse",
            "summary": "Change a canned response (admins)",
            "requestBody": body(CANNED_INPUT),
            "responses": responses(200, "The canned response", ref("CannedResponse")),
        },
        "delete": {
            "operationId": "deleteCannedResponse",
            "summary": "Delete a canned response (admins)",
            "responses": responses(204, "Deleted", None),
        },
    },
    "/rules": {
        "get": {
            "operationId": "listRules",
            "summary": "Keyword rules in list order",
            "parameters": PAGING,
            "responses": responses(200, "A page of rules", page_of("Rule")),
        },
        "post": {
            "operationId": "createRule",
            "summary": "Create a rule (admins)",
            "requestBody": body({**SCHEMAS["RuleInput"], "required": ["name", "keywords"]}),
            "responses": responses(201, "The new rule and its conflicts", ref("RuleWithConflicts")),
        },
    },
    "/rules/{rule_id}": {
        "parameters": [path_id("rule_id")],
        "get": {
            "operationId": "getRule",
            "summary": "One rule",
            "responses": responses(200, "The rule", ref("Rule")),
        },
        "patch": {
            "operationId": "updateRule",
            "summary": "Change some fields of a rule (admins)",
            "requestBody": body(
                {
                    **SCHEMAS["RuleInput"],
                    "properties": {
                        **SCHEMAS["RuleInput"]["properties"],
                        "base_updated_at": {
                            "type": "string",
                            "description": "the rule's updated_at when the edit began: 409 edit_conflict "
                            "if someone saved it since",
                        },
                    },
                }
            ),
            "responses": responses(200, "The changed rule and its conflicts", ref("RuleWithConflicts"), 409),
        },
        "delete": {
            "operationId": "deleteRule",
            "summary": "Delete a rule (admins)",
            "responses": responses(204, "Deleted", None),
        },
    },
    "/rules/test": {
        "post": {
            "operationId": "testRules",
            "summary": "What the bot would do with a text (optionally with an unsaved draft rule)",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "maxLength": 10000},
                        "status": {"type": "string", "enum": ["new", "bot", "pending", "open"]},
                        "opted_out": BOOL,
                        "misses": {"type": "integer", "minimum": 0, "maximum": 1000},
                        "contact_name": nullable({"type": "string", "maxLength": 200}),
                        **DRAFT_FIELDS,
                    },
                }
            ),
            "responses": responses(200, "The decision, explained", ref("Explanation")),
        }
    },
    "/rules/check": {
        "post": {
            "operationId": "checkRule",
            "summary": "A rule draft's problems, conflicts and rendered preview; saves nothing",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["rule"],
                    "properties": {
                        "rule": ref("RuleDraft"),
                        "id": nullable(ROW_ID),
                        "sample": {
                            "type": "object",
                            "nullable": True,
                            "properties": {
                                "name": nullable({"type": "string", "maxLength": 200}),
                                "phone": nullable({"type": "string", "maxLength": 32}),
                            },
                        },
                    },
                }
            ),
            "responses": responses(200, "Problems, conflicts and preview", ref("RuleCheck")),
        }
    },
    "/rules/replay": {
        "post": {
            "operationId": "replayRules",
            "summary": "The last N inbound texts decided again, beside what really happened",
            "requestBody": body(
                {
                    "type": "object",
                    "properties": {
                        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_REPLAY},
                        "only_changed": BOOL,
                        **DRAFT_FIELDS,
                    },
                }
            ),
            "responses": responses(200, "The replay", ref("Replay")),
        }
    },
    "/rules/reorder": {
        "post": {
            "operationId": "reorderRules",
            "summary": "Put every rule in a new order (admins)",
            "requestBody": body(
                obj(
                    {
                        "ids": {
                            "type": "array",
                            "items": ROW_ID,
                        }
                    }
                )
            ),
            "responses": responses(
                200, "The rules in their new order", obj({"data": {"type": "array", "items": ref("Rule")}})
            ),
        }
    },
    "/rules/export": {
        "get": {
            "operationId": "exportRules",
            "summary": "Every rule as a JSON file (import takes it back)",
            "responses": responses(200, "The rules file", ref("RulesFile")),
        }
    },
    "/rules/import": {
        "post": {
            "operationId": "importRules",
            "summary": "Replace (or append to) the rules from a rules file (admins); all or nothing",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["rules"],
                    "properties": {
                        "format": {"type": "string", "enum": ["textdesk-rules"]},
                        "version": {"type": "integer", "enum": [1]},
                        "exported_at": {"description": "informational: read by people, ignored here"},
                        "mode": {"type": "string", "enum": ["replace", "append"]},
                        "rules": {"type": "array", "items": ref("RuleInput"), "maxItems": 5000},
                    },
                }
            ),
            "responses": responses(
                200,
                "What was imported",
                obj({"imported": INT, "deleted": INT, "data": {"type": "array", "items": ref("Rule")}}),
            ),
        }
    },
    "/rules/changes": {
        "get": {
            "operationId": "listRuleChanges",
            "summary": "The history of rule changes, newest first",
            "parameters": [
                query("rule_id", ROW_ID, "one rule's history"),
                *PAGING,
            ],
            "responses": responses(200, "A page of changes", page_of("RuleChange")),
        }
    },
    "/settings": {
        "get": {
            "operationId": "getSettings",
            "summary": "The brand, compliance texts, hand-off and business hours",
            "responses": responses(200, "The settings", ref("Settings")),
        },
        "patch": {
            "operationId": "updateSettings",
            "summary": "Change some settings (admins)",
            "requestBody": body(SETTINGS_INPUT),
            "responses": responses(200, "The settings", ref("Settings")),
        },
    },
    "/settings/changes": {
        "get": {
            "operationId": "listSettingsChanges",
            "summary": 'The history of settings changes, newest first (rule_name is "settings")',
            "parameters": PAGING,
            "responses": responses(200, "A page of changes", page_of("RuleChange")),
        }
    },
    "/settings/preview": {
        "post": {
            "operationId": "previewSettings",
            "summary": "Each text as a customer would get it with these unsaved settings",
            "requestBody": body(SETTINGS_DRAFT),
            "responses": responses(200, "The rendered texts", ref("SettingsPreview")),
        }
    },
}


# Each area of the API describes its own endpoints; the document is their union.
for _area in (spec_subscribers, spec_imports, spec_campaigns):
    SCHEMAS.update(_area.SCHEMAS)
    PATHS.update(_area.PATHS)


def query_parameters(flask_rule: str, method: str) -> frozenset[str]:
    """The query parameter names the document declares for a Flask route and method."""
    return _QUERY_PARAMETERS.get((_openapi_path(flask_rule), method.lower()), frozenset())


def _openapi_path(flask_rule: str) -> str:
    path = flask_rule.removeprefix("/api/v1")
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", path)


_QUERY_PARAMETERS = {
    (path, method): frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
    for path, item in PATHS.items()
    for method, operation in item.items()
    if method != "parameters"
}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Textdesk API",
            "version": "1",
            "description": "Conversations, contacts, sends and keyword rules of a Textdesk SMS desk.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3 document of the API (public, so integrators can read it before they have a token)."""
    return jsonify(document())
