"""The troupe's calendar subscription: its secret feed URL with a QR code, and a new one."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.core.clock import utcnow
from festival.db import db
from festival.schedules import feeds
from festival.schedules.views import bp
from festival.troupes import queries as troupe_queries
from festival.web.external_urls import external_url, webcal_url
from festival.web.forms import ConfirmForm
from festival.web.qr import qr_svg


@bp.get("/troupes/<int:troupe_id>/calendar")
@login_required
def troupe_calendar(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    feed = feeds.feed_for_troupe(db.session, troupe=troupe, now=utcnow())
    feed_url = external_url("feeds.troupe_feed", secret=feed.secret)
    webcal = webcal_url(feed_url)
    db.session.commit()
    return render_template(
        "schedules/subscribe.html",
        troupe=troupe,
        feed_url=feed_url,
        webcal_url=webcal,
        qr=qr_svg(webcal),
    )


@bp.route("/troupes/<int:troupe_id>/calendar/rotate", methods=["GET", "POST"])
@login_required
def rotate_calendar(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        feeds.rotate_feed_secret(db.session, troupe=troupe, actor=current_user, now=utcnow())
        db.session.commit()
        flash(
            _(
                "A new link is made. The old link no longer works: everyone who subscribed "
                "must subscribe again with the new one."
            ),
            "success",
        )
        return redirect(url_for("schedules.troupe_calendar", troupe_id=troupe_id))
    return render_template("schedules/rotate.html", troupe=troupe, form=form)
