"""Commands: ``flask --app festival create-user|demo``."""

from datetime import timedelta

import click
from flask import Flask

from festival.accounts.models import Role
from festival.accounts.services import create_user, forget_old_login_attempts
from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(forget_login_attempts_command)


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default=None, help="Shown in the interface; defaults to USERNAME.")
@click.option("--organization-id", type=int, default=None)
def create_user_command(username, role, password, display_name, organization_id):
    """Create a user account (prompts for the password)."""
    try:
        user = create_user(
            db.session, username=username, password=password,
            display_name=display_name or username, role=role,
            organization_id=organization_id, actor=None, now=utcnow(),
        )
    except ValidationFailed as error:
        db.session.rollback()
        for field, messages in error.fields.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.username} (id {user.id}).")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users already.")
def demo_command(if_empty):
    """Load the demo festival of DOMAIN.md and print the demo logins."""
    from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_is_loaded, load_demo

    if demo_is_loaded(db.session):
        if if_empty:
            click.echo("The database has data already; the demo was not loaded.")
            return
        raise click.ClickException("The database is not empty; the demo loads into an empty one.")
    created = load_demo(db.session, now=utcnow())
    db.session.commit()
    click.echo("Demo loaded: " + ", ".join(f"{n} {kind}" for kind, n in created.items()))
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, display_name, role, _organization in DEMO_ACCOUNTS:
        click.echo(f"  {username:<10} {role.value:<10} {display_name}")


@click.command("forget-login-attempts")
@click.option("--days", type=int, default=30, show_default=True)
def forget_login_attempts_command(days):
    """Delete login attempts older than DAYS (run daily from cron)."""
    removed = forget_old_login_attempts(db.session, now=utcnow(), keep=timedelta(days=days))
    db.session.commit()
    click.echo(f"Removed {removed} login attempts older than {days} days.")
