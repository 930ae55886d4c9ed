"""Demo case studies: one practice per partner city across the three kinds of model, two
"this inspired…" links, and participation answers for the demo members, so the library and
the statistics show something meaningful out of the box. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.casestudies.models import (
    BusinessModel,
    CaseIndicator,
    CaseStatus,
    CaseStudy,
    CaseStudyTheme,
    KnowledgeLink,
    ModelItem,
)
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.extensions import db

# city: (title, summary, site (name, type, period, address), problem, body, models
#        {kind: (description, [(label, detail, amount)])}, themes, cost, year, indicators,
#        lessons)
CASES = {
    "pavia": (
        "Art Bonus donors restore the Visconti Castle's frescoes",
        "Local firms and families gave to the castle's fresco restoration through the national "
        "Art Bonus tax credit, matched by the city and a banking foundation.",
        ("Castello Visconteo", "building", "14th century", "Viale XI Febbraio, Pavia"),
        "Damp had lifted the plaster of the frescoed rooms on the castle's ground floor; the "
        "municipal budget covered the roof, not the paintings.",
        "The city listed the restoration on the national **Art Bonus** portal, which gives "
        "donors a 65 % tax credit. A campaign in shops and schools named every donor on a "
        "board at the entrance; restorers worked behind glass on open days.",
        {
            "financing": (
                "Donations under the Art Bonus tax credit, matched by public and foundation money.",
                [
                    ("Art Bonus donations", "tax-credited gifts from 140 donors", 182000),
                    ("Fondazione Banca del Monte", "matching grant", 90000),
                    ("Comune di Pavia", "capital budget", 60000),
                ],
            ),
        },
        ("financing", "conservation"),
        332000,
        2021,
        [("Donors", "people and firms", 0, 140), ("Visitors on open days", "people", 0, 5200)],
        "Naming donors where visitors see them brought in more small gifts than any mailing.",
    ),
    "poitiers": (
        "A residents' committee opens the Baptistery of Saint-Jean",
        "Neighbours, a learned society and the metropolis share the opening, the guiding and "
        "the small upkeep of one of the oldest Christian buildings in France.",
        ("Baptistère Saint-Jean", "building", "4th–7th century", "Rue Jean-Jaurès, Poitiers"),
        "The baptistery opened only a few hours a week: too few staff for a small monument.",
        "A written agreement lets a residents' association keep the doors open every afternoon, "
        "trained by the Société des Antiquaires de l'Ouest; the metropolis keeps the building "
        "and its conservation.",
        {
            "governance": (
                "Three partners with written roles, and a yearly meeting open to every resident.",
                [
                    ("Grand Poitiers", "owner; conservation and insurance", 25000),
                    ("Société des Antiquaires de l'Ouest", "training the guides, research", None),
                    ("Residents' association", "opening hours and welcome, 30 volunteers", None),
                ],
            ),
        },
        ("governance", "youth-engagement"),
        25000,
        2019,
        [("Opening hours a week", "hours", 12, 35)],
        "Write the roles down: the agreement outlived three changes of committee.",
    ),
    "coimbra": (
        "The azulejo bank of the historic centre",
        "Tiles saved from demolitions are cleaned, catalogued and sold at cost to owners who "
        "restore façades in the Alta, so the old patterns stay on the streets.",
        ("Alta and Sofia", "historic-centre", "17th–19th century", "Coimbra"),
        "Owners replaced broken azulejos with modern copies, or removed whole panels.",
        "The city collects tiles from buildings being demolished or altered, students of the "
        "university catalogue them, and a small workshop cleans them for sale to owners.",
        {
            "circular-business": (
                "Salvaged tiles as a resource: collection, grading, sale at cost, training.",
                [
                    ("Tile sales to owners", "at cost price, by the square metre", 18000),
                    ("Restoration courses", "paid places for craftspeople", 6500),
                ],
            ),
        },
        ("circular-business", "sustainable-reuse"),
        48000,
        2020,
        [("Tiles returned to façades", "tiles", 0, 9400)],
        "A catalogue with photographs made owners trust salvaged tiles.",
    ),
    "iasi": (
        "A heritage round table for the Copou hill",
        "Owners, the university and the city meet monthly to agree on repairs and uses of the "
        "listed villas of Copou before anyone applies for a permit.",
        ("Copou villas", "historic-centre", "19th century", "Copou, Iași"),
        "Permits were refused late and owners gave up; some villas stood empty for years.",
        "The round table reviews projects early, with the heritage office at the same table, "
        "and publishes its advice so that the next owner knows what is accepted.",
        {
            "governance": (
                "Early, public advice from one table instead of late refusals.",
                [
                    ("Primăria Iași", "chair; heritage office", None),
                    ("Alexandru Ioan Cuza University", "architects and historians", None),
                    ("Owners' association", "brings projects early", None),
                ],
            ),
            "financing": (
                "A small fund pays the first survey of each villa.",
                [("City survey fund", "first survey of each villa", 40000)],
            ),
        },
        ("governance", "financing"),
        40000,
        2022,
        [("Villas back in use", "villas", 3, 11)],
        "Advice given early costs less than a refusal given late.",
    ),
    "besancon": (
        "Sponsors' circles for the walls of Vauban",
        "Local companies each adopt a stretch of the citadel's walls and pay for its yearly "
        "care, beside a public subscription and the city's budget.",
        ("Citadelle de Besançon", "building", "17th century", "Rue des Fusillés, Besançon"),
        "Vegetation and frost open the joints of the walls faster than the budget repairs them.",
        "Each sponsor's circle funds a stretch for five years; volunteers clear plants twice a "
        "year under the eye of a stonemason.",
        {
            "financing": (
                "Five-year sponsorships per stretch of wall, a public subscription, the city.",
                [
                    ("Company sponsors", "12 firms, five-year pledges", 150000),
                    ("Public subscription", "Fondation du patrimoine", 65000),
                    ("Ville de Besançon", "matching funds", 100000),
                ],
            ),
        },
        ("financing", "conservation"),
        315000,
        2018,
        [("Metres of wall in yearly care", "m", 200, 1450)],
        "Sponsors stay when they can see and visit their own stretch.",
    ),
    "hildesheim": (
        "A reclaimed-oak market for half-timbered houses",
        "Beams removed during restorations are graded and sold to other restorations, and "
        "apprentice carpenters learn old joints on them.",
        ("Half-timbered old town", "historic-centre", "15th–17th century", "Andreasplatz"),
        "Sound old oak went to waste while restorers paid high prices for seasoned timber.",
        "A municipal yard takes beams in, a carpenter grades them, and a simple online list "
        "lets restorers reserve what they need.",
        {
            "circular-business": (
                "Salvaged oak graded and sold on; apprenticeships paid by the yard's margin.",
                [
                    ("Sales of graded beams", "by the cubic metre", 52000),
                    ("Apprentice training", "paid by the craft chamber", 14000),
                ],
            ),
        },
        ("circular-business", "sustainable-reuse"),
        70000,
        2020,
        [("Oak reused", "m³", 0, 86)],
        "Grade honestly: one rotten beam sold costs the trust of ten buyers.",
    ),
    "salamanca": (
        "A stewardship pact for the Cueva de Salamanca",
        "Neighbours, a theatre company and the city share the care and the story of the "
        "legendary cave under the church of San Cipriano.",
        ("Cueva de Salamanca", "archaeological-site", "12th century", "Plaza de Carvajal"),
        "The site was often closed and its legends told only by tourist guides.",
        "A pact gives the neighbourhood association the keys for evening visits and a theatre "
        "company the legend to perform; the city keeps the ruins safe.",
        {
            "governance": (
                "A pact with named duties, reviewed every year in a public meeting.",
                [
                    ("Ayuntamiento de Salamanca", "owner; safety and conservation", 30000),
                    ("Neighbourhood association", "evening visits", None),
                    ("Theatre company", "performances of the legend", None),
                ],
            ),
        },
        ("governance", "youth-engagement"),
        30000,
        2021,
        [("Visitors a year", "people", 4000, 17500)],
        "Stories bring people back; a pact keeps the stories alive.",
    ),
    "turku": (
        "Repair courses fund the wooden houses of Luostarinmäki",
        "Paid courses in traditional carpentry and linseed painting, held on the museum's own "
        "houses, pay for part of their upkeep.",
        ("Luostarinmäki", "museum", "18th–19th century", "Vartiovuorenkatu, Turku"),
        "The wooden houses need constant small repairs that few craftspeople still know.",
        "The museum sells weekend courses; each course repairs a real wall, window or roof, "
        "and reclaimed timber from city works is used where it fits.",
        {
            "circular-business": (
                "Courses as a product; reclaimed timber as material.",
                [
                    ("Course fees", "weekend courses, 12 people each", 38000),
                    ("Reclaimed timber", "from municipal works, free", None),
                ],
            ),
            "financing": (
                "Course fees beside the city's museum budget.",
                [("City museum budget", "materials and teachers", 45000)],
            ),
        },
        ("circular-business", "financing"),
        83000,
        2019,
        [("Course places sold", "places", 0, 420)],
        "People pay to learn a craft when they see it repair something real.",
    ),
}

# A case study's city, and the title of a challenge of another city it inspired.
INSPIRED = (
    ("coimbra", "Reusing timber from half-timbered house restorations"),
    ("poitiers", "Community governance for the porticoes of the Plaza Mayor"),
)

# The demo members' voluntary answers: (age band, gender) per role, by city.
ANSWERS = {
    Role.participant: ("18-24", "woman"),
    Role.expert: ("over-30", "man"),
    Role.city_rep: ("over-30", "woman"),
}


def seed(users: dict[tuple[str, Role], User]) -> int:
    """Adds what is missing; ``users`` are the demo members by (city slug, role)."""
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    now = utcnow()
    made = 0
    for n, (slug, case) in enumerate(CASES.items()):
        title = case[0]
        if db.session.scalar(sa.select(CaseStudy.id).where(CaseStudy.title == title)):
            continue
        db.session.add(_case(case, cities[slug], users, slug, now - timedelta(days=60 - 5 * n)))
        made += 1
    db.session.flush()
    _link(cities, users)
    for (_slug, role), user in users.items():
        if role in ANSWERS and user.age_band is None and user.gender is None:
            user.age_band, user.gender = ANSWERS[role]
    db.session.commit()
    return made


def _case(case: tuple, city: City, users: dict, slug: str, when) -> CaseStudy:
    title, summary, site, problem, body, models, themes, cost, year, indicators, lessons = case
    site_name, site_type, period, address = site
    author = users[(slug, Role.participant)]
    return CaseStudy(
        city_id=city.id,
        author_id=author.id,
        status=CaseStatus.published,
        title=title,
        summary=summary,
        problem=problem,
        body=body,
        outcomes="",
        lessons=lessons,
        contacts=f"Heritage office, {city.municipality}",
        language="en",
        other_languages=city.language,
        site_name=site_name,
        site_type=site_type,
        site_period=period,
        site_address=address,
        year_started=year,
        total_cost=float(cost),
        cost_notes="",
        created_at=when,
        published_at=when + timedelta(days=2),
        published_by_id=users[(slug, Role.city_rep)].id,
        theme_rows=[CaseStudyTheme(theme=t) for t in themes],
        models=[
            BusinessModel(
                kind=kind,
                description=description,
                items=[
                    ModelItem(label=label, detail=detail, amount=amount, position=i)
                    for i, (label, detail, amount) in enumerate(items)
                ],
            )
            for kind, (description, items) in models.items()
        ],
        indicators=[
            CaseIndicator(name=name, unit=unit, before=before, after=after, position=i)
            for i, (name, unit, before, after) in enumerate(indicators)
        ],
    )


def _link(cities: dict[str, City], users: dict) -> None:
    for slug, challenge_title in INSPIRED:
        case = db.session.scalar(sa.select(CaseStudy).where(CaseStudy.title == CASES[slug][0]))
        challenge = db.session.scalar(
            sa.select(Challenge).where(Challenge.title == challenge_title)
        )
        if case is None or challenge is None:
            continue
        exists = db.session.scalar(
            sa.select(KnowledgeLink.id).where(
                KnowledgeLink.case_study_id == case.id,
                KnowledgeLink.target_type == "challenge",
                KnowledgeLink.target_id == challenge.id,
            )
        )
        if exists is None:
            db.session.add(
                KnowledgeLink(
                    case_study_id=case.id,
                    target_type="challenge",
                    target_id=challenge.id,
                    relation="inspired",
                    city_id=challenge.lead_city_id,
                    created_by_id=users[(slug, Role.city_rep)].id,
                )
            )
