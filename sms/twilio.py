"""Everything Twilio: webhook signatures and parsing, TwiML answers, and the REST send.

This is the only module that imports the twilio SDK, so an SDK upgrade touches one file.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, cast

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from sms.provider import OutboundSms, SendError, SendResult

DEFAULT_API_BASE_URL = "https://api.twilio.com"
MAX_MEDIA = 10  # Twilio sends at most ten MediaUrl{N} per message
OPT_OUT_TYPES = frozenset({"STOP", "START", "HELP"})

_SID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_STATUS_RE = re.compile(r"[a-z_-]{1,32}")
# Characters XML 1.0 cannot carry at all; ElementTree would write them out and break the document.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class InvalidWebhook(ValueError):
    """A Twilio webhook lacks what we need to act on it."""


# ---------------------------------------------------------------------------------------------------
# Signatures


class _MultiDictLike(Protocol):
    def getlist(self, key: str) -> list[str]: ...

    def __iter__(self) -> Iterator[str]: ...


Params = Mapping[str, str] | Mapping[str, list[str]] | Iterable[tuple[str, str]] | _MultiDictLike


class _ParamLists(dict[str, list[str]]):
    """Every value of every param, in the shape RequestValidator reads through its getall() hook."""

    def getall(self, key: str) -> list[str]:
        return self[key]


def _param_lists(params: Params | None) -> _ParamLists:
    """Collect params (dict, Werkzeug MultiDict, or (name, value) pairs) keeping repeated names."""
    out = _ParamLists()
    if params is None:
        return out
    getlist = getattr(params, "getlist", None)
    if callable(getlist):
        for key in cast(Iterable[str], params):
            out[key] = [str(v) for v in getlist(key)]
        return out
    if isinstance(params, Mapping):
        for key, value in params.items():
            out[key] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        return out
    pairs = cast(Iterable[tuple[str, Any]], params)
    for key, value in pairs:
        out.setdefault(key, []).append(str(value))
    return out


def compute_signature(auth_token: str, url: str, params: Params | None = None) -> str:
    """The X-Twilio-Signature Twilio would send for a form POST of params to url."""
    return RequestValidator(auth_token).compute_signature(url, _param_lists(params))


def validate_signature(
    auth_token: str,
    public_url: str,
    params: Params | None,
    signature: str | None,
    signature_settings: str | None = None,
) -> bool:
    """Whether signature is Twilio's for params posted to public_url (the URL Twilio was given).

    signature_settings is the X-Twilio-Webhooks-Signature-Settings header when present (SHA-256 keys).
    """
    if not auth_token or not signature:
        return False
    algorithm = get_signature_algorithm(signature_settings)
    # The SDK signs every value of a repeated name (sorted), which a plain dict would lose.
    return bool(RequestValidator(auth_token).validate(public_url, _param_lists(params), signature, algorithm))


# ---------------------------------------------------------------------------------------------------
# TwiML


def twiml_empty() -> str:
    """The TwiML answer that tells Twilio there is nothing to send back."""
    return str(MessagingResponse())


def twiml_message(body: str) -> str:
    """A TwiML answer replying with one message."""
    response = MessagingResponse()
    response.message(_XML_INVALID_RE.sub("", body))
    return str(response)


# ---------------------------------------------------------------------------------------------------
# Webhook parsing


class Media(NamedTuple):
    """One attachment of an inbound MMS."""

    url: str
    content_type: str


@dataclass(frozen=True, slots=True)
class InboundSms:
    """An inbound message webhook, read leniently.

    from_ and to are kept verbatim (validate them with sms.phone.normalize_address); every other text
    field has NUL characters removed because PostgreSQL text columns cannot store them. Nothing else is
    stripped, and bodies over Twilio's 1600 characters are kept: the length policy belongs to the caller.
    """

    message_sid: str
    account_sid: str
    from_: str
    to: str
    body: str
    num_media: int
    media: tuple[Media, ...]
    opt_out_type: str | None  # STOP / START / HELP when Twilio's Advanced Opt-Out already acted
    messaging_service_sid: str
    num_segments: int | None
    from_city: str
    from_state: str
    from_zip: str
    from_country: str

    @property
    def body_length(self) -> int:
        """Length of the body in characters."""
        return len(self.body)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status callback."""

    message_sid: str
    status: str  # Twilio's MessageStatus, lower case: queued, sent, delivered, undelivered, failed …
    error_code: int | None
    error_message: str


