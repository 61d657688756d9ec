"""The OpenAPI description of contact import (CSV, with a dry run) and export."""

from __future__ import annotations

from typing import Any

SCHEMAS: dict[str, Any] = {}
PATHS: dict[str, Any] = {}
