"""Recommending upward (service tests): an advanced program goes forward to a festival of a
higher level as a linked copy; the same or a lower level, a program that did not advance and a
second recommendation are refused."""

import pytest
from sqlalchemy import func, select

from festival.awards import recommendations
from festival.core.errors import ValidationFailed
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from tests import factories
from tests.judging.test_services import world  # noqa: F401  (the screened festival)

NOW = factories.NOW


@pytest.fixture
def advanced_world(session, world):  # noqa: F811  (the imported fixture)
    for i, program in enumerate(world.programs):
        world.score_everyone(program, 50 - i, 30)
    world.close()
    return world


def test_recommend_creates_a_linked_program_at_a_higher_level(session, advanced_world):
    world = advanced_world  # noqa: F811
    source = world.programs[0]
    city = factories.make_festival(session, level="city")
    recommended = recommendations.recommend_program(
        session, program=source, target=city, category_id=None, actor=world.admin, now=NOW
    )
    assert recommended.festival_id == city.id and recommended.recommended_from_id == source.id
    assert (recommended.troupe_id, recommended.title) == (source.troupe_id, source.title)
    assert recommended.category.name == source.category.name
    assert recommended.category.festival_id == city.id
    performers = {
        row
        for row in session.execute(
            select(ProgramPerformer.person_id).where(ProgramPerformer.program_id == recommended.id)
        ).scalars()
    }
    assert performers == {p.person_id for p in source.performers} and len(performers) == 3
    assert recommended.status is ProgramStatus.submitted


@pytest.mark.parametrize("level", ["district", "other"])
def test_recommend_refuses_the_same_or_a_lower_level(session, advanced_world, level):
    city = factories.make_festival(session, level=level)
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend_program(
            session,
            program=advanced_world.programs[0],
            target=city,
            category_id=None,
            actor=advanced_world.admin,
            now=NOW,
        )
    assert "festival_id" in refused.value.fields


def test_recommend_refuses_a_program_that_did_not_advance(session, advanced_world):
    city = factories.make_festival(session, level="city")
    eliminated = advanced_world.programs[3]
    assert eliminated.status is ProgramStatus.eliminated
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend_program(
            session,
            program=eliminated,
            target=city,
            category_id=None,
            actor=advanced_world.admin,
            now=NOW,
        )
    assert set(refused.value.fields) == {"program_id"}


def test_recommend_refuses_the_same_program_twice(session, advanced_world):
    city = factories.make_festival(session, level="city")
    args = dict(
        program=advanced_world.programs[0],
        target=city,
        category_id=None,
        actor=advanced_world.admin,
        now=NOW,
    )
    recommendations.recommend_program(session, **args)
    with pytest.raises(ValidationFailed) as refused:
        recommendations.recommend_program(session, **args)
    assert set(refused.value.fields) == {"program_id"}
    assert (
        session.execute(
            select(func.count()).select_from(Program).where(Program.festival_id == city.id)
        ).scalar_one()
        == 1
    )


# Audit
