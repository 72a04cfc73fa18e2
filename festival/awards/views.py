"""The organizer's award pages: the awards of a festival by tier, allocation from a closed
round with a preview, manual awards and corrections, publication with a public notice period.

The rules live in ``awards.services`` and ``awards.allocation``; these views load, authorize,
parse, call one service, commit and render.
"""

from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.awards import permissions, queries, services
from festival.awards.allocation import PROGRAM_TIERS, Slot
from festival.awards.forms import (
    AllocateForm,
    AwardForm,
    PublishForm,
    RemoveForm,
)
from festival.awards.revisions import revisions_of
from festival.core.clock import utcnow
from festival.core.errors import DomainError, NotFound, TieAtBoundary, ValidationFailed
from festival.core.titles import book_title
from festival.db import db
from festival.festivals.models import Festival
from festival.festivals.queries import load_managed_festival
from festival.judging.models import Round
from festival.notice import finality
from festival.notice.working_days import MAX_WORKING_DAYS, notice_last_day, notice_period_for
from festival.web.auth import require
from festival.web.forms import ConfirmForm, choices, show_errors_on_form
from festival.web.labels import AWARD_TIER
from festival.web.templating import zoned_datetime

bp = Blueprint("awards", __name__)


@bp.context_processor
def award_labels():
    return {"tier_labels": AWARD_TIER}


# --- the manage page ---------------------------------------------------------------------------


def _prepare_allocate_form(form: AllocateForm, festival: Festival) -> None:
    form.round_id.choices = choices(
        [("", _("Choose a closed round"))]
        + [
            (round_.id, f"{round_.position}. {round_.name}")
            for round_ in queries.closed_rounds(db.session, festival.id)
        ]
    )


def _prepare_award_form(form: AwardForm, festival: Festival) -> None:
    form.program_id.choices = choices(
        [("", _("No program (an organisation award)"))]
        + [
            (p.id, book_title(p.title) + f" {p.troupe_name} · {p.category_name}")
            for p in queries.program_choices(db.session, festival.id)
        ]
    )
    form.organization_id.choices = choices(
        [("", _("No organisation (a prize to a program)"))]
        + [(o.id, o.name) for o in queries.organization_choices(db.session, festival)]
    )
    form.category_id.choices = choices(
        [("", _("The program's category, or none"))] + [(c.id, c.name) for c in festival.categories]
    )


def _render_manage(
    festival: Festival,
    *,
    allocate_form: AllocateForm | None = None,
    award_form: AwardForm | None = None,
    publish_form: PublishForm | None = None,
    errors: dict[str, list] | None = None,
    status: int = 200,
):
    """The page; ``errors`` holds refusals by section ("awards", "publication")."""
    allocate_form = allocate_form or AllocateForm(formdata=None)
    award_form = award_form or AwardForm(formdata=None)
    publish_form = publish_form or PublishForm(formdata=None)
    _prepare_allocate_form(allocate_form, festival)
    _prepare_award_form(award_form, festival)
    rows = queries.festival_awards(db.session, festival.id)
    # (tier, rows, category): by category first when the festival awards by category.
    by_tier = [
        (tier, list(items), category if grouped else None)
        for grouped in [bool(rows) and rows[0].by_category]
        for (category, tier), items in groupby(
            rows, key=lambda r: (r.category_name if grouped else None, r.tier)
        )
    ]
    return render_template(
        "awards/manage.html",
        festival=festival,
        by_tier=by_tier,
        count=len(rows),
        publication=queries.publication_of(festival, utcnow()),
        revisions=revisions_of(db.session, festival) if festival.finalized_at else [],
        allocate_form=allocate_form,
        award_form=award_form,
        publish_form=publish_form,
        remove_form=RemoveForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        errors=errors or {},
    ), status


def _refusal(error: DomainError) -> list[str]:
    """A refusal as sentences: the message, then any field messages."""
    messages = [str(m) for ms in error.fields.values() for m in ms]
    if isinstance(error, ValidationFailed) and messages:
        return messages
    return [str(error.message), *messages]


def _redirect_to_manage(festival_id: int, anchor: str):
    return redirect(url_for("awards.manage", festival_id=festival_id, _anchor=anchor))


@bp.get("/festivals/<int:festival_id>/awards/manage")
@login_required
def manage(festival_id: int):
    """The festival's awards by tier, their publication, allocation and manual awards."""
    return _render_manage(
        load_managed_festival(
            db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
        )
    )


# --- allocation: preview, then save ------------------------------------------------------------


