"""`flask --app app …` commands: database, demo, users and tokens, the outbox worker."""

from __future__ import annotations

import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from inbox.actions.users import UserError, create_token, create_user, find_user, revoke_token
from inbox.botconfig import store_default_settings
from inbox.db import get_db
from inbox.migrate import revision, upgrade
from inbox.models.users import ROLES


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database schema, or upgrade it to the latest migration."""
    upgrade(get_db().engine)
    with get_db().session() as session:
        store_default_settings(session, current_app.config)
        session.commit()
    click.echo(f"Database ready: {get_db().engine.url.render_as_string(hide_password=True)}")


@click.command("db-revision")
@with_appcontext
@click.argument("message")
def db_revision_command(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    revision(get_db().engine, message)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add demo rules, default compliance texts and an admin login (once; later runs change nothing)."""
    from inbox.demo import seed_demo

    with get_db().session() as session:
        created = seed_demo(session, current_app.config)
    if created is None:
        click.echo("Demo already seeded.")
        return
    email, password = created
    click.echo("Demo seeded: rules, compliance texts and an admin login.")
    click.echo(f"  admin login: {email}  password: {password}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="agent", show_default=True)
@click.option("--password", default=None, help="At least 8 characters; generated and printed when omitted.")
@click.option("--name", default="", help="Display name.")
def create_user_command(email: str, role: str, password: str | None, name: str) -> None:
    """Create an admin or agent."""
    with get_db().session() as session:
        try:
            user, plain = create_user(session, email, role, password, name)
        except UserError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Created {user.role} {user.email}")
        if password is None:
            click.echo(f"Password: {plain}")


@click.command("create-token")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Print a new API token for a user (on the last line)."""
    with get_db().session() as session:
        user = find_user(session, email)
        if user is None:
            raise click.ClickException(f"no user with email {email}")
        _, token = create_token(session, user, name)
    click.echo("Store this token now; it cannot be shown again.")
    click.echo(token)


@click.command("revoke-token")
@with_appcontext
@click.argument("token_or_prefix")
def revoke_token_command(token_or_prefix: str) -> None:
    """Revoke an API token (the whole token or its prefix)."""
    with get_db().session() as session:
        count = revoke_token(session, token_or_prefix)
    if count == 0:
        raise click.ClickException("no active token matches")
    click.echo(f"Revoked {count} token(s).")


@click.command("outbox-worker")
@with_appcontext
def outbox_worker_command() -> None:
    """Deliver queued texts and run campaigns until stopped (production: next to OUTBOX_MODE=off web)."""
    outbox = current_app.extensions["textdesk.outbox"]
    campaigns = current_app.extensions["textdesk.campaigns"]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    click.echo(f"Outbox worker delivering through {outbox.provider.name}, and campaigns; Ctrl-C to stop.")
    # Campaigns run beside the outbox: only one process at a time sends them (a lease), so any number
    # of workers may run.
    campaign_thread = threading.Thread(target=campaigns.run, args=(stop,), name="campaigns", daemon=True)
    campaign_thread.start()
    outbox.run(stop)
    campaign_thread.join(timeout=10)


def init_app(app: Flask) -> None:
    """Register the commands."""
    from inbox.cli_campaigns import campaigns_group
    from inbox.cli_contacts import contacts_group

    for command in (
        init_db_command,
        db_revision_command,
        seed_demo_command,
        create_user_command,
        create_token_command,
        revoke_token_command,
        outbox_worker_command,
        contacts_group,
        campaigns_group,
    ):
        app.cli.add_command(command)
