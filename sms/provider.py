"""The one small interface every SMS provider (twilio, simulator) implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OutboundSms:
    """One text to hand to a provider."""

    to: str
    body: str
    status_callback: str | None = None  # absolute URL the provider posts delivery updates to
    media_urls: tuple[str, ...] = ()
    client_ref: str = ""  # our message id, for logs and the simulator
    # Who it comes from: an E.164 number, a short code or a messaging service sid (MG…); "" = the
    # provider's configured sender.
    sender: str = ""


@dataclass(frozen=True, slots=True)
class SendResult:
    """The provider accepted the message."""

    provider_sid: str
    status: str = "queued"  # Twilio's MessageStatus as returned by the create call


@dataclass(slots=True)
class SendError(Exception):
    """The provider refused or could not be reached.

    transient: retrying later may succeed (HTTP 429, 5xx, timeouts, connection errors).
    """

    message: str
    code: int | None = None  # Twilio error code (21610, 21211, 20429 …) when known
    http_status: int | None = None
    transient: bool = False
    retry_after: float | None = None  # seconds, when the provider said so
    extra: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code or self.http_status or ''} {self.message}".strip()


# Called by providers that report delivery themselves (the simulator): (provider_sid, status, error_code).
StatusCallback = Callable[[str, str, int | None], None]


class SmsProvider(Protocol):
    """Hands one message to the carrier side; raises SendError when it cannot."""

    name: str

    def send(self, sms: OutboundSms) -> SendResult:
        """Send one message; return the provider's sid and initial status."""
        ...

    def find(self, sms: OutboundSms, since: dt.datetime) -> SendResult | None:
        """The message the provider accepted for this text at or after since, or None when it has none.

        Crash recovery asks this about a text whose hand-over was cut off (the process died between the
        provider's answer and our record of it): found, it is recorded as sent; not found, it may be sent
        again without reaching anyone twice. Raises SendError when the provider cannot be asked.
        """
        ...
