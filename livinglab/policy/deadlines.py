"""A phase is over when its deadline has passed, whether or not the challenge was moved on yet
(the scheduler does that within minutes; livinglab.challenges.deadlines says when a day ends).

The rules of the phases with a deadline (ideas in ``open``, votes in ``voting``) ask here, so
their refusals say when the phase closed, in the reader's language and date format.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l

from livinglab.challenges import deadlines
from livinglab.challenges.models import Phase
from livinglab.policy.core import ALLOW, Verdict, _conflict


def _long_date(day: date) -> LazyString:
    # Formatted when the reason is read (a page, the API's error), in that reader's locale.
    return LazyString(format_date, day, "long")


def voting_open(challenge: Any) -> Verdict:
    """The challenge is in ``voting`` and its voting deadline has not passed."""
    if challenge.phase != Phase.voting:
        return _conflict(
            _l(
                "Voting is not open: the challenge is in phase “%(phase)s”.",
                phase=challenge.phase.value,
            )
        )
    closed = deadlines.passed_deadline(challenge)
    if closed is not None:
        return _conflict(_l("Voting closed on %(date)s.", date=_long_date(closed)))
    return ALLOW


def ideas_open(challenge: Any) -> Verdict:
    """The challenge is ``open`` and its ideas deadline has not passed."""
    if challenge.phase != Phase.open:
        return _conflict(_l("Ideas can only be submitted while the challenge is open."))
    closed = deadlines.passed_deadline(challenge)
    if closed is not None:
        return _conflict(_l("Ideas could be submitted until %(date)s.", date=_long_date(closed)))
    return ALLOW
