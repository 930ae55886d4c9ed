"""The small world every authorization case runs in: one of each thing, in the state where
the rule under test is the only thing that can say no.

The "item's own city" is Pavia: every challenge is led by Pavia (co-hosted by Coimbra) and
the pilot runs in Pavia. The actors are six members who wrote none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from livinglab.accounts.models import ProfileKind, RequestStatus, Role, RoleRequest, User
from livinglab.accounts.passwords import hash_password
from livinglab.accounts.tokens import issue
from livinglab.challenges.models import Phase
from livinglab.cities.models import City
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, IdeaAttachment, InvitationStatus
from livinglab.notifications.models import Notification
from livinglab.onboarding import consent
from livinglab.pilots.models import Indicator, IndicatorValue, Milestone, Pilot, PilotStatus
from livinglab.reviews.models import Review
from livinglab.uploads.services import store_upload
from tests.authz import knowledge
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_idea

# The six ways to meet a rule, in the order the matrix prints them.
ACTORS = ("anonymous", "participant", "expert", "city_rep_own", "city_rep_other", "admin")
ACTOR_ROLES = {
    "participant": (Role.participant, "iasi"),
    "expert": (Role.expert, "hildesheim"),
    "city_rep_own": (Role.city_rep, "pavia"),
    "city_rep_other": (Role.city_rep, "turku"),
    "admin": (Role.admin, "besancon"),
}
_hash_cache: dict[str, str] = {}


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def _user(role: Role, city_id: int, n: str) -> User:
    if "hash" not in _hash_cache:
        _hash_cache["hash"] = hash_password(PASSWORD)
    user = User(
        email=f"{n}@matrix.example.org",
        display_name=n.replace("_", " ").title(),
        password_hash=_hash_cache["hash"],
        city_id=city_id,
        role=role,
        profile_kind=ProfileKind.student,
    )
    db.session.add(user)
    return user


def _png() -> FileStorage:
    out = BytesIO()
    Image.new("RGB", (32, 24), (180, 40, 40)).save(out, "PNG")
    out.seek(0)
    return FileStorage(out, filename="poster.png", content_type="image/png")


def build() -> World:
    """Adds the world in the current app context (inside the test's transaction)."""
    w = World()
    city = {c.slug: c.id for c in db.session.scalars(sa.select(City))}
    for actor, (role, slug) in ACTOR_ROLES.items():
        w.users[actor] = _user(role, city[slug], actor)
    author = _user(Role.participant, city["coimbra"], "author")
    reviewer = _user(Role.expert, city["salamanca"], "reviewer")
    requester = _user(Role.participant, city["pavia"], "requester")
    db.session.flush()
    for member in (*w.users.values(), author, reviewer, requester):
        consent.record(member)  # they accepted the terms, as at registration

    w.ids["c_open"] = make_challenge("pavia", ("coimbra",), Phase.open, proposer_id=author.id)
    w.ids["c_proposed"] = make_challenge("pavia", (), Phase.proposed, proposer_id=author.id)
    w.ids["c_voting"] = make_challenge("pavia", ("coimbra",), Phase.voting)
    w.ids["c_selection"] = make_challenge("pavia", ("coimbra",), Phase.selection)
    w.ids["i_open"] = make_idea(w.c_open, author.id)
    w.ids["i_voting"] = make_idea(w.c_voting, author.id)
    w.ids["i_selection"] = make_idea(w.c_selection, author.id)
    w.ids["i_piloted"] = make_idea(w.c_selection, author.id)

    scores = dict.fromkeys(
        ("heritage_value", "feasibility", "circularity", "youth_involvement", "replicability"), 4
    )
    for idea in (w.i_selection, w.i_piloted):
        db.session.add(
            Review(
                idea_id=idea, expert_id=reviewer.id, assessment="Sound.", no_conflict=True, **scores
            )
        )
    db.session.add(
        Coauthor(idea_id=w.i_open, user_id=requester.id, status=InvitationStatus.invited)
    )
    comment = Comment(
        target_type="idea", target_id=w.i_open, challenge_id=w.c_open, author_id=author.id,
        body="A first thought.",
    )  # fmt: skip
    pilot = Pilot(
        idea_id=w.i_piloted, challenge_id=w.c_selection, city_id=city["pavia"],
        status=PilotStatus.running, created_by_id=w.users["city_rep_own"].id,
    )  # fmt: skip
    db.session.add_all([comment, pilot])
    db.session.flush()
    milestone = Milestone(pilot_id=pilot.id, title="Open the doors")
    indicator = Indicator(pilot_id=pilot.id, name="Visitors", unit="people", baseline=0, target=10)
    note = Notification(user_id=author.id, kind="reply", params={}, link=f"/ideas/{w.i_open}")
    request = RoleRequest(
        user_id=requester.id, role=Role.expert, motivation="I restore frescoes.",
        status=RequestStatus.pending,
    )  # fmt: skip
    attachment = store_upload(_png(), author.id)
    db.session.add_all([milestone, indicator, note, request])
    db.session.flush()
    measurement = IndicatorValue(indicator_id=indicator.id, measured_on=date(2026, 11, 2), value=7)
    db.session.add(measurement)
    db.session.add(IdeaAttachment(idea_id=w.i_open, attachment_id=attachment.id))
    _, author_token = issue(author, "author's token")
    for actor, user in w.users.items():
        w.tokens[actor] = issue(user, "matrix")[0]
    db.session.commit()
    w.ids.update(
        comment=comment.id,
        pilot=pilot.id,
        milestone=milestone.id,
        indicator=indicator.id,
        measurement=measurement.id,
        note=note.id,
        role_request=request.id,
        attachment=attachment.id,
        author_token=author_token.id,
        requester=requester.id,
        author=author.id,
    )
    w.names["attachment"] = attachment.original_name
    w.ids.update(knowledge.build(requester.id))  # case studies of Pavia
    db.session.commit()
    for user in w.users.values():
        db.session.refresh(user)
        db.session.expunge(user)
    return w
