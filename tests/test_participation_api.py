"""Registration over the API asks what the registration page asks: the optional age band and
gender, and the age group for the consent rule of the member's country; refused answers are
400 on their field and nothing is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import User
from livinglab.extensions import db

BODY = {
    "email": "ines@example.pt",
    "display_name": "Inês",
    "password": "a long enough password",
    "city": "coimbra",
    "profile_kind": "student",
}


def stored(db_read) -> tuple | None:
    def read():
        user = db.session.scalar(sa.select(User).where(User.email == BODY["email"]))
        if user is None:
            return None
        return user.age_band, user.gender, user.guardian_consent_at is not None

    return db_read(read)


def test_the_answers_are_kept_and_never_shown(client, db_read):
    response = client.post(
        "/api/v1/users", json={**BODY, "age_band": "18-24", "gender": "prefer-not-to-say"}
    )
    assert response.status_code == 201, response.get_json()
    assert "age_band" not in response.get_json() and "gender" not in response.get_json()
    assert stored(db_read) == ("18-24", "prefer-not-to-say", False)


def test_an_old_client_registers_as_before(client, db_read):
    assert client.post("/api/v1/users", json=BODY).status_code == 201
    assert stored(db_read) == (None, None, False)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"age_band": "17-ish"}, "age_band", "Choose an age band from the list."),
        ({"gender": "robot"}, "gender", "Choose an answer from the list."),
        ({"age_band": 18}, "age_band", "Wrong type."),
        ({"age_group": "12"}, "age_group", "Say how old you are"),
        ({"age_group": "14", "age_band": "25-30"}, "age_band", "18 or older"),
        ({"guardian_consent": "yes"}, "guardian_consent", "Wrong type."),
        # Portugal's age of digital consent is 13: at 12 a guardian's consent is needed.
        ({"age_group": "under-13"}, "guardian_consent", "consent of a parent or guardian"),
    ],
)
def test_refused_answers_are_400_on_their_field_and_nothing_is_written(
    client, db_read, extra, field, message
):
    response = client.post("/api/v1/users", json={**BODY, **extra})
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and message in error["fields"][field]
    assert stored(db_read) is None


@pytest.mark.parametrize(
    ("city", "age_group", "consent", "joins"),
    [
        ("coimbra", "13", False, True),  # Portugal: 13
        ("poitiers", "14", False, False),  # France: 15
        ("poitiers", "14", True, True),
        ("hildesheim", "15", True, True),  # Germany: 16, with consent
    ],
)
def test_the_consent_rule_of_the_member_s_country(client, db_read, city, age_group, consent, joins):
    response = client.post(
        "/api/v1/users",
        json={**BODY, "city": city, "age_group": age_group, "guardian_consent": consent},
    )
    assert response.status_code == (201 if joins else 400), response.get_json()
    if joins:
        assert stored(db_read) == (None, None, consent)
    else:
        assert stored(db_read) is None


def test_the_document_lists_the_choices(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["paths"]["/users"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    fields = schema["properties"]
    assert "under-18" in fields["age_band"]["enum"] and None in fields["age_band"]["enum"]
    assert "prefer-not-to-say" in fields["gender"]["enum"]
    assert "16-or-older" in fields["age_group"]["enum"]
    assert fields["guardian_consent"]["type"] == "boolean"
    assert set(schema["required"]) == {"email", "password", "display_name", "city", "profile_kind"}
