"""Fixtures for the Twilio contract tests: a scripted stand-in for Twilio's Messages API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from twilio_standin import ACCOUNT_SID, AUTH_TOKEN, StandIn


@pytest.fixture(scope="module")
def standin_server() -> Iterator[StandIn]:
    server = StandIn(ACCOUNT_SID, AUTH_TOKEN)
    yield server
    server.close()


@pytest.fixture
def standin(standin_server: StandIn) -> StandIn:
    standin_server.reset()
    return standin_server