def _text(form: Mapping[str, Any], key: str) -> str:
    """A form field as text with NULs removed; '' when absent."""
    value = form.get(key)
    if value is None:
        return ""
    return str(value).replace("\x00", "")


def _int_or_none(value: Any) -> int | None:
    """An int from a form field, or None for anything that is not a plain non-negative integer."""
    text = str(value).strip() if value is not None else ""
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def _message_sid(form: Mapping[str, Any]) -> str:
    """The MessageSid, checked loosely: real ones are SM/MM + 32 hex, test tools send shorter ones."""
    raw = form.get("MessageSid")
    sid = "" if raw is None else str(raw).strip()
    if not sid:
        raise InvalidWebhook("MessageSid is missing")
    if not _SID_RE.fullmatch(sid):
        raise InvalidWebhook("MessageSid is malformed (expected 1-64 letters, digits, '_' or '-')")
    return sid


def parse_inbound(form: Mapping[str, Any]) -> InboundSms:
    """Read an inbound SMS/MMS webhook; raise InvalidWebhook only when MessageSid or From is unusable."""
    message_sid = _message_sid(form)
    raw_from = form.get("From")
    from_ = "" if raw_from is None else str(raw_from)
    if not from_.strip():
        raise InvalidWebhook("From is missing")

    declared = _int_or_none(form.get("NumMedia"))
    # A missing or garbled NumMedia must not hide attachments, so then every slot is looked at.
    slots = range(min(declared, MAX_MEDIA)) if declared is not None else range(MAX_MEDIA)
    media = tuple(
        Media(url, _text(form, f"MediaContentType{n}"))
        for n in slots
        if (url := _text(form, f"MediaUrl{n}").strip())
    )
    opt_out = _text(form, "OptOutType").strip().upper()
    return InboundSms(
        message_sid=message_sid,
        account_sid=_text(form, "AccountSid"),
        from_=from_,
        to=str(form.get("To") or ""),
        body=_text(form, "Body"),
        num_media=declared if declared is not None else len(media),
        media=media,
        opt_out_type=opt_out if opt_out in OPT_OUT_TYPES else None,
        messaging_service_sid=_text(form, "MessagingServiceSid"),
        num_segments=_int_or_none(form.get("NumSegments")),
        from_city=_text(form, "FromCity"),
        from_state=_text(form, "FromState"),
        from_zip=_text(form, "FromZip"),
        from_country=_text(form, "FromCountry"),
    )


def parse_status(form: Mapping[str, Any]) -> StatusUpdate:
    """Read a status callback; a junk ErrorCode becomes None, a missing sid or status is InvalidWebhook."""
    message_sid = _message_sid(form)
    # Older callbacks carry SmsStatus only; newer ones carry both with the same value.
    status = (_text(form, "MessageStatus") or _text(form, "SmsStatus")).strip().lower()
    if not status:
        raise InvalidWebhook("MessageStatus is missing")
    if not _STATUS_RE.fullmatch(status):
        raise InvalidWebhook("MessageStatus is malformed")
    return StatusUpdate(
        message_sid=message_sid,
        status=status,
        error_code=_int_or_none(form.get("ErrorCode")),
        error_message=_text(form, "ErrorMessage"),
    )


# ---------------------------------------------------------------------------------------------------
# Sending


class _HeaderKeepingHttpClient(TwilioHttpClient):
    """TwilioHttpClient that remembers, per thread, the headers of its last response.

    TwilioRestException carries no headers, and Retry-After on a 429 is worth having.
    """

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._local = threading.local()

    def request(self, *args: Any, **kwargs: Any) -> TwilioResponse:
        self._local.headers = None
        response = super().request(*args, **kwargs)
        self._local.headers = response.headers
        return response

    def last_header(self, name: str) -> str | None:
        headers = getattr(self._local, "headers", None)
        return headers.get(name) if headers is not None else None


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now; it may be delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


FIND_LOOKBACK = 20  # a recipient's newest messages searched for a cut-off hand-over
FIND_CLOCK_SKEW = dt.timedelta(minutes=2)  # our clock against Twilio's date_created


