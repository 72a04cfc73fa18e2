"""Pages anyone may open: the home page, the health check, a festival's public page, its\npublished award list with spreadsheets and certificates."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_login import current_user

from festival.accounts.forms import ROLE_LABELS
from festival.accounts.models import Role
from festival.awards import exports
from festival.awards import queries as award_queries
from festival.awards.permissions import awards_are_public
from festival.awards.revisions import current_revision, revisions_of
from festival.core.clock import utcnow
from festival.db import db
from festival.demo import DEMO_ACCOUNTS, DEMO_HINTS, DEMO_PASSWORD
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.queries import festival_by_slug, festivals_page
from festival.notice.objections import notice_is_open
from festival.notice.queries import objection_counts
from festival.performance.order import published_orders
from festival.programs.queries import program_path
from festival.public import queries
from festival.public.home import judge, leader, office
from festival.signing.records import awards_sha256_of, shown_award_record
from festival.web import downloads
from festival.web.external_urls import external_url
from festival.web.i18n import current_language
from festival.web.qr import qr_svg

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """Everyone's home: what to do next for the signed-in role, the published award lists,
    and (on a demo) the demo logins."""
    now = utcnow()
    role = current_user.role if current_user.is_authenticated else None
    context = {
        "user": current_user,
        "published": queries.published_festivals(db.session),
        "leader": None,
        "judge": None,
        "office": None,
        "festivals": None,
        "demo_groups": [],
    }
    if role is Role.leader:
        context["leader"] = leader.leader_home(db.session, current_user, now=now)
    elif role is Role.judge:
        context["judge"] = judge.judge_home(db.session, current_user)
    elif role in (Role.organizer, Role.admin):
        context["office"] = office.office_home(db.session, current_user, now=now)
    if role in (None, Role.judge):
        context["festivals"] = festivals_page(db.session, current_user, page=1, per_page=6)
    if current_app.config["SHOW_DEMO_LOGINS"] and role is None:
        context["demo_groups"] = [
            (
                ROLE_LABELS[group],
                [
                    (username, name, DEMO_HINTS.get(username, ""))
                    for username, name, account_role, _org in DEMO_ACCOUNTS
                    if account_role is group
                ],
            )
            for group in (Role.organizer, Role.leader, Role.judge, Role.admin)
        ]
    return render_template("public/index.html", demo_password=DEMO_PASSWORD, now=now, **context)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: answer with the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    """For load balancers and the benchmark's baseline: no database work."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


# The published award list, its spreadsheets and certificates: the moment a festival is
# judged by its public. Nothing shows before publication, to anyone: organizers preview
# their lists on their own pages.


def _festival_or_404(slug: str) -> Festival:
    festival = festival_by_slug(db.session, slug, with_categories=True)
    if festival is None or festival.status is FestivalStatus.draft:
        abort(404)
    return festival


def _published_festival_or_404(slug: str) -> Festival:
    festival = _festival_or_404(slug)
    if not awards_are_public(festival):
        abort(404)
    return festival


def _notice(festival: Festival) -> dict:
    """The state of a published list for ``public/_notice_banner.html``."""
    publication = award_queries.publication_of(festival, utcnow())
    return {
        "under_notice": publication.state == "notice",
        "notice_until": festival.notice_until,
        "publication": publication,
    }


@bp.get("/festivals/<slug>")
def festival_page(slug: str):
    festival = _festival_or_404(slug)
    published = awards_are_public(festival)
    return render_template(
        "public/festival.html",
        festival=festival,
        published=published,
        running_orders=published_orders(db.session, festival.id),
        **(_notice(festival) if published else {}),
    )


@bp.get("/festivals/<slug>/awards")
def festival_awards(slug: str):
    festival = _published_festival_or_404(slug)
    rows = award_queries.festival_awards(db.session, festival.id)
    template = "public/awards_print.html" if request.args.get("print") else "public/awards.html"
    return render_template(
        template,
        festival=festival,
        # No notice period, no objections: the counts are not shown, so not counted.
        objection_counts=objection_counts(db.session, festival.id)
        if festival.notice_until is not None
        else None,
        objections_open=notice_is_open(festival, utcnow()),
        groups=queries.awards_by_tier(rows),
        categories=queries.awards_by_category(rows),
        count=len(rows),
        published_on=queries.published_on(festival),
        # corrections (revisions after the first) only come after the results are final
        revisions=revisions_of(db.session, festival) if festival.finalized_at else [],
        awards_sha256=awards_sha256_of(rows),
        **_notice(festival),
    )


@bp.get("/festivals/<slug>/awards.<any(csv, xlsx):fmt>")
def festival_awards_export(slug: str, fmt: str):
    festival = _published_festival_or_404(slug)
    rows = exports.export_rows(award_queries.festival_awards(db.session, festival.id))
    return downloads.spreadsheet(
        fmt,
        exports.EXPORT_HEADER,
        rows,
        title="获奖名单",
        ascii_name=f"{festival.slug}-awards.{fmt}",
        name=f"{festival.name} 获奖名单.{fmt}",
        private=False,  # a published list, for anyone
    )


class CertificateNotFound(Exception):
    """No published certificate has this number: its own page, still a 404."""

    def __init__(self, number: str):
        self.number = number


@bp.errorhandler(CertificateNotFound)
def certificate_not_found(error: CertificateNotFound):
    return render_template(
        "public/certificate_not_found.html",
        number=error.number[:CERTIFICATE_NUMBER_SHOWN],
        example=CERTIFICATE_NUMBER_EXAMPLE,
    ), 404


CERTIFICATE_NUMBER_SHOWN = 40  # a mistyped number is shown back, not a pasted essay
CERTIFICATE_NUMBER_EXAMPLE = "2026-0001-00012"


def _certificate_or_404(number: str) -> queries.Certificate:
    found = queries.certificate(db.session, number)
    if found is None:
        raise CertificateNotFound(number)
    return found


@bp.get("/certificates/check")
def check_certificate():
    """The number typed on the not-found page: its verification page (or the same answer)."""
    number = "".join((request.args.get("number") or "").split())[:CERTIFICATE_NUMBER_SHOWN]
    number = number.replace("－", "-").replace("—", "-").replace("–", "-")
    if not number:
        raise CertificateNotFound("")
    return redirect(url_for("public.verify_certificate", number=number))


@bp.get("/certificates/<number>")
def certificate(number: str):
    found = _certificate_or_404(number)
    verify_url = external_url("public.verify_certificate", number=number)
    issued_on = queries.published_on(found.festival)
    return render_template(
        "public/certificate.html",
        certificate=found,
        qr=qr_svg(verify_url),
        verify_url=verify_url,
        issued_on=_issued_on(issued_on),
    )


def _issued_on(day) -> str:
    """As official Chinese documents write it (二〇二六年六月二十二日); in English, June 22, 2026."""
    if day is None:
        return ""
    return format_date(day, "long") if current_language() == "en" else queries.chinese_date(day)


@bp.get("/certificates/<number>/verify")
def verify_certificate(number: str):
    found = _certificate_or_404(number)
    path = []
    if found.program is not None:
        path = program_path(db.session, found.program, can_see_results=awards_are_public)
    return render_template(
        "public/verify.html",
        certificate=found,
        path=path,
        revision=current_revision(db.session, found.festival.id)
        if found.festival.finalized_at
        else None,
        record=shown_award_record(db.session, found.festival, now=utcnow()),
        **_notice(found.festival),
    )