def _show_allocation_errors(form: AllocateForm, error: DomainError) -> None:
    """Field messages onto the round select and the tier rows; the rest above the form."""
    if isinstance(error, TieAtBoundary):  # its fields name the tied programs, not problems
        form.form_errors.append(str(error.message))
        return
    rows = form.tier_rows()
    for name, messages in error.fields.items():
        prefix, _dot, index = name.partition(".")
        if name == "round_id":
            form.round_id.errors = [*form.round_id.errors, *map(str, messages)]
        elif name == "min_score":
            form.min_score.errors = [*form.min_score.errors, *map(str, messages)]
        elif prefix == "tiers" and index.isdigit() and int(index) < len(rows):
            count = rows[int(index)][1].count
            count.errors = [*count.errors, *map(str, messages)]
        else:
            form.form_errors.extend(map(str, messages))
    if not isinstance(error, ValidationFailed) or not error.fields:
        form.form_errors.insert(0, str(error.message))


def _allocation_input(festival: Festival) -> tuple[AllocateForm, dict]:
    form = AllocateForm()
    _prepare_allocate_form(form, festival)
    return form, {
        "round_id": form.round_id.data,
        "tiers": form.tier_counts(),
        "minimums": form.minimums(),
        "min_score": form.min_score.data,
        "by_category": form.grouping.data == "by_category",
    }


@dataclass(frozen=True)
class PreviewRow:
    slot: Slot
    program: queries.ProgramChoice | None


@bp.route("/festivals/<int:festival_id>/awards/preview", methods=["GET", "POST"])
@login_required
def preview(festival_id: int):
    """Exactly what an allocation would save, tier by tier; nothing is saved. GET (a reloaded
    preview) goes back to the allocation form rather than 405."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    if request.method == "GET":
        return _redirect_to_manage(festival.id, "allocate")
    form, values = _allocation_input(festival)
    if not form.validate():
        return _render_manage(festival, allocate_form=form, status=422)
    try:
        slots = services.preview_allocation(db.session, festival=festival, **values)
    except DomainError as error:
        db.session.rollback()
        _show_allocation_errors(form, error)
        return _render_manage(festival, allocate_form=form, status=error.status)
    programs = queries.round_programs(db.session, values["round_id"])
    rows = [PreviewRow(slot, programs.get(slot.key)) for slot in slots]
    names = {category.id: category.name for category in festival.categories}
    # Each category's tiers in turn (allocated by category), else the tiers of the ranking.
    by_category = [
        (names.get(group), [(tier, list(items)) for tier, items in tiers])
        for group, in_group in groupby(rows, key=lambda r: r.slot.group)
        for tiers in [groupby(in_group, key=lambda r: r.slot.tier)]
    ]
    round_ = db.session.get(Round, values["round_id"])
    return render_template(
        "awards/manage_preview.html",
        festival=festival,
        round=round_,
        form=form,
        by_category=by_category,
        grouped=values["by_category"],
        given=sum(1 for s in slots if s.key is not None),
        vacant=sum(1 for s in slots if s.key is None),
        tier_order=PROGRAM_TIERS,
    )


@bp.post("/festivals/<int:festival_id>/awards/allocate")
@login_required
def allocate(festival_id: int):
    """Save the previewed allocation."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    form, values = _allocation_input(festival)
    if not form.validate():
        return _render_manage(festival, allocate_form=form, status=422)
    try:
        awards = services.allocate_awards(
            db.session, festival=festival, **values, actor=current_user, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        _show_allocation_errors(form, error)
        return _render_manage(festival, allocate_form=form, status=error.status)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d award saved, with its certificate number.",
            "%(num)d awards saved, each with its certificate number.",
            len(awards),
        ),
        "success",
    )
    return _redirect_to_manage(festival.id, "awards")


# --- manual awards and corrections -------------------------------------------------------------


