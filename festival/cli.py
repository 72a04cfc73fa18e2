"""Commands: ``flask --app festival create-user|demo|forget-login-attempts|backup|restore|audit|worker``
(the benchmark's ``python -m bench data`` lives beside the application, in ``bench/``)."""

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.exc import DBAPIError

from festival.accounts.models import Role
from festival.accounts.services import (
    KEEP_LOGIN_ATTEMPTS,
    create_user,
    forget_old_login_attempts,
)
from festival.audit.chain import verify_chain
from festival.backup import (
    BackupError,
    check_backup,
    check_revision,
    copy_sqlite_file,
    read_header,
    restore_backup,
    write_backup,
)
from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db
from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_is_loaded, load_demo
from festival.jobs.worker import worker_command
from festival.media.cli import media_group


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(forget_login_attempts_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(media_group)


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
            db.session,
            username=username,
            password=password,
            display_name=display_name or username,
            role=role,
            organization_id=organization_id,
            actor=None,
            now=utcnow(),
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
@click.option("--days", type=int, default=KEEP_LOGIN_ATTEMPTS.days, show_default=True)
def forget_login_attempts_command(days):
    """Delete login attempts older than DAYS (the workers do it daily by themselves)."""
    removed = forget_old_login_attempts(db.session, now=utcnow(), keep=timedelta(days=days))
    db.session.commit()
    click.echo(f"Removed {removed} login attempts older than {days} days.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option(
    "--sqlite-file",
    is_flag=True,
    help="SQLite only: write a copy of the database file itself (online backup API) "
    "instead of the portable archive.",
)
def backup_command(file: Path, force: bool, sqlite_file: bool):
    """Write the whole database to FILE, a portable archive (gzip of JSON lines) that
    `restore` reads on SQLite and PostgreSQL alike; safe while the application runs."""
    if file.exists() and not force:
        raise click.ClickException(f"{file} exists; choose another name or pass --force.")
    try:
        if sqlite_file:
            summary = copy_sqlite_file(db.engine, file)
        else:
            summary = write_backup(db.engine, db.metadata, file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    except DBAPIError as error:
        raise click.ClickException(f"The database could not be read: {error.orig}") from None
    click.echo(f"Backed up {summary.line()} to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool):
    """Replace every row of the database with those of the backup FILE, in one transaction.
    The database must be at the backup's schema revision (`flask db current`)."""
    db.session.remove()  # this process's own session must hold no locks on the tables
    try:
        header = read_header(file, db.metadata)
        with db.engine.connect() as connection:
            check_revision(connection, header["alembic_revision"])
        info = check_backup(file, db.metadata)  # every line, before anything changes
    except BackupError as error:
        raise click.ClickException(f"{error} Nothing was changed.") from None
    if not yes:
        click.confirm(
            f"Replace ALL data of {db.engine.url.render_as_string(hide_password=True)} with the "
            f"{info.rows} rows of the backup made {header.get('created_at')}?",
            abort=True,
        )
    try:
        summary = restore_backup(db.engine, db.metadata, file)
    except (BackupError, DBAPIError) as error:
        message = str(error.orig if isinstance(error, DBAPIError) else error).strip()
        raise click.ClickException(f"{message} Nothing was changed.") from None
    click.echo(f"Restored {summary.line()} from {file}.")


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
def audit_verify_command():
    """Walk the audit log's hash chain: OK with the count, or the first broken link (exit 1)."""
    report = verify_chain(db.session)
    db.session.rollback()
    if report.ok:
        click.echo(f"OK: {report.count} audit entries, the chain is intact.")
        return
    click.echo(f"BROKEN at {report.broken.describe()}", err=True)
    click.echo(f"({report.count} entries before it are intact.)", err=True)
    raise SystemExit(1)
