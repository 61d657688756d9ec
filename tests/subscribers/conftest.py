"""Fixtures of the subscriber tests: the API tests' admin, admin token and agent token."""

from tests.api.conftest import admin, admin_token, agent_token

__all__ = ["admin", "admin_token", "agent_token"]
