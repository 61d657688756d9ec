"""/api/v1 imports endpoints."""

from __future__ import annotations
