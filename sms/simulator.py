"""A provider with no network: accepts texts, then reports delivery like Twilio would.

Delivery reports go to on_status(provider_sid, status, error_code):
- default: on one background scheduler thread, "sent" after delay_sent seconds and "delivered"
  after delay_delivered seconds (both counted from send()), in time order;
- synchronous=True (tests): nothing runs in the background; reports queue up in order and are handed
  over when the caller calls flush(), so send() has always returned its SendResult first.

Twilio's magic test numbers behave as they do with Twilio's test credentials (see MAGIC_NUMBERS).
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from sms.phone import InvalidAddress, normalize_recipient
from sms.provider import OutboundSms, SendError, SendResult, StatusCallback

log = logging.getLogger(__name__)

Report = tuple[str, str, int | None]  # (provider_sid, status, error_code), as StatusCallback takes it

MAX_BODY_CHARS = 1600  # Twilio refuses longer bodies with 21617

INVALID_NUMBER = "+15005550001"
OPTED_OUT_NUMBER = "+15005550004"
UNREACHABLE_NUMBER = "+15005550009"
UNAVAILABLE_NUMBER = "+15005550008"
MAGIC_NUMBERS = {
    INVALID_NUMBER: "refused: 21211 invalid To (permanent)",
    OPTED_OUT_NUMBER: "refused: 21610 unsubscribed recipient (permanent)",
    UNREACHABLE_NUMBER: "accepted, then reported failed with 30003",
    UNAVAILABLE_NUMBER: "refused: HTTP 503 (transient, to exercise retries)",
}


@dataclass(slots=True)
class SimulatedMessage:
    """One message the simulator accepted, with its latest status."""

    sid: str
    to: str
    body: str
    media_urls: tuple[str, ...]
    status_callback: str | None
    client_ref: str
    created_at: datetime
    status: str = "queued"
    error_code: int | None = None


class SimulatorProvider:
    """SmsProvider that never leaves the process; see the module docstring for timing."""

    name = "simulator"

    def __init__(
        self,
        on_status: StatusCallback | None = None,
        *,
        delay_sent: float = 0.2,
        delay_delivered: float = 0.8,
        synchronous: bool = False,
        log_size: int = 1000,
        default_region: str = "US",
    ) -> None:
        if delay_sent < 0 or delay_delivered < 0:
            raise ValueError("delays must not be negative")
        self.on_status = on_status
        self.delay_sent = delay_sent
        self.delay_delivered = max(delay_delivered, delay_sent)
        self.synchronous = synchronous
        self.default_region = default_region
        self._lock = threading.Lock()
        self._log: deque[SimulatedMessage] = deque(maxlen=log_size)
        self._by_sid: dict[str, SimulatedMessage] = {}
        self._pending: deque[Report] = deque()
        # Timed reports wait in one heap served by one thread (not a thread per report): (due, seq, report).
        self._due: list[tuple[float, int, Report]] = []
        self._seq = itertools.count()
        self._wakeup = threading.Condition(self._lock)
        self._scheduler: threading.Thread | None = None
        self._closed = False

    def send(self, sms: OutboundSms) -> SendResult:
        """Accept the message (or refuse it as Twilio would) and schedule its delivery reports."""
        to = self._check(sms)
        sid = "SM" + uuid.uuid4().hex
        record = SimulatedMessage(
            sid=sid,
            to=to,
            body=sms.body,
            media_urls=sms.media_urls,
            status_callback=sms.status_callback,
            client_ref=sms.client_ref,
            created_at=datetime.now(UTC),
        )
        with self._lock:
            if len(self._log) == self._log.maxlen:
                self._by_sid.pop(self._log[0].sid, None)
            self._log.append(record)
            self._by_sid[sid] = record
        if to == UNREACHABLE_NUMBER:
            self._schedule([(self.delay_sent, (sid, "failed", 30003))])
        else:
            self._schedule(
                [(self.delay_sent, (sid, "sent", None)), (self.delay_delivered, (sid, "delivered", None))]
            )
        return SendResult(provider_sid=sid, status="queued")

    def find(self, sms: OutboundSms, since: datetime) -> SendResult | None:
        """The message this simulator accepted for our text (by client_ref) at or after since, if any.

        The simulator lives in the process: after a crash a new one remembers nothing, which matches what
        the simulated phone saw (its texts are the ones the desk recorded).
        """
        with self._lock:
            for record in reversed(self._log):
                if record.client_ref == sms.client_ref and record.created_at >= since:
                    return SendResult(provider_sid=record.sid, status=record.status)
        return None

    def flush(self) -> int:
        """Deliver queued status reports in order (synchronous mode); return how many were delivered."""
        delivered = 0
        while True:
            with self._lock:
                if not self._pending:
                    return delivered
                report = self._pending.popleft()
            self._report(*report)
            delivered += 1

    def messages(self) -> list[SimulatedMessage]:
        """Copies of the most recent messages (at most log_size), oldest first."""
        with self._lock:
            return [dataclasses.replace(m) for m in self._log]

    def get(self, sid: str) -> SimulatedMessage | None:
        """A copy of one logged message, or None when unknown or evicted."""
        with self._lock:
            record = self._by_sid.get(sid)
            return dataclasses.replace(record) if record else None

    def close(self) -> None:
        """Drop reports still waiting for their time (for shutdown and tests)."""
        with self._lock:
            self._closed = True
            self._due.clear()
            self._wakeup.notify_all()

    def _check(self, sms: OutboundSms) -> str:
        """Refuse what Twilio would refuse; return the normalised recipient."""
        try:
            to = normalize_recipient(sms.to, self.default_region)
        except InvalidAddress:
            to = ""
        if not to or to == INVALID_NUMBER:
            message = f"The 'To' number {sms.to} is not a valid phone number."
            raise SendError(message, code=21211, http_status=400)
        if to == OPTED_OUT_NUMBER:
            raise SendError("Attempt to send to unsubscribed recipient", code=21610, http_status=400)
        if to == UNAVAILABLE_NUMBER:
            raise SendError("Service unavailable (simulated)", http_status=503, transient=True)
        if not sms.body and not sms.media_urls:
            raise SendError("Message body is required.", code=21602, http_status=400)
        if len(sms.body) > MAX_BODY_CHARS:
            raise SendError(
                "The concatenated message body exceeds the 1600 character limit.", code=21617, http_status=400
            )
        return to

    def _schedule(self, steps: list[tuple[float, Report]]) -> None:
        """Queue reports (synchronous mode) or have the scheduler fire each one delay seconds from now."""
        if self.synchronous:
            with self._lock:
                self._pending.extend(report for _, report in steps)
            return
        now = time.monotonic()
        with self._lock:
            if self._closed:
                return
            for delay, report in steps:
                # Same-time reports keep their order through the sequence number.
                heapq.heappush(self._due, (now + delay, next(self._seq), report))
            if self._scheduler is None:
                self._scheduler = threading.Thread(target=self._run_scheduler, name="simulator", daemon=True)
                self._scheduler.start()
            self._wakeup.notify()

    def _run_scheduler(self) -> None:
        """Fire due reports in time order until closed."""
        while True:
            with self._lock:
                while not self._closed and (not self._due or self._due[0][0] > time.monotonic()):
                    self._wakeup.wait(self._due[0][0] - time.monotonic() if self._due else None)
                if self._closed:
                    return
                _, _, report = heapq.heappop(self._due)
            self._report(*report)

    def _report(self, sid: str, status: str, error_code: int | None) -> None:
        """Record a status and pass it to on_status, logging (not raising) what the callback raises."""
        with self._lock:
            record = self._by_sid.get(sid)
            if record is not None:
                record.status = status
                record.error_code = error_code
        if self.on_status is None:
            return
        try:
            self.on_status(sid, status, error_code)
        except Exception:
            # On the scheduler thread nobody would see the exception; the log is the only witness.
            log.exception("simulator status callback failed for %s (%s)", sid, status)
