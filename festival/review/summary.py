"""The year in review as an office's year-end report (工作总结) in plain prose, every number
taken from the figures.

Every sentence is one message of the catalogs (plural-aware), never pieced together from
fragments; whole sentences are joined into a paragraph, and only the parts with something to
say are written: no sentence is about a zero. A year with nothing recorded reads as one
sentence saying so, never as an empty report. Same figures, same text: lists are read in the
figures' order and dictionaries in a fixed order (levels up the ladder, tiers and kinds as
their enums list them).
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_skeleton
from flask_babel import force_locale, get_locale, gettext, ngettext

from festival.accounts.models import Level
from festival.awards.models import AwardTier
from festival.core.titles import book_title
from festival.core.wording import DEFAULT_LOCALE, listing, percent
from festival.review.values import ResultAbove, TeamYear, YearReview
from festival.schedules.models import EventKind
from festival.web.labels import label

SUMMARY_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
# Scripts written without spaces between sentences.
UNSPACED_LANGUAGES = {"zh", "ja"}


def summary_texts(review: YearReview) -> dict[str, str]:
    """The report's paragraphs in Chinese and in English, paragraphs separated by a blank
    line."""
    texts = {}
    for language, locale in SUMMARY_LOCALES.items():
        with force_locale(locale):
            texts[language] = "\n\n".join(paragraphs(review))
    return texts


def paragraphs(review: YearReview) -> list[str]:
    """The report's paragraphs in the current language: the festivals and their results, the
    teams, the year's events; one sentence when nothing was recorded."""
    found = [
        joined_sentences(part)
        for part in (_festival_sentences(review), _team_sentences(review), _event_sentences(review))
        if part
    ]
    if not found:
        return [gettext("Nothing was recorded for %(year)d.", year=review.year)]
    return found


def _in_sentence(name) -> str:
    """A label as it reads inside a sentence: "Second prize" → "second prize" in English
    (a language without case is left as it is)."""
    text = str(name)
    return text[:1].lower() + text[1:]


def joined_sentences(sentences: Iterable[str]) -> str:
    """Whole sentences as one paragraph: with no space between them in Chinese, one space in
    English."""
    return ("" if unspaced() else " ").join(sentences)


def unspaced() -> bool:
    """Whether the current language writes sentences with no space between them (Chinese)."""
    locale = get_locale()
    language = locale.language if locale is not None else DEFAULT_LOCALE.split("_")[0]
    return language in UNSPACED_LANGUAGES


# ---- the festivals, the programs, their results above, the office's own awards ----


def _festival_sentences(review: YearReview) -> list[str]:
    sentences = []
    if review.festivals_run:
        sentences.append(
            ngettext(
                "In %(year)d the office held %(num)d festival: %(names)s.",
                "In %(year)d the office held %(num)d festivals: %(names)s.",
                len(review.festivals_run),
                year=review.year,
                names=listing(festival.name for festival in review.festivals_run),
            )
        )
    programs = review.programs
    if programs.prepared:
        if programs.troupes == 1:
            sentences.append(
                ngettext(
                    "One troupe prepared %(num)d program for them.",
                    "One troupe prepared %(num)d programs for them.",
                    programs.prepared,
                )
            )
        elif programs.troupes > 1:
            sentences.append(
                ngettext(
                    "%(troupes)d troupes prepared %(num)d program for them.",
                    "%(troupes)d troupes prepared %(num)d programs for them.",
                    programs.prepared,
                    troupes=programs.troupes,
                )
            )
        else:
            sentences.append(
                ngettext(
                    "%(num)d program was prepared for them.",
                    "%(num)d programs were prepared for them.",
                    programs.prepared,
                )
            )
    sentences.extend(_people_sentences(review))
    sentences.extend(_results_sentences(review))
    if review.organization_awards:
        awards = [
            gettext(
                "the %(title)s of %(festival)s",
                title=a.title or _in_sentence(label("award_tier", a.tier)),
                festival=a.festival_name,
            )
            for a in review.organization_awards
        ]
        sentences.append(gettext("The office itself received %(awards)s.", awards=listing(awards)))
    return sentences


