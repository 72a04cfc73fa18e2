"""``python -m bench data``: fill the configured database with a benchmark world."""

from time import perf_counter

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext


@click.command("data")
@click.option(
    "--programs",
    type=click.IntRange(10, 200_000),
    default=10_000,
    show_default=True,
    help="Programs in this year's festival; everything else grows with it.",
)
@click.option(
    "--reset", is_flag=True, help="Delete every row of the database first (all its data is lost)."
)
@with_appcontext
def bench_data_command(programs: int, reset: bool):
    """Fill an empty database with a benchmark world of PROGRAMS programs (one round scored
    by 9 judges, last year's awards, teams' training with attendance and feeds)."""
    from bench.data import (
        BENCH_PASSWORD,
        analyze,
        database_is_empty,
        empty_database,
        generate,
    )
    from festival.accounts.passwords import hash_password
    from festival.db import db

    if reset:
        empty_database(db.session)
    elif not database_is_empty(db.session):
        raise click.ClickException("The database has data; pass --reset to empty it first.")
    started = perf_counter()
    world = generate(
        db.session,
        programs=programs,
        password_hash=hash_password(BENCH_PASSWORD),
        uid_domain=current_app.config["CALENDAR_UID_DOMAIN"],
    )
    db.session.commit()
    analyze(db.session)
    click.echo(
        f"Benchmark data written in {perf_counter() - started:.1f} s: "
        + ", ".join(f"{n} {table}" for table, n in sorted(world.rows.items()))
    )
    click.echo(
        f"Logins (password {BENCH_PASSWORD}): {world.organizer} (organizer), "
        f"{', '.join(world.judges[:1])} … {world.judges[-1]} (judges), "
        f"{world.team_leader} (a team's leader)."
    )
    click.echo(
        f"Festival {world.festival_id}, round {world.round_id}; last year's awards at "
        f"/festivals/{world.last_year_slug}/awards; a team's feed at "
        f"/calendar/{world.team_feed_secret}.ics"
    )


def main(argv: list[str]) -> int:
    """Run the command on the application ``create_app()`` builds (instance config,
    DATABASE_URL), as ``flask --app festival`` would."""
    from festival import create_app

    return bench_data_command.main(
        args=argv,
        prog_name="python -m bench data",
        obj=ScriptInfo(create_app=create_app),
        standalone_mode=True,
    )
