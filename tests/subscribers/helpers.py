"""Small helpers the subscriber tests share: make a list, read a phone's texts, make a subscribe rule."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Contact, ListMembership, Message
from tests.factories import call

BRAND = "Textdesk demo"  # the default brand the test app stores


def new_list(client: FlaskClient, token: str, name: str = "VIP", **fields: Any) -> dict[str, Any]:
    """A list made through the API."""
    return call(client, token, "POST", "/api/v1/lists", 201, json={"name": name, **fields})


def subscribe_rule(
    client: FlaskClient, token: str, list_id: int, keywords: list[str] | None = None, **fields: Any
) -> dict[str, Any]:
    """A keyword rule that joins a list (JOIN VIP by default)."""
    body = {
        "name": "Join VIP",
        "keywords": keywords or ["join vip"],
        "match": "first_word",
        "action": "subscribe",
        "list_id": list_id,
        **fields,
    }
    return call(client, token, "POST", "/api/v1/rules", 201, json=body)


def texts_to(session: Session, phone: str) -> list[Message]:
    """Every outbound text to a phone, oldest first (read fresh from the database)."""
    session.expire_all()
    return list(
        session.scalars(
            select(Message)
            .join(Contact, Contact.id == Message.contact_id)
            .where(Contact.phone == phone, Message.direction == "outbound")
            .order_by(Message.id)
        )
    )


def bodies_to(session: Session, phone: str) -> list[str]:
    """The bodies of every outbound text to a phone, oldest first."""
    return [m.body for m in texts_to(session, phone)]


def membership(session: Session, list_id: int, phone: str) -> ListMembership | None:
    """A phone's membership of a list, read fresh."""
    session.expire_all()
    return session.scalar(
        select(ListMembership)
        .join(Contact, Contact.id == ListMembership.contact_id)
        .where(ListMembership.list_id == list_id, Contact.phone == phone)
    )


def contact(session: Session, phone: str) -> Contact:
    """The contact of a phone, read fresh."""
    session.expire_all()
    return session.scalars(select(Contact).where(Contact.phone == phone)).one()


def error_fields(body: dict[str, Any]) -> dict[str, str]:
    """{field: message} of a 4xx answer."""
    return {f["field"]: f["message"] for f in body["error"].get("fields", [])}
