"""Benchmark data: members in the eight partner cities, challenges, and many ideas.

    .venv/bin/python bench/generate.py --database-url sqlite:////tmp/bench.sqlite3 --ideas 20000

Runs the migrations on the database first, then inserts in bulk (one commit per batch).
Meant for a fresh database: it refuses to run twice on the same one. The same --seed gives
the same data (timestamps are anchored to a fixed date, not to the clock).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

BENCH_DOMAIN = "bench.livinglab.eu"
BENCH_PASSWORD = "bench-heritage-lab"  # noqa: S105 - throw-away benchmark accounts
ANCHOR = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)  # "now" for the generated timeline
BATCH = 2000
# A word every English text is likely to contain: the benchmark searches for it.
SEARCH_WORD = "heritage"

# Share of the members in each role (administrators are not generated).
ROLE_WEIGHTS = {"participant": 70, "expert": 20, "city_rep": 10}
PHASE_WEIGHTS = {
    "open": 34,
    "voting": 20,
    "selection": 14,
    "closed": 24,
    "proposed": 5,
    "declined": 3,
}
IDEA_PHASES = ("open", "voting", "selection", "closed")  # ideas only exist once published
STATUS_WEIGHTS = {"submitted": 55, "approved": 30, "rejected": 10, "withdrawn": 5}
COAUTHOR_WEIGHTS = (50, 35, 15)  # 0, 1 or 2 accepted co-authors
SKEW = 0.9  # challenge of popularity rank r gets ideas in proportion to 1 / r**SKEW

FIRST_NAMES = {
    "it": ("Giulia", "Marco", "Elena", "Luca", "Chiara", "Matteo", "Sara", "Davide"),
    "fr": ("Léa", "Hugo", "Claire", "Louis", "Camille", "Chloé", "Théo", "Manon"),
    "pt": ("Inês", "João", "Rita", "Tiago", "Beatriz", "Duarte", "Mariana", "Gonçalo"),
    "ro": ("Ioana", "Andrei", "Maria", "Mihai", "Elena", "Radu", "Ana", "Ștefan"),
    "de": ("Lena", "Jonas", "Anna", "Felix", "Mia", "Lukas", "Hannah", "Jürgen"),
    "es": ("Lucía", "Pablo", "Carmen", "Javier", "Sofía", "Álvaro", "Marta", "Diego"),
    "fi": ("Aino", "Mikko", "Laura", "Eero", "Helmi", "Juho", "Sanna", "Väinö"),
}
LAST_NAMES = {
    "it": ("Rossi", "Bianchi", "Ferri", "Colombo", "Ricci", "Marino", "Greco", "Bruno"),
    "fr": ("Martin", "Bernard", "Petit", "Moreau", "Girard", "Lambert", "Roux", "Fournier"),
    "pt": ("Costa", "Almeida", "Santos", "Ferreira", "Pereira", "Sousa", "Lopes", "Gomes"),
    "ro": ("Popescu", "Ionescu", "Dumitru", "Stan", "Munteanu", "Ciobanu", "Rusu", "Matei"),
    "de": ("Schmidt", "Weber", "Fischer", "Müller", "Becker", "Hoffmann", "Wagner", "Koch"),
    "es": ("García", "Sánchez", "López", "Martínez", "Pérez", "Gómez", "Ruiz", "Díaz"),
    "fi": ("Virtanen", "Nieminen", "Mäkinen", "Korhonen", "Laine", "Heikkinen", "Koskinen"),
}

# Heritage vocabulary per language; texts are drawn from the author's language or English.
_VOCABULARY = {
    "en": (
        "heritage restoration community students young artists workshop castle church "
        "fresco timber beams square porticoes museum archive guided walk volunteers "
        "neighbourhood residents craft apprentices market funding sponsors exhibition "
        "courtyard stones roof garden river bridge memory stories festival map app "
        "repair maintenance circular reuse governance conservation the a of and for with"
    ),
    "it": (
        "patrimonio restauro comunità studenti giovani artisti laboratorio castello chiesa "
        "affresco travi piazza portici museo archivio visita guidata volontari quartiere "
        "residenti artigianato mercato finanziamento mostra cortile pietre tetto giardino "
        "fiume ponte memoria storie festa il la di e per con"
    ),
    "fr": (
        "patrimoine restauration communauté étudiants jeunes artistes atelier château église "
        "fresque poutres place musée archives visite guidée bénévoles quartier habitants "
        "artisanat marché financement mécènes exposition cour pierres toit jardin rivière "
        "pont mémoire histoires fête le la de et pour avec"
    ),
    "pt": (
        "património restauro comunidade estudantes jovens artistas oficina castelo igreja "
        "fresco vigas praça museu arquivo visita guiada voluntários bairro moradores "
        "artesanato mercado financiamento exposição pátio pedras telhado jardim rio ponte "
        "memória histórias festa o a de e para com"
    ),
    "ro": (
        "patrimoniu restaurare comunitate studenți tineri artiști atelier castel biserică "
        "frescă grinzi piață muzeu arhivă vizită ghidată voluntari cartier locuitori "
        "meșteșuguri târg finanțare expoziție curte pietre acoperiș grădină râu pod "
        "memorie povești festival și pentru cu de la"
    ),
    "de": (
        "Kulturerbe Restaurierung Gemeinschaft Studierende junge Künstler Werkstatt Burg "
        "Kirche Fresko Balken Fachwerk Platz Museum Archiv Führung Ehrenamtliche Viertel "
        "Bewohner Handwerk Markt Finanzierung Ausstellung Hof Steine Dach Garten Fluss "
        "Brücke Erinnerung Geschichten Fest der die das und für mit"
    ),
    "es": (
        "patrimonio restauración comunidad estudiantes jóvenes artistas taller castillo "
        "iglesia fresco vigas plaza soportales museo archivo visita guiada voluntarios "
        "barrio vecinos artesanía mercado financiación exposición patio piedras tejado "
        "jardín río puente memoria historias fiesta el la de y para con"
    ),
    "fi": (
        "kulttuuriperintö entisöinti yhteisö opiskelijat nuoret taiteilijat työpaja linna "
        "kirkko fresko palkit tori museo arkisto opastettu kävely vapaaehtoiset kaupunginosa "
        "asukkaat käsityö markkinat rahoitus näyttely piha kivet katto puutarha joki silta "
        "muisti tarinat juhla telakka ja sekä kanssa"
    ),
}
WORDS = {language: text.split() for language, text in _VOCABULARY.items()}


def _sentence(rng: random.Random, words: list[str], low: int, high: int) -> str:
    text = " ".join(rng.choices(words, k=rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: list[str]) -> str:
    return " ".join(_sentence(rng, words, 6, 16) for _ in range(rng.randint(2, 5)))


def _body(rng: random.Random, words: list[str]) -> str:
    parts = [_paragraph(rng, words) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        parts.insert(1, "\n".join(f"- {_sentence(rng, words, 3, 8)}" for _ in range(3)))
    if rng.random() < 0.3:
        parts[0] = f"**{_sentence(rng, words, 2, 4)}** " + parts[0]
    return "\n\n".join(parts)


def _title(rng: random.Random, words: list[str]) -> str:
    return _sentence(rng, words, 3, 8).rstrip(".")[:160]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _language(rng: random.Random, city_language: str) -> str:
    return "en" if rng.random() < 0.4 else city_language


def generate(
    database_url: str,
    ideas: int,
    *,
    challenges: int = 200,
    members_per_city: int = 50,
    seed: int = 2022,
    log: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """Migrates the database, fills it, and returns counts and the ids a benchmark needs."""
    import flask_migrate

    from livinglab import create_app
    from livinglab.extensions import db

    started = time.perf_counter()

    def progress(message: str) -> None:
        log(f"[{time.perf_counter() - started:6.1f} s] {message}")
        sys.stdout.flush()

    app = create_app("production", {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        try:
            flask_migrate.upgrade()
            progress("migrations applied")
            summary = _fill(db, ideas, challenges, members_per_city, random.Random(seed), progress)
            summary.update(_verify(db, progress))
        finally:
            db.session.remove()
            db.engine.dispose()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return summary


def _fill(
    db: Any,
    idea_count: int,
    challenge_count: int,
    members_per_city: int,
    rng: random.Random,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    from livinglab.accounts.models import User
    from livinglab.accounts.passwords import hash_password
    from livinglab.challenges.models import THEMES, Challenge, ChallengeTheme, challenge_cohost
    from livinglab.cities.models import City
    from livinglab.ideas.models import Coauthor, Idea

    session = db.session
    taken = session.scalar(
        sa.select(sa.func.count(User.id)).where(User.email.like(f"%@{BENCH_DOMAIN}"))
    )
    if taken:
        raise SystemExit("This database already holds benchmark data: give a fresh database.")
    cities = list(session.scalars(sa.select(City).order_by(City.id)))
    if len(cities) < 8:
        raise SystemExit("The partner cities are missing after the migrations.")

    # Members: one hash for everyone (argon2 is deliberately slow).
    password_hash = hash_password(BENCH_PASSWORD)
    member_rows = []
    for city in cities:
        first, last = FIRST_NAMES.get(city.language, ()), LAST_NAMES.get(city.language, ())
        for n in range(members_per_city):
            role = _pick(rng, ROLE_WEIGHTS)
            member_rows.append(
                {
                    "email": f"{city.slug}.{n:04d}@{BENCH_DOMAIN}",
                    "stored_name": f"{rng.choice(first)} {rng.choice(last)}",
                    "password_hash": password_hash,
                    "city_id": city.id,
                    "role": role,
                    "profile_kind": rng.choice(("student", "young_artist", "other"))
                    if role == "participant"
                    else "other",
                    "preferred_language": rng.choice((None, city.language, "en")),
                    "created_at": ANCHOR - timedelta(days=rng.uniform(30, 900)),
                }
            )
    user_ids = list(
        session.scalars(
            sa.insert(User).returning(User.id, sort_by_parameter_order=True), member_rows
        )
    )
    session.commit()
    members = [(uid, row["city_id"]) for uid, row in zip(user_ids, member_rows, strict=True)]
    by_city: dict[int, list[int]] = {}
    for uid, city_id in members:
        by_city.setdefault(city_id, []).append(uid)
    language_of = {city.id: city.language for city in cities}
    progress(f"members {len(members)} in {len(cities)} cities")

    # Challenges: lead cities in turn, so every city leads some.
    challenge_rows, extras = [], []
    for n in range(challenge_count):
        lead = cities[n % len(cities)]
        phase = _pick(rng, PHASE_WEIGHTS)
        created = ANCHOR - timedelta(days=rng.uniform(20, 700), minutes=rng.uniform(0, 1440))
        published = None if phase in ("proposed", "declined") else created + timedelta(days=2)
        words = WORDS[_language(rng, lead.language)]
        today = ANCHOR.date()
        ideas_deadline = voting_deadline = selection_deadline = None
        if phase != "proposed":
            days = rng.randint(14, 90) if phase == "open" else -rng.randint(30, 200)
            ideas_deadline = today + timedelta(days=days)
            voting_deadline = ideas_deadline + timedelta(days=21)
            selection_deadline = voting_deadline + timedelta(days=21)
        challenge_rows.append(
            {
                "title": _title(rng, words),
                "summary": _sentence(rng, words, 12, 30)[:500],
                "body": _body(rng, words),
                "phase": phase,
                "votes_per_member": rng.choice((3, 3, 3, 5)),
                "lead_city_id": lead.id,
                "proposer_id": rng.choice(by_city[lead.id]),
                "created_at": created,
                "published_at": published,
                "decline_reason": _sentence(rng, words, 8, 20) if phase == "declined" else None,
                "ideas_deadline": ideas_deadline,
                "voting_deadline": voting_deadline,
                "selection_deadline": selection_deadline,
            }
        )
        others = [c.id for c in cities if c.id != lead.id]
        extras.append(
            (
                rng.sample(others, rng.choices((0, 1, 2), weights=(50, 30, 20))[0]),
                rng.sample(THEMES, rng.randint(1, 3)),
            )
        )
    challenge_ids = list(
        session.scalars(
            sa.insert(Challenge).returning(Challenge.id, sort_by_parameter_order=True),
            challenge_rows,
        )
    )
    cohost_rows = [
        {"challenge_id": cid, "city_id": city_id}
        for cid, (cohosts, _themes) in zip(challenge_ids, extras, strict=True)
        for city_id in cohosts
    ]
    theme_rows = [
        {"challenge_id": cid, "theme": theme}
        for cid, (_cohosts, themes) in zip(challenge_ids, extras, strict=True)
        for theme in themes
    ]
    if cohost_rows:
        session.execute(sa.insert(challenge_cohost), cohost_rows)
    session.execute(sa.insert(ChallengeTheme), theme_rows)
    session.commit()
    progress(
        f"challenges {len(challenge_ids)} ({len(cohost_rows)} co-hosts, {len(theme_rows)} themes)"
    )

    # Ideas, skewed: a shuffled popularity rank decides each challenge's share.
    published = [
        (cid, row)
        for cid, row in zip(challenge_ids, challenge_rows, strict=True)
        if row["phase"] in IDEA_PHASES
    ]
    if idea_count and not published:
        raise SystemExit("No published challenge to hold ideas: ask for more challenges.")
    rng.shuffle(published)
    weights = [1 / (rank + 1) ** SKEW for rank in range(len(published))]
    coauthor_total = 0
    done = 0
    while done < idea_count:
        size = min(BATCH, idea_count - done)
        idea_rows, teams = [], []
        for cid, challenge in rng.choices(published, weights=weights, k=size):
            author_id, author_city = rng.choice(members)
            words = WORDS[_language(rng, language_of[author_city])]
            start = challenge["published_at"]
            span = max(1.0, min(120.0, (ANCHOR - start).total_seconds() / 86400))
            created = start + timedelta(days=rng.uniform(0, span))
            status = "submitted" if challenge["phase"] == "open" else _pick(rng, STATUS_WEIGHTS)
            if challenge["phase"] == "open" and rng.random() < 0.04:
                status = "withdrawn"
            idea_rows.append(
                {
                    "challenge_id": cid,
                    "author_id": author_id,
                    "title": _title(rng, words),
                    "summary": _sentence(rng, words, 12, 30)[:500],
                    "body": _body(rng, words),
                    "status": status,
                    "created_at": created,
                    "updated_at": created + timedelta(days=1) if rng.random() < 0.2 else None,
                    "withdrawn_at": created + timedelta(days=3) if status == "withdrawn" else None,
                }
            )
            team_size = rng.choices((0, 1, 2), weights=COAUTHOR_WEIGHTS)[0]
            team = []
            while len(team) < team_size:
                uid = rng.choice(members)[0]
                if uid != author_id and uid not in team:
                    team.append(uid)
            teams.append((author_id, created, team))
        idea_ids = list(
            session.scalars(
                sa.insert(Idea).returning(Idea.id, sort_by_parameter_order=True), idea_rows
            )
        )
        coauthor_rows = [
            {
                "idea_id": idea_id,
                "user_id": uid,
                "status": "accepted",
                "invited_by_id": author_id,
                "invited_at": created + timedelta(minutes=5),
                "responded_at": created + timedelta(hours=rng.uniform(1, 72)),
            }
            for idea_id, (author_id, created, team) in zip(idea_ids, teams, strict=True)
            for uid in team
        ]
        if coauthor_rows:
            session.execute(sa.insert(Coauthor), coauthor_rows)
        session.commit()
        done += size
        coauthor_total += len(coauthor_rows)
        progress(f"ideas {done}/{idea_count} (accepted co-authors {coauthor_total})")

    return {
        "members": len(members),
        "challenges": len(challenge_ids),
        "ideas": done,
        "coauthors": coauthor_total,
    }


def _verify(db: Any, progress: Callable[[str], None]) -> dict[str, Any]:
    """The ids the page benchmark requests, and a check that search indexed the ideas."""
    from livinglab.challenges.models import PUBLISHED_PHASES, Challenge
    from livinglab.ideas.models import Coauthor, Idea, IdeaStatus

    session = db.session
    live = sa.func.count(Idea.id)
    top = session.execute(
        sa.select(Challenge.id, live)
        .join(Idea, Idea.challenge_id == Challenge.id)
        .where(Challenge.phase.in_(PUBLISHED_PHASES), Idea.status != IdeaStatus.withdrawn)
        .group_by(Challenge.id)
        .order_by(live.desc(), Challenge.id)
        .limit(1)
    ).first()
    # An idea with a full team, in the middle of the id range, of a published challenge.
    teams = (
        sa.select(Coauthor.idea_id)
        .group_by(Coauthor.idea_id)
        .having(sa.func.count() >= 2)
        .subquery()
    )
    middle = (session.scalar(sa.select(sa.func.max(Idea.id))) or 0) // 2
    sample = session.scalar(
        sa.select(Idea.id)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(
            Idea.id >= middle,
            Idea.id.in_(sa.select(teams.c.idea_id)),
            Challenge.phase.in_(PUBLISHED_PHASES),
        )
        .order_by(Idea.id)
        .limit(1)
    )
    result: dict[str, Any] = {
        "top_challenge_id": top[0] if top else None,
        "top_challenge_ideas": top[1] if top else 0,
        "sample_idea_id": sample,
        "search_word": SEARCH_WORD,
    }
    if db.engine.dialect.name == "sqlite":
        result["idea_fts_rows"] = session.scalar(sa.text("SELECT count(*) FROM idea_fts"))
        # count(*) on an external-content table reads the content; MATCH reads the index.
        result["search_matches"] = session.scalar(
            sa.text("SELECT count(*) FROM idea_fts WHERE idea_fts MATCH :w").bindparams(
                w=f'"{SEARCH_WORD}"'
            )
        )
        session.rollback()
        progress(
            f"idea_fts rows {result['idea_fts_rows']}, ideas matching "
            f"{SEARCH_WORD!r}: {result['search_matches']}"
        )
        # Leave a compact file behind: the benchmark should not start by replaying the WAL.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        progress("full-text check skipped (not SQLite)")
    progress(
        f"busiest challenge {result['top_challenge_id']} ({result['top_challenge_ideas']} ideas), "
        f"sample idea {result['sample_idea_id']}"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///... or postgresql://...")
    parser.add_argument("--ideas", type=int, required=True)
    parser.add_argument("--challenges", type=int, default=200)
    parser.add_argument("--members-per-city", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args(argv)
    if args.ideas < 0 or args.challenges < 1 or args.members_per_city < 3:
        parser.error("need --ideas >= 0, --challenges >= 1, --members-per-city >= 3")
    summary = generate(
        args.database_url,
        args.ideas,
        challenges=args.challenges,
        members_per_city=args.members_per_city,
        seed=args.seed,
    )
    print(" ".join(f"{key}={value}" for key, value in summary.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
