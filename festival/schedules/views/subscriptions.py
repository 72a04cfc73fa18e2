"""The troupe's calendar subscription: its secret feed URL to copy, as a file, a page to share
with the members (with a QR code), the reminders the feed carries, and a new URL."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.core.clock import utcnow
from festival.db import db
from festival.schedules import feed_queries, feeds
from festival.schedules.feed_views import subscription_links
from festival.schedules.forms import RemindersForm
from festival.schedules.views import bp
from festival.troupes import queries as troupe_queries
from festival.web.forms import ConfirmForm
from festival.web.qr import qr_svg


@bp.get("/troupes/<int:troupe_id>/calendar")
@login_required
def troupe_calendar(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    feed = feeds.feed_for_troupe(db.session, troupe=troupe, now=utcnow())
    links = subscription_links(feed.secret)
    reminders = feed_queries.reminders_of(feed)
    form = RemindersForm(
        data={"evening_before": reminders.evening_before, "hour_before": reminders.hour_before}
    )
    db.session.commit()
    return render_template(
        "schedules/subscribe.html",
        troupe=troupe,
        reminders=reminders,
        form=form,
        # The share page's https address works from any phone's camera; webcal:// does not.
        qr=qr_svg(links["share_url"]),
        **links,
    )


@bp.post("/troupes/<int:troupe_id>/calendar/reminders")
@login_required
def calendar_reminders(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    form = RemindersForm()
    if form.validate_on_submit():
        feeds.set_feed_reminders(
            db.session,
            troupe=troupe,
            evening_before=form.evening_before.data,
            hour_before=form.hour_before.data,
            actor=current_user,
            now=utcnow(),
        )
        db.session.commit()
        flash(
            _("Reminders saved. Subscribed phones get them at their next check."),
            "success",
        )
    return redirect(url_for("schedules.troupe_calendar", troupe_id=troupe_id) + "#reminders")


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
