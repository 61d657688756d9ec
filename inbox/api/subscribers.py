"""/api/v1 subscribers endpoints."""

from __future__ import annotations