def _people_sentences(review: YearReview) -> list[str]:
    people = review.people
    if not people.performers:
        return []
    sentences = [
        ngettext(
            "%(num)d person performed in them.",
            "%(num)d people performed in them.",
            people.performers,
        )
    ]
    if people.aged_60_plus:
        sentences.append(
            ngettext(
                "%(num)d of them was aged 60 or over.",
                "%(num)d of them were aged 60 or over.",
                people.aged_60_plus,
            )
        )
    if people.age_median is not None and people.age_max:
        sentences.append(
            gettext(
                "Their median age was %(median)s, and the oldest was %(oldest)d.",
                median=f"{people.age_median:g}",
                oldest=people.age_max,
            )
        )
    return sentences


def _results_sentences(review: YearReview) -> list[str]:
    """Programs sent upward; at the first level above, their awards by tier; at the levels
    beyond it, each program that got there, with its award."""
    sentences = []
    results = review.results_above
    first_rank = min((Level(r.level).rank for r in results), default=None)
    first_level = [r for r in results if Level(r.level).rank == first_rank]
    if review.programs.sent_upward:
        targets = list(dict.fromkeys(r.festival_name for r in first_level))
        if len(targets) == 1:
            sentences.append(
                ngettext(
                    "After repeated screening, %(num)d program was sent on to %(festival)s.",
                    "After repeated screening, %(num)d programs were sent on to %(festival)s.",
                    review.programs.sent_upward,
                    festival=targets[0],
                )
            )
        else:
            sentences.append(
                ngettext(
                    "After repeated screening, %(num)d program was sent on to a higher level.",
                    "After repeated screening, %(num)d programs were sent on to higher levels.",
                    review.programs.sent_upward,
                )
            )
    if first_level:
        sentences.extend(_level_sentences(review, Level(first_level[0].level), first_level))
    for result in results:
        if Level(result.level).rank != first_rank:
            sentences.append(_result_sentence(result))
    return sentences


def _level_sentences(review: YearReview, level: Level, results: list[ResultAbove]) -> list[str]:
    reached = len(dict.fromkeys(r.program_id for r in results))
    by_tier = review.awards_by_level.get(level.value, {})
    tiers = [(tier, by_tier.get(tier.value, 0)) for tier in AwardTier]
    tiers = [(tier, count) for tier, count in tiers if count]
    awarded = sum(count for _tier, count in tiers)
    tier_list = listing(
        gettext("%(tier)s (%(num)d)", tier=_in_sentence(label("award_tier", tier)), num=count)
        for tier, count in tiers
    )
    level_name = _in_sentence(label("level", level))
    if reached == 1 and len(tiers) == 1 and awarded == 1:
        return [
            gettext(
                "At the %(level)s level, the program sent won %(tier)s.",
                level=level_name,
                tier=_in_sentence(label("award_tier", tiers[0][0])),
            )
        ]
    if awarded and awarded >= reached:
        return [
            ngettext(
                "At the %(level)s level, %(num)d program sent won an award: %(tiers)s.",
                "At the %(level)s level, all %(num)d programs sent won awards: %(tiers)s.",
                reached,
                level=level_name,
                tiers=tier_list,
            )
        ]
    sentences = [
        ngettext(
            "At the %(level)s level, %(num)d program took part in the evaluation.",
            "At the %(level)s level, %(num)d programs took part in the evaluation.",
            reached,
            level=level_name,
        )
    ]
    if awarded:
        sentences.append(
            ngettext(
                "%(num)d of them won an award: %(tiers)s.",
                "%(num)d of them won awards: %(tiers)s.",
                awarded,
                tiers=tier_list,
            )
        )
    return sentences


