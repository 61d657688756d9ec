"""Fixtures for the import tests: the API tests' admin and agent tokens, shared rather than copied."""

from tests.api.conftest import admin, admin_token, agent_token

__all__ = ["admin", "admin_token", "agent_token"]
