"""The organizer's dashboard of a festival: who has submitted, who is late, what is wrong."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from festival.core.clock import utcnow
from festival.core.ids import db_int
from festival.dashboard import queries
from festival.dashboard.queries import ProblemKind
from festival.db import db
from festival.festivals.models import Festival
from festival.festivals.permissions import can_manage_festival
from festival.programs.models import ProgramStatus
from festival.troupes.models import TroupeKind
from festival.web import charts
from festival.web.auth import require
from festival.web.labels import PROGRAM_STATUS, TROUPE_KIND

bp = Blueprint("dashboard", __name__)

PER_PAGE = 20

PROBLEM_LABELS = {
    ProblemKind.late: _l("Late"),
    ProblemKind.under_age: _l("Performer under age"),
    ProblemKind.not_member: _l("Performer not in the troupe"),
    ProblemKind.too_long: _l("Too long"),
}


def _page_arg(name: str) -> int:
    """Lenient, like ``web.paging``: a bad value falls back to the first page."""
    return max(request.args.get(name, 1, type=db_int) or 1, 1)


def _enum_arg(name: str, enum_type):
    try:
        return enum_type(request.args.get(name, ""))
    except ValueError:
        return None


def _present(**values) -> dict:
    return {name: value for name, value in values.items() if value}


@bp.get("/festivals/<int:festival_id>/dashboard")
def show(festival_id: int):
    festival = db.get_or_404(Festival, festival_id)
    require(can_manage_festival(current_user, festival))

    troupe_kind = _enum_arg("troupes_kind", TroupeKind)
    troupe_org = request.args.get("troupes_org", type=db_int)
    problem = _enum_arg("problem", ProblemKind)

    counts = queries.status_counts(db.session, festival)
    categories = queries.category_counts(db.session, festival)
    organizations, more_organizations = queries.organization_counts(db.session, festival)
    organization_choices = queries.organizations_under(db.session, festival)
    troupes = queries.troupes_without_programs(
        db.session,
        festival,
        kind=troupe_kind,
        organization_id=troupe_org,
        page=_page_arg("troupes_page"),
        per_page=PER_PAGE,
    )
    problems = queries.programs_with_problems(
        db.session,
        festival,
        kind=problem,
        page=_page_arg("problems_page"),
        per_page=PER_PAGE,
    )

    category_chart = charts.horizontal_bar_chart(
        [(row.name, row.programs) for row in categories],
        chart_id="chart-categories",
        title=_("Programs per category"),
    )
    organization_rows = [(row.name, row.programs) for row in organizations]
    other_organizations = None  # programs of the organisations beyond the chart's top ones
    if more_organizations:
        other_organizations = counts.active - sum(row.programs for row in organizations)
        organization_rows.append((_("All other organisations"), other_organizations))
    organization_chart = charts.horizontal_bar_chart(
        organization_rows,
        chart_id="chart-organizations",
        title=_("Programs per organisation"),
    )

    # Each list keeps the other's filters and page in its links and forms, so that the two
    # lists page and filter independently.
    troupe_filters = _present(
        troupes_kind=troupe_kind and troupe_kind.value, troupes_org=troupe_org
    )
    troupe_state = {
        **troupe_filters,
        **_present(troupes_page=troupes.page if troupes.page > 1 else None),
    }
    problem_filters = _present(problem=problem and problem.value)
    problem_state = {
        **problem_filters,
        **_present(problems_page=problems.page if problems.page > 1 else None),
    }

    return render_template(
        "dashboard/show.html",
        festival=festival,
        counts=counts,
        categories=categories,
        organizations=organizations,
        other_organizations=other_organizations,
        category_chart=category_chart,
        organization_chart=organization_chart,
        organization_choices=organization_choices,
        troupes=troupes,
        troupe_kind=troupe_kind,
        troupe_org=troupe_org,
        troupe_state=troupe_state,
        troupes_pager_args={**problem_state, **troupe_filters},
        problems=problems,
        problem=problem,
        problem_state=problem_state,
        problems_pager_args={**troupe_state, **problem_filters},
        status_labels=PROGRAM_STATUS,
        kind_labels=TROUPE_KIND,
        problem_labels=PROBLEM_LABELS,
        ProgramStatus=ProgramStatus,
        ProblemKind=ProblemKind,
        deadline_passed=festival.submission_deadline <= utcnow(),
    )
