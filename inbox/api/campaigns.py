"""/api/v1 campaigns endpoints."""

from __future__ import annotations
