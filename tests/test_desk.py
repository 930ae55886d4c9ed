"""The signed-in home is the member's desk: each item appears when it is due, for whom it is
due, and goes once acted on; the desk is one query, the navigation's counts one more."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livinglab import policy
from livinglab.accounts import services as accounts
from livinglab.accounts.models import RequestStatus, Role, RoleRequest
from livinglab.challenges import deadlines
from livinglab.challenges.models import Challenge, Phase
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, InvitationStatus
from livinglab.notifications.models import Notification
from livinglab.pilots.models import Milestone, Pilot, PilotStatus
from livinglab.reviews.models import Review
from tests.factories import make_challenge, make_idea
from tests.test_policy import ACTORS, COIMBRA, PAVIA

SCORES = dict.fromkeys(
    ("heritage_value", "feasibility", "circularity", "youth_involvement", "replicability"), 4
)


def desk(client) -> dict[str, str]:
    """The desk's sections, by key, as the HTML each one shows."""
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>My desk</h1>" in page
    found = re.findall(r'<section [^>]*data-testid="desk-(\w+)">(.*?)</section>', page, re.S)
    return dict(found)


def nav(client) -> str:
    page = client.get("/activity").get_data(as_text=True)
    return page.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]


def set_challenge(db_read, challenge_id: int, **values) -> None:
    def run():
        db.session.execute(sa.update(Challenge).where(Challenge.id == challenge_id).values(values))
        db.session.commit()

    db_read(run)


def add(db_read, *rows) -> list[int]:
    def run():
        db.session.add_all(rows)
        db.session.commit()
        return [getattr(row, "id", None) for row in rows]

    return db_read(run)


def today(db_read):
    return db_read(deadlines.today)


# --- Every member ----------------------------------------------------------------------------


def test_an_invitation_waits_on_the_desk_until_answered(login_as, make_user, db_read):
    client, student = login_as(city="turku")
    author = make_user(city="pavia", name="Giulia")
    challenge = db_read(lambda: make_challenge(lead="pavia"))
    idea = db_read(lambda: make_idea(challenge, author.id, title="Night market of makers"))
    assert "invitations" not in desk(client)
    add(db_read, Coauthor(idea_id=idea, user_id=student.id, invited_by_id=author.id))
    section = desk(client)["invitations"]
    assert "Night market of makers" in section and "Giulia invites you" in section
    assert f"/ideas/{idea}/invitation/accept" in section
    assert client.post(f"/ideas/{idea}/invitation/accept").status_code == 302
    assert "invitations" not in desk(client)


def test_votes_left_count_down_and_go_when_the_budget_is_used(login_as, make_user, db_read):
    client, voter = login_as(city="turku")
    author = make_user(city="pavia")
    challenge = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    set_challenge(
        db_read, challenge, votes_per_member=2, voting_deadline=today(db_read) + timedelta(days=4)
    )
    first, second = (db_read(lambda: make_idea(challenge, author.id)) for _ in range(2))
    section = desk(client)["votes"]
    assert "2 votes left" in section and "(of 2)" in section and "in 4 days" in section
    assert client.post(f"/ideas/{first}/vote").status_code in (302, 303)
    assert "1 vote left" in desk(client)["votes"]
    assert client.post(f"/ideas/{second}/vote").status_code in (302, 303)
    assert "votes" not in desk(client)


def test_a_voting_deadline_passed_leaves_no_votes_to_cast(login_as, db_read):
    client, _ = login_as(city="turku")
    challenge = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    set_challenge(db_read, challenge, voting_deadline=today(db_read) - timedelta(days=1))
    assert "votes" not in desk(client)


def test_a_reply_waits_until_read(login_as, make_user, db_read):
    client, me = login_as(city="coimbra")
    challenge = db_read(lambda: make_challenge(lead="coimbra"))
    other, _ = login_as(city="iasi", name="Ioana")
    client.post(
        "/comments", data={"target_type": "challenge", "target_id": challenge, "body": "Mine."}
    )
    parent = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    other.post(
        "/comments",
        data={
            "target_type": "challenge",
            "target_id": challenge,
            "body": "Yes!",
            "parent_id": parent,
        },
    )
    section = desk(client)["replies"]
    assert "Ioana replied to you on" in section
    note = db_read(
        lambda: db.session.scalar(sa.select(Notification.id).where(Notification.user_id == me.id))
    )
    assert client.post(f"/notifications/{note}/read").status_code == 302
    assert "replies" not in desk(client)


