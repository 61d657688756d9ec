"""/api/v1/templates: named texts for triggered sends (POST /api/v1/messages with "template")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, g, jsonify
from sqlalchemy import select

from inbox.actions.templates import (
    TemplateError,
    caller_variables,
    create_template,
    delete_template,
    update_template,
)
from inbox.api import bp
from inbox.api.errors import ApiError, not_found
from inbox.api.params import json_body
from inbox.db import get_session
from inbox.models import MessageTemplate
from inbox.resources import iso


def template_resource(template: MessageTemplate) -> dict[str, Any]:
    """A template with the variables a caller must supply."""
    return {
        "id": template.id,
        "name": template.name,
        "body": template.body,
        "kind": template.kind,
        "variables": caller_variables(template.body),
        "created_at": iso(template.created_at),
        "updated_at": iso(template.updated_at),
    }


@contextmanager
def template_errors() -> Iterator[None]:
    """Answer a TemplateError as a 4xx naming its field."""
    try:
        yield
    except TemplateError as error:
        raise ApiError(
            error.status,
            error.code,
            f"{error.field}: {error.message}",
            [{"field": error.field, "message": error.message}],
        ) from None


def _require_admin() -> None:
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", "only admins can change templates")


def _template(template_id: int) -> MessageTemplate:
    template = get_session().get(MessageTemplate, template_id)
    if template is None:
        raise not_found("template")
    return template


@bp.get("/templates")
def list_templates() -> Response:
    """Every template, by name."""
    rows = get_session().scalars(select(MessageTemplate).order_by(MessageTemplate.name)).all()
    return jsonify(data=[template_resource(t) for t in rows], next_cursor=None)


@bp.post("/templates")
def post_template() -> tuple[Response, int]:
    """Add a template."""
    _require_admin()
    with template_errors():
        template = create_template(get_session(), g.api_user, json_body())
    return jsonify(template_resource(template)), 201


@bp.get("/templates/<id:template_id>")
def get_template(template_id: int) -> Response:
    """One template."""
    return jsonify(template_resource(_template(template_id)))


@bp.patch("/templates/<id:template_id>")
def patch_template(template_id: int) -> Response:
    """Change a template's name, body or kind."""
    _require_admin()
    template = _template(template_id)
    with template_errors():
        update_template(get_session(), g.api_user, template, json_body())
    return jsonify(template_resource(template))


@bp.delete("/templates/<id:template_id>")
def remove_template(template_id: int) -> tuple[str, int]:
    """Delete a template."""
    _require_admin()
    delete_template(get_session(), g.api_user, _template(template_id))
    return "", 204