class TwilioProvider:
    """Sends through Twilio's Messages API with the official SDK."""

    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        api_base_url: str = DEFAULT_API_BASE_URL,
        timeout: float = 10.0,
    ) -> None:
        if not account_sid or not auth_token:
            raise ValueError("Twilio needs an account SID and an auth token")
        if not from_number and not messaging_service_sid:
            raise ValueError("Twilio needs a sender: a From number or a Messaging Service SID")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.from_number = from_number or None
        self.messaging_service_sid = messaging_service_sid or None
        self.api_base_url = api_base_url.rstrip("/")
        self._auth_token = auth_token
        self._http = _HeaderKeepingHttpClient(timeout=timeout)
        self.client = Client(account_sid, auth_token, http_client=self._http)
        # Client reads TWILIO_EDGE / TWILIO_REGION from the environment, and either would rewrite the
        # host of api_base_url (a mock in tests); the base URL alone says where requests go.
        self.client.edge = None
        self.client.region = None
        self.client.api.base_url = self.api_base_url

    def __repr__(self) -> str:
        return f"<TwilioProvider account={self.client.account_sid} base={self.api_base_url}>"

    def send(self, sms: OutboundSms) -> SendResult:
        """Create the message at Twilio; raise SendError (transient or permanent) when refused."""
        kwargs: dict[str, Any] = {"to": sms.to, "body": sms.body}
        if sms.status_callback:
            kwargs["status_callback"] = sms.status_callback
        # With both configured the Messaging Service wins: it picks a sender from its own pool, and a
        # From outside that pool would be refused. A text's own sender (a campaign's) beats both.
        if sms.sender.startswith("MG"):
            kwargs["messaging_service_sid"] = sms.sender
        elif sms.sender:
            kwargs["from_"] = sms.sender
        elif self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if sms.media_urls:
            kwargs["media_url"] = list(sms.media_urls)
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            raise self._rest_error(exc.status, exc.code, str(exc.msg or "")) from None
        except TwilioServiceException as exc:
            text = f"{exc.title}: {exc.detail}" if exc.detail else str(exc.title)
            raise self._rest_error(exc.status, exc.code, text) from None
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            # A read timeout may come after Twilio created the message: a retry could send it twice.
            maybe_sent = isinstance(exc, requests.ReadTimeout | requests.exceptions.ChunkedEncodingError)
            raise SendError(
                self._scrub(f"Twilio unreachable: {type(exc).__name__}"),
                transient=True,
                extra={"maybe_sent": "true"} if maybe_sent else {},
            ) from None
        except (requests.RequestException, TwilioException, ValueError) as exc:
            # Bad configuration (URL) or an unreadable success answer: retrying will not help.
            raise SendError(self._scrub(f"Twilio request failed: {type(exc).__name__}: {exc}")) from None
        if not message.sid:
            raise SendError("Twilio accepted the message but returned no sid", extra={"maybe_sent": "true"})
        return SendResult(provider_sid=str(message.sid), status=str(message.status or "queued"))

    def find(self, sms: OutboundSms, since: dt.datetime) -> SendResult | None:
        """The message Twilio created for this text at or after since (the same To and Body), if any.

        Twilio has no idempotency key for messages, so a cut-off hand-over is recognised by what it was:
        the recipient's newest messages (the list is newest first) with our body, created since the claim.
        """
        try:
            recent = self.client.messages.list(to=sms.to, limit=FIND_LOOKBACK)
        except TwilioRestException as exc:
            raise self._rest_error(exc.status, exc.code, str(exc.msg or "")) from None
        except (requests.RequestException, TwilioException, ValueError) as exc:
            failure = self._scrub(f"Twilio lookup failed: {type(exc).__name__}: {exc}")
            raise SendError(failure, transient=True) from None
        earliest = since - FIND_CLOCK_SKEW
        for message in recent:
            created = message.date_created
            if message.body == sms.body and message.sid and (created is None or created >= earliest):
                return SendResult(provider_sid=str(message.sid), status=str(message.status or "queued"))
        return None

    def _rest_error(self, status: int, code: int | None, text: str) -> SendError:
        """SendError for an HTTP error answer from Twilio."""
        # The SDK falls back to the HTTP status when the body has no Twilio code.
        twilio_code = code if code is not None and code != status else None
        text = text.removeprefix("Unable to create record: ")
        transient = status == 429 or twilio_code == 20429 or status == 408 or status >= 500
        retry_after = _retry_after_seconds(self._http.last_header("Retry-After")) if transient else None
        extra = {"more_info": f"https://www.twilio.com/docs/errors/{twilio_code}"} if twilio_code else {}
        return SendError(
            self._scrub(text or f"HTTP {status}"),
            code=twilio_code,
            http_status=status,
            transient=transient,
            retry_after=retry_after,
            extra=extra,
        )

    def _scrub(self, text: str) -> str:
        """Never let the auth token reach a message or a log line."""
        return text.replace(self._auth_token, "***")
