"""The public sign-up form of a subscriber list: /join/<slug> (no login; rate limited).

Anyone may open it, so it asks for nothing but a number and a consent checkbox, and trusts neither:
the membership stays pending until the phone itself answers YES (a form cannot prove whose number it
is). Attempts are counted per client address and per number, in Redis when REDIS_URL is set (so every
process agrees) and in memory otherwise; over the limit the page answers 429 and nothing is sent.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select

from inbox.actions.subscribers import sign_up, subscriber_address
from inbox.botconfig import subscribe_list, subscription_texts
from inbox.db import get_session
from inbox.models import SubscriberList
from sms.phone import InvalidAddress

bp = Blueprint("signup", __name__)

# Each config key takes a `limits` string ("10 per hour"); tests lower them.
DEFAULT_PER_ADDRESS = "10 per hour"
DEFAULT_PER_PHONE = "3 per hour"
_EXTENSION = "textdesk.signup_limiter"
MAX_PHONE_INPUT = 64


@dataclass
class SignupLimiter:
    """Sign-up attempts per client address and per phone number, in a moving window."""

    limiter: MovingWindowRateLimiter
    per_address: RateLimitItem
    per_phone: RateLimitItem

    def _wait(self, item: RateLimitItem, namespace: str, key: str) -> int:
        reset_at = self.limiter.get_window_stats(item, namespace, key).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def hit_address(self, address: str) -> int:
        """Count one attempt from this client; 0 when allowed, else the seconds to wait."""
        if self.limiter.hit(self.per_address, "signup-address", address):
            return 0
        return self._wait(self.per_address, "signup-address", address)

    def hit_phone(self, phone: str) -> int:
        """Count one sign-up of this number (each one texts it); 0 when allowed, else the seconds to wait."""
        if self.limiter.hit(self.per_phone, "signup-phone", phone):
            return 0
        return self._wait(self.per_phone, "signup-phone", phone)


@bp.record_once
def _make_limiter(state: BlueprintSetupState) -> None:
    """One limiter per app, on Redis when configured."""
    config = state.app.config
    storage = storage_from_string(config.get("REDIS_URL") or "memory://")
    state.app.extensions[_EXTENSION] = SignupLimiter(
        MovingWindowRateLimiter(storage),
        parse(config.get("SIGNUP_RATE_PER_ADDRESS") or DEFAULT_PER_ADDRESS),
        parse(config.get("SIGNUP_RATE_PER_PHONE") or DEFAULT_PER_PHONE),
    )


def _limiter() -> SignupLimiter:
    limiter: SignupLimiter = current_app.extensions[_EXTENSION]
    return limiter


def _open_list(slug: str) -> SubscriberList:
    """The list whose sign-up form this is; 404 when there is none or its form is switched off."""
    row = get_session().scalar(select(SubscriberList).where(SubscriberList.slug == slug))
    if row is None or not row.signup_enabled:
        abort(404, "There is no sign-up form here.")
    return row


def _page(template: str, joined: SubscriberList, **context: object) -> str:
    """A page about one list, with the brand, the list's facts and its consent wording."""
    texts = subscription_texts(get_session(), current_app.config)
    return render_template(
        template,
        joined=joined,
        brand=texts.brand,
        disclosure=texts.disclosure(subscribe_list(joined)),
        **context,
    )


def _limited(joined: SubscriberList, wait: int) -> Response:
    body = _page("signup/limited.html", joined, minutes=max(1, math.ceil(wait / 60)))
    return Response(body, status=429, headers={"Retry-After": str(wait)}, mimetype="text/html")


@bp.get("/join/<slug>")
def join_form(slug: str) -> str:
    """A list's public sign-up form: what it is, how often it texts, a number and the consent checkbox."""
    return _page("signup/form.html", _open_list(slug), phone="", errors={})


@bp.post("/join/<slug>")
def join_submit(slug: str) -> tuple[str, int] | Response:
    """Sign a number up: pending until the phone answers YES to the text it is sent."""
    joined = _open_list(slug)
    client = request.remote_addr or "unknown"
    limiter = _limiter()
    wait = limiter.hit_address(client)
    if wait:
        return _limited(joined, wait)
    raw_phone = request.form.get("phone", "")[:MAX_PHONE_INPUT]
    errors: dict[str, str] = {}
    phone = ""
    try:
        phone = subscriber_address(raw_phone, current_app.config["DEFAULT_REGION"]).value
    except InvalidAddress:
        errors["phone"] = "Enter a mobile number that can receive texts, such as (415) 555-0100."
    if request.form.get("consent") != "yes":
        errors["consent"] = "Tick the box to agree to receive these texts."
    if errors:
        return _page("signup/form.html", joined, phone=raw_phone, errors=errors), 422
    wait = limiter.hit_phone(phone)
    if wait:
        return _limited(joined, wait)
    session = get_session()
    address = subscriber_address(phone, current_app.config["DEFAULT_REGION"])
    detail = f"{current_app.config['PUBLIC_URL']}{request.path} from {client}"
    outcome = sign_up(session, joined, address, detail, subscription_texts(session, current_app.config))
    # An opted-out number is a conflict only its owner can resolve (text START): 409, and nothing sent.
    status = 409 if outcome == "opted_out" else 200
    return _page("signup/done.html", joined, outcome=outcome, phone=phone), status
