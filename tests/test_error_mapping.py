"""One error mapping: a service's refusal is answered by the app's one handler (web/errors.py),
and the HTML pages, the API and socket acknowledgements read one table (livinglab.errors)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.api.errors import error_response
from livinglab.challenges.models import Phase
from livinglab.discussion.models import Comment
from livinglab.errors import ERRORS, page_title
from livinglab.extensions import db
from livinglab.realtime.acks import error_ack
from tests.factories import make_challenge, make_idea


@pytest.mark.parametrize("status", sorted(ERRORS))
def test_api_and_socket_errors_share_codes_and_default_texts(app, status):
    with app.test_request_context("/api/v1/me"):
        body = error_response(status).get_json()["error"]
        ack = error_ack(status, None)["error"]
        assert body["code"] == ack["code"] == ERRORS[status].code
        assert body["message"] == ack["message"] == ERRORS[status].message()


def test_an_uncaught_refusal_is_the_error_page_with_its_reason(login_as, db_read, make_user):
    """The delete view no longer catches ServiceError: the handler shows the policy's reason
    under its status (before: a bare 409 page with the generic text)."""
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    member, _ = login_as()
    data = {"target_type": "idea", "target_id": idea_id, "body": "Soon gone.", "parent_id": ""}
    assert member.post("/comments", data=data).status_code == 302
    cid = db_read(lambda: db.session.scalar(sa.select(sa.func.max(Comment.id))))
    assert member.post(f"/comments/{cid}/delete").status_code == 302

    again = member.post(f"/comments/{cid}/delete")

    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "This comment can no longer be changed." in page
    with member.application.test_request_context():
        assert page_title(409) in page


def test_a_refusal_with_a_page_to_return_to_flashes_there(login_as, db_read, make_user):
    """``on_refusal_render``: a decision refused by the service (no selection phase yet) shows
    the idea's page again under the error's status, the reason flashed above it — the page
    both faces build from ideas/queries.idea_page_context, not the bare error page."""
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    rep, _ = login_as(Role.city_rep, "pavia")

    response = rep.post(
        f"/ideas/{idea_id}/decisions", data={"city": "pavia", "decision": "approve"}
    )

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "selection phase" in page and "flash-error" in page
    assert f'action="/ideas/{idea_id}/follow"' in page, "the idea's own page"
    assert 'class="error-code"' not in page


def test_an_unknown_idea_is_a_404_page_and_a_404_api_error(client):
    assert client.get("/ideas/987654").status_code == 404
    response = client.get("/api/v1/ideas/987654")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
