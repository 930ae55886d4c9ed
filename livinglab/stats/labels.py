"""Human names of the participation profile's answers and of the dashboard's figures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

AGE_BAND_LABELS = {
    "under-18": _l("Under 18"),
    "18-24": _l("18 to 24"),
    "25-30": _l("25 to 30"),
    "over-30": _l("Over 30"),
}

GENDER_LABELS = {
    "woman": _l("Woman"),
    "man": _l("Man"),
    "non-binary": _l("Non-binary"),
    "another": _l("Another gender"),
    "prefer-not-to-say": _l("Prefer not to say"),
}

AGE_GROUP_LABELS = {
    "16-or-older": _l("16 or older"),
    "15": _l("15"),
    "14": _l("14"),
    "13": _l("13"),
    "under-13": _l("Under 13"),
}

METRIC_LABELS = {
    "members": _l("Members"),
    "participants": _l("Participants"),
    "ideas": _l("Ideas"),
    "comments": _l("Comments"),
    "votes": _l("Votes"),
    "reviews": _l("Reviews"),
    "approvals": _l("Approvals"),
    "pilots": _l("Pilots"),
    "replications": _l("Replications"),
    "challenges": _l("Published challenges"),
    "case_studies": _l("Case studies"),
    "links": _l("“This inspired…” links"),
    "events": _l("Events hosted"),
    "registered": _l("Seats taken"),
    "attended": _l("Checked in"),
}

LINK_LABELS = {
    "replications": _l("Pilots replicated"),
    "adaptations": _l("Case studies adapted or inspiring"),
    "votes": _l("Votes for the other city's ideas"),
    "coauthors": _l("Co-authors across cities"),
    "visits": _l("Check-ins at the other city's events"),
}


def link_count(kind: str, count: int) -> str:
    """One kind of link in a cell of the city-to-city matrix, in the number's form."""
    if kind == "replications":
        return ngettext("%(num)d pilot replicated", "%(num)d pilots replicated", count)
    if kind == "adaptations":
        return ngettext(
            "%(num)d case study adapted or inspiring",
            "%(num)d case studies adapted or inspiring",
            count,
        )
    if kind == "votes":
        return ngettext("%(num)d vote for its ideas", "%(num)d votes for its ideas", count)
    if kind == "visits":
        return ngettext("%(num)d person at its events", "%(num)d people at its events", count)
    return ngettext("%(num)d co-author", "%(num)d co-authors", count)


def age_band_label(value: str) -> str:
    return str(AGE_BAND_LABELS.get(value, value))


def gender_label(value: str) -> str:
    return str(GENDER_LABELS.get(value, value))


def metric_label(value: str) -> str:
    return str(METRIC_LABELS.get(value, value))


def link_label(value: str) -> str:
    return str(LINK_LABELS.get(value, value))