@bp.post("/festivals/<int:festival_id>/awards")
@login_required
def create(festival_id: int):
    """A manual award: a prize to a program, or an award to an organisation."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    form = AwardForm()
    _prepare_award_form(form, festival)
    if not form.validate():
        return _render_manage(festival, award_form=form, status=422)
    try:
        award = services.create_award(
            db.session,
            festival=festival,
            tier=form.tier.data,
            program_id=form.program_id.data,
            organization_id=form.organization_id.data,
            category_id=form.category_id.data,
            title=form.title.data,
            reason=form.reason.data,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        show_errors_on_form(form, error)
        return _render_manage(festival, award_form=form, status=error.status)
    db.session.commit()
    flash(_("Award given: certificate %(number)s.", number=award.certificate_number), "success")
    return _redirect_to_manage(festival.id, "awards")


@bp.route("/awards/<int:award_id>/remove", methods=["GET", "POST"])
@login_required
def remove(award_id: int):
    """GET, or the Remove button (POST without ``confirm``), asks for confirmation; POST with
    ``confirm=yes`` removes the award (a correction, in the audit log)."""
    require(current_user.is_authenticated)
    summary = queries.award_summary(db.session, award_id)
    if summary is None:
        raise NotFound()
    festival = load_managed_festival(
        db.session,
        current_user,
        summary.award.festival_id,
        may_manage=permissions.can_manage_awards,
    )
    form = RemoveForm()
    correcting = queries.publication_of(festival, utcnow()).correctable
    if request.method == "GET" or form.confirm.data != "yes":
        return render_template(
            "awards/manage_remove.html",
            festival=festival,
            summary=summary,
            form=RemoveForm(formdata=None),
            correcting=correcting,
        )
    if not form.validate():
        abort(400)
    certificate = summary.award.certificate_number
    try:
        services.remove_award(
            db.session,
            award=summary.award,
            reason=form.reason.data,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        if correcting and "reason" in error.fields:
            show_errors_on_form(form, error)
            return render_template(
                "awards/manage_remove.html",
                festival=festival,
                summary=summary,
                form=form,
                correcting=correcting,
            ), error.status
        return _render_manage(festival, errors={"awards": _refusal(error)}, status=error.status)
    db.session.commit()
    flash(
        _("The award with certificate %(number)s has been removed.", number=certificate), "success"
    )
    return _redirect_to_manage(festival.id, "awards")


# --- publication -------------------------------------------------------------------------------


@bp.route("/festivals/<int:festival_id>/awards/publish", methods=["GET", "POST"])
@login_required
def publish(festival_id: int):
    """Publish the awards, under public notice (公示) for the days given. GET
    (``?notice_days=``, a reloaded question) asks again; only POST publishes."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    if request.method == "GET":
        form = PublishForm(formdata=request.args, meta={"csrf": False})
        if not form.validate():
            return _redirect_to_manage(festival.id, "publication")
    else:
        form = PublishForm()
        if not form.validate():
            return _render_manage(festival, publish_form=form, status=422)
    now = utcnow()
    awards = queries.award_count(db.session, festival.id)
    if request.method == "GET" and (not awards or permissions.awards_are_public(festival)):
        return _redirect_to_manage(festival.id, "publication")
    if (
        request.method == "GET"
        or request.form.get("confirm") != "yes"
        and awards
        and not permissions.awards_are_public(festival)
    ):
        # Publishing cannot be taken back once the notice period is over: ask first.
        notice_days = form.notice_days.data
        working = form.notice_unit.data != "calendar"
        if working and notice_days > MAX_WORKING_DAYS:
            form.notice_days.errors = [_("Enter from 0 to %(n)d working days.", n=MAX_WORKING_DAYS)]
            return _render_manage(festival, publish_form=form, status=422)
        period = (
            notice_period_for(db.session, now, notice_days, festival.timezone)
            if working and notice_days
            else None
        )
        return render_template(
            "awards/manage_publish.html",
            festival=festival,
            awards=awards,
            notice_days=notice_days,
            notice_unit="working" if working else "calendar",
            period=period,
            notice_until=now + timedelta(days=notice_days) if notice_days else None,
        )
    try:
        services.publish(
            db.session, festival=festival, **form.notice_args(), actor=current_user, now=now
        )
    except DomainError as error:
        db.session.rollback()
        if "notice_working_days" in error.fields:
            error.fields["notice_days"] = error.fields.pop("notice_working_days")
        show_errors_on_form(form, error)
        return _render_manage(festival, publish_form=form, status=error.status)
    db.session.commit()
    if festival.notice_until is not None:
        flash(
            _(
                "The awards are published, under public notice until %(date)s.",
                date=format_date(notice_last_day(festival.notice_until, festival.timezone), "long")
                if festival.notice_working_days
                else zoned_datetime(festival.notice_until, festival.timezone),
            ),
            "success",
        )
    else:
        flash(_("The awards are published; make them final when you are ready."), "success")
    return _redirect_to_manage(festival.id, "publication")


@bp.post("/festivals/<int:festival_id>/awards/finalize")
@login_required
def finalize(festival_id: int):
    """Make the published results final (after the notice period, every objection decided)."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    if not ConfirmForm().validate():
        abort(400)
    try:
        finality.finalize(db.session, festival=festival, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return _render_manage(
            festival, errors={"publication": _refusal(error)}, status=error.status
        )
    db.session.commit()
    flash(_("The results are final."), "success")
    return _redirect_to_manage(festival.id, "publication")


@bp.route("/festivals/<int:festival_id>/awards/unpublish", methods=["GET", "POST"])
@login_required
def unpublish(festival_id: int):
    """Take the awards down again: only during the notice period. GET asks first."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    in_notice = queries.publication_of(festival, utcnow()).state == "notice"
    if request.method == "GET" and not in_notice:
        return _redirect_to_manage(festival.id, "publication")
    if request.method == "POST" and not ConfirmForm().validate():
        abort(400)
    if request.method == "GET" or (request.form.get("confirm") != "yes" and in_notice):
        return render_template(
            "awards/manage_unpublish.html",
            festival=festival,
            awards=queries.award_count(db.session, festival.id),
        )
    try:
        services.unpublish(db.session, festival=festival, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return _render_manage(
            festival, errors={"publication": _refusal(error)}, status=error.status
        )
    db.session.commit()
    flash(_("The awards are no longer published."), "success")
    return _redirect_to_manage(festival.id, "publication")
