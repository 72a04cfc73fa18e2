"""Creating and opening festivals and adding categories through the services."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from festival.core.errors import Conflict, ValidationFailed
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.festivals.services import add_category, create_festival, open_festival
from tests import factories

NOW = factories.NOW


def create(session, organization, **overrides) -> Festival:
    values = {
        "name": "Golden Autumn",
        "level": "district",
        "organization_id": organization.id,
        "year": 2026,
        "starts_on": date(2026, 5, 1),
        "ends_on": date(2026, 5, 3),
        "submission_deadline": datetime(2026, 4, 20, 18, 0),
        "actor": None,
        "now": NOW,
    }
    return create_festival(session, **{**values, **overrides})


def test_create_festival_is_a_draft_with_slug_and_defaults(session):
    festival = create(session, factories.make_organization(session))
    session.commit()
    stored = session.get(Festival, festival.id)
    assert stored.status is FestivalStatus.draft
    assert stored.slug == f"2026-district-{festival.id}"
    assert (stored.min_performer_age, stored.timezone) == (60, "Asia/Shanghai")


def test_create_festival_reads_a_naive_deadline_as_local_time_of_its_zone(session):
    shanghai = create(session, factories.make_organization(session))
    london = create(session, factories.make_organization(session), timezone="Europe/London")
    session.commit()
    assert session.get(Festival, shanghai.id).submission_deadline == datetime(
        2026, 4, 20, 10, 0, tzinfo=UTC
    )
    assert session.get(Festival, london.id).submission_deadline == datetime(
        2026, 4, 20, 17, 0, tzinfo=UTC
    )  # British Summer Time


def test_create_festival_keeps_an_aware_deadline_as_given(session):
    festival = create(
        session,
        factories.make_organization(session),
        submission_deadline=datetime(2026, 4, 20, 3, 0, tzinfo=UTC),
    )
    assert festival.submission_deadline == datetime(2026, 4, 20, 3, 0, tzinfo=UTC)


def test_create_festival_reports_every_problem_and_stores_nothing(session):
    organization = factories.make_organization(session)
    with pytest.raises(ValidationFailed) as caught:
        create(
            session,
            organization,
            name=" ",
            ends_on=date(2026, 4, 30),
            timezone="Mars/Base",
            year=1999,
            min_performer_age=130,
        )
    assert set(caught.value.fields) == {"name", "ends_on", "timezone", "year", "min_performer_age"}
    assert session.execute(select(func.count()).select_from(Festival)).scalar_one() == 0


def test_open_festival_needs_a_category(session):
    festival = create(session, factories.make_organization(session))
    with pytest.raises(ValidationFailed) as caught:
        open_festival(session, festival=festival, actor=None, now=NOW)
    assert set(caught.value.fields) == {"categories"}
    assert festival.status is FestivalStatus.draft


def test_open_festival_opens_a_draft_once(session):
    festival = create(session, factories.make_organization(session))
    add_category(
        session, festival=festival, name="Dance", max_duration_minutes=8, actor=None, now=NOW
    )
    open_festival(session, festival=festival, actor=None, now=NOW)
    assert festival.status is FestivalStatus.open
    with pytest.raises(Conflict):
        open_festival(session, festival=festival, actor=None, now=NOW)


def test_add_category_refuses_a_duplicate_name_in_the_same_festival(session):
    festival = create(session, factories.make_organization(session))
    add_category(
        session, festival=festival, name="Dance", max_duration_minutes=None, actor=None, now=NOW
    )
    with pytest.raises(ValidationFailed) as caught:
        add_category(
            session,
            festival=festival,
            name=" Dance ",
            max_duration_minutes=None,
            actor=None,
            now=NOW,
        )
    assert set(caught.value.fields) == {"name"}
    other = create(session, factories.make_organization(session))
    add_category(
        session, festival=other, name="Dance", max_duration_minutes=None, actor=None, now=NOW
    )
    assert session.execute(select(func.count()).select_from(Category)).scalar_one() == 2


def test_add_category_refuses_a_maximum_outside_1_to_600_minutes(session):
    festival = create(session, factories.make_organization(session))
    for minutes in (0, 601):
        with pytest.raises(ValidationFailed) as caught:
            add_category(
                session,
                festival=festival,
                name="Dance",
                max_duration_minutes=minutes,
                actor=None,
                now=NOW,
            )
        assert set(caught.value.fields) == {"max_duration_minutes"}


def test_categories_keep_the_order_they_were_added_in(session):
    festival = create(session, factories.make_organization(session))
    for name in ("Dance", "Song", "Opera"):
        add_category(
            session, festival=festival, name=name, max_duration_minutes=None, actor=None, now=NOW
        )
    session.commit()
    session.expire_all()
    assert [c.name for c in session.get(Festival, festival.id).categories] == [
        "Dance",
        "Song",
        "Opera",
    ]
