"""Expert reviews against the rubric: who, when, what is valid, what the idea page shows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.notifications.models import Notification
from livinglab.reviews.models import Review
from tests.factories import make_challenge, make_idea

GOOD = {
    "heritage_value": "5",
    "feasibility": "3",
    "circularity": "4",
    "youth_involvement": "5",
    "replicability": "2",
    "assessment": "Strong heritage case; the budget needs work.",
    "no_conflict": "y",
}


@pytest.fixture
def idea(db_read, make_user):
    author = make_user(city="turku")
    partner = make_user(city="iasi")
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", themes=("conservation",), phase=Phase.voting)
    )
    return (
        db_read(lambda: make_idea(challenge_id, author.id, coauthor_ids=(partner.id,))),
        author,
        challenge_id,
    )


def reviews(db_read):
    return db_read(lambda: db.session.scalars(sa.select(Review)).all())


def test_a_hildesheim_expert_reviews_and_the_average_appears(login_as, db_read, idea, client):
    idea_id, author, _ = idea
    expert, me = login_as(Role.expert, "hildesheim")
    assert expert.post(f"/ideas/{idea_id}/review", data=GOOD).status_code == 302
    [review] = reviews(db_read)
    assert (review.expert_id, review.average) == (me.id, 3.8)
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    averages = page.split('data-testid="review-averages"')[1].split("</table>")[0]
    assert "Heritage value" in averages and "5.0" in averages and "2.0" in averages
    assert "Strong heritage case" in page
    kinds = db_read(
        lambda: db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == author.id)
        ).all()
    )
    assert kinds == ["review_new"]


def test_one_review_per_expert_editable_until_closed(login_as, db_read, idea):
    idea_id, _, challenge_id = idea
    expert, _ = login_as(Role.expert, "hildesheim")
    expert.post(f"/ideas/{idea_id}/review", data=GOOD)
    assert (
        expert.post(f"/ideas/{idea_id}/review", data={**GOOD, "feasibility": "5"}).status_code
        == 302
    )
    [review] = reviews(db_read)
    assert review.feasibility == 5 and review.updated_at is not None
    rep, _ = login_as(Role.city_rep, "pavia")
    for phase in ("selection", "closed"):
        rep.post(f"/challenges/{challenge_id}/phase/{phase}")
    assert (
        expert.post(f"/ideas/{idea_id}/review", data={**GOOD, "feasibility": "1"}).status_code
        == 409
    )
    assert reviews(db_read)[0].feasibility == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"feasibility": "0"}, "feasibility"),
        ({"feasibility": "6"}, "feasibility"),
        ({"feasibility": "five"}, "feasibility"),
        ({"replicability": ""}, "replicability"),
        ({"assessment": ""}, "assessment"),
        ({"no_conflict": ""}, "no_conflict"),
    ],
)
def test_bad_reviews_are_explained_and_nothing_is_written(login_as, db_read, idea, changes, field):
    idea_id, *_ = idea
    expert, _ = login_as(Role.expert, "hildesheim")
    data = {k: v for k, v in {**GOOD, **changes}.items() if v != ""}
    response = expert.post(f"/ideas/{idea_id}/review", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert reviews(db_read) == []


@pytest.mark.parametrize(
    ("role", "city", "status"),
    [(Role.participant, "pavia", 403), (Role.city_rep, "pavia", 403), (Role.admin, "pavia", 403)],
)
def test_only_experts_review(login_as, db_read, idea, role, city, status):
    idea_id, *_ = idea
    client, _ = login_as(role, city)
    assert client.post(f"/ideas/{idea_id}/review", data=GOOD).status_code == status
    assert reviews(db_read) == []


def test_experts_do_not_review_ideas_they_co_authored(app, login_as, db_read, make_user):
    expert = make_user(Role.expert, "coimbra")
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(phase=Phase.open))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id, coauthor_ids=(expert.id,)))
    client = app.test_client()
    client.post("/login", data={"email": expert.email, "password": "correct horse battery"})
    assert client.post(f"/ideas/{idea_id}/review", data=GOOD).status_code == 403
    assert f'/ideas/{idea_id}"' not in client.get("/reviews/queue").get_data(as_text=True)


def test_the_queue_filters_by_theme_and_city_and_drops_reviewed_ideas(
    login_as, db_read, make_user, idea
):
    idea_id, author, _ = idea
    other_challenge = db_read(
        lambda: make_challenge(lead="salamanca", themes=("governance",), phase=Phase.open)
    )
    other_idea = db_read(lambda: make_idea(other_challenge, author.id))
    expert, _ = login_as(Role.expert, "hildesheim")
    page = expert.get("/reviews/queue").get_data(as_text=True)
    assert f'/ideas/{idea_id}"' in page and f'/ideas/{other_idea}"' in page
    page = expert.get("/reviews/queue?theme=governance").get_data(as_text=True)
    assert f'/ideas/{idea_id}"' not in page and f'/ideas/{other_idea}"' in page
    page = expert.get("/reviews/queue?city=pavia").get_data(as_text=True)
    assert f'/ideas/{idea_id}"' in page and f'/ideas/{other_idea}"' not in page
    expert.post(f"/ideas/{idea_id}/review", data=GOOD)
    assert f'/ideas/{idea_id}"' not in expert.get("/reviews/queue").get_data(as_text=True)
    participant, _ = login_as()
    assert participant.get("/reviews/queue").status_code == 403
