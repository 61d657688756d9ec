"""?q= search: phone, name and message text through the trigram indexes, on both plans, both databases."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox import search
from tests.factories import auth_headers, make_token, post_inbound


@pytest.fixture
def token(session: Session) -> str:
    return make_token(session, role="agent")


def found(client: FlaskClient, token: str, q: str, **params: str) -> list[str]:
    response = client.get(
        "/api/v1/conversations", query_string={"q": q, **params}, headers=auth_headers(token)
    )
    assert response.status_code == 200, response.get_json()
    return sorted(c["contact"]["phone"] for c in response.get_json()["data"])


@pytest.fixture
def texts(client: FlaskClient, token: str) -> dict[str, str]:
    post_inbound(client, "Where is my parcel?", sender="+14155550101")
    post_inbound(client, "The PARCEL arrived, thanks", sender="+14155550102")
    post_inbound(client, "Do you sell gift cards? 100% off?", sender="+14155550103")
    contact_id = client.get("/api/v1/contacts?phone=%2B14155550103", headers=auth_headers(token)).get_json()
    client.patch(
        f"/api/v1/contacts/{contact_id['data'][0]['id']}",
        json={"name": "Zoë Quinn"},
        headers=auth_headers(token),
    )
    return {"a": "+14155550101", "b": "+14155550102", "c": "+14155550103"}


def test_search_finds_text_phone_and_name_in_any_case(
    client: FlaskClient, token: str, texts: dict[str, str]
) -> None:
    assert found(client, token, "parcel") == [texts["a"], texts["b"]]
    assert found(client, token, "ARRIVED") == [texts["b"]]
    assert found(client, token, "5550103") == [texts["c"]]
    assert found(client, token, "quinn") == [texts["c"]], "the new name is indexed at once"
    assert found(client, token, "Zoë") == [texts["c"]]
    assert found(client, token, "100%") == [texts["c"]]
    assert found(client, token, "50%") == [], "wildcards are literal"
    assert found(client, token, "nothing like this") == []
    assert found(client, token, 'say "hi"') == [], "quotes cannot break the FTS query"


def test_short_terms_still_search_without_the_index(
    client: FlaskClient, token: str, texts: dict[str, str]
) -> None:
    assert found(client, token, "Zo") == [texts["c"]]
    assert texts["b"] in found(client, token, "th")


def test_a_common_term_walks_the_folder_and_finds_the_same(
    client: FlaskClient, token: str, texts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    gathered = found(client, token, "parcel")
    monkeypatch.setattr(search, "COMMON_AT", 1)  # two matching messages now count as common
    assert found(client, token, "parcel") == gathered
    assert found(client, token, "Quinn") == [texts["c"]]


def test_search_combines_with_folders_and_pages(
    client: FlaskClient, token: str, texts: dict[str, str]
) -> None:
    assert found(client, token, "parcel", folder="bot") == [texts["a"], texts["b"]]
    assert found(client, token, "parcel", folder="resolved") == []
    first: Any = client.get(
        "/api/v1/conversations", query_string={"q": "parcel", "limit": "1"}, headers=auth_headers(token)
    ).get_json()
    second = client.get(
        "/api/v1/conversations",
        query_string={"q": "parcel", "limit": "1", "cursor": first["next_cursor"]},
        headers=auth_headers(token),
    ).get_json()
    phones = {first["data"][0]["contact"]["phone"], second["data"][0]["contact"]["phone"]}
    assert phones == {texts["a"], texts["b"]} and second["next_cursor"] is None
