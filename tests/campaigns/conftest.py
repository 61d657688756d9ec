"""Campaign tests share the API fixtures (admin, admin_token, agent_token)."""

from tests.api.conftest import admin, admin_token, agent_token

__all__ = ["admin", "admin_token", "agent_token"]
