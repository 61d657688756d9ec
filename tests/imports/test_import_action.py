"""The import action on a real database: the dry run's promises, consent rules, idempotence, batches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.actions.imports import ImportFileError
from inbox.models import ConsentEvent, Contact, ContactTag, ListMembership, Message
from tests.factories import make_contact, make_conversation, make_user
from tests.imports.helpers import (
    NOW,
    contact,
    csv_bytes,
    examples,
    make_attribute,
    make_list,
    membership,
    run_import,
    snapshot,
    tags_of,
)

HEADER = ["phone", "name", "tags", "consent_source", "consent_at", "city", "opted_out", "notes"]


@dataclass
class Scene:
    """A desk with history (an opt-out, a member who left, a member) and a file that meets all of it."""

    list_id: int
    file: bytes
    user_id: int


@pytest.fixture
def scene(session: Session) -> Scene:
    """Contacts A (opted out), B (left VIP), C (in VIP, tagged), and a file with every kind of row."""
    vip = make_list(session, "VIP")
    make_attribute(session, "city", "text")
    user = make_user(session, role="admin")
    ann = make_contact(
        session, "+14155550100", name="Ann", opted_out=True, opted_out_at=NOW - dt.timedelta(days=9)
    )
    session.add(ConsentEvent(contact_id=ann.id, action="opt_out", source="keyword", at=ann.opted_out_at))
    bo = make_contact(session, "+14155550101", name="Bo")
    cy = make_contact(session, "+14155550102", name="Cy")
    session.add_all(
        [
            ListMembership(
                list_id=vip.id,
                contact_id=bo.id,
                status="unsubscribed",
                source="keyword",
                joined_at=NOW - dt.timedelta(days=30),
                left_at=NOW - dt.timedelta(days=3),
            ),
            ListMembership(list_id=vip.id, contact_id=cy.id, status="subscribed", source="keyword"),
        ]
    )
    session.commit()
    session.add(ContactTag(contact_id=cy.id, tag="old"))
    session.commit()
    rows = [
        HEADER,
        ["+14155550100", "Ann B", "", "paper form", "", "", "no", ""],  # 2: opted out earlier
        ["+14155550101", "", "", "web form", "", "", "", ""],  # 3: left the list
        ["(415) 555-0102", "Cy Young", "old; New", "paper form", "", "Boston", "", "x"],  # 4: member
        ["+14155550103", "Dee", "vip", "web form 2026-03-01", "2026-03-01", "", "", ""],  # 5: new, consent
        ["+14155550104", "Eve", "", "", "", "", "", ""],  # 6: new, no consent
        ["not a number", "Nobody", "", "paper form", "", "", "", ""],  # 7: invalid number
        ["415.555.0103", "Dee again", "", "paper form", "", "", "", ""],  # 8: duplicate of row 5
        ["+14155550105", "", "", "paper form", "", "", "yes", ""],  # 9: opts out in the file
        ["+14155550106", "", "", "paper form", "", "x" * 600, "", ""],  # 10: city too long
    ]
    return Scene(vip.id, csv_bytes(rows), user.id)


EXPECTED_COUNTS = {
    "rows_read": 9,
    "valid_rows": 7,
    "new_contacts": 4,
    "updated_contacts": 2,
    "unchanged_contacts": 1,
    "subscribed": 2,
    "already_members": 1,
    "opt_outs_added": 1,
    "tags_added": 2,
}


def counts(report: Any) -> dict[str, int]:
    data = report.to_json()
    return {name: data[name] for name in EXPECTED_COUNTS}


def test_a_dry_run_changes_nothing_and_promises_what_the_import_then_does(
    app: Flask, session: Session, scene: Scene
) -> None:
    before = snapshot(session)
    checked = run_import(app, scene.file, list_id=scene.list_id)
    assert checked.dry_run is True
    assert counts(checked) == EXPECTED_COUNTS
    assert snapshot(session) == before  # not a row added, changed or removed

    done = run_import(app, scene.file, list_id=scene.list_id, dry_run=False, user_id=scene.user_id)
    assert done.dry_run is False
    assert done.to_json() == {**checked.to_json(), "dry_run": False}
    assert snapshot(session) != before


def test_every_problem_kind_is_reported_with_row_column_value_and_reason(
    app: Flask, session: Session, scene: Scene
) -> None:
    report = run_import(app, scene.file, list_id=scene.list_id)
    problems = report.to_json()["problems"]
    assert {kind: p["count"] for kind, p in problems.items()} == {
        "invalid_numbers": 1,
        "duplicates": 1,
        "no_consent": 1,
        "opted_out": 1,
        "left_list": 1,
        "invalid_values": 1,
        "unknown_columns": 1,
    }
    assert examples(report, "invalid_numbers") == [(7, "phone", "not a number")]
    assert examples(report, "duplicates") == [(8, "phone", "415.555.0103")]
    assert "row 5" in problems["duplicates"]["examples"][0]["reason"]
    assert examples(report, "no_consent") == [(6, "phone", "+14155550104")]
    assert 'not added to "VIP"' in problems["no_consent"]["examples"][0]["reason"]
    assert examples(report, "opted_out") == [(2, "phone", "+14155550100")]
    assert "stays opted out" in problems["opted_out"]["examples"][0]["reason"]
    assert examples(report, "left_list") == [(3, "phone", "+14155550101")]
    [invalid] = problems["invalid_values"]["examples"]
    assert (invalid["row"], invalid["column"]) == (10, "city")
    assert invalid["value"].startswith("xxx") and len(invalid["value"]) == 120  # shortened in the report
    assert "500 characters" in invalid["reason"]
    assert examples(report, "unknown_columns") == [(1, "notes", "notes")]
    assert report.columns == ["phone", "name", "tags", "consent_source", "consent_at", "city", "opted_out"]


def test_the_import_applies_the_consent_rules(app: Flask, session: Session, scene: Scene) -> None:
    run_import(app, scene.file, list_id=scene.list_id, dry_run=False, user_id=scene.user_id)

    ann = contact(session, "+14155550100")
    assert ann is not None and ann.opted_out and ann.name == "Ann B"  # the name updates, the opt-out stays
    assert membership(session, scene.list_id, "+14155550100") is None
    ledger = session.scalars(select(ConsentEvent).where(ConsentEvent.contact_id == ann.id)).all()
    assert [(e.action, e.source) for e in ledger] == [("opt_out", "keyword")]  # no opt-in from a file

    left = membership(session, scene.list_id, "+14155550101")
    assert left is not None and left.status == "unsubscribed" and left.left_at == NOW - dt.timedelta(days=3)

    dee = membership(session, scene.list_id, "+14155550103")
    assert dee is not None
    assert (dee.status, dee.source, dee.source_detail) == (
        "subscribed",
        "import",
        "contacts.csv: web form 2026-03-01",
    )
    assert dee.joined_at == dee.confirmed_at == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)  # consent_at
    later = membership(session, scene.list_id, "+14155550106")
    assert later is not None and later.joined_at == NOW  # no consent_at: the time of the import

    assert contact(session, "+14155550104") is not None  # no consent: a contact …
    assert membership(session, scene.list_id, "+14155550104") is None  # … but not a member

    fay = contact(session, "+14155550105")
    assert fay is not None and fay.opted_out
    [event] = session.scalars(select(ConsentEvent).where(ConsentEvent.contact_id == fay.id)).all()
    assert (event.action, event.source, event.note, event.user_id) == (
        "opt_out",
        "admin",
        "import contacts.csv",
        scene.user_id,
    )
    assert membership(session, scene.list_id, "+14155550105") is None

    cy = contact(session, "+14155550102")
    assert cy is not None and cy.name == "Cy Young" and cy.attributes == {"city": "Boston"}
    assert tags_of(session, "+14155550102") == {"old", "new"}
    assert session.scalar(select(func.count()).select_from(Message)) == 0  # an import never texts anyone


def test_importing_the_same_file_again_changes_nothing(app: Flask, session: Session, scene: Scene) -> None:
    run_import(app, scene.file, list_id=scene.list_id, dry_run=False, user_id=scene.user_id)
    after_first = snapshot(session)
    again = run_import(app, scene.file, list_id=scene.list_id, dry_run=False, user_id=scene.user_id)
    assert snapshot(session) == after_first
    assert counts(again) == {
        **EXPECTED_COUNTS,
        "new_contacts": 0,
        "updated_contacts": 0,
        "unchanged_contacts": 7,
        "subscribed": 0,
        "already_members": 3,
        "opt_outs_added": 0,
        "tags_added": 0,
    }
    # The file's own opt-out is now an earlier one.
    assert [row for row, _, _ in examples(again, "opted_out")] == [2, 9]


def test_an_opt_out_stays_whatever_the_file_says(app: Flask, session: Session) -> None:
    vip = make_list(session)
    make_contact(session, "+14155550100", opted_out=True, opted_out_at=NOW)
    data = csv_bytes([["phone", "opted_out", "consent_source"], ["+14155550100", "no", "paper form"]])
    report = run_import(app, data, list_id=vip.id, dry_run=False)
    assert report.problems["opted_out"].count == 1 and report.subscribed == 0
    stored = contact(session, "+14155550100")
    assert stored is not None and stored.opted_out
    assert membership(session, vip.id, "+14155550100") is None


def test_rows_across_batch_boundaries_are_each_counted_once(app: Flask, session: Session) -> None:
    vip = make_list(session)
    rows: list[list[str]] = [["phone", "name", "consent_source"]]
    for n in range(2500):
        consent = "" if n % 10 == 0 else "web form"
        rows.append([f"+1415555{n:04d}", f"Person {n}", consent])
    rows.insert(1502, ["(415) 555-0001", "Duplicate", "web form"])  # row 1503 repeats row 3
    rows.append(["+1415555001", "Short", "web form"])  # 11 digits with +1: not a possible number
    data = csv_bytes(rows)

    checked = run_import(app, data, list_id=vip.id, batch_size=1000)
    done = run_import(app, data, list_id=vip.id, batch_size=1000, dry_run=False)
    assert done.to_json() == {**checked.to_json(), "dry_run": False}
    assert (done.rows_read, done.valid_rows, done.new_contacts) == (2502, 2500, 2500)
    assert (done.subscribed, done.problems["no_consent"].count) == (2250, 250)
    assert examples(done, "duplicates") == [(1503, "phone", "(415) 555-0001")]
    assert [row for row, _, _ in examples(done, "invalid_numbers")] == [2503]
    assert session.scalar(select(func.count()).select_from(Contact)) == 2500
    assert session.scalar(select(func.count()).select_from(ListMembership)) == 2250
    first = contact(session, "+14155550001")
    assert first is not None and first.name == "Person 1"  # the first row wins over row 1503


def test_a_file_broken_late_keeps_the_batches_before_and_the_fixed_file_finishes(
    app: Flask, session: Session
) -> None:
    good = [f"+1415555{n:04d},Person {n}\r\n".encode() for n in range(2500)]
    broken = b"phone,name\r\n" + b"".join(good[:2200]) + b"+14155559999,Jos\xe9\r\n" + b"".join(good[2200:])
    with pytest.raises(ImportFileError, match="Row 2202 is not UTF-8"):
        run_import(app, broken, dry_run=False, batch_size=1000)
    assert session.scalar(select(func.count()).select_from(Contact)) == 2000  # two whole batches

    fixed = b"phone,name\r\n" + b"".join(good)
    report = run_import(app, fixed, dry_run=False, batch_size=1000)
    assert (report.new_contacts, report.unchanged_contacts) == (500, 2000)
    assert session.scalar(select(func.count()).select_from(Contact)) == 2500


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_a_bom_and_any_of_the_three_delimiters_are_read(
    app: Flask, session: Session, delimiter: str, bom: bool
) -> None:
    rows = [
        ["PHONE", "Name", "Consent Source", "TAGS"],
        ["+1 415 555 0100", "Lee; Ann, Jr.", "paper form", "a|b;c"],
        ["+1 415 555 0101", "Bo", "", ""],
    ]
    report = run_import(app, csv_bytes(rows, delimiter=delimiter, bom=bom), dry_run=False)
    assert report.to_json()["delimiter"] == {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    assert report.columns == ["phone", "name", "consent_source", "tags"]
    assert report.problems["unknown_columns"].count == 0
    assert report.new_contacts == 2
    stored = contact(session, "+14155550100")
    assert stored is not None and stored.name == "Lee; Ann, Jr."
    assert tags_of(session, "+14155550100") == {"a", "b", "c"}


def test_names_and_attributes_fill_in_and_an_empty_cell_never_erases(app: Flask, session: Session) -> None:
    make_attribute(session, "city", "text")
    make_attribute(session, "visits", "number")
    make_contact(session, "+14155550100", name="Ann", attributes={"city": "Boston", "visits": 2})
    data = csv_bytes([["phone", "name", "city", "visits"], ["+14155550100", "", "", "5"]])
    report = run_import(app, data, dry_run=False)
    assert report.updated_contacts == 1
    stored = contact(session, "+14155550100")
    assert stored is not None and stored.name == "Ann"
    assert stored.attributes == {"city": "Boston", "visits": 5}

    renamed = csv_bytes([["phone", "name", "city"], ["+14155550100", "Ann Lee", "Salem"]])
    run_import(app, renamed, dry_run=False)
    stored = contact(session, "+14155550100")
    assert stored is not None and stored.name == "Ann Lee"
    assert stored.attributes == {"city": "Salem", "visits": 5}


def test_attribute_values_are_checked_against_their_type(app: Flask, session: Session) -> None:
    make_attribute(session, "visits", "number")
    make_attribute(session, "born", "date")
    make_attribute(session, "vip", "boolean")
    make_attribute(session, "note", "text")
    rows = [
        ["phone", "Visits", "born", "VIP", "note"],
        ["+14155550100", "3", "2001-02-28", "yes", "likes tea"],
        ["+14155550101", "2.5", "2001-02-30", "no", "n" * 501],
        ["+14155550102", "many", "28/02/2001", "maybe", "ok"],
        ["+14155550103", "1e400", "", "", ""],
    ]
    report = run_import(app, csv_bytes(rows), dry_run=False)
    first, second, third, fourth = (contact(session, f"+1415555010{n}") for n in range(4))
    assert first is not None and first.attributes == {
        "visits": 3,
        "born": "2001-02-28",
        "vip": True,
        "note": "likes tea",
    }
    assert second is not None and second.attributes == {"visits": 2.5, "vip": False}
    assert third is not None and third.attributes == {"note": "ok"}
    assert fourth is not None and fourth.attributes == {}
    assert [(row, column) for row, column, _ in examples(report, "invalid_values")] == [
        (3, "born"),
        (3, "note"),
        (4, "visits"),
        (4, "born"),
        (4, "vip"),
        (5, "visits"),
    ]


def test_hostile_cells_are_stored_as_plain_text_or_refused(app: Flask, session: Session) -> None:
    make_attribute(session, "note", "text")
    rows = [
        ["phone", "name", "tags", "consent_source", "note"],
        ["+14155550100", "<script>alert(1)</script>", "<b>x</b>", "", "=1+1"],
        ["+14155550101", '\'=HYPERLINK("http://evil.example")', "", "", "'@SUM(A1)"],
        ["+14155550102", "Nul\x00Name", "t\x00g", "form\x00", "a\x00b"],
        ["+1415555\x000103", "", "", "", ""],
        ["+14155550104", "Bell\x07", "", "", ""],
    ]
    report = run_import(app, csv_bytes(rows), dry_run=False)
    script = contact(session, "+14155550100")
    assert script is not None and script.name == "<script>alert(1)</script>"
    assert tags_of(session, "+14155550100") == {"<b>x</b>"}
    assert script.attributes == {"note": "=1+1"}
    formula = contact(session, "+14155550101")
    assert (
        formula is not None and formula.name == '=HYPERLINK("http://evil.example")'
    )  # the export's ' undone
    assert formula.attributes == {"note": "@SUM(A1)"}
    nul = contact(session, "+14155550102")
    assert nul is not None and nul.name is None and nul.attributes == {}
    assert tags_of(session, "+14155550102") == set()
    assert [column for row, column, _ in examples(report, "invalid_values") if row == 4] == [
        "name",
        "tags",
        "consent_source",
        "note",
    ]
    assert examples(report, "invalid_numbers")[0][0] == 5
    bell = contact(session, "+14155550104")
    assert bell is not None and bell.name is None


def test_national_numbers_are_read_in_the_region(app: Flask, session: Session) -> None:
    data = csv_bytes([["phone"], ["020 7946 0958"], ["+1 415 555 0100"]])
    in_gb = run_import(app, data, region="GB")
    assert (in_gb.valid_rows, in_gb.problems["invalid_numbers"].count) == (2, 0)
    run_import(app, data, region="GB", dry_run=False)
    assert contact(session, "+442079460958") is not None
    assert contact(session, "+14155550100") is not None
    in_us = run_import(app, data, region="US")
    assert examples(in_us, "invalid_numbers") == [(2, "phone", "020 7946 0958")]


def test_open_inboxes_hear_of_renames_and_opt_outs_after_commit(
    app: Flask, session: Session, captured_events: list[tuple[str, dict[str, Any]]]
) -> None:
    conv = make_conversation(session, make_contact(session, "+14155550100", name="Old"), status="open")
    make_conversation(session, make_contact(session, "+14155550101"), status="open")
    data = csv_bytes(
        [["phone", "name", "opted_out"], ["+14155550100", "New", ""], ["+14155550101", "", "yes"]]
    )
    run_import(app, data)
    assert captured_events == []  # a dry run tells nobody anything
    run_import(app, data, dry_run=False)
    updates = {(name, p["id"]) for name, p in captured_events}
    assert ("conversation.updated", conv.id) in updates
    renamed = [p for name, p in captured_events if name == "conversation.updated" and p["id"] == conv.id]
    assert renamed[-1]["contact"]["name"] == "New"
    opted = [p for name, p in captured_events if name == "contact.updated" and p["phone"] == "+14155550101"]
    assert opted and opted[-1]["opted_out"] is True
    assert session.scalar(select(func.count()).select_from(Message)) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        (b"name,email\nAnn,a@example.com\n", 'no "phone" column (found: "name", "email")'),
        (b"phone,Phone\n+14155550100,+14155550101\n", 'The column "phone" appears twice'),
        ("phone,name\n+14155550100,José\n".encode("latin-1"), "Row 2 is not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00", "not a CSV text file"),
        (b"phone\n" + b"a" * 70_000 + b"\n", None),
        (b"x" * 70_000, "longer than 64 KB"),
        (b'phone\n"' + b"1" * 140_000 + b'"\n', "Row 2 cannot be read as CSV"),
    ],
    ids=[
        "empty",
        "blank",
        "no-phone",
        "phone-twice",
        "latin-1",
        "png",
        "zip",
        "long-cell-ok",
        "no-newline",
        "huge-cell",
    ],
)
def test_a_file_that_is_not_a_contacts_csv_is_refused_clearly(
    app: Flask, session: Session, data: bytes, message: str | None
) -> None:
    if message is None:  # a long (but not oversized) cell is only an invalid number
        report = run_import(app, data)
        assert report.problems["invalid_numbers"].count == 1
        return
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import(app, data)
    assert session.scalar(select(func.count()).select_from(Contact)) == 0
