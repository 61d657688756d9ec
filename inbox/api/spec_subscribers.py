"""The OpenAPI description of the subscriber endpoints: attributes, tags, lists, segments, import, export."""

from __future__ import annotations

from typing import Any

from inbox.actions.attributes import MAX_LABEL, MAX_TAG, MAX_TAGS, MAX_TEXT_VALUE
from inbox.actions.segments import MAX_NAME as MAX_SEGMENT_NAME
from inbox.actions.subscribers import MAX_DESCRIPTION, MAX_FREQUENCY, MAX_LIST_NAME, MAX_SLUG, SLUG_PATTERN
from inbox.api.spec_parts import (
    BOOL,
    DATETIME,
    INT,
    PAGING,
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
from inbox.models.subscribers import (
    ATTRIBUTE_KEY_PATTERN,
    ATTRIBUTE_TYPES,
    JOIN_SOURCES,
    MEMBERSHIP_STATUSES,
)
from inbox.segments.language import MAX_LENGTH as MAX_FILTER

ATTRIBUTE_VALUE = {
    "nullable": True,
    "description": "text (at most 500 characters), a number, a date 'YYYY-MM-DD' or true/false, "
    "as the attribute's type says; null removes the value",
    "oneOf": [
        {"type": "string", "maxLength": MAX_TEXT_VALUE},
        {"type": "number"},
        {"type": "boolean"},
    ],
}
LIST_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": MAX_LIST_NAME},
        "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
        "frequency": {
            "type": "string",
            "maxLength": MAX_FREQUENCY,
            "description": 'how often it texts, said when joining ("up to 4 msgs/month")',
        },
        "double_opt_in": {**BOOL, "description": "joining by keyword asks for a YES before subscribing"},
        "slug": nullable({"type": "string", "maxLength": MAX_SLUG, "pattern": SLUG_PATTERN}),
        "signup_enabled": {**BOOL, "description": "the public form at /join/<slug> (needs a slug)"},
        "welcome_text": {
            "type": "string",
            "maxLength": 1600,
            "description": "a reply template sent once a membership is subscribed ('' sends none)",
        },
    },
}
SEGMENT_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": MAX_SEGMENT_NAME},
        "filter": {"type": "string", "maxLength": MAX_FILTER, "description": "the segment language"},
        "description": {"type": "string", "maxLength": 2000},
    },
}

