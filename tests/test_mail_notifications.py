"""Notification emails: each member's choice per category (in-app, at once, daily or weekly
digest), in their language, with a one-click unsubscribe (RFC 8058); digests at 08:00 their time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import User
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.mail.digests import due_at
from livinglab.mail.models import Delivery, DigestEntry, MailPreference, OutboxMessage
from livinglab.mail.worker import run_once
from tests.factories import make_challenge, make_idea
from tests.smtp import body_of, mail_to, smtp_server


@pytest.fixture
def idea(db_read, make_user):
    author = make_user(city="turku", name="Aino Virtanen")
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", title="The stables of the Visconti Castle")
    )
    return db_read(lambda: make_idea(challenge_id, author.id, title="Lanterns in the arcades"))


def comment(client, idea_id, body="A thought.", parent_id=""):
    response = client.post(
        "/comments",
        data={"target_type": "idea", "target_id": idea_id, "body": body, "parent_id": parent_id},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def last_comment_id(db_read) -> int:
    from livinglab.discussion.models import Comment

    return db_read(lambda: db.session.scalar(sa.select(sa.func.max(Comment.id))))


def outbox(db_read, **where) -> list[OutboxMessage]:
    def rows():
        query = sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        found = list(db.session.scalars(query))
        for row in found:
            db.session.expunge(row)
        return found

    return db_read(rows)


def entries_of(db_read, user_id: int) -> list:
    """When each digest entry of the member is due."""
    return db_read(
        lambda: list(
            db.session.scalars(sa.select(DigestEntry.due_at).where(DigestEntry.user_id == user_id))
        )
    )


def set_user(db_read, user_id: int, **values) -> None:
    def write():
        db.session.execute(sa.update(User).where(User.id == user_id).values(**values))
        db.session.commit()

    db_read(write)


def test_a_reply_is_emailed_at_once_in_the_recipients_language(app, login_as, db_read, idea):
    writer, me = login_as(city="pavia", name="Giulia Rossi")
    set_user(db_read, me.id, preferred_language="it")
    comment(writer, idea, "Potremmo illuminare gli archi?")
    replier, _ = login_as(city="coimbra", name="João Almeida")
    comment(replier, idea, "Yes, with warm light.", parent_id=last_comment_id(db_read))

    [row] = outbox(db_read, user_id=me.id)
    assert row.kind == "notification"
    with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
        assert db_read(run_once).sent == 1
    [message] = sink.messages
    expected = "João Almeida ha risposto al tuo commento su “Lanterns in the arcades”."
    # Flask-Mailman folds an encoded subject after "Subject:"; readers unfold the space away.
    assert message["Subject"].strip() == expected
    assert expected in body_of(message) and expected in body_of(message, "html")
    assert f"/ideas/{idea}#comment-" in body_of(message)
    # RFC 8058: a notification carries a one-click unsubscribe the mail client can POST to.
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://localhost/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_works_without_a_session_or_csrf(
    app, login_as, db_read, idea, client
):
    writer, me = login_as(city="pavia")
    comment(writer, idea, "First")
    replier, _ = login_as(city="coimbra")
    comment(replier, idea, "Reply one", parent_id=last_comment_id(db_read))
    [row] = outbox(db_read, user_id=me.id)
    path = row.headers["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")

    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the POST must pass without it
    try:
        page = client.get(path)
        assert page.status_code == 200 and "Replies to my comments and mentions" in page.get_data(
            as_text=True
        )
        assert db_read(lambda: db.session.get(MailPreference, (me.id, "replies"))) is None
        done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert done.status_code == 200 and "no more emails" in done.get_data(as_text=True)
    choice = db_read(lambda: db.session.get(MailPreference, (me.id, "replies")).delivery)
    assert choice == Delivery.in_app
    comment(replier, idea, "Reply two", parent_id=last_comment_id(db_read) - 1)
    assert len(outbox(db_read, user_id=me.id)) == 1, "no email after unsubscribing"
    forged = client.post(path[:-3] + "xyz")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)


def test_grouped_replies_make_one_email_that_counts_them(login_as, db_read, idea):
    writer, me = login_as(city="pavia")
    set_user(db_read, me.id, preferred_language="en")  # else Pavia's Italian
    comment(writer, idea, "Question")
    parent = last_comment_id(db_read)
    replier, _ = login_as(city="coimbra", name="João Almeida")
    for n in range(3):
        comment(replier, idea, f"Answer {n}", parent_id=parent)
    [row] = outbox(db_read, user_id=me.id)
    assert "3 new replies to your comment" in row.subject


def test_unconfirmed_addresses_get_no_notification_email(login_as, db_read, idea):
    writer, me = login_as(city="pavia")
    comment(writer, idea, "Question")
    set_user(db_read, me.id, verified_at=None)
    replier, _ = login_as(city="coimbra")
    comment(replier, idea, "Answer", parent_id=last_comment_id(db_read))
    assert outbox(db_read, user_id=me.id) == []  # the in-app notification is there
    from livinglab.notifications.models import Notification

    kinds = db_read(
        lambda: list(
            db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == me.id))
        )
    )
    assert kinds == ["comment_reply"]


def test_in_app_only_sends_nothing(login_as, db_read, idea):
    writer, me = login_as(city="pavia")
    response = writer.post(
        "/profile/email-notifications",
        data={"category_replies": "in_app", "category_comments": "in_app", "time_zone": ""},
    )
    assert response.status_code == 302
    comment(writer, idea, "Question")
    replier, _ = login_as(city="coimbra")
    comment(replier, idea, "Answer", parent_id=last_comment_id(db_read))
    assert outbox(db_read, user_id=me.id) == []
    assert entries_of(db_read, me.id) == []


def test_a_digest_reaches_a_member_whose_choice_is_daily(app, login_as, db_read, idea):
    follower, me = login_as(city="pavia", name="Marco Neri")  # Pavia: Europe/Rome
    set_user(db_read, me.id, preferred_language="en")
    page = follower.get("/profile/email-notifications").get_data(as_text=True)
    assert "By email, in a daily digest" in page
    response = follower.post(
        "/profile/email-notifications",
        data={"category_comments": "daily", "category_replies": "immediate", "time_zone": ""},
    )
    assert response.status_code == 302
    follower.post(f"/ideas/{idea}/follow")
    before = utcnow()
    writer, _ = login_as(city="coimbra", name="João Almeida")
    comment(writer, idea, "Warm light under the arcades")
    comment(writer, idea, "And a second thought")

    assert outbox(db_read, user_id=me.id) == [], "daily: nothing is sent at once"
    [entry] = entries_of(db_read, me.id)
    assert entry == due_at(before, ZoneInfo("Europe/Rome"), Delivery.daily)
    local = entry.astimezone(ZoneInfo("Europe/Rome"))
    assert (local.hour, local.minute) == (8, 0) and entry > before

    with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
        # (The idea's author, in Turku, has their digest an hour earlier: 08:00 in Helsinki.)
        db_read(lambda: run_once(now=entry - timedelta(minutes=1)))
        assert sink.to(me.email) == [] and outbox(db_read, user_id=me.id) == []
        report = db_read(lambda: run_once(now=entry))
    assert (report.digests, report.sent) == (1, 1)
    [message] = sink.to(me.email)
    assert message["To"] == me.email
    assert message["Subject"] == "Living Lab: 1 new notification"
    text = " ".join(body_of(message).split())  # the text part wraps at 72 columns
    assert "Challenge: The stables of the Visconti Castle" in text
    assert "2 new comments on “Lanterns in the arcades”, the latest by João Almeida." in text
    assert "Hello Marco Neri" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert entries_of(db_read, me.id) == []
    assert db_read(lambda: run_once(now=entry + timedelta(days=1))).digests == 0  # sent once
    assert len(outbox(db_read, user_id=me.id)) == 1


def test_a_digest_follows_the_choice_made_after_its_entries(app, login_as, db_read, idea):
    follower, me = login_as(city="pavia")
    follower.post(f"/ideas/{idea}/follow")
    writer, _ = login_as(city="coimbra")
    comment(writer, idea, "News")
    [entry] = entries_of(db_read, me.id)
    follower.post("/profile/email-notifications", data={"category_comments": "in_app"})
    db_read(lambda: run_once(now=entry))
    assert outbox(db_read, user_id=me.id) == [] and entries_of(db_read, me.id) == []


def test_the_time_zone_is_checked_at_the_field(login_as):
    member, _ = login_as()
    response = member.post(
        "/profile/email-notifications",
        data={"category_comments": "daily", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    bad = member.post("/profile/email-notifications", data={"category_comments": "hourly"})
    assert bad.status_code == 400


def test_digests_go_at_eight_local_across_summer_time_and_on_mondays():
    rome = ZoneInfo("Europe/Rome")
    saturday = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # summer time starts Sunday 29 March
    assert due_at(saturday, rome, Delivery.daily) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    early = datetime(2026, 3, 28, 6, 59, tzinfo=UTC)  # 07:59 in Rome: today's 08:00
    assert due_at(early, rome, Delivery.daily) == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    wednesday = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert due_at(wednesday, rome, Delivery.weekly) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    monday_late = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert due_at(monday_late, rome, Delivery.weekly) == datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
    helsinki = ZoneInfo("Europe/Helsinki")
    assert due_at(wednesday, helsinki, Delivery.daily) == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


def test_deleting_the_account_deletes_its_mail(login_as, db_read, idea):
    from tests.conftest import PASSWORD

    writer, me = login_as(city="pavia")
    writer.post("/profile/email-notifications", data={"category_comments": "weekly"})
    writer.post(f"/ideas/{idea}/follow")
    comment(writer, idea, "Question")
    replier, _ = login_as(city="coimbra")
    comment(replier, idea, "Answer", parent_id=last_comment_id(db_read))
    comment(replier, idea, "And news for the followers")
    assert outbox(db_read, user_id=me.id) and entries_of(db_read, me.id)

    deleted = writer.post("/profile/delete", data={"password": PASSWORD, "confirmation": "DELETE"})
    assert deleted.status_code == 302
    assert outbox(db_read, user_id=me.id) == [] and entries_of(db_read, me.id) == []
    choices = db_read(
        lambda: db.session.scalar(sa.select(sa.func.count()).where(MailPreference.user_id == me.id))
    )
    assert choices == 0
