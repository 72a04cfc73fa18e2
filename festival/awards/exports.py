"""The published award list as a spreadsheet: its header and rows, and its ``.csv`` bytes,
which the public download serves and whose SHA-256 the signed record and each revision
carry (one function, so that the three can never differ)."""

from flask_babel import force_locale
from sqlalchemy.orm import Session

from festival.awards import queries
from festival.web.labels import label
from festival.web.spreadsheets import to_csv

EXPORT_HEADER = ("奖项", "奖项名称", "节目", "团体", "单位", "类别", "得分", "证书编号")
EXPORT_LOCALE = "zh_Hans_CN"  # Chinese headers, so Chinese tier labels under them


def export_rows(rows: list[queries.AwardRow]) -> list[tuple]:
    """The award list as spreadsheet rows under EXPORT_HEADER, in the list's order."""
    with force_locale(EXPORT_LOCALE):
        return [
            (
                str(label("award_tier", row.tier)),
                row.title,
                row.program_title or "",
                row.troupe_name or "",
                row.organization_name or "",
                row.category_name or "",
                row.score,
                row.certificate_number,
            )
            for row in rows
        ]


def award_list_csv(session: Session, festival_id: int) -> bytes:
    """The festival's award list as its ``.csv`` download's bytes."""
    return award_list_csv_of(queries.festival_awards(session, festival_id))


def award_list_csv_of(rows: list[queries.AwardRow]) -> bytes:
    """The same bytes from the list's rows already read (``queries.festival_awards``)."""
    return to_csv(EXPORT_HEADER, export_rows(rows))