SCHEMAS: dict[str, Any] = {
    "ListCounts": obj({status: INT for status in MEMBERSHIP_STATUSES}),
    "SubscriberList": obj(
        {
            "id": INT,
            "name": STR,
            "description": STR,
            "frequency": STR,
            "double_opt_in": BOOL,
            "slug": nullable(STR),
            "signup_enabled": BOOL,
            "signup_url": nullable(STR),
            "welcome_text": STR,
            "created_at": DATETIME,
            "counts": ref("ListCounts"),
        }
    ),
    "Member": obj(
        {
            "contact": ref("ContactBrief"),
            "list_id": INT,
            "status": enum(MEMBERSHIP_STATUSES),
            "source": enum(JOIN_SOURCES),
            "source_detail": STR,
            "joined_at": DATETIME,
            "confirmed_at": nullable(DATETIME),
            "left_at": nullable(DATETIME),
        }
    ),
    "AttributeDefinition": obj(
        {"id": INT, "key": STR, "label": STR, "type": enum(ATTRIBUTE_TYPES), "created_at": DATETIME}
    ),
    "ContactWithSubscriptions": {
        "allOf": [
            ref("Contact"),
            obj(
                {
                    "tags": {"type": "array", "items": STR},
                    "attributes": {"type": "object", "additionalProperties": True},
                    "lists": {
                        "type": "array",
                        "items": obj({"list_id": INT, "name": STR, "status": enum(MEMBERSHIP_STATUSES)}),
                    },
                }
            ),
        ]
    },
    "SavedSegment": obj(
        {
            "id": INT,
            "name": STR,
            "filter": STR,
            "description": STR,
            "count": {
                **nullable(INT),
                "description": "contacts it selects now; null when the filter no "
                "longer makes sense (see error)",
            },
            "error": nullable(STR),
            "created_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
}

PATHS: dict[str, Any] = {
    "/lists": {
        "get": {
            "operationId": "listSubscriberLists",
            "summary": "Subscriber lists, oldest first, with members counted by status",
            "parameters": PAGING,
            "responses": responses(200, "A page of lists", page_of("SubscriberList")),
        },
        "post": {
            "operationId": "createSubscriberList",
            "summary": "Create a list (admins); 409 duplicate when the name or slug is taken",
            "requestBody": body({**LIST_INPUT, "required": ["name"]}),
            "responses": responses(201, "The list", ref("SubscriberList"), 409),
        },
    },
    "/lists/{list_id}": {
        "parameters": [path_id("list_id")],
        "get": {
            "operationId": "getSubscriberList",
            "summary": "One list",
            "responses": responses(200, "The list", ref("SubscriberList")),
        },
        "patch": {
            "operationId": "updateSubscriberList",
            "summary": "Change some fields of a list (admins)",
            "requestBody": body(LIST_INPUT),
            "responses": responses(200, "The list", ref("SubscriberList"), 409),
        },
        "delete": {
            "operationId": "deleteSubscriberList",
            "summary": "Delete a list and its memberships (admins); keyword rules that joined it are "
            "disabled and lose their list",
            "responses": responses(204, "Deleted", None),
        },
    },
    "/lists/{list_id}/members": {
        "parameters": [path_id("list_id")],
        "get": {
            "operationId": "listMembers",
            "summary": "A list's members, newest first",
            "parameters": [
                query("status", enum(MEMBERSHIP_STATUSES), "only members in this state"),
                query("q", {"type": "string", "maxLength": 200}, "part of the phone number or name"),
                *PAGING,
            ],
            "responses": responses(200, "A page of members", page_of("Member")),
        },
        "post": {
            "operationId": "addMember",
            "summary": "Subscribe a number whose consent the caller holds (admins); 409 opted_out when the "
            "number opted out (they must text START or the join keyword themselves)",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["phone"],
                    "properties": {
                        "phone": {"type": "string", "maxLength": 64},
                        "name": nullable({"type": "string", "maxLength": 200}),
                    },
                }
            ),
            "responses": responses(201, "The membership, subscribed", ref("Member"), 409),
        },
    },
    "/lists/{list_id}/members/{contact_id}": {
        "parameters": [path_id("list_id"), path_id("contact_id")],
        "delete": {
            "operationId": "removeMember",
            "summary": "Unsubscribe a contact from a list (admins; doing it twice changes nothing)",
            "responses": responses(200, "The membership, unsubscribed", ref("Member")),
        },
    },
    "/attributes": {
        "get": {
            "operationId": "listAttributes",
            "summary": "The custom contact attributes, by key",
            "parameters": PAGING,
            "responses": responses(200, "The attributes", page_of("AttributeDefinition")),
        },
        "post": {
            "operationId": "createAttribute",
            "summary": "Define a custom attribute (admins); key and type are fixed from then on",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["key", "type"],
                    "properties": {
                        "key": {"type": "string", "pattern": ATTRIBUTE_KEY_PATTERN},
                        "label": {"type": "string", "maxLength": MAX_LABEL},
                        "type": enum(ATTRIBUTE_TYPES),
                    },
                }
            ),
            "responses": responses(201, "The attribute", ref("AttributeDefinition"), 409),
        },
    },
    "/attributes/{attribute_id}": {
        "parameters": [path_id("attribute_id")],
        "get": {
            "operationId": "getAttribute",
            "summary": "One attribute definition",
            "responses": responses(200, "The attribute", ref("AttributeDefinition")),
        },
        "patch": {
            "operationId": "updateAttribute",
            "summary": "Change an attribute's label (admins)",
            "requestBody": body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"label": {"type": "string", "maxLength": MAX_LABEL}},
                }
            ),
            "responses": responses(200, "The attribute", ref("AttributeDefinition")),
        },
        "delete": {
            "operationId": "deleteAttribute",
            "summary": "Delete an attribute and every contact's value of it (admins)",
            "responses": responses(204, "Deleted", None),
        },
    },
    "/contacts/{contact_id}/tags": {
        "parameters": [path_id("contact_id")],
        "put": {
            "operationId": "setContactTags",
            "summary": "Replace a contact's tags (admins): trimmed and lower-cased",
            "requestBody": body(
                obj(
                    {
                        "tags": {
                            "type": "array",
                            "maxItems": MAX_TAGS,
                            "items": {"type": "string", "minLength": 1, "maxLength": MAX_TAG},
                        }
                    }
                )
                | {"additionalProperties": False}
            ),
            "responses": responses(200, "The contact", ref("ContactWithSubscriptions")),
        },
    },
    "/contacts/{contact_id}/attributes": {
        "parameters": [path_id("contact_id")],
        "patch": {
            "operationId": "setContactAttributes",
            "summary": "Set some of a contact's attribute values (admins); null removes one; an unknown "
            "key or a value of the wrong type is a 422 naming the key",
            "requestBody": body({"type": "object", "additionalProperties": ATTRIBUTE_VALUE}),
            "responses": responses(200, "The contact", ref("ContactWithSubscriptions")),
        },
    },
    "/segments": {
        "get": {
            "operationId": "listSegments",
            "summary": "Saved segments, oldest first, each with its live count",
            "parameters": PAGING,
            "responses": responses(200, "A page of saved segments", page_of("SavedSegment")),
        },
        "post": {
            "operationId": "createSegment",
            "summary": "Save a segment (admins); 422 invalid_segment with line and column when its filter "
            "is wrong, 409 duplicate when the name is taken",
            "requestBody": body({**SEGMENT_INPUT, "required": ["name", "filter"]}),
            "responses": responses(201, "The saved segment", ref("SavedSegment"), 409),
        },
    },
    "/segments/{segment_id}": {
        "parameters": [path_id("segment_id")],
        "get": {
            "operationId": "getSegment",
            "summary": "One saved segment with its live count",
            "responses": responses(200, "The saved segment", ref("SavedSegment")),
        },
        "patch": {
            "operationId": "updateSegment",
            "summary": "Change a saved segment (admins)",
            "requestBody": body(SEGMENT_INPUT),
            "responses": responses(200, "The saved segment", ref("SavedSegment"), 409),
        },
        "delete": {
            "operationId": "deleteSegment",
            "summary": "Delete a saved segment (admins)",
            "responses": responses(204, "Deleted", None),
        },
    },
    "/segments/count": {
        "post": {
            "operationId": "countSegment",
            "summary": "How many contacts a segment selects; 422 invalid_segment with line and column",
            "requestBody": body(obj({"filter": {"type": "string", "maxLength": MAX_FILTER}})),
            "responses": responses(200, "The count", obj({"count": INT})),
        }
    },
}
