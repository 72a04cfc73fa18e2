"""A round's scoring rule in words, with its n, for the pages and the exports."""

from flask_babel import gettext


def aggregation_rule(aggregation: str, trim: int) -> str:
    """The rule that makes a program's score from its judges' totals."""
    if aggregation == "trimmed_mean":
        if trim == 1:
            return gettext("Drop the highest and lowest, then average")
        return gettext("Drop the highest %(n)d and the lowest %(n)d totals, then average", n=trim)
    if aggregation == "median":
        return gettext("Median of the judges' totals")
    return gettext("Plain average")


def fallen_back_rule(aggregation: str, trim: int) -> str:
    """The rule as applied to a program with too few totals to drop ``trim`` at each end."""
    return gettext(
        "%(rule)s; too few totals, so the average of all",
        rule=aggregation_rule(aggregation, trim),
    )
