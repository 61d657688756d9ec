"""The segment language: parsing with positions, hostile input, and evaluation in SQL on real contacts."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import AttributeDefinition, Contact, ContactTag, ListMembership, SubscriberList
from inbox.segments import SegmentSyntaxError, Vocabulary, parse, segment_condition
from inbox.segments.language import (
    MAX_COMPARISONS,
    MAX_DEPTH,
    MAX_LENGTH,
    AllOf,
    AnyOf,
    Comparison,
    Negation,
    RelativeTime,
    comparisons,
)
from tests.factories import auth_headers, make_token

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    tree = parse('tag = "a" OR tag = "b" AND NOT tag = "c"')
    assert isinstance(tree, AnyOf)
    first, second = tree.parts
    assert isinstance(first, Comparison) and first.value == "a"
    assert isinstance(second, AllOf) and isinstance(second.parts[1], Negation)


def test_values_of_every_kind_and_keywords_in_any_case() -> None:
    tree = parse(
        'name contains "O\\"Brien" and orders >= 2.5 And vip = TRUE or joined < 2026-01-31 OR seen > -30d'
    )
    assert [c.value for c in comparisons(tree)] == [
        'O"Brien',
        2.5,
        True,
        dt.date(2026, 1, 31),
        RelativeTime(-30, "d"),
    ]


def test_field_names_that_start_with_keywords_are_fields() -> None:
    tree = parse('order_total > 1 AND android = true AND note = "x"')
    assert isinstance(tree, AllOf)
    assert [c.field for c in tree.parts if isinstance(c, Comparison)] == ["order_total", "android", "note"]


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ('tag "vip"', 5, "needs an operator"),
        ("tag =", 6, "ends too soon"),  # past the end, where the value is missing
        ('tag = "vip" AND', 16, "ends too soon"),
        ('(tag = "vip"', 13, "ends too soon"),
        ('tag = "vip")', 12, "unexpected"),
        ("tag = vip", 7, "needs a value"),
        ('tag = "vip" & city = "x"', 13, "unexpected character"),
        ("joined > 2026-02-30", 10, "is not a date"),
        ("   ", 1, "empty"),
    ],
)
def test_errors_say_what_and_where(text: str, column: int, words: str) -> None:
    with pytest.raises(SegmentSyntaxError) as caught:
        parse(text)
    assert words in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, column)


def test_errors_on_later_lines_name_the_line() -> None:
    with pytest.raises(SegmentSyntaxError) as caught:
        parse('tag = "vip"\nAND city ~ "x"')
    assert (caught.value.line, caught.value.column) == (2, 10)


def test_hostile_sizes_are_refused_before_parsing() -> None:
    with pytest.raises(SegmentSyntaxError, match="parentheses inside each other"):
        parse("(" * (MAX_DEPTH + 1) + 'tag = "a"' + ")" * (MAX_DEPTH + 1))
    with pytest.raises(SegmentSyntaxError, match="at most"):
        parse('tag = "' + "a" * MAX_LENGTH + '"')
    with pytest.raises(SegmentSyntaxError, match="comparisons"):
        parse(" OR ".join(['tag = "a"'] * (MAX_COMPARISONS + 1)))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_fails_with_a_position(text: str) -> None:
    try:
        parse(text)
    except SegmentSyntaxError as error:
        assert error.line >= 1 and error.column >= 1


# ---- evaluated in SQL ---------------------------------------------------------------------------


@pytest.fixture
def people(session: Session) -> dict[str, int]:
    """Five contacts with attributes, tags, list memberships and activity."""
    session.add_all(
        [
            AttributeDefinition(key="city", label="City", type="text"),
            AttributeDefinition(key="orders", label="Orders", type="number"),
            AttributeDefinition(key="vip", label="VIP", type="boolean"),
            AttributeDefinition(key="birthday", label="Birthday", type="date"),
        ]
    )
    news = SubscriberList(name="Newsletter", frequency="up to 4 msgs/month")
    session.add(news)
    rows = {
        "ann": Contact(
            phone="+14155550101",
            name="Ann O'Brien",
            attributes={"city": "Boston", "orders": 5, "vip": True, "birthday": "1990-05-01"},
            last_inbound_at=NOW - dt.timedelta(days=2),
        ),
        "bob": Contact(
            phone="+14155550102",
            name="Bob",
            attributes={"city": "Chicago", "orders": 1, "vip": False},
            last_inbound_at=NOW - dt.timedelta(days=60),
        ),
        "cy": Contact(phone="+14155550103", name="Cy 100%_sure", attributes={"city": "boston"}),
        "dee": Contact(phone="+14155550104", name=None, attributes={}, opted_out=True),
        "eve": Contact(phone="+447700900123", name="Eve", attributes={"orders": 12.5}),
    }
    session.add_all(rows.values())
    session.flush()
    session.add_all(
        [
            ContactTag(contact_id=rows["ann"].id, tag="vip"),
            ContactTag(contact_id=rows["bob"].id, tag="beta"),
            ContactTag(contact_id=rows["eve"].id, tag="vip"),
            ListMembership(list_id=news.id, contact_id=rows["ann"].id, status="subscribed", source="keyword"),
            ListMembership(
                list_id=news.id, contact_id=rows["bob"].id, status="unsubscribed", source="import"
            ),
            ListMembership(list_id=news.id, contact_id=rows["cy"].id, status="pending", source="web_form"),
        ]
    )
    session.commit()
    return {name: row.id for name, row in rows.items()}


def matching(session: Session, people: dict[str, int], text: str) -> set[str]:
    condition = segment_condition(text, Vocabulary.load(session), NOW)
    ids = set(session.scalars(select(Contact.id).where(condition)))
    return {name for name, contact_id in people.items() if contact_id in ids}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('tag = "vip"', {"ann", "eve"}),
        ('tag = "VIP " AND city = "Boston"', {"ann"}),
        ('tag != "vip"', {"bob", "cy", "dee"}),
        ('city = "Boston"', {"ann"}),
        ('city contains "BOST"', {"ann", "cy"}),
        ('city != "Boston"', {"bob", "cy", "dee", "eve"}),  # a contact with no city is not in Boston
        ("orders > 3", {"ann", "eve"}),
        ("orders <= 1", {"bob"}),
        ("vip = true", {"ann"}),
        ("vip != true", {"bob", "cy", "dee", "eve"}),
        ("birthday < 2000-01-01", {"ann"}),
        ("last_inbound_at > -30d", {"ann"}),
        ("last_inbound_at < -30d", {"bob"}),
        ("last_inbound_at > 2026-11-01", {"ann"}),
        ('list = "newsletter"', {"ann"}),  # pending and unsubscribed members are not on the list
        ('list != "Newsletter"', {"bob", "cy", "dee", "eve"}),
        ("opted_out = true", {"dee"}),
        ('phone contains "+44"', {"eve"}),
        ('name contains "100%_"', {"cy"}),  # % and _ are text here, not SQL wildcards
        ('name contains "\'"', {"ann"}),
        ('(tag = "vip" OR tag = "beta") AND NOT orders > 10', {"ann", "bob"}),
        ('name = "x\' OR 1=1 --"', set()),
    ],
)
def test_segments_select_exactly_the_matching_contacts(
    session: Session, people: dict[str, int], text: str, expected: set[str]
) -> None:
    assert matching(session, people, text) == expected


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ('colour = "red"', 1, "unknown field 'colour'"),
        ('vip = true AND orders > "many"', 16, "is a number"),
        ("city > 3", 1, "city takes =, !=, contains, not >"),
        ("city = 3", 1, "is text"),
        ("birthday > 12", 1, "is a date"),
        ('list = "Gold"', 1, "no list named 'Gold'"),
        ("tag = 3", 1, "tag takes a tag name"),
        ("vip contains true", 1, "vip takes =, !="),
    ],
)
def test_segments_that_make_no_sense_point_at_the_field(
    session: Session, people: dict[str, int], text: str, column: int, words: str
) -> None:
    with pytest.raises(SegmentSyntaxError) as caught:
        segment_condition(text, Vocabulary.load(session), NOW)
    assert words in caught.value.message
    assert caught.value.column == column


def test_the_api_counts_a_segment_and_points_at_mistakes(
    client: FlaskClient, session: Session, people: dict[str, int]
) -> None:
    headers = auth_headers(make_token(session, role="agent"))
    counted = client.post("/api/v1/segments/count", json={"filter": 'tag = "vip"'}, headers=headers)
    assert counted.status_code == 200 and counted.get_json() == {"count": 2}
    wrong = client.post(
        "/api/v1/segments/count", json={"filter": 'tag = "vip" AND\ncolour = "red"'}, headers=headers
    )
    assert wrong.status_code == 422
    error = wrong.get_json()["error"]
    assert error["code"] == "invalid_segment" and (error["line"], error["column"]) == (2, 1)
    assert "unknown field 'colour'" in error["fields"][0]["message"]
