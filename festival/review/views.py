"""The year in review (年度工作总结) as a page, a Word document and a workbook, for the
organisation's organizers (and those above it) and administrators."""

from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from flask import Blueprint, abort, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.models import Level, Organization
from festival.awards.models import AwardTier
from festival.core.bounds import FIRST_YEAR, LAST_YEAR
from festival.core.clock import utcnow
from festival.db import db
from festival.review import exports, figures, summary
from festival.review.permissions import can_see_year_in_review
from festival.review.queries import years_with_records
from festival.review.values import YearReview
from festival.web import charts
from festival.web.auth import require
from festival.web.downloads import download
from festival.web.i18n import current_language
from festival.web.labels import label
from festival.web.spreadsheets import XLSX_MIMETYPE

bp = Blueprint("review", __name__)


@bp.app_template_global()
def year_in_review_year() -> int:
    """The current year where the offices are (the site's zone), for links to its review."""
    return utcnow().astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])).year


def _allowed_review(organization_id: int, year: int) -> tuple[Organization, YearReview]:
    """The organisation's year in figures, once the viewer may see it: an unknown
    organisation or a year outside the festivals' range is 404."""
    organization = db.get_or_404(Organization, organization_id)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    require(can_see_year_in_review(current_user, organization))
    return organization, figures.year_in_review(
        db.session, organization_id=organization.id, year=year
    )


def _year_links(organization_id: int, year: int) -> list[int]:
    """The neighbouring years and every year with something recorded, oldest first."""
    years = {year, year - 1, year + 1, *years_with_records(db.session, organization_id)}
    return sorted(y for y in years if FIRST_YEAR <= y <= LAST_YEAR)


def _award_rows(review: YearReview) -> tuple[list[Level], list[AwardTier]]:
    """The levels and tiers that have awards, in the ladder's and the tiers' order."""
    levels = [level for level in Level if review.awards_by_level.get(level.value)]
    levels.sort(key=lambda level: level.rank)
    tiers = [
        tier
        for tier in AwardTier
        if any(counts.get(tier.value) for counts in review.awards_by_level.values())
    ]
    return levels, tiers


def _charts(review: YearReview, levels: list[Level], tiers: list[AwardTier]) -> dict:
    awards = charts.horizontal_bar_chart(
        [
            (f"{label('level', level)} · {label('award_tier', tier)}", count)
            for level in levels
            for tier in tiers
            if (count := review.awards_by_level[level.value].get(tier.value, 0))
        ],
        chart_id="chart-awards",
        title=_("Awards by level and tier"),
    )
    months = review.events.by_month
    sessions = charts.column_chart(
        [(str(m.month), m.sessions) for m in months],
        chart_id="chart-sessions",
        title=_("Sessions held per month"),
    )
    attendance = charts.column_chart(
        [(str(m.month), summary.whole_percent(m.attendance_rate or 0)) for m in months],
        chart_id="chart-attendance",
        title=_("Attendance per month, in percent"),
        maximum=100,
        value_texts=[
            str(summary.whole_percent(m.attendance_rate)) if m.attendance_rate is not None else "—"
            for m in months
        ],
    )
    return {"awards": awards, "sessions": sessions, "attendance": attendance}


def file_names(review: YearReview, extension: str) -> tuple[str, str]:
    """(name in the reader's language, ASCII name) of a download of the review."""
    name = _(
        "%(organization)s year in review %(year)d",
        organization=review.organization_name,
        year=review.year,
    )
    return (
        f"{name}.{extension}",
        f"year-in-review-{review.organization_id}-{review.year}.{extension}",
    )


@bp.get("/organizations/<int:organization_id>/years/<int:year>")
def year(organization_id: int, year: int):
    organization, review = _allowed_review(organization_id, year)
    levels, tiers = _award_rows(review)
    return render_template(
        "review/year.html",
        organization=organization,
        review=review,
        paragraphs=summary.paragraphs(review),
        years=_year_links(organization.id, year),
        levels=levels,
        tiers=tiers,
        team_kinds=review.team_kinds,
        sessions_total=sum(review.events.by_kind.values()),
        awards_above=sum(1 for result in review.results_above if result.tier is not None),
        charts=_charts(review, levels, tiers),
        rate_text=summary.rate_text,
        # 1月 in Chinese (not 一月), January in English
        month_names=get_month_names(
            "wide" if current_language() == "en" else "abbreviated", locale=get_locale()
        ),
        heading=_(
            "%(organization)s · %(year)d year in review",
            organization=organization.name,
            year=year,
        ),
    )


@bp.get("/organizations/<int:organization_id>/years/<int:year>.docx")
def year_docx(organization_id: int, year: int):
    _organization, review = _allowed_review(organization_id, year)
    name, ascii_name = file_names(review, "docx")
    return download(
        exports.review_docx(review),
        mimetype=exports.DOCX_MIMETYPE,
        ascii_name=ascii_name,
        name=name,
    )


@bp.get("/organizations/<int:organization_id>/years/<int:year>.xlsx")
def year_xlsx(organization_id: int, year: int):
    _organization, review = _allowed_review(organization_id, year)
    name, ascii_name = file_names(review, "xlsx")
    return download(
        exports.review_xlsx(review), mimetype=XLSX_MIMETYPE, ascii_name=ascii_name, name=name
    )
