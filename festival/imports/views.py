"""Spreadsheet import and export of troupes, members and programs."""

import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db
from festival.festivals.models import Festival
from festival.festivals.permissions import can_manage_festival
from festival.imports import limits, queries, reading, services
from festival.imports.columns import COLUMNS, KINDS, map_rows
from festival.imports.forms import KIND_LABELS, ImportForm
from festival.imports.permissions import can_download_templates
from festival.troupes.models import Gender, TroupeKind
from festival.web import downloads
from festival.web.auth import require
from festival.web.forms import ConfirmForm, show_errors_on_form

bp = Blueprint("imports", __name__)

FORMATS = ("xlsx", "csv")
TROUPE_KIND_WORDS = {TroupeKind.troupe: "团体", TroupeKind.team: "队"}
GENDER_WORDS = {Gender.female: "女", Gender.male: "男"}


# A checked file travels back with the preview's "Import" button when it is at most this big
# (base64 in a form field, within the request limit); a bigger one is chosen again.
CARRY_MAX_BYTES = 4 * 1024 * 1024
CARRY_FIELD_BYTES = CARRY_MAX_BYTES * 4 // 3 + 1024


def _check_file(festival: Festival, form, kind: str, content: bytes, filename: str, dry_run):
    """Read and check (and unless ``dry_run`` store) a file: its result, or None with the
    problems on the form or in the list returned."""
    try:
        sheet = reading.read_spreadsheet(content, filename)
    except ValidationFailed as error:
        show_errors_on_form(form, error)
        return None, []
    rows, problems = map_rows(kind, sheet.header, sheet.header_row, sheet.rows)
    if problems:
        return None, problems
    result = services.import_rows(
        db.session,
        festival=festival,
        kind=kind,
        rows=rows,
        actor=current_user,
        now=utcnow(),
        dry_run=dry_run,
    )
    return result, result.problems


def _stored_message(result) -> str:
    return _(
        "%(count)d rows imported (%(kind)s).", count=result.created, kind=KIND_LABELS[result.kind]
    ) + (
        " "
        + _(
            "%(changed)d changed, %(unchanged)d unchanged.",
            changed=len(result.changed),
            unchanged=result.unchanged,
        )
        if result.changed or result.unchanged
        else ""
    )


@bp.route("/festivals/<int:festival_id>/import", methods=["GET", "POST"])
def import_file(festival_id: int):
    """The import page; an upload is stored only when every row is good, else every bad row
    is listed. "Check first" shows what would be added and changed, and stores nothing."""
    festival = db.get_or_404(Festival, festival_id)
    require(can_manage_festival(current_user, festival))
    request.max_form_memory_size = CARRY_FIELD_BYTES
    form = ImportForm()
    problems, preview, carried = [], None, None
    kind = None
    if request.method == "POST" and "content" in request.form:
        # The preview's "Import": the file checked a moment ago, checked again, then stored.
        if not ConfirmForm().validate_on_submit():
            abort(400)
        kind, filename = request.form.get("kind", ""), request.form.get("filename", "")
        try:
            content = base64.b64decode(request.form["content"], validate=True)
        except ValueError:
            abort(400)
        if kind not in KINDS or len(content) > CARRY_MAX_BYTES:
            abort(400)
        preview_only = False
    elif form.validate_on_submit():
        kind, upload = form.kind.data, form.file.data
        content = upload.stream.read(limits.MAX_BYTES + 1)
        filename = upload.filename or ""
        preview_only = request.form.get("step") == "preview"
    if kind is not None:
        result, problems = _check_file(festival, form, kind, content, filename, preview_only)
        if result is not None and result.ok:
            if result.stored:
                db.session.commit()
                flash(_stored_message(result), "success")
                return redirect(url_for("imports.import_file", festival_id=festival.id))
            preview = result
            if len(content) <= CARRY_MAX_BYTES:
                carried = {
                    "kind": kind,
                    "filename": filename,
                    "content": base64.b64encode(content).decode("ascii"),
                }
        db.session.rollback()
    return render_template(
        "imports/import.html",
        festival=festival,
        form=form,
        problems=problems,
        preview=preview,
        carried=carried,
        columns=COLUMNS,
        kinds=KINDS,
        kind_labels=KIND_LABELS,
        formats=FORMATS,
        column_labels={
            column.key: f"{column.chinese} ({column.key})"
            for column in COLUMNS.get(kind or form.kind.data, ())
        },
    )


@bp.get("/imports/templates/<kind>.<fmt>")
def template(kind: str, fmt: str):
    """An empty list to fill in: the Chinese headers and one example row."""
    require(can_download_templates(current_user))
    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    columns = COLUMNS[kind]
    header = [column.chinese for column in columns]
    example = [str(column.example) for column in columns]
    return downloads.spreadsheet(
        fmt,
        header,
        [example],
        title=str(KIND_LABELS[kind]),
        ascii_name=f"import-{kind}.{fmt}",
        name=_("Import template") + f" - {KIND_LABELS[kind]}.{fmt}",
    )


@bp.get("/festivals/<int:festival_id>/export/<kind>.<fmt>")
def export(festival_id: int, kind: str, fmt: str):
    """The festival's troupes, their members or its programs, in the columns of the import."""
    festival = db.get_or_404(Festival, festival_id)
    require(can_manage_festival(current_user, festival))
    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    if kind == "troupes":
        rows = [
            (name, TROUPE_KIND_WORDS[troupe_kind], organization, leader or "")
            for name, troupe_kind, organization, leader in queries.troupe_rows(db.session, festival)
        ]
    elif kind == "members":
        rows = [
            (
                troupe,
                organization,
                name,
                birth_date,
                GENDER_WORDS[gender] if gender else "",
                phone or "",
            )
            for troupe, organization, name, birth_date, gender, phone in queries.member_rows(
                db.session, festival
            )
        ]
    else:
        rows = [
            (troupe, organization, title, category, minutes, "、".join(performers))
            for troupe, organization, title, category, minutes, performers in queries.program_rows(
                db.session, festival
            )
        ]
    header = [column.chinese for column in COLUMNS[kind]]
    return downloads.spreadsheet(
        fmt,
        header,
        rows,
        title=str(KIND_LABELS[kind]),
        ascii_name=f"festival-{festival.id}-{kind}.{fmt}",
        name=f"{festival.name} - {KIND_LABELS[kind]}.{fmt}",
    )