def _result_sentence(result: ResultAbove) -> str:
    names = {
        "troupe": result.troupe_name,
        "title": book_title(result.program_title),
        "festival": result.festival_name,
    }
    if result.tier is None:
        return gettext("%(troupe)s's %(title)s was recommended on to %(festival)s.", **names)
    tier = _in_sentence(label("award_tier", result.tier))
    if result.category_name:
        return gettext(
            "%(troupe)s's %(title)s was recommended on to %(festival)s and won %(tier)s "
            "in the %(category)s category.",
            tier=tier,
            category=result.category_name,
            **names,
        )
    return gettext(
        "%(troupe)s's %(title)s was recommended on to %(festival)s and won %(tier)s.",
        tier=tier,
        **names,
    )


# ---- the teams: members, sessions, attendance, exhibitions ----


def _team_sentences(review: YearReview) -> list[str]:
    sentences = []
    for team in review.teams:
        sentences.extend(_one_team(team))
    for exhibition in review.events.exhibitions:  # in the figures' order: by date
        day = format_skeleton("MMMMd", exhibition.date, locale=get_locale() or DEFAULT_LOCALE)
        if exhibition.location:
            sentences.append(
                gettext(
                    "On %(date)s the teams took part in “%(title)s” at %(location)s.",
                    date=day,
                    title=exhibition.title,
                    location=exhibition.location,
                )
            )
        else:
            sentences.append(
                gettext(
                    "On %(date)s the teams took part in “%(title)s”.",
                    date=day,
                    title=exhibition.title,
                )
            )
    return sentences


def _one_team(team: TeamYear) -> list[str]:
    sessions = _sessions_listing(team.sessions)
    if not sessions:
        return []
    if team.members:
        sentences = [
            ngettext(
                "%(name)s, with %(num)d member, held %(sessions)s.",
                "%(name)s, with %(num)d members, held %(sessions)s.",
                team.members,
                name=team.name,
                sessions=sessions,
            )
        ]
    else:
        sentences = [gettext("%(name)s held %(sessions)s.", name=team.name, sessions=sessions)]
    if team.attendance_rate:
        sentences.append(
            gettext(
                "Attendance at its sessions where the roll was taken averaged %(rate)s.",
                rate=rate_text(team.attendance_rate),
            )
        )
    return sentences


def _sessions_listing(by_kind: dict[str, int]) -> str:
    """``个人训练183次、集中训练22次和展示1次`` / ``183 sessions of …, …``; kinds with none
    left out, in the order the kinds are listed."""
    return listing(
        ngettext(
            "%(num)d session of %(kind)s",
            "%(num)d sessions of %(kind)s",
            by_kind[kind.value],
            kind=_in_sentence(label("event_kind", kind)),
        )
        for kind in EventKind
        if by_kind.get(kind.value)
    )


def whole_percent(share: float) -> int:
    """A rate in whole percent, halves rounded up (0.125 → 13), as everywhere in the review."""
    return int((Decimal(str(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_text(share: float | None) -> str:
    """An attendance rate in whole percent (0.904 → "90 %"); a dash where none was taken."""
    if share is None:
        return "—"
    return percent(Decimal(whole_percent(share)) / 100)


# ---- the year's events ----


def _event_sentences(review: YearReview) -> list[str]:
    sentences = []
    total = sum(count for count in review.events.by_kind.values() if count > 0)
    if total:
        sentences.append(
            ngettext(
                "Over the year, %(num)d session was held: %(kinds)s.",
                "Over the year, %(num)d sessions were held: %(kinds)s.",
                total,
                kinds=_sessions_listing(review.events.by_kind),
            )
        )
    if review.events.performance_venues:
        sentences.append(
            ngettext(
                "Troupes performed at %(num)d venue.",
                "Troupes performed at %(num)d venues.",
                review.events.performance_venues,
            )
        )
    return sentences
