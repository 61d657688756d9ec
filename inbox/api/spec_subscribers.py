"""The OpenAPI description of the subscriber endpoints: attributes, tags, lists, segments, import, export."""

from __future__ import annotations

from typing import Any

SCHEMAS: dict[str, Any] = {}
PATHS: dict[str, Any] = {}
