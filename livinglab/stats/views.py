"""The statistics dashboard (public, more detail for representatives and admins) and the
member's participation profile."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from livinglab import policy
from livinglab.accounts.labels import profile_kind_label
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.forms import show_service_error
from livinglab.stats import charts, participation, queries
from livinglab.stats.figures import PROFILE_KINDS, figures
from livinglab.stats.forms import ParticipationForm
from livinglab.stats.labels import (
    age_band_label,
    gender_label,
    link_count,
    link_label,
    metric_label,
)
from livinglab.stats.participation import AGE_BANDS, GENDERS
from livinglab.stats.queries import EVENTS, FUNNEL, LINKS

bp = Blueprint("stats", __name__)

for _filter in (age_band_label, gender_label, metric_label, link_label, link_count):
    bp.add_app_template_filter(_filter)


def _months(since: date, until: date) -> list[str]:
    months, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@bp.get("/stats")
def dashboard():
    scope = policy.stats_scope(current_user)
    data = figures()
    kinds = [profile_kind_label(k) for k in PROFILE_KINDS]
    members_chart = charts.bar_chart(
        [(c.name, [data.members.get((c.id, k), 0) for k in PROFILE_KINDS]) for c in data.cities],
        kinds,
    )
    overall = data.funnel_row(None)
    funnel_chart = charts.bar_chart(
        [(metric_label(m), [overall[m]]) for m in FUNNEL], [_("All cities")]
    )
    ages_chart = charts.bar_chart(
        [(age_band_label(b), [data.ages.totals[b]]) for b in AGE_BANDS], [_("All cities")]
    )
    genders_chart = charts.bar_chart(
        [(gender_label(g), [data.genders.totals[g]]) for g in GENDERS], [_("All cities")]
    )
    detail = None
    if policy.can_view_stats_detail(current_user):
        today = date.today()
        since = (today.replace(day=1) - timedelta(days=330)).replace(day=1)
        per_month = queries.members_by_month(
            None if scope.everywhere else set(scope.city_ids), since
        )
        months = _months(since, today)
        # "Jan 2026", in the reader's language, for the "2026-01" the query counts by.
        names = {m: format_date(date(int(m[:4]), int(m[5:]), 1), "MMM y") for m in months}
        detail = {
            "months": months,
            "names": names,
            "counts": per_month,
            "chart": charts.bar_chart(
                [(names[m], [per_month.get((m, k), 0) for k in PROFILE_KINDS]) for m in months],
                kinds,
            ),
            "cities": [c for c in data.cities if scope.includes(c.id)],
        }
    return render_template(
        "stats/dashboard.html",
        data=data,
        funnel=FUNNEL,
        events=EVENTS,
        links=LINKS,
        kinds=PROFILE_KINDS,
        age_bands=AGE_BANDS,
        genders=GENDERS,
        members_chart=members_chart,
        funnel_chart=funnel_chart,
        ages_chart=ages_chart,
        genders_chart=genders_chart,
        detail=detail,
        may_report=policy.can_make_report(current_user),
    )


@bp.route("/profile/participation", methods=["GET", "POST"])
@login_required
def profile():
    """The voluntary age band and gender: why they are asked, change or erase them."""
    form = ParticipationForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                participation.set_profile(current_user, form.age_band.data, form.gender.data)
            except ServiceError as error:
                db.session.rollback()
                show_service_error(form, error, fallback_field="age_band")
                status = error.status
            else:
                flash(_("Your answers are saved. Thank you."), "success")
                return redirect(url_for("stats.profile"))
    else:
        form.age_band.data = current_user.age_band or ""
        form.gender.data = current_user.gender or ""
    return render_template(
        "stats/participation.html", form=form, erase_form=ParticipationForm(formdata=None)
    ), status


@bp.post("/profile/participation/erase")
@login_required
def erase():
    if not ParticipationForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("stats.profile"))
    participation.erase_profile(current_user)
    flash(_("Your answers are erased."), "success")
    return redirect(url_for("stats.profile"))
