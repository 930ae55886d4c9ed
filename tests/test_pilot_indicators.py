"""Issue 16, items 3 and 6: indicator values entered as people write numbers, kept when refused,
listed and corrected with the audit log's old → new; completing with open milestones only for
a reason; halting and resuming; one set of names for the lessons in every face."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from livinglab import policy
from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.challenges.models import Phase
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.pilots.models import Indicator, IndicatorValue, Milestone, Pilot, PilotStatus
from livinglab.pilots.services import LESSONS as LESSON_NAMES
from livinglab.policy.pilots import view_rule
from livinglab.reviews.models import Review
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_idea

LESSONS = {
    "worked": "Students ran it.",
    "failed": "Winter evenings.",
    "costs": "4,000 € from the city.",
    "circular_value": "Reused stalls.",
}
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
# Two days ahead: in the future wherever the reader is.
FUTURE = (date.today() + timedelta(days=2)).isoformat()


@pytest.fixture
def pavia_pilot(db_read, make_user, login_as):
    """A running Pavia pilot with an indicator and one open milestone; its representative."""
    author = make_user(city="turku")

    def build():
        challenge_id = make_challenge(lead="pavia", phase=Phase.selection)
        idea_id = make_idea(challenge_id, author.id)
        pilot = Pilot(
            idea_id=idea_id, challenge_id=challenge_id, status=PilotStatus.running,
            city_id=db.session.scalar(sa.select(City.id).where(City.slug == "pavia")),
        )  # fmt: skip
        db.session.add(pilot)
        db.session.flush()
        indicator = Indicator(pilot_id=pilot.id, name="Visitors", unit="people", target=500)
        db.session.add_all([indicator, Milestone(pilot_id=pilot.id, title="Stalls built")])
        db.session.commit()
        return pilot.id, indicator.id

    pilot_id, indicator_id = db_read(build)
    rep, rep_user = login_as(Role.city_rep, "pavia", name="Elena Ferri")
    return pilot_id, indicator_id, rep, rep_user


def record(client, pilot_id, indicator_id, value, on=YESTERDAY, **headers):
    return client.post(
        f"/pilots/{pilot_id}/indicators/{indicator_id}/values",
        data={"measured_on": on, "value": value},
        headers=headers,
    )


def stored_values(db_read):
    return db_read(
        lambda: db.session.scalars(
            sa.select(IndicatorValue.value).order_by(IndicatorValue.id)
        ).all()
    )


def field_value(html: str, input_id: str) -> str:
    """The value attribute of the input with this id, as the page sent it."""
    tag = re.search(rf'<input[^>]*id="{re.escape(input_id)}"[^>]*>', html)
    assert tag, input_id
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


# --- Entering a value ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("1300", "measured_on", "in the future"),
        ("abc", "value", "Enter a number"),
        ("1 3x0", "value", "Enter a number"),
        ("", "value", "required"),
        ("1.300,5", "value", "Enter a number"),  # two conventions at once, in English
    ],
)
def test_a_refused_value_is_explained_at_its_field_with_what_was_typed_kept(
    pavia_pilot, db_read, typed, field, message
):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    on = FUTURE if field == "measured_on" else "2026-11-03"
    response = record(rep, pilot_id, indicator_id, typed, on=on)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(
        rf'<p class="field-error" id="value-{indicator_id}-{field}-error">([^<]*)', html
    )
    assert error and message in error.group(1)
    assert f'aria-describedby="value-{indicator_id}-{field}-error"' in html
    # the page comes back on the field, with the typed value and the typed date
    assert field_value(html, f"v-{indicator_id}") == typed
    assert field_value(html, f"v-on-{indicator_id}") == on
    assert 'class="flash flash-error"' not in html, "the message is at the field, not on top"
    assert stored_values(db_read) == []


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "1 300", 1300),
        ("fr", "1 300", 1300),
        ("de", "1 300", 1300),
        ("fr", "1\u202f300", 1300),  # the narrow no-break space French writes
        ("fi", "1\u00a0300", 1300),
        ("en", "1,300", 1300),
        ("en", "1,300.5", 1300.5),
        ("it", "1.300", 1300),
        ("de", "1.300,5", 1300.5),
        ("fr", "1 300,5", 1300.5),
        ("en", "1.300", 1.3),  # a point is the decimal mark in English
        ("de", "1,5", 1.5),
        ("en", "260,5", 260.5),  # a lone comma before two digits cannot group thousands
        ("en", "-12", -12),
    ],
)
def test_numbers_are_read_as_the_readers_language_writes_them(
    pavia_pilot, db_read, language, typed, expected
):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    response = record(rep, pilot_id, indicator_id, typed, **{"Accept-Language": language})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored_values(db_read) == [expected]


@pytest.mark.parametrize(
    ("language", "typed"), [("de", "1,300.5"), ("en", "1 30"), ("it", "1.300.5"), ("en", "12,30,5")]
)
def test_numbers_grouped_wrongly_for_the_language_are_refused(
    pavia_pilot, db_read, language, typed
):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    response = record(rep, pilot_id, indicator_id, typed, **{"Accept-Language": language})
    assert response.status_code == 400
    assert stored_values(db_read) == []


def test_the_refusal_shows_numbers_in_the_readers_language(pavia_pilot):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    html = record(rep, pilot_id, indicator_id, "abc", **{"Accept-Language": "de"}).get_data(
        as_text=True
    )
    assert "1.300" in html and "1.300,5" in html


def test_the_typed_date_is_the_one_stored(pavia_pilot, db_read):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    assert record(rep, pilot_id, indicator_id, "12", on="2026-10-07").status_code == 302
    stored = db_read(lambda: db.session.scalar(sa.select(IndicatorValue.measured_on)))
    assert stored == date(2026, 10, 7)


def test_no_value_on_a_completed_pilot(pavia_pilot, db_read):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    record(rep, pilot_id, indicator_id, "10")

    def complete():
        db.session.get(Pilot, pilot_id).status = PilotStatus.completed
        db.session.commit()

    db_read(complete)
    response = record(rep, pilot_id, indicator_id, "20")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'data-testid="record-{indicator_id}"' not in html, "no form to enter it any more"
    error = re.search(rf'<p class="field-error" id="value-{indicator_id}-_-error">([^<]*)', html)
    assert error and "no longer change" in error.group(1), "told where the value was typed"
    value_id = db_read(lambda: db.session.scalar(sa.select(IndicatorValue.id)))
    path = f"/pilots/{pilot_id}/indicators/{indicator_id}/values/{value_id}"
    assert rep.post(path, data={"measured_on": YESTERDAY, "value": "11"}).status_code == 409
    assert rep.post(f"{path}/delete").status_code == 409
    assert stored_values(db_read) == [10]
    assert 'data-testid="correct-' not in rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)


def test_only_the_pilots_managers_enter_and_correct_values(pavia_pilot, login_as, db_read):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    record(rep, pilot_id, indicator_id, "10")
    value_id = db_read(lambda: db.session.scalar(sa.select(IndicatorValue.id)))
    path = f"/pilots/{pilot_id}/indicators/{indicator_id}/values"
    for role, city in ((Role.city_rep, "coimbra"), (Role.participant, "pavia")):
        other, _ = login_as(role, city)
        assert record(other, pilot_id, indicator_id, "99").status_code == 403
        data = {"measured_on": YESTERDAY, "value": "99"}
        assert other.post(f"{path}/{value_id}", data=data).status_code == 403
        assert other.post(f"{path}/{value_id}/delete").status_code == 403
        assert 'data-testid="correct-' not in other.get(f"/pilots/{pilot_id}").get_data(
            as_text=True
        )
    assert stored_values(db_read) == [10]


def test_wrong_ids_are_not_found(pavia_pilot, db_read, make_user):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    record(rep, pilot_id, indicator_id, "10")
    value_id = db_read(lambda: db.session.scalar(sa.select(IndicatorValue.id)))

    def other_indicator():
        row = Indicator(pilot_id=pilot_id, name="Stalls", unit="stalls")
        db.session.add(row)
        db.session.commit()
        return row.id

    sibling = db_read(other_indicator)
    edit = {"measured_on": YESTERDAY, "value": "1"}
    assert record(rep, pilot_id, 999999, "1").status_code == 404
    assert record(rep, 999999, indicator_id, "1").status_code == 404
    base = f"/pilots/{pilot_id}/indicators"
    assert rep.post(f"{base}/{indicator_id}/values/999999", data=edit).status_code == 404
    assert rep.post(f"{base}/{sibling}/values/{value_id}", data=edit).status_code == 404
    assert rep.post(f"{base}/{sibling}/values/{value_id}/delete").status_code == 404
    assert stored_values(db_read) == [10]


# --- Listing and correcting -----------------------------------------------------------------


def test_values_are_listed_with_date_unit_and_who_entered_them(pavia_pilot, client, db_read):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    record(rep, pilot_id, indicator_id, "1,300", on="2026-11-02")
    record(rep, pilot_id, indicator_id, "1,350", on="2026-11-09")
    html = client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    listing = html.split(f'data-testid="measurements-{indicator_id}"')[1].split("</ol>")[0]
    rows = re.findall(r'<li data-testid="measurement-\d+">(.*?)</li>', listing, re.S)
    assert len(rows) == 2
    newest = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0]))
    assert "Nov 9, 2026" in newest and "1,350 people" in newest
    assert "entered by Elena Ferri" in newest
    assert "Nov 2, 2026" in listing
    assert 'data-testid="correct-' not in html, "visitors see the values, not the forms"


def test_many_values_fold_the_older_ones(pavia_pilot, client):
    pilot_id, indicator_id, rep, _ = pavia_pilot
    for day in range(1, 9):
        record(rep, pilot_id, indicator_id, str(day * 10), on=f"2026-11-0{day}")
    html = client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert "3 earlier measurements" in html
    newest, fold, oldest_shown = (
        html.index("<strong>80</strong> people"),
        html.index("3 earlier measurements"),
        html.index("<strong>30</strong> people"),
    )
    assert newest < fold < oldest_shown


def audit(db_read, action):
    return db_read(
        lambda: [
            (e.actor_id, e.subject_type, e.subject_id, e.details)
            for e in db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        ]
    )


def test_a_correction_is_audited_old_to_new(pavia_pilot, db_read):
    pilot_id, indicator_id, rep, rep_user = pavia_pilot
    record(rep, pilot_id, indicator_id, "1,300", on="2026-11-02")
    value_id = db_read(lambda: db.session.scalar(sa.select(IndicatorValue.id)))
    path = f"/pilots/{pilot_id}/indicators/{indicator_id}/values/{value_id}"
    page = rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert field_value(page, f"e-v-{value_id}") == "1,300", "the form starts from what is stored"
    assert field_value(page, f"e-on-{value_id}") == "2026-11-02"

    refused = rep.post(path, data={"measured_on": FUTURE, "value": "1 35O"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert f'id="edit-{value_id}-measured_on-error"' in html
    assert field_value(html, f"e-v-{value_id}") == "1 35O"
    assert field_value(html, f"e-on-{value_id}") == FUTURE
    assert re.search(r'<details class="inline-form m-edit"\s+open', html), "the form stays open"
    assert audit(db_read, "indicator.value_corrected") == []

    assert rep.post(path, data={"measured_on": "2026-11-03", "value": "1,350"}).status_code == 302
    assert stored_values(db_read) == [1350]
    [(actor, subject, subject_id, details)] = audit(db_read, "indicator.value_corrected")
    assert (actor, subject, subject_id) == (rep_user.id, "pilot", pilot_id)
    assert details["value"] == "1300 → 1350"
    assert details["measured_on"] == "2026-11-02 → 2026-11-03"
    assert details["indicator"] == "Visitors" and details["value_id"] == value_id
    log = rep.get("/admin/audit?action=indicator.value_corrected").get_data(as_text=True)
    assert "Indicator value corrected" in log and "1300 → 1350" in log

    # the same numbers again: nothing changed, nothing logged
    assert rep.post(path, data={"measured_on": "2026-11-03", "value": "1350"}).status_code == 302
    assert len(audit(db_read, "indicator.value_corrected")) == 1


def test_a_deleted_value_is_audited_with_what_it_said(pavia_pilot, db_read):
    pilot_id, indicator_id, rep, rep_user = pavia_pilot
    record(rep, pilot_id, indicator_id, "12.5", on="2026-11-02")
    value_id = db_read(lambda: db.session.scalar(sa.select(IndicatorValue.id)))
    path = f"/pilots/{pilot_id}/indicators/{indicator_id}/values/{value_id}/delete"
    assert rep.post(path).status_code == 302
    assert stored_values(db_read) == []
    [(actor, _, _, details)] = audit(db_read, "indicator.value_deleted")
    assert actor == rep_user.id
    assert (details["value"], details["measured_on"]) == ("12.5", "2026-11-02")
    assert rep.post(path).status_code == 404


# --- Completing, halting, resuming ---------------------------------------------------------


def set_status(db_read, pilot_id, status):
    def change():
        db.session.get(Pilot, pilot_id).status = status
        db.session.commit()

    db_read(change)


def pilot_row(db_read, pilot_id):
    return db_read(lambda: db.session.get(Pilot, pilot_id))


def test_completing_with_open_milestones_needs_a_reason(pavia_pilot, db_read, client):
    pilot_id, _, rep, _ = pavia_pilot
    set_status(db_read, pilot_id, PilotStatus.evaluating)
    page = rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert "Still open: Stalls built." in page
    response = rep.post(f"/pilots/{pilot_id}/status", data={"status": "completed", **LESSONS})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="complete-reason-error"' in html and "1 milestone is still open" in html
    assert "Students ran it.</textarea>" in html, "the lessons typed are kept"
    assert pilot_row(db_read, pilot_id).status == PilotStatus.evaluating

    reason = "The stalls were lent by the market instead."
    done = rep.post(
        f"/pilots/{pilot_id}/status", data={"status": "completed", "reason": reason, **LESSONS}
    )
    assert done.status_code == 302
    pilot = pilot_row(db_read, pilot_id)
    assert (pilot.status, pilot.completion_reason) == (PilotStatus.completed, reason)
    [(_, _, _, details)] = audit(db_read, "pilot.status")
    assert details == {"previous": "evaluating", "status": "completed", "reason": reason}
    assert reason in client.get(f"/pilots/{pilot_id}").get_data(as_text=True)


def test_every_missing_part_of_a_completion_is_marked_at_once(pavia_pilot, db_read):
    pilot_id, _, rep, _ = pavia_pilot
    set_status(db_read, pilot_id, PilotStatus.evaluating)
    html = rep.post(
        f"/pilots/{pilot_id}/status", data={"status": "completed", "worked": "Much."}
    ).get_data(as_text=True)
    for field in ("failed", "costs", "circular_value", "reason"):
        assert f'id="complete-{field}-error"' in html, field
    assert 'id="complete-worked-error"' not in html


def test_completing_with_every_milestone_done_needs_no_reason(pavia_pilot, db_read):
    pilot_id, _, rep, _ = pavia_pilot
    set_status(db_read, pilot_id, PilotStatus.evaluating)
    milestone = db_read(lambda: db.session.scalar(sa.select(Milestone.id)))
    rep.post(
        f"/pilots/{pilot_id}/milestones/{milestone}/done",
        data={"done_on": YESTERDAY, "evidence": "Photos"},
    )
    page = rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert 'id="complete-reason"' not in page
    response = rep.post(f"/pilots/{pilot_id}/status", data={"status": "completed", **LESSONS})
    assert response.status_code == 302
    assert pilot_row(db_read, pilot_id).completion_reason is None


def test_a_milestone_cannot_be_done_in_the_future(pavia_pilot, db_read):
    pilot_id, _, rep, _ = pavia_pilot
    milestone = db_read(lambda: db.session.scalar(sa.select(Milestone.id)))
    response = rep.post(
        f"/pilots/{pilot_id}/milestones/{milestone}/done",
        data={"done_on": FUTURE, "evidence": "Photos to come"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="done-{milestone}-done_on-error"' in html
    assert "Photos to come</textarea>" in html


def test_halting_needs_a_reason_and_resuming_goes_back(pavia_pilot, db_read, client):
    pilot_id, _, rep, rep_user = pavia_pilot
    refused = rep.post(f"/pilots/{pilot_id}/status", data={"status": "halted", "reason": " "})
    assert refused.status_code == 400
    assert 'id="halt-reason-error"' in refused.get_data(as_text=True)

    reason = "The castle closes for repairs."
    assert (
        rep.post(f"/pilots/{pilot_id}/status", data={"status": "halted", "reason": reason})
    ).status_code == 302
    pilot = pilot_row(db_read, pilot_id)
    assert (pilot.status, pilot.halted_from, pilot.halted_reason) == (
        PilotStatus.halted,
        PilotStatus.running,
        reason,
    )
    page = rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert 'data-testid="resume-form"' in page and "“Running”" in page
    assert reason in client.get(f"/pilots/{pilot_id}").get_data(as_text=True)

    # only back where it was
    assert rep.post(f"/pilots/{pilot_id}/status", data={"status": "evaluating"}).status_code == 409
    assert rep.post(f"/pilots/{pilot_id}/status", data={"status": "running"}).status_code == 302
    pilot = pilot_row(db_read, pilot_id)
    assert (pilot.status, pilot.halted_from, pilot.halted_reason) == (
        PilotStatus.running,
        None,
        None,
    )
    entries = audit(db_read, "pilot.status")
    assert [(e[0], e[3]["previous"], e[3]["status"]) for e in entries] == [
        (rep_user.id, "running", "halted"),
        (rep_user.id, "halted", "running"),
    ]
    assert entries[0][3]["reason"] == reason


def test_a_halted_pilot_from_before_resumes_from_the_start(pavia_pilot, db_read):
    pilot_id, _, rep, _ = pavia_pilot
    set_status(db_read, pilot_id, PilotStatus.halted)  # no halted_from: halted long ago
    assert policy.pilot_moves(pilot_row(db_read, pilot_id)) == ("planned",)
    assert rep.post(f"/pilots/{pilot_id}/status", data={"status": "planned"}).status_code == 302


def test_irreversible_and_public_actions_ask_first(pavia_pilot, db_read, login_as):
    pilot_id, _, rep, _ = pavia_pilot
    set_status(db_read, pilot_id, PilotStatus.evaluating)
    page = rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    for form in ("complete-form", "halt-form"):
        tag = re.search(rf'<form[^>]*data-testid="{form}"[^>]*>', page, re.S)
        assert tag and 'data-confirm="' in tag.group(0), form
    status_form = re.search(r'<form[^>]*data-testid="status-form"[^>]*>', page, re.S)
    assert status_form is None, "evaluating moves on only by completing or halting"
    turku, _ = login_as(Role.city_rep, "turku")
    page = turku.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    replicate = re.search(r'<form[^>]*action="[^"]*/replicate"[^>]*>', page, re.S)
    assert replicate and "data-confirm=" in replicate.group(0)


# --- One name per lesson ----------------------------------------------------------------------


def test_the_lessons_have_one_name_in_the_page_the_api_and_its_document(
    pavia_pilot, db_read, client, make_user
):
    pilot_id, _, rep, rep_user = pavia_pilot
    set_status(db_read, pilot_id, PilotStatus.evaluating)
    page = rep.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    form = page.split('data-testid="complete-form"')[1].split("</form>")[0]
    assert set(re.findall(r'<textarea[^>]*name="(\w+)"', form)) == {*LESSON_NAMES, "reason"}

    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    body = schemas["PilotEdit"]["properties"]["lessons"]
    ref = next(part["$ref"] for part in body["anyOf"] if "$ref" in part)
    documented = schemas[ref.rsplit("/", 1)[1]]
    assert set(documented["properties"]) == set(LESSON_NAMES)
    assert set(schemas["Lessons"]["properties"]) == set(LESSON_NAMES)

    token = client.post(
        "/api/v1/tokens", json={"email": rep_user.email, "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    half = {"worked": "Much.", "failed": "Little."}
    response = client.patch(
        f"/api/v1/pilots/{pilot_id}",
        json={"status": "completed", "reason": "Enough.", "lessons": half},
        headers=headers,
    )
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"costs", "circular_value"}
    old_names = {"lessons_worked": "Much."}
    response = client.patch(
        f"/api/v1/pilots/{pilot_id}",
        json={"status": "completed", "lessons": old_names},
        headers=headers,
    )
    assert response.status_code == 400
    assert "lessons_worked" in response.get_json()["error"]["fields"]
    response = client.patch(
        f"/api/v1/pilots/{pilot_id}",
        json={"status": "completed", "reason": "Enough.", "lessons": LESSONS},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["lessons"] == LESSONS and answer["completion_reason"] == "Enough."


# --- Files: every kind's reading rule by its name ---------------------------------------------


def test_each_kind_that_shows_files_has_its_reading_rule(app):
    """No table to keep: the rule of a kind is ``can_view_<its table>``; a kind without one
    fails loudly instead of showing its files to anyone."""

    class Sculpture:
        __tablename__ = "sculpture"

    for table in ("challenge", "idea", "pilot", "case_study"):
        content = type("Shown", (), {"__tablename__": table})()
        assert view_rule(content) is getattr(policy, f"can_view_{table}")
    with pytest.raises(LookupError):
        view_rule(Sculpture())


# --- Decisions: the reason at its field -------------------------------------------------------


def test_a_rejection_without_reason_is_answered_at_the_field(db_read, make_user, login_as):
    author = make_user(city="turku")
    expert = make_user(Role.expert, "hildesheim")

    def build():
        challenge_id = make_challenge(lead="pavia", phase=Phase.selection)
        idea_id = make_idea(challenge_id, author.id)
        scores = dict.fromkeys(
            ("heritage_value", "feasibility", "circularity", "youth_involvement", "replicability"),
            4,
        )
        db.session.add(
            Review(
                idea_id=idea_id, expert_id=expert.id, assessment="ok", no_conflict=True, **scores
            )
        )
        db.session.commit()
        return idea_id

    idea_id = db_read(build)
    rep, _ = login_as(Role.city_rep, "pavia")
    response = rep.post(
        f"/ideas/{idea_id}/decisions", data={"city": "pavia", "decision": "reject", "reason": ""}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="d-reason-error"' in html and 'aria-describedby="d-reason-error"' in html
    form = re.search(r'<form[^>]*data-testid="decision-form"[^>]*>', html, re.S)
    assert form and "data-confirm=" in form.group(0)
