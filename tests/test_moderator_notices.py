"""Content hidden by members' reports waits for a moderator: each moderator of its host cities
(and every administrator) is told, in the app and by email as they chose, through the event
the hiding publishes; a moderator of another city is not. One item's page shows the case."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab import events
from livinglab.accounts.models import Role
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.mail import preferences
from livinglab.mail.models import Delivery, DigestEntry, MailPreference, OutboxMessage
from livinglab.moderation import services as moderation
from livinglab.moderation.models import Flag
from livinglab.notifications.models import Notification
from tests.factories import make_challenge, make_idea


@pytest.fixture
def people(login_as, make_user):
    """The moderators of a Pavia challenge co-hosted by Coimbra, and others who are not."""
    return {
        "pavia": login_as(Role.city_rep, "pavia"),
        "coimbra": login_as(Role.city_rep, "coimbra"),
        "turku": login_as(Role.city_rep, "turku"),
        "admin": login_as(Role.admin, "besancon"),
        "expert": login_as(Role.expert, "pavia"),
    }


@pytest.fixture
def comment(login_as, db_read, make_user):
    """A comment by a Iași member on an idea of a Pavia challenge co-hosted by Coimbra."""
    challenge = db_read(lambda: make_challenge(lead="pavia", cohosts=("coimbra",), title="Stables"))
    idea = db_read(lambda: make_idea(challenge, make_user(city="turku").id, title="Night market"))
    author_client, author = login_as(city="iasi")
    author_client.post(
        "/comments", data={"target_type": "idea", "target_id": idea, "body": "Buy at spam.example"}
    )
    cid = db_read(lambda: db.session.scalar(sa.select(Comment.id).order_by(Comment.id.desc())))
    return cid, author


def report(login_as, cid: int, times: int = 3) -> None:
    for city in ("turku", "salamanca", "hildesheim")[:times]:
        client, _ = login_as(city=city)
        assert client.post(f"/flags/comment/{cid}", data={"reason": "spam"}).status_code == 302


def told(db_read, kind: str = "moderation_needed") -> dict[int, Notification]:
    return db_read(
        lambda: {
            n.user_id: n
            for n in db.session.scalars(sa.select(Notification).where(Notification.kind == kind))
        }
    )


def test_the_moderators_of_its_host_cities_are_told_and_no_one_else(
    people, comment, login_as, db_read
):
    cid, author = comment
    report(login_as, cid, times=2)
    assert told(db_read) == {}, "two reports hide nothing: nobody is called yet"
    report(login_as, cid, times=3)
    notes = told(db_read)
    moderators = {people[k][1].id for k in ("pavia", "coimbra", "admin")}
    assert set(notes) >= moderators
    assert people["turku"][1].id not in notes, "a moderator of another city is not told"
    assert people["expert"][1].id not in notes and author.id not in notes
    note = notes[people["pavia"][1].id]
    assert note.link == f"/moderation/comment/{cid}"
    assert note.params["title"] == "Night market", "named after what it discusses"
    page = people["pavia"][0].get("/notifications/").get_data(as_text=True)
    assert "was hidden after 3 reports: restore it or keep it hidden." in page
    assert author.id in told(db_read, "moderation_flagged"), "the author is still told"


def test_a_moderator_who_wrote_it_is_not_called_to_judge_it(login_as, db_read):
    writer, me = login_as(Role.city_rep, "pavia")
    _, colleague = login_as(Role.city_rep, "pavia")
    challenge = db_read(lambda: make_challenge(lead="pavia"))
    writer.post("/comments", data={"target_type": "challenge", "target_id": challenge, "body": "x"})
    cid = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    report(login_as, cid)
    notes = told(db_read)
    assert colleague.id in notes and me.id not in notes


def test_they_hear_it_through_the_event_the_hiding_publishes(people, comment, db_read):
    """The receiver answers the domain event, whoever sends it: the service never calls it."""
    cid, _ = comment

    def send():
        content = moderation.load_content("comment", cid)
        events.content_auto_hidden.send(content.obj, content=content, flags=3, city_id=None)
        db.session.commit()

    db_read(send)
    assert people["coimbra"][1].id in told(db_read)


def test_email_follows_each_moderator_s_choice(people, comment, login_as, db_read):
    cid, _ = comment
    pavia, coimbra, admin = (people[k][1].id for k in ("pavia", "coimbra", "admin"))
    category = preferences.category_of("moderation_needed")

    def choose():
        db.session.add(
            MailPreference(user_id=pavia, category=category, delivery=Delivery.immediate)
        )
        db.session.add(MailPreference(user_id=coimbra, category=category, delivery=Delivery.in_app))
        db.session.commit()

    db_read(choose)
    report(login_as, cid)

    def mail():
        outbox = set(
            db.session.scalars(
                sa.select(OutboxMessage.user_id).where(OutboxMessage.kind == "notification")
            )
        )
        digests = set(
            db.session.scalars(
                sa.select(DigestEntry.user_id).where(DigestEntry.kind == "moderation_needed")
            )
        )
        return outbox, digests

    outbox, digests = db_read(mail)
    assert pavia in outbox, "at once, as chosen"
    assert coimbra not in outbox and coimbra not in digests, "on the platform only, as chosen"
    by_default = preferences.default(preferences.category_of("moderation_needed"))
    if by_default == Delivery.immediate:
        assert admin in outbox, "by default, at once"
    else:
        assert admin in digests, "by default, in the digest of the category"


def test_their_open_pages_hear_of_it_at_once(people, comment, login_as, socket_client):
    cid, _ = comment
    live = socket_client(people["coimbra"][0])
    live.get_received()
    report(login_as, cid)
    pushed = [m["args"][0] for m in live.get_received() if m["name"] == "notification"]
    assert pushed and pushed[-1]["unread"] >= 1


# --- One case, decided -----------------------------------------------------------------------


def test_the_case_page_shows_the_item_and_the_reports_to_its_moderators_only(
    people, comment, login_as
):
    cid, _ = comment
    report(login_as, cid)
    page = people["pavia"][0].get(f"/moderation/comment/{cid}").get_data(as_text=True)
    assert "Buy at spam.example" in page and "Hidden automatically after reports" in page
    assert "3 reports waiting" in page and "Keep it hidden" in page and "Restore it" in page
    assert people["turku"][0].get(f"/moderation/comment/{cid}").status_code == 403
    assert people["expert"][0].get(f"/moderation/comment/{cid}").status_code == 403
    assert people["pavia"][0].get("/moderation/comment/999999").status_code == 404
    assert people["pavia"][0].get(f"/moderation/nonsense/{cid}").status_code == 404


def test_a_decision_without_reason_is_answered_at_the_field(people, comment, login_as, db_read):
    cid, _ = comment
    report(login_as, cid)
    rep = people["coimbra"][0]
    response = rep.post(f"/moderation/comment/{cid}/restore", data={"from": "case", "reason": " "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="reason-error"' in page and 'aria-invalid="true"' in page
    long = rep.post(f"/moderation/comment/{cid}/hide", data={"from": "case", "reason": "x" * 501})
    assert long.status_code == 400 and "x" * 501 in long.get_data(as_text=True), "kept as typed"
    queue = rep.post(f"/moderation/comment/{cid}/hide", data={"reason": ""})
    assert queue.status_code == 400
    assert f'id="reason-comment-{cid}-error"' in queue.get_data(as_text=True)
    assert db_read(lambda: db.session.get(Comment, cid).hidden_at) is not None, "nothing changed"


@pytest.mark.parametrize(("decision", "hidden"), [("restore", False), ("hide", True)])
def test_restored_or_kept_hidden_the_case_is_closed(
    people, comment, login_as, db_read, decision, hidden
):
    cid, author = comment
    report(login_as, cid)
    rep = people["pavia"][0]
    response = rep.post(
        f"/moderation/comment/{cid}/{decision}",
        data={"from": "case", "next": "/", "reason": "Checked with the rules."},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert (db_read(lambda: db.session.get(Comment, cid).hidden_at) is not None) is hidden
    open_flags = db_read(
        lambda: db.session.scalar(
            sa.select(sa.func.count(Flag.id)).where(Flag.resolved_at.is_(None))
        )
    )
    assert open_flags == 0
    assert author.id in told(db_read, "moderation_hidden" if hidden else "moderation_restored")
    assert 'data-testid="desk-flagged"' not in rep.get("/").get_data(as_text=True)
    calls = told(db_read).values()
    assert calls and all(n.read_at is not None for n in calls), "the other moderators' calls close"