def test_my_ideas_with_their_status_and_open_challenges_not_yet_answered(login_as, db_read):
    client, me = login_as(city="iasi")
    challenge = db_read(lambda: make_challenge(lead="iasi", title="Wooden churches"))
    assert "Wooden churches" in desk(client)["open"]
    idea = db_read(lambda: make_idea(challenge, me.id, title="Carpentry camp"))
    sections = desk(client)
    assert "open" not in sections, "answered: no longer offered"
    assert "Carpentry camp" in sections["ideas"] and "Submitted" in sections["ideas"]
    assert client.post(f"/ideas/{idea}/withdraw").status_code in (302, 303)
    assert "ideas" not in desk(client)


def test_an_unconfirmed_member_is_told_to_confirm_and_offered_no_votes(client, db_read):
    db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    db_read(
        lambda: accounts.register(
            email="new@example.org",
            password="a long enough password",
            display_name="New",
            city_slug="pavia",
            profile_kind="student",
            accepted_terms=True,
        )  # fmt: skip
    )
    client.post("/login", data={"email": "new@example.org", "password": "a long enough password"})
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="desk-confirm"' in page
    assert 'data-testid="desk-votes"' not in page


# --- Experts ---------------------------------------------------------------------------------


def test_the_expert_s_ideas_to_review_and_the_count_in_the_menu(login_as, make_user, db_read):
    client, expert = login_as(Role.expert, "hildesheim")
    author = make_user(city="pavia")
    challenge = db_read(lambda: make_challenge(lead="pavia"))
    assert 'data-testid="nav-review-count"' not in nav(client)
    assert 'data-testid="nav-review-queue"' in nav(client)
    idea = db_read(lambda: make_idea(challenge, author.id, title="Fresco school"))
    assert 'data-testid="nav-review-count"><span class="visually-hidden">(</span>1<' in nav(client)
    section = desk(client)["reviews"]
    assert "Fresco school" in section and f"/ideas/{idea}/review" in section
    add(
        db_read,
        Review(idea_id=idea, expert_id=expert.id, assessment="Sound.", no_conflict=True, **SCORES),
    )
    assert "reviews" not in desk(client)
    assert 'data-testid="nav-review-count"' not in nav(client)


def test_a_review_in_draft_waits_until_submitted(login_as, make_user, db_read):
    client, expert = login_as(Role.expert, "salamanca")
    challenge = db_read(lambda: make_challenge(lead="coimbra"))
    idea = db_read(lambda: make_idea(challenge, make_user(city="iasi").id, title="Tile atlas"))
    draft = {"heritage_value": "4", "feasibility": "3", "action": "draft"}
    assert client.post(f"/ideas/{idea}/review", data=draft).status_code == 302
    sections = desk(client)
    assert "Tile atlas" in sections["drafts"] and "2 of 5 scores chosen" in sections["drafts"]
    assert "reviews" not in sections, "a drafted idea is listed once, as a draft"
    assert 'data-testid="nav-review-count"><span class="visually-hidden">(</span>1<' in nav(client)
    scores = {name: "4" for name in SCORES}
    submitted = client.post(
        f"/ideas/{idea}/review",
        data={**scores, "assessment": "A useful atlas.", "no_conflict": "y"},
    )
    assert submitted.status_code == 302
    assert "drafts" not in desk(client) and "reviews" not in desk(client)
    assert db_read(lambda: db.session.scalar(sa.select(Review.expert_id))) == expert.id


def test_a_participant_has_no_review_queue_and_no_moderation_in_the_menu(login_as):
    client, _ = login_as()
    menu = nav(client)
    assert "nav-review-queue" not in menu and "nav-moderation" not in menu
    assert "reviews" not in desk(client) and "publish" not in desk(client)


