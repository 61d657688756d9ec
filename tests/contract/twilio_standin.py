"""A tiny stand-in for api.twilio.com's CreateMessage and ListMessage, scripted per recipient by the tests."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "contract-test-auth-token-0000001"
MESSAGES_PATH = "/2010-04-01/Accounts/{account_sid}/Messages.json"


@dataclass
class Reply:
    """What the stand-in answers for one recipient."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    """One request the stand-in saw."""

    method: str
    path: str
    form: dict[str, list[str]]
    headers: dict[str, str]

    def one(self, name: str) -> str | None:
        values = self.form.get(name)
        return values[0] if values else None


def twilio_error(status: int, code: int, message: str) -> bytes:
    """Twilio's (legacy, non RFC 9457) error body."""
    return json.dumps(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
    ).encode()


class StandIn:
    """Answers CreateMessage with a 201 Message resource (a fresh sid each time) unless scripted."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.received: list[Received] = []
        self.created: list[dict[str, Any]] = []  # every message resource it answered 201 with, in order
        self.delay = 0.0  # seconds between creating a message and answering (widens a crash window)
        self.in_flight = threading.Event()  # set while a created message's answer is still to be sent
        self._replies: dict[str, Reply] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, to: str, status: int, body: bytes | dict[str, Any], **kwargs: Any) -> None:
        """Script the answer for requests whose To is `to`."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with self._lock:
            self._replies[to] = Reply(status, raw, **kwargs)

    def reset(self) -> None:
        with self._lock:
            self._replies.clear()
            self.received.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reply_for(self, request: Received) -> Reply:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Reply(401, twilio_error(401, 20003, "Authenticate"))
        path, _, query = request.path.partition("?")
        if path != MESSAGES_PATH.format(account_sid=self.account_sid):
            return Reply(404, twilio_error(404, 20404, "The requested resource was not found"))
        if request.method == "GET":
            return Reply(200, json.dumps(self._message_page(parse_qs(query), path)).encode())
        with self._lock:
            scripted = self._replies.get(request.one("To") or "")
        if scripted:
            return scripted
        resource = self._message_resource(request)
        with self._lock:
            self.created.append(resource)
        return Reply(201, json.dumps(resource).encode(), delay=self.delay)

    def _message_page(self, query: dict[str, list[str]], path: str) -> dict[str, Any]:
        """ListMessage: the messages created so far, newest first, filtered by To (one page)."""
        to = query.get("To", [None])[0]
        size = int(query.get("PageSize", ["50"])[0])
        with self._lock:
            found = [m for m in reversed(self.created) if to is None or m["to"] == to][:size]
        return {
            "messages": found,
            "end": max(len(found) - 1, 0),
            # Twilio's spec declares these as URIs (format "uri"), so Prism wants them absolute.
            "first_page_uri": f"{self.url}{path}",
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": f"{self.url}{path}",
        }

    def _message_resource(self, request: Received) -> dict[str, Any]:
        sid = "SM" + uuid.uuid4().hex
        now = formatdate(usegmt=True).replace("GMT", "+0000")
        media = request.form.get("MediaUrl", [])
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": request.one("Body") or "",
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": request.one("From"),
            "messaging_service_sid": request.one("MessagingServiceSid"),
            "num_media": str(len(media)),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted"
            if request.one("MessagingServiceSid") and not request.one("From")
            else "queued",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": request.one("To"),
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                request = Received("POST", self.path, form, {k.lower(): v for k, v in self.headers.items()})
                with standin._lock:
                    standin.received.append(request)
                reply = standin._reply_for(request)
                if reply.delay:
                    standin.in_flight.set()
                    time.sleep(reply.delay)
                    standin.in_flight.clear()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def do_GET(self) -> None:
                request = Received("GET", self.path, {}, {k.lower(): v for k, v in self.headers.items()})
                with standin._lock:
                    standin.received.append(request)
                reply = standin._reply_for(request)
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler
