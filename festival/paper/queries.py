"""What the PDFs print, prepared from the published award list: one query for the list
(awards.queries.festival_awards), the festival and its organisation already loaded."""

from flask_babel import force_locale

from festival.awards import queries as award_queries
from festival.awards.exports import EXPORT_LOCALE
from festival.core.titles import book_title
from festival.festivals.models import Festival
from festival.paper.render import AwardList, ListRow, Sheet
from festival.public.queries import awards_by_category, awards_by_tier, chinese_date, published_on
from festival.web.labels import label
from festival.web.templating import zoned_datetime


def _list_row(row: award_queries.AwardRow) -> ListRow:
    return ListRow(
        tier=str(label("award_tier", row.tier)),
        recipient=book_title(row.program_title)
        if row.program_title
        else row.organization_name or "",
        award_title=row.title,
        troupe=row.troupe_name or "",
        organization=row.organization_name or "",
        score="" if row.score is None else str(row.score),
        number=row.certificate_number,
    )


def award_list(
    festival: Festival, rows: list[award_queries.AwardRow], *, under_notice: bool
) -> AwardList:
    """The list grouped as the public page groups it: by category then tier, else by tier."""
    day = published_on(festival)
    with force_locale(EXPORT_LOCALE):
        categories = awards_by_category(rows)
        grouped = [(None, awards_by_tier(rows))] if categories is None else categories
        groups = [
            (
                category,
                [
                    (str(label("award_tier", tier)), [_list_row(row) for row in tier_rows])
                    for tier, tier_rows in tiers
                ],
            )
            for category, tiers in grouped
        ]
        notice_until = (
            zoned_datetime(festival.notice_until, festival.timezone) if under_notice else ""
        )
    return AwardList(
        festival_name=festival.name,
        organiser=festival.organization.name,
        published_on=chinese_date(day) if day else "",
        notice_until=notice_until,
        groups=groups,
        by_category=categories is not None,
    )


def sheets(festival: Festival, rows: list[award_queries.AwardRow], verify_url) -> list[Sheet]:
    """Every certificate of the list, in its order; ``verify_url(number)`` gives each one's
    verification address."""
    day = published_on(festival)
    issued_on = chinese_date(day) if day else ""
    with force_locale(EXPORT_LOCALE):
        return [
            Sheet(
                number=row.certificate_number,
                recipient=(row.troupe_name if row.program_title else row.organization_name) or "",
                program_title=row.program_title,
                tier=str(label("award_tier", row.tier)),
                award_title=row.title,
                category=row.category_name or "",
                festival_name=festival.name,
                issuer=festival.organization.name,
                issued_on=issued_on,
                signatory=festival.signatory,
                verify_url=verify_url(row.certificate_number),
            )
            for row in rows
        ]


def sheet_of(found, verify_url: str) -> Sheet:
    """One certificate (public.queries.Certificate) as printed."""
    festival = found.festival
    day = published_on(festival)
    with force_locale(EXPORT_LOCALE):
        tier = str(label("award_tier", found.award.tier.value))
    return Sheet(
        number=found.award.certificate_number,
        recipient=(found.troupe_name if found.program is not None else found.organization_name)
        or "",
        program_title=found.program.title if found.program is not None else None,
        tier=tier,
        award_title=found.award.title,
        category=found.category_name or "",
        festival_name=festival.name,
        issuer=found.issuer.name,
        issued_on=chinese_date(day) if day else "",
        signatory=festival.signatory,
        verify_url=verify_url,
    )