# --- City representatives and administrators -------------------------------------------------


@pytest.fixture
def rep(login_as):
    return login_as(Role.city_rep, "pavia")


def test_proposals_to_publish_of_my_city_only(rep, db_read):
    client, _ = rep
    mine = db_read(
        lambda: make_challenge(lead="pavia", phase=Phase.proposed, title="Castle stables")
    )
    db_read(lambda: make_challenge(lead="turku", phase=Phase.proposed, title="Shipyard"))
    section = desk(client)["publish"]
    assert "Castle stables" in section and "Shipyard" not in section
    assert client.post(f"/challenges/{mine}/phase/open").status_code == 302
    assert "publish" not in desk(client)


def test_an_administrator_sees_the_proposals_of_every_city(login_as, db_read):
    client, _ = login_as(Role.admin, "besancon")
    db_read(lambda: make_challenge(lead="pavia", phase=Phase.proposed, title="Castle stables"))
    db_read(lambda: make_challenge(lead="turku", phase=Phase.proposed, title="Shipyard"))
    section = desk(client)["publish"]
    assert "Castle stables" in section and "Shipyard" in section


def test_a_phase_whose_deadline_is_near_is_due_until_moved_on(rep, db_read):
    client, _ = rep
    day = today(db_read)
    near = db_read(lambda: make_challenge(lead="pavia", title="Near"))
    far = db_read(lambda: make_challenge(lead="pavia", title="Far"))
    elsewhere = db_read(lambda: make_challenge(lead="salamanca", title="Elsewhere"))
    set_challenge(db_read, near, ideas_deadline=day + timedelta(days=3))
    set_challenge(db_read, far, ideas_deadline=day + timedelta(days=30))
    set_challenge(db_read, elsewhere, ideas_deadline=day + timedelta(days=1))
    section = desk(client)["phases"]
    assert "Near" in section and "in 3 days" in section
    assert "Far" not in section and "Elsewhere" not in section
    assert client.post(f"/challenges/{near}/phase/voting").status_code == 302
    assert "phases" not in desk(client), "voting has no deadline close by"


def test_reviewed_ideas_wait_for_each_host_city_s_decision(rep, login_as, make_user, db_read):
    client, _ = rep
    coimbra, _ = login_as(Role.city_rep, "coimbra")
    author, expert = make_user(city="turku"), make_user(Role.expert, "iasi")
    challenge = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("coimbra",), phase=Phase.selection)
    )
    reviewed = db_read(lambda: make_idea(challenge, author.id, title="Reviewed idea"))
    db_read(lambda: make_idea(challenge, author.id, title="Unreviewed idea"))
    add(
        db_read,
        Review(
            idea_id=reviewed, expert_id=expert.id, assessment="Good.", no_conflict=True, **SCORES
        ),
    )
    section = desk(client)["decisions"]
    assert "Reviewed idea" in section and "Unreviewed idea" not in section
    assert "For Pavia" in section and "1 review" in section
    decided = client.post(
        f"/ideas/{reviewed}/decisions", data={"city": "pavia", "decision": "approve"}
    )
    assert decided.status_code in (302, 303)
    assert "decisions" not in desk(client)
    assert "For Coimbra" in desk(coimbra)["decisions"], "each host city decides for itself"


def test_overdue_milestones_of_my_city_s_pilots(rep, make_user, db_read):
    client, me = rep
    author = make_user(city="pavia")
    challenge = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("turku",), phase=Phase.closed)
    )
    idea = db_read(lambda: make_idea(challenge, author.id, title="Open stables"))
    day = today(db_read)
    pilot, other = add(
        db_read,
        Pilot(idea_id=idea, challenge_id=challenge, city_id=me.city_id, status=PilotStatus.running),
        Pilot(
            idea_id=idea,
            challenge_id=challenge,
            city_id=db_read(_turku_id),
            status=PilotStatus.running,
        ),
    )
    late, _soon, _turku = add(
        db_read,
        Milestone(pilot_id=pilot, title="Open the doors", due_date=day - timedelta(days=2)),
        Milestone(pilot_id=pilot, title="Hire guides", due_date=day + timedelta(days=5)),
        Milestone(pilot_id=other, title="Turku launch", due_date=day - timedelta(days=9)),
    )
    section = desk(client)["milestones"]
    assert "Open the doors" in section and "Pilot “Open stables” in Pavia" in section
    assert "Hire guides" not in section and "Turku launch" not in section
    done = client.post(
        f"/pilots/{pilot}/milestones/{late}/done",
        data={"done_on": str(day), "evidence": "Opened on the day."},
    )
    assert done.status_code in (302, 303)
    assert "milestones" not in desk(client)


