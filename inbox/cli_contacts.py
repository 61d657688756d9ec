"""`flask --app app contacts …`: import and export contacts as CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from inbox.actions.imports import ImportFileError, ImportOptions, find_list, import_contacts
from inbox.db import get_db, utcnow
from inbox.imports.export import ExportFilter, ExportProgress, export_csv
from inbox.imports.rows import is_region
from inbox.models.subscribers import MEMBERSHIP_STATUSES
from inbox.segments import SegmentSyntaxError, Vocabulary, segment_condition


@click.group("contacts")
def contacts_group() -> None:
    """Contacts: CSV import (with a dry run) and export."""


def _list_id(session: Session, list_name: str | None) -> int | None:
    """The id of the list --list names (None without --list); a clear error when there is no such list."""
    if list_name is None:
        return None
    target = find_list(session, list_name)
    if target is None:
        raise click.ClickException(f"no list named {list_name!r}")
    return target.id


@contacts_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--list", "list_name", default=None, help="The list rows with a consent_source join (by name).")
@click.option("--region", default=None, help="Region of national numbers, e.g. US or GB [DEFAULT_REGION].")
@click.option("--dry-run", is_flag=True, help="Only check the file and print what the import would do.")
@with_appcontext
def import_command(file: Path, list_name: str | None, region: str | None, dry_run: bool) -> None:
    """Import contacts from a CSV FILE (columns: phone, name, tags, consent_source, consent_at, …)."""
    region = (region or str(current_app.config["DEFAULT_REGION"])).strip().upper()
    if not is_region(region):
        raise click.ClickException(f"--region {region!r} is not a region code such as US, GB or DE")
    with get_db().session() as session:
        list_id = _list_id(session, list_name)
        options = ImportOptions(file_name=file.name, dry_run=dry_run, list_id=list_id, region=region)
        with file.open("rb") as stream:
            try:
                report = import_contacts(session, stream, options)
            except ImportFileError as error:
                raise click.ClickException(f"{file.name}: {error}") from None
    for line in report.lines():
        click.echo(line)


@contacts_group.command("export")
@click.option("--list", "list_name", default=None, help="Only this list's members (by name).")
@click.option(
    "--status", type=click.Choice(MEMBERSHIP_STATUSES), default=None, help="Members in this status."
)
@click.option("--segment", default=None, help="Only contacts this segment selects, e.g. 'tag = \"vip\"'.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the CSV here (default: standard output).",
)
@with_appcontext
def export_command(
    list_name: str | None, status: str | None, segment: str | None, output: Path | None
) -> None:
    """Export contacts as CSV (phone, name, opted_out, tags, each attribute, lists)."""
    if status is not None and list_name is None:
        raise click.ClickException("--status needs --list")
    with get_db().session() as session:
        list_id = _list_id(session, list_name)
        condition = None
        if segment:
            try:
                condition = segment_condition(segment, Vocabulary.load(session), utcnow())
            except SegmentSyntaxError as error:
                raise click.ClickException(f"--segment: {error}") from None
        progress = ExportProgress()
        chunks = export_csv(
            session, ExportFilter(list_id=list_id, status=status, segment=condition), progress
        )
        if output is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            with output.open("w", encoding="utf-8", newline="") as target_file:
                for chunk in chunks:
                    target_file.write(chunk)
    where = "standard output" if output is None else str(output)
    noun = "contact" if progress.rows == 1 else "contacts"
    click.echo(f"Exported {progress.rows:,} {noun} to {where}.", err=True)
