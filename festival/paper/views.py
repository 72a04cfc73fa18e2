"""The PDFs: a festival's award list, one certificate, all of a festival's certificates (built
in the background with a progress page), and the organizer's seal and signatory form.

Anyone may download once the awards are public (awards.permissions.awards_are_public), else
404. Rendering lives in paper.render, the rows in paper.queries, the batch in paper.batch."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.awards import exports, permissions
from festival.awards import queries as award_queries
from festival.awards.permissions import awards_are_public
from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.queries import festival_by_slug, load_managed_festival
from festival.paper import queries, render, seal
from festival.paper.batch import Batch, version
from festival.paper.forms import SealForm
from festival.public import queries as public_queries
from festival.web import downloads
from festival.web.external_urls import external_url
from festival.web.forms import show_errors_on_form

bp = Blueprint("paper", __name__)

PDF = "application/pdf"
POLL_SECONDS = 2


def _published_festival_or_404(slug: str) -> Festival:
    festival = festival_by_slug(db.session, slug, with_categories=True)
    if festival is None or festival.status is FestivalStatus.draft:
        abort(404)
    if not awards_are_public(festival):
        abort(404)
    return festival


def _under_notice(festival: Festival) -> bool:
    return festival.notice_until is not None and utcnow() < festival.notice_until


def _verify_url(number: str) -> str:
    return external_url("public.verify_certificate", number=number)


def _pdf_download(body: bytes, *, ascii_name: str, name: str):
    return downloads.download(body, mimetype=PDF, ascii_name=ascii_name, name=name, private=False)


@bp.get("/festivals/<slug>/awards.pdf")
def award_list(slug: str):
    festival = _published_festival_or_404(slug)
    rows = award_queries.festival_awards(db.session, festival.id)
    body = render.award_list_pdf(
        queries.award_list(festival, rows, under_notice=_under_notice(festival))
    )
    return _pdf_download(
        body, ascii_name=f"{festival.slug}-awards.pdf", name=f"{festival.name} 获奖名单.pdf"
    )


@bp.get("/certificates/<number>.pdf")
def certificate(number: str):
    found = public_queries.certificate(db.session, number)
    if found is None:
        abort(404)
    sheet = queries.sheet_of(found, _verify_url(number))
    body = render.certificates_pdf(
        [sheet], seal.seal_bytes(current_app.instance_path, found.festival)
    )
    return _pdf_download(
        body, ascii_name=f"certificate-{number}.pdf", name=f"获奖证书 {number}.pdf"
    )


# --- every certificate of a festival: built once per list version, with progress -----------


def _batch(festival: Festival) -> Batch:
    list_version = version(
        exports.award_list_csv(db.session, festival.id),
        signatory=festival.signatory,
        seal_file=festival.seal_file,
    )
    return Batch(current_app.instance_path, festival.id, list_version)


def _start(festival: Festival, batch: Batch, *, retry: bool = False) -> dict:
    rows = award_queries.festival_awards(db.session, festival.id)
    return batch.start(
        current_app._get_current_object(),
        queries.sheets(festival, rows, _verify_url),
        seal.seal_bytes(current_app.instance_path, festival),
        retry=retry,
    )


def _ensure(festival: Festival, batch: Batch, *, retry: bool = False) -> dict:
    status = batch.status()
    if status["state"] == "missing" or (status["state"] == "failed" and retry):
        status = _start(festival, batch, retry=retry)
    return status


@bp.get("/festivals/<slug>/certificates.pdf")
def certificates(slug: str):
    """The batch when built; else its build starts and the progress page follows."""
    festival = _published_festival_or_404(slug)
    batch = _batch(festival)
    if batch.status()["state"] != "ready":
        _ensure(festival, batch)
        return redirect(url_for("paper.certificates_progress", slug=slug), 303)
    response = send_file(batch.pdf, mimetype=PDF, conditional=True, max_age=0)
    named = downloads.download(
        b"",
        mimetype=PDF,
        ascii_name=f"{festival.slug}-certificates.pdf",
        name=f"{festival.name} 获奖证书.pdf",
        private=False,
    )
    response.headers["Content-Disposition"] = named.headers["Content-Disposition"]
    return response


@bp.get("/festivals/<slug>/certificates")
def certificates_progress(slug: str):
    """ "Print all certificates": starts the build, shows its progress (polled by
    static/js/paper-progress.js; a meta refresh without JavaScript), then the download."""
    festival = _published_festival_or_404(slug)
    status = _ensure(festival, _batch(festival), retry=bool(request.args.get("retry")))
    return render_template(
        "paper/progress.html", festival=festival, status=status, poll_seconds=POLL_SECONDS
    )


@bp.get("/festivals/<slug>/certificates.pdf/status")
def certificates_status(slug: str):
    festival = _published_festival_or_404(slug)
    status = _ensure(festival, _batch(festival))
    response = jsonify({"state": status["state"], "done": status["done"], "total": status["total"]})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the organizer's seal and signatory --------------------------------------------------------


@bp.route("/festivals/<int:festival_id>/awards/seal", methods=["GET", "POST"])
@login_required
def seal_form(festival_id: int):
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=permissions.can_manage_awards
    )
    form = SealForm(obj=festival if request.method == "GET" else None)
    if form.validate_on_submit():
        upload = form.seal.data
        content = None
        if upload is not None and getattr(upload, "filename", ""):
            content = upload.stream.read(seal.SEAL_MAX_BYTES + 1)
        directory = seal.seal_directory(current_app.instance_path)
        try:
            old_file = seal.set_signatory_and_seal(
                db.session,
                festival,
                signatory=form.signatory.data or "",
                seal=content,
                directory=directory,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            if old_file != festival.seal_file:
                seal.delete_seal_file(directory, old_file)
            flash(_("The certificates' signatory and seal are saved."), "success")
            return redirect(url_for("awards.manage", festival_id=festival.id))
    return render_template(
        "paper/seal.html",
        festival=festival,
        form=form,
        has_seal=bool(festival.seal_file),
    ), (422 if form.errors else 200)
