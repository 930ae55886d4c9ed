"""Full-text search behind one service: FTS5 on SQLite, text search on PostgreSQL (same tests)."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.challenges.models import Challenge, Phase
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.search.services import matching_ids, words
from tests.factories import make_challenge, make_idea


def found(db_read, kind: str, query: str) -> set[int]:
    def run():
        select = matching_ids(kind, query)
        return set() if select is None else set(db.session.scalars(select))

    return db_read(run)


def test_words_ignore_search_syntax():
    assert words('castle* OR "stables" -bridge NEAR(x)') == [
        "castle",
        "or",
        "stables",
        "bridge",
        "near",
        "x",
    ]
    assert words("   ?!  ") == []


def test_challenges_are_found_by_title_summary_or_body_words(app, db_read):
    a = db_read(lambda: make_challenge(title="Visconti stables", body="Horses once lived here."))
    b = db_read(lambda: make_challenge(title="Shipyard halls", body="Cranes and artists."))
    assert found(db_read, "challenge", "stables") == {a}
    assert found(db_read, "challenge", "ARTISTS") == {b}
    assert found(db_read, "challenge", "horses lived") == {a}, "every word must match"
    assert found(db_read, "challenge", "horses cranes") == set()


def test_search_follows_edits_and_deletions(app, db_read):
    challenge_id = db_read(lambda: make_challenge(title="Old title"))

    def rename():
        db.session.get(Challenge, challenge_id).title = "Renamed fortress"
        db.session.commit()

    db_read(rename)
    assert found(db_read, "challenge", "fortress") == {challenge_id}
    assert found(db_read, "challenge", "old") == set()

    def delete():
        db.session.delete(db.session.get(Challenge, challenge_id))
        db.session.commit()

    db_read(delete)
    assert found(db_read, "challenge", "fortress") == set()


def test_hostile_queries_are_plain_words(app, db_read):
    db_read(lambda: make_challenge(title="Quotes and stars"))
    for query in (
        '"unbalanced',
        "AND OR NOT",
        "title:x",
        "a*b*",
        "'; DROP TABLE challenge; --",
        "(((",
        "é" * 300,
    ):
        found(db_read, "challenge", query)  # never raises
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Challenge.id)))) >= 1


def test_ideas_are_found_by_a_word_of_their_body(app, db_read, make_user):
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge())
    idea_id = db_read(
        lambda: make_idea(
            challenge_id, author.id, body="We would restore the lanterns with apprentices."
        )
    )
    assert found(db_read, "idea", "apprentices") == {idea_id}


def test_the_search_page_lists_published_matches_only(client, db_read, make_user):
    author = make_user()
    open_id = db_read(lambda: make_challenge(title="Mosaic workshop"))
    hidden_id = db_read(lambda: make_challenge(title="Mosaic proposal", phase=Phase.proposed))
    idea_id = db_read(
        lambda: make_idea(open_id, author.id, title="Tiles", body="mosaic tesserae from old roofs")
    )
    page = client.get("/search?q=mosaic").get_data(as_text=True)
    assert f'/challenges/{open_id}"' in page and f'/challenges/{hidden_id}"' not in page
    assert f'/ideas/{idea_id}"' in page
    assert "No challenge" not in client.get("/search?q=").get_data(as_text=True)
    assert client.get("/search?q=%22%28*").status_code == 200


def test_challenge_list_search_and_idea_search_within_a_challenge(client, db_read, make_user):
    author = make_user()
    challenge_id = db_read(lambda: make_challenge(title="Bridges at night"))
    first = db_read(
        lambda: make_idea(challenge_id, author.id, title="Lanterns", body="paper lanterns")
    )
    second = db_read(
        lambda: make_idea(challenge_id, author.id, title="Music", body="string quartets")
    )
    page = client.get("/challenges/?q=bridges").get_data(as_text=True)
    assert f'/challenges/{challenge_id}"' in page
    page = client.get(f"/challenges/{challenge_id}?q=quartets").get_data(as_text=True)
    assert f'/ideas/{second}"' in page and f'/ideas/{first}"' not in page
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Idea.id)))) == 2


def test_search_triggers_survive_every_migration(app, db_read):
    """A migration that rebuilds a table on SQLite would silently drop them."""
    if db_read(lambda: db.engine.dialect.name) != "sqlite":
        names = db_read(
            lambda: set(
                db.session.scalars(
                    sa.text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'fts_%'")
                )
            )
        )
        assert names == {"fts_challenge", "fts_idea", "fts_case_study", "fts_event"}
        return
    triggers = db_read(
        lambda: set(
            db.session.scalars(
                sa.text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'"
                )
            )
        )
    )
    searched = ("challenge", "idea", "case_study", "event")
    assert triggers == {f"{t}_fts_{op}" for t in searched for op in ("ai", "ad", "au")}
