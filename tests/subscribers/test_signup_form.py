"""The public sign-up form /join/<slug>: no login, CSRF, validation, pending until YES, opted-out numbers,
rate limits, and a hostile list name shown as text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import call, post_inbound
from tests.subscribers.helpers import BRAND, bodies_to, contact, membership, new_list, texts_to

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PHONE = "+14155550160"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Low limits, so the tests can reach them."""
    return {"SIGNUP_RATE_PER_ADDRESS": "6 per hour", "SIGNUP_RATE_PER_PHONE": "2 per hour"}


def open_form(client: FlaskClient, slug: str = "vip") -> tuple[str, str]:
    """GET the form: its HTML and CSRF token."""
    page = client.get(f"/join/{slug}")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    match = _CSRF.search(html)
    assert match
    return html, match.group(1)


def submit(client: FlaskClient, phone: str = PHONE, consent: bool = True, slug: str = "vip") -> Any:
    """Fill in and post the form as a browser at 203.0.113.7 does."""
    _, token = open_form(client, slug)
    data = {"csrf_token": token, "phone": phone}
    if consent:
        data["consent"] = "yes"
    return client.post(f"/join/{slug}", data=data, environ_base={"REMOTE_ADDR": "203.0.113.7"})


@pytest.fixture
def vip(client: FlaskClient, admin_token: str) -> dict[str, Any]:
    """A list with a public form at /join/vip."""
    return new_list(
        client,
        admin_token,
        "VIP",
        description="Early access to sales.\nNo spam.",
        frequency="up to 4 msgs/month",
        slug="vip",
        signup_enabled=True,
        welcome_text="Welcome to VIP!",
    )


def test_the_form_shows_the_list_and_the_disclosure_without_login(
    client: FlaskClient, vip: dict[str, Any]
) -> None:
    html, _ = open_form(client)
    assert "<h1" in html and ">VIP</h1>" in html
    assert "Early access to sales.\nNo spam." in html and "up to 4 msgs/month" in html
    assert 'type="tel"' in html and 'name="consent"' in html and "required" in html
    disclosure = re.search(
        r'<label for="signup-consent" data-testid="signup-disclosure">([^<]+)</label>', html
    )
    assert disclosure is not None
    text = disclosure.group(1)
    for part in (
        BRAND,
        "VIP",
        "Up to 4 msgs/month",
        "Msg&amp;data rates may apply",
        "Reply STOP to cancel, HELP for help",
    ):
        assert part in text, part
    assert "style=" not in html and "<script" not in html  # CSP: no inline anything


def test_no_form_for_a_missing_or_disabled_list(
    client: FlaskClient, admin_token: str, vip: dict[str, Any]
) -> None:
    assert client.get("/join/nope").status_code == 404
    assert client.post("/join/nope", data={}).status_code in (400, 404)  # CSRF or no such form: never a 500
    call(client, admin_token, "PATCH", f"/api/v1/lists/{vip['id']}", json={"signup_enabled": False})
    assert client.get("/join/vip").status_code == 404


def test_signing_up_leaves_it_pending_until_the_phone_says_yes(
    client: FlaskClient, session: Session, vip: dict[str, Any]
) -> None:
    response = submit(client, phone="(415) 555-0160")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-outcome="pending"' in page and PHONE in page and "YES" in page

    pending = membership(session, vip["id"], PHONE)
    assert pending is not None and (pending.status, pending.source) == ("pending", "web_form")
    assert pending.source_detail == "https://desk.example.com/join/vip from 203.0.113.7"
    confirm = (
        f"{BRAND}: Reply YES to confirm you want VIP texts. Up to 4 msgs/month. "
        "Msg&data rates may apply. Reply STOP to cancel."
    )
    assert [(m.body, m.purpose) for m in texts_to(session, PHONE)] == [(confirm, "list_confirm_request")]

    post_inbound(client, "yes", sender=PHONE)
    joined = membership(session, vip["id"], PHONE)
    assert joined is not None and joined.status == "subscribed"
    assert bodies_to(session, PHONE)[1:] == [
        f"{BRAND}: You're subscribed to VIP. Up to 4 msgs/month. Msg&data rates may apply. "
        "Reply HELP for help, STOP to cancel.",
        "Welcome to VIP!",
    ]
    again = submit(client)
    assert 'data-outcome="already"' in again.get_data(as_text=True)
    assert len(bodies_to(session, PHONE)) == 3  # nothing more sent


@pytest.mark.parametrize(
    ("phone", "consent", "error"),
    [
        ("", True, "signup-phone-error"),
        ("not a phone", True, "signup-phone-error"),
        ("VERIFY", True, "signup-phone-error"),
        ("12345", True, "signup-phone-error"),
        (PHONE, False, "signup-consent-error"),
    ],
)
def test_invalid_submissions_show_the_form_again_and_send_nothing(
    client: FlaskClient, session: Session, vip: dict[str, Any], phone: str, consent: bool, error: str
) -> None:
    response = submit(client, phone=phone, consent=consent)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'data-testid="{error}"' in page and 'data-testid="signup-form"' in page
    assert membership(session, vip["id"], PHONE) is None
    assert texts_to(session, PHONE) == []


def test_a_post_without_the_csrf_token_is_refused(
    client: FlaskClient, session: Session, vip: dict[str, Any]
) -> None:
    response = client.post("/join/vip", data={"phone": PHONE, "consent": "yes"})
    assert response.status_code == 400
    assert membership(session, vip["id"], PHONE) is None


def test_an_opted_out_number_is_told_to_text_start_and_gets_nothing(
    client: FlaskClient, session: Session, vip: dict[str, Any]
) -> None:
    post_inbound(client, "STOP", sender=PHONE)
    sent_before = len(texts_to(session, PHONE))
    response = submit(client)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'data-outcome="opted_out"' in page and "START" in page
    assert membership(session, vip["id"], PHONE) is None
    assert len(texts_to(session, PHONE)) == sent_before
    assert contact(session, PHONE).opted_out


def test_sign_ups_are_rate_limited_per_number_and_per_address(
    client: FlaskClient, session: Session, vip: dict[str, Any]
) -> None:
    assert submit(client).status_code == 200
    assert submit(client).status_code == 200
    limited = submit(client)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert 'data-outcome="limited"' in limited.get_data(as_text=True)
    assert len(texts_to(session, PHONE)) == 2

    # Other numbers from the same address: 6 attempts an hour in all (three were used above).
    assert submit(client, phone="+14155550161").status_code == 200
    assert submit(client, phone="not a phone").status_code == 422  # failed attempts count too
    assert submit(client, phone="+14155550162").status_code == 200
    assert submit(client, phone="+14155550163").status_code == 429
    assert texts_to(session, "+14155550163") == []
    # Another address may still sign up.
    other = client.post(
        "/join/vip",
        data={"csrf_token": open_form(client)[1], "phone": "+14155550163", "consent": "yes"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert other.status_code == 200


def test_a_hostile_list_name_and_description_are_shown_as_text(client: FlaskClient, admin_token: str) -> None:
    new_list(
        client,
        admin_token,
        '<script>alert("x")</script>',
        description='<img src=x onerror="alert(1)">',
        slug="evil",
        signup_enabled=True,
    )
    html, _ = open_form(client, "evil")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
