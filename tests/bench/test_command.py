"""``python -m bench data``: fills an empty database, refuses one with data unless told to empty it."""

from sqlalchemy import func, select

from bench.command import bench_data_command
from festival.judging.models import Score
from festival.programs.models import Program
from tests import factories


def test_bench_data_fills_an_empty_database(app, session):
    result = app.test_cli_runner().invoke(bench_data_command, args=["--programs", "20"])
    assert result.exit_code == 0, result.output
    assert "bench-organizer" in result.output
    assert session.execute(select(func.count()).select_from(Program)).scalar_one() == 20 + 10


def test_bench_data_refuses_a_database_with_data_unless_reset(app, session):
    factories.make_user(session, role="admin", username="keeper")
    session.commit()
    refused = app.test_cli_runner().invoke(bench_data_command, args=["--programs", "20"])
    assert refused.exit_code != 0 and "--reset" in refused.output
    assert session.execute(select(func.count()).select_from(Score)).scalar_one() == 0
    reset = app.test_cli_runner().invoke(bench_data_command, args=["--programs", "20", "--reset"])
    assert reset.exit_code == 0, reset.output
