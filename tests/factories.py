"""Plain builders that make valid objects by default; pass what a test cares about."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

from festival.accounts.models import Level, Organization, Role, User
from festival.accounts.services import create_organization, create_user
from festival.troupes.models import Membership, Person, Troupe, TroupeKind

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def make_organization(
    session, *, name: str | None = None, level: str = "district", parent: Organization | None = None
) -> Organization:
    return create_organization(
        session,
        name=name or f"Office {next(_numbers)}",
        level=Level(level),
        parent_id=parent.id if parent else None,
        actor=None,
        now=NOW,
    )


def make_user(
    session,
    *,
    role: str = "leader",
    username: str | None = None,
    organization: Organization | None = None,
    password: str = PASSWORD,
    display_name: str | None = None,
) -> User:
    if organization is None and Role(role) is Role.organizer:
        organization = make_organization(session)
    username = username or f"{role}{next(_numbers)}"
    return create_user(
        session,
        username=username,
        password=password,
        display_name=display_name or username,
        role=role,
        organization_id=organization.id if organization else None,
        actor=None,
        now=NOW,
    )


def make_troupe(
    session,
    *,
    name: str | None = None,
    organization: Organization | None = None,
    kind: str = "troupe",
    leader: User | None = None,
) -> Troupe:
    organization = organization or make_organization(session)
    troupe = Troupe(
        name=name or f"Troupe {next(_numbers)}",
        kind=TroupeKind(kind),
        organization_id=organization.id,
        leader_id=leader.id if leader else None,
        created_at=NOW,
    )
    session.add(troupe)
    session.flush()
    return troupe


def make_person(
    session,
    *,
    name: str | None = None,
    birth_date: date = date(1950, 5, 1),
    troupe: Troupe | None = None,
) -> Person:
    person = Person(name=name or f"Person {next(_numbers)}", birth_date=birth_date, created_at=NOW)
    session.add(person)
    session.flush()
    if troupe is not None:
        session.add(Membership(troupe_id=troupe.id, person_id=person.id))
        session.flush()
    return person


class ApiClient:
    """A test client that sends JSON with a bearer token and the chosen language."""

    def __init__(self, app, token: str | None = None, language: str = "en"):
        self.app = app
        self.client = app.test_client()
        self.token = token
        self.language = language

    def as_user(self, user: User, language: str = "en") -> "ApiClient":
        from festival.db import db

        db.session.commit()
        response = self.client.post(
            "/api/v1/auth/tokens", json={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 201, response.get_json()
        return ApiClient(self.app, response.get_json()["token"], language)

    def _headers(self, headers):
        merged = {"Accept-Language": self.language}
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        return {**merged, **(headers or {})}

    def get(self, url, headers=None, **kwargs):
        return self.client.get(url, headers=self._headers(headers), **kwargs)

    def post(self, url, json=None, headers=None, **kwargs):
        return self.client.post(url, json=json, headers=self._headers(headers), **kwargs)

    def put(self, url, json=None, headers=None, **kwargs):
        return self.client.put(url, json=json, headers=self._headers(headers), **kwargs)

    def patch(self, url, json=None, headers=None, **kwargs):
        return self.client.patch(url, json=json, headers=self._headers(headers), **kwargs)

    def delete(self, url, headers=None, **kwargs):
        return self.client.delete(url, headers=self._headers(headers), **kwargs)


def make_festival(
    session,
    *,
    organization: Organization | None = None,
    level: str = "district",
    status: str = "open",
    starts_on: date = date(2026, 5, 1),
    deadline: datetime | None = None,
    min_performer_age: int = 60,
    categories: tuple[str, ...] = ("舞蹈", "歌舞"),
    max_minutes: int | None = 8,
    name: str | None = None,
):
    """A festival (open by default) with categories, run by ``organization``."""
    from festival.festivals.models import FestivalStatus
    from festival.festivals.services import add_category, create_festival

    organization = organization or make_organization(session, level=level)
    if deadline is None:  # eleven days before the first day (2026-04-20 for 2026-05-01)
        deadline = datetime.combine(starts_on - timedelta(days=11), time(16, 0), tzinfo=UTC)
    festival = create_festival(
        session,
        name=name or f"Festival {next(_numbers)}",
        level=level,
        organization_id=organization.id,
        year=starts_on.year,
        starts_on=starts_on,
        ends_on=starts_on,
        submission_deadline=deadline,
        min_performer_age=min_performer_age,
        actor=None,
        now=NOW,
    )
    for category in categories:
        add_category(
            session,
            festival=festival,
            name=category,
            max_duration_minutes=max_minutes,
            actor=None,
            now=NOW,
        )
    festival.status = FestivalStatus(status)
    session.flush()
    return festival


def make_program(
    session,
    *,
    festival,
    troupe=None,
    category=None,
    title: str | None = None,
    duration_minutes: int = 6,
    performers: int = 3,
    actor: User | None = None,
    now: datetime = NOW,
):
    """A submitted program with eligible performers who are members of ``troupe``."""
    from festival.programs.services import submit_program

    troupe = troupe or make_troupe(session, organization=festival.organization)
    people = [make_person(session, troupe=troupe) for _ in range(performers)]
    category = category or festival.categories[0]
    return submit_program(
        session,
        festival=festival,
        troupe=troupe,
        category_id=category.id,
        title=title or f"Program {next(_numbers)}",
        duration_minutes=duration_minutes,
        performer_ids=[p.id for p in people],
        may_submit_late=True,
        actor=actor or make_user(session, role="admin"),
        now=now,
    )


def make_closed_round(
    session, *, festival, organizer: User, marks: dict, ranking: str = "overall", name="Final"
):
    """A round over ``marks`` (program → its mark out of 100, from one judge), closed with no
    program advancing: the ranking an award allocation reads."""
    from festival.judging import scores, services

    judge = make_user(session, role="judge")
    round_ = services.create_round(
        session,
        festival=festival,
        name=name,
        aggregation="mean",
        criteria=[{"name": "art", "max_score": 100}],
        ranking=ranking,
        actor=organizer,
        now=NOW,
    )
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in marks], actor=organizer, now=NOW
    )
    for program, mark in marks.items():
        scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={"art": mark},
            now=NOW,
        )
    services.close_round(session, round_=round_, advance_program_ids=[], actor=organizer, now=NOW)
    session.flush()
    return round_
