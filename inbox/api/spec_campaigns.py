"""The OpenAPI description of the campaigns, senders, message templates and reports endpoints."""

from __future__ import annotations

from typing import Any

SCHEMAS: dict[str, Any] = {}
PATHS: dict[str, Any] = {}