def _turku_id():
    from livinglab.cities.models import City

    return db.session.scalar(sa.select(City.id).where(City.slug == "turku"))


def test_role_requests_of_my_city_wait_until_decided(rep, make_user, db_read):
    client, _ = rep
    pavese, finn = make_user(city="pavia", name="Luca"), make_user(city="turku", name="Aino")
    ids = add(
        db_read,
        RoleRequest(user_id=pavese.id, role=Role.expert, motivation="I restore frescoes."),
        RoleRequest(user_id=finn.id, role=Role.expert, motivation="Shipyards."),
    )
    section = desk(client)["requests"]
    assert "Luca asks for the role “Expert”" in section and "Aino" not in section
    assert client.post(f"/role-requests/{ids[0]}/grant", data={"reason": ""}).status_code in (
        302,
        303,
    )
    assert db_read(lambda: db.session.get(RoleRequest, ids[0]).status) == RequestStatus.granted
    assert "requests" not in desk(client)


def test_a_host_city_s_representative_is_offered_no_votes_on_its_challenge(rep, db_read):
    client, _ = rep
    ours = db_read(
        lambda: make_challenge(lead="turku", cohosts=("pavia",), phase=Phase.voting, title="Ours")
    )
    theirs = db_read(lambda: make_challenge(lead="iasi", phase=Phase.voting, title="Theirs"))
    section = desk(client)["votes"]
    assert "Theirs" in section and "Ours" not in section
    assert ours != theirs


def test_reported_content_under_my_challenges_until_judged(rep, login_as, make_user, db_read):
    client, _ = rep
    author = make_user(city="iasi")
    ours = db_read(lambda: make_challenge(lead="pavia", title="Castle stables"))
    theirs = db_read(lambda: make_challenge(lead="turku", title="Shipyard"))
    poster, _ = login_as(city="iasi")
    for target in (ours, theirs):
        poster.post(
            "/comments", data={"target_type": "challenge", "target_id": target, "body": "Spam!"}
        )
    ours_comment, theirs_comment = db_read(
        lambda: list(db.session.scalars(sa.select(Comment.id).order_by(Comment.id)))
    )
    assert author.id and "flagged" not in desk(client)
    for city in ("turku", "salamanca", "hildesheim"):
        flagger, _ = login_as(city=city)
        for cid in (ours_comment, theirs_comment):
            assert flagger.post(f"/flags/comment/{cid}", data={"reason": "spam"}).status_code == 302
    section = desk(client)["flagged"]
    assert f"/moderation/comment/{ours_comment}" in section
    assert f"/moderation/comment/{theirs_comment}" not in section
    assert "hidden after 3 reports" in section and "Castle stables" in section
    assert 'data-testid="nav-moderation-count"><span class="visually-hidden">(</span>1<' in nav(
        client
    )
    restored = client.post(
        f"/moderation/comment/{ours_comment}/restore", data={"reason": "Not spam."}
    )
    assert restored.status_code == 302
    assert "flagged" not in desk(client)
    assert 'data-testid="nav-moderation-count"' not in nav(client)
    assert 'data-testid="nav-moderation"' in nav(client)


def test_nobody_is_asked_to_judge_their_own_reported_contribution(login_as, db_read):
    client, me = login_as(Role.city_rep, "pavia")
    challenge = db_read(lambda: make_challenge(lead="pavia"))
    client.post(
        "/comments", data={"target_type": "challenge", "target_id": challenge, "body": "Mine"}
    )
    cid = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    for city in ("turku", "salamanca", "hildesheim"):
        login_as(city=city)[0].post(f"/flags/comment/{cid}", data={"reason": "spam"})
    assert "flagged" not in desk(client)
    admin, _ = login_as(Role.admin, "besancon")
    assert f"/moderation/comment/{cid}" in desk(admin)["flagged"]
    assert me.id


