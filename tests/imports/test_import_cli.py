"""`flask --app app contacts import FILE …` and `contacts export …`."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import Contact, ListMembership
from tests.factories import make_contact
from tests.imports.helpers import csv_bytes, make_list, membership, snapshot


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


FILE = csv_bytes(
    [
        ["phone", "name", "consent_source", "shoe size"],
        ["+14155550100", "Ann", "paper form"],
        ["415-555-0101", "Bo", ""],
        ["\x1b[31mred", "", ""],
    ]
)


def test_a_dry_run_prints_the_report_and_changes_nothing(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    make_list(session, "VIP")
    before = snapshot(session)
    result = runner.invoke(
        args=["contacts", "import", str(write(tmp_path, "c.csv", FILE)), "--list", "vip", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert 'Dry run (nothing was changed): c.csv into list "VIP", region US' in out
    assert "Rows read" in out and "New contacts to create" in out and "To add to the list" in out
    assert "Invalid numbers: 1" in out and "row 4, phone “\\x1b[31mred”" in out
    assert "\x1b" not in out  # a hostile cell cannot drive the terminal
    assert "Ignored columns: 1" in out and "shoe size" in out
    assert snapshot(session) == before


def test_an_import_joins_the_list_and_says_what_it_did(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    vip = make_list(session, "VIP")
    path = write(tmp_path, "c.csv", FILE)
    result = runner.invoke(args=["contacts", "import", str(path), "--list", "VIP"])
    assert result.exit_code == 0, result.output
    assert 'Imported: c.csv into list "VIP"' in result.output
    assert "No consent source: 1" in result.output and "row 3" in result.output
    joined = membership(session, vip.id, "+14155550100")
    assert joined is not None and joined.source_detail == "c.csv: paper form"
    assert membership(session, vip.id, "+14155550101") is None
    assert session.scalar(select(func.count()).select_from(Contact)) == 2


def test_bad_input_exits_1_with_a_clear_message(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    no_phone = write(tmp_path, "people.csv", b"name,email\nAnn,ann@example.com\n")
    result = runner.invoke(args=["contacts", "import", str(no_phone)])
    assert result.exit_code == 1
    assert 'Error: people.csv: The header row has no "phone" column' in result.output

    latin = write(tmp_path, "latin.csv", "phone,name\n+14155550100,José\n".encode("latin-1"))
    result = runner.invoke(args=["contacts", "import", str(latin)])
    assert result.exit_code == 1 and "Row 2 is not UTF-8 text" in result.output

    good = write(tmp_path, "c.csv", FILE)
    unknown = runner.invoke(args=["contacts", "import", str(good), "--list", "Nope"])
    assert unknown.exit_code == 1 and "no list named 'Nope'" in unknown.output
    region = runner.invoke(args=["contacts", "import", str(good), "--region", "XX"])
    assert region.exit_code == 1 and "--region 'XX'" in region.output
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_export_writes_a_file_or_standard_output(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    vip = make_list(session, "VIP")
    ann = make_contact(session, "+14155550100", name="=cmd")
    make_contact(session, "+14155550101", name="Bo")
    session.add(ListMembership(list_id=vip.id, contact_id=ann.id, status="subscribed", source="admin"))
    session.commit()

    target = tmp_path / "out.csv"
    result = runner.invoke(args=["contacts", "export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Exported 2 contacts to {target}." in result.stderr
    assert target.read_text(encoding="utf-8-sig").splitlines() == [
        "phone,name,opted_out,tags,lists",
        "'+14155550100,'=cmd,no,,VIP",
        "'+14155550101,Bo,no,,",
    ]

    members = runner.invoke(args=["contacts", "export", "--list", "vip", "--status", "subscribed"])
    assert members.exit_code == 0, members.output
    assert members.stdout.lstrip("\ufeff").splitlines() == [
        "phone,name,opted_out,tags,lists",
        "'+14155550100,'=cmd,no,,VIP",
    ]
    assert "Exported 1 contact to standard output." in members.stderr

    bad = runner.invoke(args=["contacts", "export", "--segment", "tag ="])
    assert bad.exit_code == 1 and "--segment" in bad.output
    needs_list = runner.invoke(args=["contacts", "export", "--status", "subscribed"])
    assert needs_list.exit_code == 1 and "--status needs --list" in needs_list.output
