"""Schemathesis against /api/v1/openapi.json: whatever it sends, the API answers without a
server error, with one of the status codes the document lists for that operation, and with a
body that matches the document's schema for that status.

Every operation runs once as an admin and once as a troupe leader, each with a bearer token, on
a seeded database (an open festival with a program and an award, a festival in screening with
an open round, its judge and an entry, a troupe of the leader with members and a weekly
training, all named with script payloads), where path parameters are either generated or the
ids of real objects. Examples per operation: FUZZ_MAX_EXAMPLES (default 25); seed: FUZZ_SEED
(default 1, so that a run repeats). The admin run also sends Schemathesis' boundary values
(its coverage phase); the leader run only generated examples, to keep the run short.

    .venv/bin/pytest -q tests/fuzz
"""

import os
from datetime import datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from festival import create_app
from festival.awards.services import create_award
from festival.judging import services as judging
from festival.schedules import feeds
from festival.schedules import services as schedules
from tests import factories

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "1"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


def config(*, coverage: bool):
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": coverage},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


def _document_app():
    """An app only to serve the OpenAPI document (it needs no database)."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "fuzz", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


DOCUMENT_APP = _document_app()
admin_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", DOCUMENT_APP, config=config(coverage=True)
)
leader_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", DOCUMENT_APP, config=config(coverage=False)
)

# Ids of the seeded world's objects, by path parameter name; set by the fixture before each
# operation's examples are generated.
REAL_IDS: dict[str, list] = {}


def flatmap_path_parameters(context, path_parameters):
    """Half the time, the path names real objects (else nearly every answer is a 404)."""
    if not path_parameters or not REAL_IDS:
        return st.just(path_parameters)
    real = {
        name: st.sampled_from(REAL_IDS[name]) if name in REAL_IDS else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


# Body fields that hold lists of ids, and the kind of id in them.
ID_LISTS = {
    "performer_ids": "person_id",
    "present": "person_id",
    "absent": "person_id",
    "program_ids": "program_id",
    "advance_program_ids": "program_id",
}


def flatmap_body(context, body):
    """Half the time, the ids in a JSON body are those of real objects."""
    if not isinstance(body, dict) or not REAL_IDS:
        return st.just(body)
    real = {}
    for name, value in body.items():
        if name in REAL_IDS and not isinstance(value, list):
            real[name] = st.sampled_from(REAL_IDS[name])
        elif name in ID_LISTS and isinstance(value, list):
            real[name] = st.lists(st.sampled_from(REAL_IDS[ID_LISTS[name]]), max_size=3)
        else:
            real[name] = st.just(value)
    return st.one_of(st.just(body), st.fixed_dictionaries(real))


for _schema in (admin_schema, leader_schema):
    _schema.hook(flatmap_path_parameters)
    _schema.hook(flatmap_body)


def seed(session) -> dict:
    """The seeded world: users by role, and real ids by path parameter name."""
    now = factories.NOW
    city = factories.make_organization(session, level="city", name="City " + PAYLOAD)
    office = factories.make_organization(
        session, level="district", parent=city, name="Office " + PAYLOAD
    )
    users = {
        role: factories.make_user(
            session,
            role=role,
            display_name=role + PAYLOAD,
            organization=office if role == "organizer" else None,
        )
        for role in ("admin", "organizer", "leader", "judge")
    }
    admin = users["admin"]
    deadline = now + timedelta(days=30)
    festival = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=10)).date(),
        name="Festival " + PAYLOAD,
    )
    troupe = factories.make_troupe(
        session, organization=office, leader=users["leader"], name="Troupe " + PAYLOAD
    )
    program = factories.make_program(
        session, festival=festival, troupe=troupe, actor=admin, title="Program " + PAYLOAD
    )
    screened = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=10)).date(),
    )
    entry = factories.make_program(session, festival=screened, troupe=troupe, actor=admin)
    round_ = judging.create_round(
        session,
        festival=screened,
        name="Round " + PAYLOAD,
        criteria=[{"name": "Criterion " + PAYLOAD, "max_score": 10}],
        advance_count=1,
        actor=admin,
        now=now,
    )
    judging.assign_judge(session, round_=round_, user_id=users["judge"].id, actor=admin, now=now)
    judging.add_entries(session, round_=round_, program_ids=[entry.id], actor=admin, now=now)
    award = create_award(
        session,
        festival=festival,
        tier="special",
        program_id=program.id,
        title="Award " + PAYLOAD,
        actor=admin,
        now=now,
    )
    training = schedules.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=admin,
        now=now,
        details=schedules.EventDetails(
            title="Training " + PAYLOAD,
            kind="training",
            location="Hall, 1; " + PAYLOAD,
            notes="Notes\n" + PAYLOAD,
            starts_at=datetime(2026, 1, 3, 9, 0),
            ends_at=datetime(2026, 1, 3, 11, 0),
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=10",
        ),
    )
    feeds.feed_for_troupe(session, troupe=troupe, now=now)
    session.commit()
    return users, {
        "festival_id": [festival.id, screened.id],
        "troupe_id": [troupe.id],
        "program_id": [program.id, entry.id],
        "person_id": [performer.person_id for performer in program.performers],
        "round_id": [round_.id],
        "event_id": [training.id],
        "award_id": [award.id],
        "occurrence": ["2026-01-10", "2026-01-17"],
        "organization_id": [office.id, city.id],
        "parent_id": [office.id],
        "category_id": [c.id for c in festival.categories],
        "user_id": [users["judge"].id],
        "leader_id": [users["leader"].id],
    }


@pytest.fixture
def seeded(app, session):
    users, ids = seed(session)
    REAL_IDS.clear()
    REAL_IDS.update(ids)
    yield users
    REAL_IDS.clear()


def headers_for(app, user) -> dict:
    token = factories.ApiClient(app).as_user(user).token
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def run_case(app, case, headers: dict) -> None:
    case.call_and_validate(session=app.test_client(), headers=headers, checks=CHECKS)


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def admin(app, seeded):
    return headers_for(app, seeded["admin"])


@pytest.fixture
def leader(app, seeded):
    return headers_for(app, seeded["leader"])


@admin_schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_admin(app, admin, case):
    run_case(app, case, admin)


@leader_schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_leader(app, leader, case):
    run_case(app, case, leader)