# --- The policy's scopes --------------------------------------------------------------------


def test_the_desk_scope_admin_everywhere_rep_own_city_others_nowhere():
    assert policy.desk_scope(ACTORS["admin"]).everywhere
    assert policy.desk_scope(ACTORS["rep_cohost"]).city_ids == {COIMBRA}
    for actor in ("anonymous", "suspended", "author", "participant", "expert"):
        assert not policy.desk_scope(ACTORS[actor]), actor


def test_only_a_city_representative_is_barred_from_votes_by_city():
    assert policy.no_vote_scope(ACTORS["rep_lead"]).city_ids == {PAVIA}
    for actor in ("anonymous", "admin", "author", "participant", "expert"):
        assert not policy.no_vote_scope(ACTORS[actor]), actor


# --- Few queries -----------------------------------------------------------------------------


def measure(count_queries, client, path="/") -> int:
    with count_queries() as counted:
        assert client.get(path).status_code == 200
    return counted.n


def grow(db_read, make_user, me, n: int) -> None:
    """n of every kind of item on a Pavia representative's desk."""
    author, expert = make_user(city="turku"), make_user(Role.expert, "iasi")
    day = db_read(deadlines.today)
    for _ in range(n):
        db_read(lambda: make_challenge(lead="pavia", phase=Phase.proposed))
        near = db_read(lambda: make_challenge(lead="pavia"))
        set_challenge(db_read, near, ideas_deadline=day + timedelta(days=2))
        voting = db_read(lambda: make_challenge(lead="iasi", phase=Phase.voting))
        db_read(lambda v=voting: make_idea(v, author.id))
        selection = db_read(lambda: make_challenge(lead="pavia", phase=Phase.selection))
        idea = db_read(lambda s=selection: make_idea(s, author.id))
        pilot = add(db_read, Pilot(idea_id=idea, challenge_id=selection, city_id=me.city_id))[0]
        add(
            db_read,
            Review(idea_id=idea, expert_id=expert.id, assessment="Ok.", no_conflict=True, **SCORES),
            Milestone(pilot_id=pilot, title="Late", due_date=day - timedelta(days=1)),
            Coauthor(idea_id=idea, user_id=me.id, status=InvitationStatus.invited),
            RoleRequest(user_id=make_user(city="pavia").id, role=Role.expert, motivation="Me."),
            Notification(user_id=me.id, kind="comment_reply", params={"name": "A", "title": "T"}),
        )


def test_the_desk_is_one_query_however_much_waits(login_as, make_user, db_read, count_queries):
    client, me = login_as(Role.city_rep, "pavia")
    grow(db_read, make_user, me, 1)
    small = measure(count_queries, client)
    grow(db_read, make_user, me, 7)
    sections = desk(client)
    for key in (
        "publish",
        "phases",
        "decisions",
        "milestones",
        "requests",
        "invitations",
        "replies",
        "votes",
    ):
        assert key in sections, key
    assert "3 more" in sections["publish"], "five shown, the rest counted"
    assert measure(count_queries, client) == small
    # The member and their sign-in, the navigation's counts, the desk itself.
    assert small <= 4, small


def test_the_navigation_counts_are_one_query_per_page(login_as, count_queries):
    participant, _ = login_as()
    expert, _ = login_as(Role.expert)
    moderator, _ = login_as(Role.city_rep)
    counts = {
        name: measure(count_queries, client, "/search")
        for name, client in (("participant", participant), ("expert", expert), ("rep", moderator))
    }
    assert counts["participant"] == counts["expert"] == counts["rep"], counts


def test_a_visitor_keeps_the_public_home(client, db_read):
    db_read(lambda: make_challenge(title="Fresco adoption"))
    page = client.get("/").get_data(as_text=True)
    assert "My desk" not in page and "Fresco adoption" in page and "Join the Living Lab" in page
