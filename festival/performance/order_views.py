"""The organizer's running order page: draw, move up and down, publish."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.clock import utcnow
from festival.core.errors import DomainError
from festival.db import db
from festival.judging.models import Round, RoundStatus
from festival.judging.views import managed_round_or_404
from festival.performance import order
from festival.performance.order_forms import DrawForm, MoveForm, PublishForm, UnpublishForm
from festival.web.forms import show_errors_on_form

bp = Blueprint("running_order", __name__)


def _render(round_: Round, *, draw_form=None, publish_form=None, status: int = 200):
    rows = order.running_order(db.session, round_.id)
    if publish_form is None:
        day = order.default_day(round_.festival)
        event = order.order_event(db.session, round_.id)
        publish_form = PublishForm(
            formdata=None,
            on=day.on,
            starts=day.starts,
            ends=day.ends,
            location=event.location if event else "",
        )
    return render_template(
        "performance/order.html",
        round=round_,
        festival=round_.festival,
        rows=rows,
        placed=bool(rows) and all(r.position is not None for r in rows),
        changed_by_hand=order.changed_by_hand(db.session, round_, rows),
        snippet=order.REPEAT_SNIPPET,
        draw_form=draw_form or DrawForm(formdata=None, by_category=round_.draw_by_category),
        move_form=MoveForm(formdata=None),
        publish_form=publish_form,
        unpublish_form=UnpublishForm(formdata=None),
        is_open=round_.status is not RoundStatus.closed,
    ), status


def _back(round_id: int):
    return redirect(url_for("running_order.page", round_id=round_id))


@bp.get("/rounds/<int:round_id>/order")
def page(round_id: int):
    """The round's running order: how it was drawn, and the order itself."""
    return _render(managed_round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/order/draw")
def draw(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = DrawForm()
    if not form.validate_on_submit():
        return _render(round_, draw_form=form, status=422)
    try:
        seed = order.draw(
            db.session,
            round_=round_,
            seed=form.seed.data,
            by_category=form.by_category.data,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        show_errors_on_form(form, error)
        return _render(round_, draw_form=form, status=error.status)
    db.session.commit()
    flash(_("The running order was drawn with the seed %(seed)s.", seed=seed), "success")
    return _back(round_id)


@bp.post("/rounds/<int:round_id>/order/move")
def move(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    try:
        program_id = int(form.program_id.data)
    except ValueError:
        abort(400)
    try:
        order.move(
            db.session,
            round_=round_,
            program_id=program_id,
            step=-1 if form.direction.data == "up" else 1,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        messages = [str(m) for ms in error.fields.values() for m in ms] or [str(error.message)]
        flash(" ".join(messages), "error")
        return _back(round_id)
    db.session.commit()
    return redirect(
        url_for("running_order.page", round_id=round_id, _anchor=f"program-{program_id}")
    )


@bp.post("/rounds/<int:round_id>/order/publish")
def publish(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render(round_, publish_form=form, status=422)
    try:
        order.publish_order(
            db.session,
            round_=round_,
            published=True,
            actor=current_user,
            now=utcnow(),
            day=order.OrderDay(
                on=form.on.data,
                starts=form.starts.data,
                ends=form.ends.data,
                location=form.location.data or "",
            ),
        )
    except DomainError as error:
        db.session.rollback()
        show_errors_on_form(form, error)
        return _render(round_, publish_form=form, status=error.status)
    db.session.commit()
    flash(_("The running order is public now."), "success")
    return _back(round_id)


@bp.post("/rounds/<int:round_id>/order/unpublish")
def unpublish(round_id: int):
    round_ = managed_round_or_404(round_id)
    if not UnpublishForm().validate_on_submit():
        abort(400)
    try:
        order.publish_order(
            db.session, round_=round_, published=False, actor=current_user, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(round_id)
    db.session.commit()
    flash(_("The running order is no longer public."), "success")
    return _back(round_id)
