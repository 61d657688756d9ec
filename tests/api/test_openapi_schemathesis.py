"""Schemathesis against /api/v1/openapi.json: generated requests never get a 5xx, every answer's status,
content type and body match the document, and requests that break the schema are refused."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from inbox.api.openapi import document
from tests.factories import make_rule, make_token, post_inbound

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def admin_token(app: Flask, session: Session) -> str:
    """A token, and a little data to read behind it (conversations, a contact, a rule)."""
    client = app.test_client()
    post_inbound(client, "hello", sender="+14155550100")
    post_inbound(client, "AGENT", sender="+14155550101")
    post_inbound(client, "STOP", sender="+14155550102")
    make_rule(session)
    return make_token(session, role="admin")


# negative_data_rejection can report a false positive: an extra query parameter generated with a null
# value is dropped by the HTTP client, so the server never sees it. CI is derandomised (conftest), so
# its examples are fixed; local runs explore and may meet that case.
# Loaded from the same document the app serves (GET /api/v1/openapi.json is tested to return it);
# schemathesis' fixture-based loader does not run under pytest 9, an eager schema does.
schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, app: Flask, admin_token: str) -> None:
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)


def test_the_served_document_is_the_tested_document(app: Flask) -> None:
    assert app.test_client().get("/api/v1/openapi.json").get_json() == document()
