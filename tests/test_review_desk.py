"""The review desk: the queue (my themes, my city first, drafts apart), drafts kept server-side,
submitting, the conflict-of-interest declaration, and what is refused (400 at the field, 403,
404, 409) with nothing written."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.reviews import queries
from livinglab.reviews.models import ExpertTheme, Review, ReviewConflict, ReviewDraft
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_idea

SCORES = {
    "heritage_value": "5",
    "feasibility": "3",
    "circularity": "4",
    "youth_involvement": "5",
    "replicability": "2",
}
GOOD = {**SCORES, "assessment": "Strong heritage case; the budget needs work.", "no_conflict": "y"}


def rows(db_read, model) -> list:
    return db_read(lambda: db.session.scalars(sa.select(model)).all())


def checked(page: str, name: str) -> list[str]:
    """The values of the radios of ``name`` that are checked on the page."""
    return re.findall(rf'name="{name}" value="(\d)" checked', page)


def idea_links(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/ideas/(\d+)"', page)}


def waiting_count(db_read, user) -> int:
    return db_read(lambda: queries.count_waiting_for(db.session.get(User, user.id)))


@pytest.fixture
def world(db_read, make_user):
    """A Pavia challenge (conservation) and a Hildesheim one (governance), an idea in each."""
    author = make_user(city="turku")
    pavia = db_read(lambda: make_challenge(lead="pavia", themes=("conservation",)))
    hildesheim = db_read(
        lambda: make_challenge(lead="hildesheim", themes=("governance",), phase=Phase.voting)
    )
    older = db_read(lambda: make_idea(pavia, author.id))
    newer = db_read(lambda: make_idea(hildesheim, author.id))
    return {"author": author, "pavia": pavia, "in_pavia": older, "in_hildesheim": newer}


# --- The queue ------------------------------------------------------------------------------


def test_my_city_first_then_my_themes_then_all(login_as, db_read, world):
    expert, me = login_as(Role.expert, "hildesheim")
    page = expert.get("/reviews/queue").get_data(as_text=True)
    # The Hildesheim idea is newer but comes first: the expert's own city's challenge.
    assert page.index(f'/ideas/{world["in_hildesheim"]}"') < page.index(
        f'/ideas/{world["in_pavia"]}"'
    )
    assert waiting_count(db_read, me) == 2

    response = expert.post("/reviews/themes", data={"themes": ["conservation", "financing"]})
    assert response.status_code == 302
    assert db_read(lambda: queries.themes_of(me.id)) == ["conservation", "financing"]
    page = expert.get("/reviews/queue").get_data(as_text=True)
    assert world["in_pavia"] in idea_links(page) and world["in_hildesheim"] not in idea_links(page)
    assert "Your themes: Conservation, Financing" in page
    assert waiting_count(db_read, me) == 1
    page = expert.get("/reviews/queue?theme=all").get_data(as_text=True)
    assert {world["in_pavia"], world["in_hildesheim"]} <= idea_links(page)
    page = expert.get("/reviews/queue?theme=all&city=hildesheim").get_data(as_text=True)
    assert world["in_hildesheim"] in idea_links(page) and world["in_pavia"] not in idea_links(page)

    expert.post("/reviews/themes", data={})  # none chosen: every theme again
    assert db_read(lambda: queries.themes_of(me.id)) == []
    assert waiting_count(db_read, me) == 2


def test_the_queue_leaves_out_what_the_expert_may_not_or_need_not_review(
    login_as, db_read, make_user, world
):
    expert, me = login_as(Role.expert, "hildesheim")
    mine = db_read(lambda: make_idea(world["pavia"], me.id))
    partner = db_read(lambda: make_idea(world["pavia"], world["author"].id, coauthor_ids=(me.id,)))
    withdrawn = db_read(lambda: make_idea(world["pavia"], world["author"].id, status="withdrawn"))
    closed = db_read(lambda: make_challenge(lead="hildesheim", phase=Phase.closed))
    in_closed = db_read(lambda: make_idea(closed, world["author"].id))
    hidden = db_read(lambda: make_idea(world["pavia"], world["author"].id))

    def hide() -> None:
        db.session.get(Idea, hidden).hidden_at = db.func.now()
        db.session.commit()

    db_read(hide)
    page = expert.get("/reviews/queue").get_data(as_text=True)
    shown = idea_links(page)
    assert {world["in_pavia"], world["in_hildesheim"]} <= shown
    assert not shown & {mine, partner, withdrawn, in_closed, hidden}
    assert waiting_count(db_read, me) == 2

    expert.post(f"/ideas/{world['in_pavia']}/review", data=GOOD)
    expert.post(f"/ideas/{world['in_hildesheim']}/review", data={**SCORES, "action": "draft"})
    page = expert.get("/reviews/queue").get_data(as_text=True)
    assert world["in_pavia"] not in idea_links(page)  # reviewed
    queue = page.split('data-testid="review-queue"')[-1] if "review-queue" in page else ""
    assert f'/ideas/{world["in_hildesheim"]}"' not in queue  # drafted: listed apart
    drafts = page.split('data-testid="review-drafts"')[1].split("</section>")[0]
    assert f'/ideas/{world["in_hildesheim"]}/review"' in drafts
    assert "5 of 5 criteria scored" in drafts
    assert waiting_count(db_read, me) == 1  # the draft still waits for the expert


def test_the_queue_and_the_count_are_for_experts_only(login_as, db_read, world):
    for role in (Role.participant, Role.city_rep, Role.admin):
        client, user = login_as(role, "hildesheim")
        assert client.get("/reviews/queue").status_code == 403
        assert client.post("/reviews/themes", data={"themes": ["governance"]}).status_code == 403
        assert waiting_count(db_read, user) == 0
    assert db_read(lambda: db.session.scalars(sa.select(ExpertTheme)).all()) == []


def test_an_unknown_theme_is_answered_at_the_field(login_as, db_read, world):
    expert, me = login_as(Role.expert, "hildesheim")
    response = expert.post("/reviews/themes", data={"themes": ["governance", "astrology"]})
    assert response.status_code == 400
    assert 'id="themes-error"' in response.get_data(as_text=True)
    assert db_read(lambda: queries.themes_of(me.id)) == []


# --- Drafts and submitting ------------------------------------------------------------------


def test_a_draft_is_kept_private_then_submitted(login_as, db_read, client, world):
    idea_id = world["in_pavia"]
    expert, me = login_as(Role.expert, "hildesheim")
    draft = {"heritage_value": "4", "circularity": "2", "assessment": "First thoughts."}
    response = expert.post(f"/ideas/{idea_id}/review", data={**draft, "action": "draft"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/ideas/{idea_id}/review"
    )
    [saved] = rows(db_read, ReviewDraft)
    assert (saved.heritage_value, saved.feasibility, saved.circularity) == (4, None, 2)
    assert saved.chosen == 2 and saved.no_conflict is False
    assert rows(db_read, Review) == []
    assert "First thoughts." not in client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert client.get(f"/api/v1/ideas/{idea_id}/reviews").get_json()["items"] == []

    page = expert.get(f"/ideas/{idea_id}/review").get_data(as_text=True)
    assert checked(page, "heritage_value") == ["4"] and checked(page, "feasibility") == []
    assert "First thoughts." in page and "Draft saved" in page

    response = expert.post(f"/ideas/{idea_id}/review", data={**GOOD, "action": "submit"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/reviews/queue")
    [review] = rows(db_read, Review)
    assert (review.expert_id, review.feasibility) == (me.id, 3)
    assert rows(db_read, ReviewDraft) == []

    # A change to the published review can be drafted too; the review stays as it was.
    expert.post(f"/ideas/{idea_id}/review", data={**GOOD, "feasibility": "5", "action": "draft"})
    assert rows(db_read, Review)[0].feasibility == 3
    page = expert.get(f"/ideas/{idea_id}/review").get_data(as_text=True)
    assert checked(page, "feasibility") == ["5"]
    assert expert.post(f"/ideas/{idea_id}/review/draft/delete").status_code == 302
    assert rows(db_read, ReviewDraft) == []
    assert checked(
        expert.get(f"/ideas/{idea_id}/review").get_data(as_text=True), "feasibility"
    ) == ["3"]


@pytest.mark.parametrize("action", ["draft", "submit"])
@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"feasibility": "0"}, "feasibility"),
        ({"feasibility": "6"}, "feasibility"),
        ({"replicability": "five"}, "replicability"),
        ({"assessment": "x" * 5001}, "assessment"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_keeping_the_rest(
    login_as, db_read, world, action, bad, field
):
    expert, _ = login_as(Role.expert, "hildesheim")
    response = expert.post(
        f"/ideas/{world['in_pavia']}/review", data={**GOOD, **bad, "action": action}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and 'data-testid="error-summary"' in page
    assert checked(page, "heritage_value") == ["5"] and checked(page, "circularity") == ["4"]
    assert "Strong heritage case" in page or field == "assessment"
    assert rows(db_read, Review) == [] and rows(db_read, ReviewDraft) == []


def test_submitting_needs_all_five_scores_and_says_which_are_missing(login_as, db_read, world):
    expert, _ = login_as(Role.expert, "hildesheim")
    data = {k: v for k, v in GOOD.items() if k not in ("feasibility", "youth_involvement")}
    response = expert.post(f"/ideas/{world['in_pavia']}/review", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="feasibility-error"' in page and 'id="youth_involvement-error"' in page
    assert 'id="heritage_value-error"' not in page
    assert 'aria-describedby="feasibility-question feasibility-ends feasibility-error"' in page
    assert checked(page, "replicability") == ["2"]
    assert rows(db_read, Review) == [] and rows(db_read, ReviewDraft) == []


# --- Who may review which idea -------------------------------------------------------------


def test_own_and_co_authored_ideas_are_refused_another_citys_is_not(
    login_as, db_read, make_user, world
):
    expert, me = login_as(Role.expert, "hildesheim")
    own = db_read(lambda: make_idea(world["pavia"], me.id))
    partner = db_read(lambda: make_idea(world["pavia"], world["author"].id, coauthor_ids=(me.id,)))
    for idea_id in (own, partner):
        assert expert.get(f"/ideas/{idea_id}/review").status_code == 403
        for action in ("draft", "submit"):
            response = expert.post(f"/ideas/{idea_id}/review", data={**GOOD, "action": action})
            assert response.status_code == 403
        assert expert.post(f"/ideas/{idea_id}/review/conflict/declare").status_code == 403
    assert rows(db_read, Review) == [] and rows(db_read, ReviewDraft) == []
    # DESIGN.md: any expert who is not an author. A Pavia idea, a Hildesheim expert: allowed.
    assert expert.post(f"/ideas/{world['in_pavia']}/review", data=GOOD).status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/ideas/{}/review"),
        ("post", "/ideas/{}/review"),
        ("post", "/ideas/{}/review/draft/delete"),
        ("post", "/ideas/{}/review/conflict/declare"),
        ("post", "/ideas/{}/review/conflict/withdraw"),
    ],
)
def test_an_unknown_idea_is_404(login_as, method, path):
    expert, _ = login_as(Role.expert, "hildesheim")
    response = getattr(expert, method)(path.format(999_999), data=GOOD)
    assert response.status_code == 404


def test_a_withdrawn_idea_or_a_closed_challenge_takes_no_review(login_as, db_read, world):
    expert, _ = login_as(Role.expert, "hildesheim")
    withdrawn = db_read(lambda: make_idea(world["pavia"], world["author"].id, status="withdrawn"))
    closed = db_read(lambda: make_challenge(lead="pavia", phase=Phase.closed))
    in_closed = db_read(lambda: make_idea(closed, world["author"].id))
    for idea_id in (withdrawn, in_closed):
        for action in ("draft", "submit"):
            response = expert.post(f"/ideas/{idea_id}/review", data={**GOOD, "action": action})
            assert response.status_code == 409
    assert rows(db_read, Review) == [] and rows(db_read, ReviewDraft) == []


# --- The conflict-of-interest declaration ---------------------------------------------------


def test_declaring_a_conflict_takes_the_idea_out_and_refuses_a_review(
    app, login_as, db_read, world
):
    idea_id = world["in_pavia"]
    expert, me = login_as(Role.expert, "hildesheim")
    page = expert.get(f"/ideas/{idea_id}/review").get_data(as_text=True)
    assert "You have a conflict of interest with this idea if:" in page
    expert.post(f"/ideas/{idea_id}/review", data={**SCORES, "action": "draft"})
    response = expert.post(f"/ideas/{idea_id}/review/conflict/declare")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reviews/queue")
    assert rows(db_read, ReviewDraft) == [] and len(rows(db_read, ReviewConflict)) == 1
    assert idea_id not in idea_links(expert.get("/reviews/queue").get_data(as_text=True))
    assert waiting_count(db_read, me) == 1
    page = expert.get(f"/ideas/{idea_id}/review").get_data(as_text=True)
    assert 'data-testid="conflict-declared"' in page and 'data-testid="review-form"' not in page

    assert expert.post(f"/ideas/{idea_id}/review", data=GOOD).status_code == 409
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"email": me.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    body = {
        "scores": {k: int(v) for k, v in SCORES.items()},
        "assessment": "Ok",
        "no_conflict": True,
    }
    answer = api.post(f"/api/v1/ideas/{idea_id}/reviews", json=body, headers=headers)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "conflict"
    assert rows(db_read, Review) == []

    expert.post(f"/ideas/{idea_id}/review/conflict/withdraw")
    assert rows(db_read, ReviewConflict) == []
    assert idea_id in idea_links(expert.get("/reviews/queue").get_data(as_text=True))
    assert (
        api.post(f"/api/v1/ideas/{idea_id}/reviews", json=body, headers=headers).status_code == 201
    )


def test_a_conflict_cannot_be_declared_after_publishing(login_as, db_read, world):
    expert, _ = login_as(Role.expert, "hildesheim")
    expert.post(f"/ideas/{world['in_pavia']}/review", data=GOOD)
    response = expert.post(f"/ideas/{world['in_pavia']}/review/conflict/declare")
    assert response.status_code == 303  # refused, flashed on the review page
    assert "coordinators" in expert.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(db_read, ReviewConflict) == [] and len(rows(db_read, Review)) == 1


def test_a_deleted_account_takes_its_drafts_declarations_and_themes(login_as, db_read, world):
    expert, _ = login_as(Role.expert, "hildesheim")
    expert.post(f"/ideas/{world['in_pavia']}/review", data={**SCORES, "action": "draft"})
    expert.post(f"/ideas/{world['in_hildesheim']}/review/conflict/declare")
    expert.post("/reviews/themes", data={"themes": ["governance"]})
    assert rows(db_read, ReviewDraft) and rows(db_read, ReviewConflict)
    response = expert.post("/profile/delete", data={"password": PASSWORD, "confirmation": "DELETE"})
    assert response.status_code == 302
    for model in (ReviewDraft, ReviewConflict, ExpertTheme):
        assert rows(db_read, model) == []
