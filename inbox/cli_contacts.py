"""`flask --app app contacts …`: import and export contacts as CSV."""

from __future__ import annotations

import click


@click.group("contacts")
def contacts_group() -> None:
    """Contacts: CSV import (with a dry run) and export."""
