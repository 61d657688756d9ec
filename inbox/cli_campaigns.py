"""`flask --app app campaigns …`: send a campaign with a progress bar, list campaigns."""

from __future__ import annotations

import click


@click.group("campaigns")
def campaigns_group() -> None:
    """Campaigns: send one now and watch its progress."""
