"""What each route and socket event answers to each actor, derived from DESIGN.md's rules.

Six letters per case, one per actor in ``ACTORS`` order (anonymous, participant, expert,
city_rep of the item's city, city_rep of another city, admin):

    O  allowed: the rule let the request through (2xx, 3xx, or 400/409 about the input or state)
    L  sign in first: 401, or a redirect to the sign-in page
    F  forbidden: 403
    N  not found: 404 (the thing is not visible to this actor)

Writes send an empty or minimal body on purpose: an allowed actor then gets a validation
message, which proves the rule was checked before the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.authz.world import World

PUBLIC = "OOOOOO"
MEMBERS = "LOOOOO"
LEAD_CITY = "LFFOFO"  # city_rep of the lead city, admin
ADMIN_AREA = "LFFOOO"  # admins, and city_reps for their own city
ADMINS = "LFFFFO"
AUTHORS = "LFFFFF"  # nobody but the item's authors (none of the actors)
EXPERTS = "LFOFFF"
PILOT_MANAGERS = "LFFOFO"  # the pilot city's reps, the team, admin
UNPUBLISHED = "NNNONO"  # a proposal: its proposer, the lead city's reps, admins


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    path: Callable[[World], str]
    expect: str
    body: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    why: str = ""
    variant: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.rule}" + (f" [{self.variant}]" if self.variant else "")

    def data(self, world: World) -> dict[str, Any]:
        return self.body(world) if callable(self.body) else self.body

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")


def _c(method, rule, path, expect, body=None, why="", variant=""):
    return Case(method, rule, path, expect, body or {}, why, variant)


KIND = "/api/v1/<any(challenges, ideas, pilots):kind>/<int:target_id>/comments"
EXPORT = "/api/v1/export/<any(challenges, ideas, pilots, votes):dataset>.<any(csv, json):fmt>"
DECIDE = {"decision": "approve", "city": "pavia"}

CASES: tuple[Case, ...] = (
    # --- Pages anyone may read --------------------------------------------------------------
    _c("GET", "/", lambda w: "/", PUBLIC, why="anonymous visitors read everything published"),
    _c("GET", "/healthz", lambda w: "/healthz", PUBLIC),
    _c("GET", "/static/<path:filename>", lambda w: "/static/css/app.css", PUBLIC),
    _c("GET", "/challenges/", lambda w: "/challenges/", PUBLIC),
    _c("GET", "/challenges/<int:challenge_id>", lambda w: f"/challenges/{w.c_open}", PUBLIC, variant="published"),
    _c("GET", "/challenges/<int:challenge_id>", lambda w: f"/challenges/{w.c_proposed}", UNPUBLISHED, variant="proposed", why="a proposal is not published"),
    _c("GET", "/challenges/<int:challenge_id>/results", lambda w: f"/challenges/{w.c_selection}/results", PUBLIC),
    _c("GET", "/challenges/<int:challenge_id>/results.csv", lambda w: f"/challenges/{w.c_selection}/results.csv", PUBLIC),
    _c("GET", "/cities/", lambda w: "/cities/", PUBLIC),
    _c("GET", "/cities/<slug>", lambda w: "/cities/pavia", PUBLIC),
    _c("GET", "/comments/<int:comment_id>", lambda w: f"/comments/{w.comment}", PUBLIC),
    _c("GET", "/comments/<int:comment_id>/replies", lambda w: f"/comments/{w.comment}/replies", PUBLIC),
    _c("GET", "/decisions", lambda w: "/decisions", PUBLIC, why="decisions are public"),
    _c("GET", "/files/<int:attachment_id>/<path:name>", lambda w: f"/files/{w.attachment}/{w.names['attachment']}", PUBLIC),
    _c("GET", "/files/<int:attachment_id>/thumb", lambda w: f"/files/{w.attachment}/thumb", PUBLIC),
    _c("GET", "/good-practices", lambda w: "/good-practices", PUBLIC),
    _c("GET", "/ideas/<int:idea_id>", lambda w: f"/ideas/{w.i_open}", PUBLIC),
    _c("GET", "/members/<int:user_id>", lambda w: f"/members/{w.requester}", PUBLIC),
    _c("GET", "/open-data", lambda w: "/open-data", PUBLIC),
    _c("GET", "/pilots", lambda w: "/pilots", PUBLIC),
    _c("GET", "/pilots/<int:pilot_id>", lambda w: f"/pilots/{w.pilot}", PUBLIC),
    _c("GET", "/search", lambda w: "/search?q=heritage", PUBLIC),
    _c("GET", "/login", lambda w: "/login", PUBLIC),
    _c("POST", "/login", lambda w: "/login", PUBLIC),
    _c("POST", "/logout", lambda w: "/logout", PUBLIC),
    _c("GET", "/register", lambda w: "/register", PUBLIC),
    _c("POST", "/register", lambda w: "/register", PUBLIC),
    _c("POST", "/language", lambda w: "/language", PUBLIC, {"language": "it"}),
    # --- A member's own pages ---------------------------------------------------------------
    _c("GET", "/activity", lambda w: "/activity", MEMBERS),
    _c("GET", "/profile", lambda w: "/profile", MEMBERS),
    _c("POST", "/profile", lambda w: "/profile", MEMBERS),
    _c("POST", "/profile/password", lambda w: "/profile/password", MEMBERS),
    _c("POST", "/profile/role-request", lambda w: "/profile/role-request", MEMBERS),
    _c("GET", "/profile/tokens", lambda w: "/profile/tokens", MEMBERS),
    _c("POST", "/profile/tokens", lambda w: "/profile/tokens", MEMBERS),
    _c("POST", "/profile/tokens/<int:token_id>/revoke", lambda w: f"/profile/tokens/{w.author_token}/revoke", "LNNNNN", why="only one's own token"),
    _c("POST", "/profile/sessions/<int:session_id>/end", lambda w: "/profile/sessions/999999/end", "LNNNNN", why="only one's own sign-ins (another member's: tests/test_sessions_end.py)"),
    _c("POST", "/profile/sign-out-everywhere", lambda w: "/profile/sign-out-everywhere", MEMBERS),
    _c("GET", "/profile/data.json", lambda w: "/profile/data.json", MEMBERS, why="one's own data only"),
    _c("GET", "/profile/delete", lambda w: "/profile/delete", MEMBERS),
    _c("POST", "/profile/delete", lambda w: "/profile/delete", MEMBERS),
    _c("GET", "/notifications/", lambda w: "/notifications/", MEMBERS),
    _c("POST", "/notifications/<int:note_id>/read", lambda w: f"/notifications/{w.note}/read", "LNNNNN", why="only one's own notifications"),
    _c("GET", "/notifications/preferences", lambda w: "/notifications/preferences", MEMBERS),
    _c("POST", "/notifications/preferences", lambda w: "/notifications/preferences", MEMBERS),
    _c("POST", "/notifications/read-all", lambda w: "/notifications/read-all", MEMBERS),
    # --- Challenges -------------------------------------------------------------------------
    _c("GET", "/challenges/new", lambda w: "/challenges/new", MEMBERS, why="any member proposes"),
    _c("POST", "/challenges/new", lambda w: "/challenges/new", MEMBERS),
    _c("GET", "/challenges/<int:challenge_id>/edit", lambda w: f"/challenges/{w.c_open}/edit", LEAD_CITY),
    _c("POST", "/challenges/<int:challenge_id>/edit", lambda w: f"/challenges/{w.c_open}/edit", LEAD_CITY),
    _c("POST", "/challenges/<int:challenge_id>/decline", lambda w: f"/challenges/{w.c_proposed}/decline", "LNNONO", why="deciding a proposal: the lead city's reps, admins"),
    _c("POST", "/challenges/<int:challenge_id>/phase/<phase>", lambda w: f"/challenges/{w.c_open}/phase/voting", LEAD_CITY),
    _c("POST", "/challenges/<int:challenge_id>/follow", lambda w: f"/challenges/{w.c_open}/follow", MEMBERS),
    # --- Ideas ------------------------------------------------------------------------------
    _c("GET", "/challenges/<int:challenge_id>/ideas/new", lambda w: f"/challenges/{w.c_open}/ideas/new", MEMBERS, why="any member submits while open"),
    _c("POST", "/challenges/<int:challenge_id>/ideas/new", lambda w: f"/challenges/{w.c_open}/ideas/new", MEMBERS),
    _c("GET", "/ideas/<int:idea_id>/edit", lambda w: f"/ideas/{w.i_open}/edit", AUTHORS, why="its authors only"),
    _c("POST", "/ideas/<int:idea_id>/edit", lambda w: f"/ideas/{w.i_open}/edit", AUTHORS),
    _c("POST", "/ideas/<int:idea_id>/withdraw", lambda w: f"/ideas/{w.i_open}/withdraw", AUTHORS),
    _c("POST", "/ideas/<int:idea_id>/follow", lambda w: f"/ideas/{w.i_open}/follow", MEMBERS),
    _c("POST", "/ideas/<int:idea_id>/invitation/<any(accept, decline):answer>", lambda w: f"/ideas/{w.i_open}/invitation/accept", "LNNNNN", why="only the invited member answers"),
    # --- Votes and reviews ------------------------------------------------------------------
    _c("POST", "/ideas/<int:idea_id>/vote", lambda w: f"/ideas/{w.i_voting}/vote", "LOOFOO", why="not the host cities' reps"),
    _c("POST", "/ideas/<int:idea_id>/vote/withdraw", lambda w: f"/ideas/{w.i_voting}/vote/withdraw", MEMBERS),
    _c("GET", "/ideas/<int:idea_id>/review", lambda w: f"/ideas/{w.i_open}/review", EXPERTS),
    _c("POST", "/ideas/<int:idea_id>/review", lambda w: f"/ideas/{w.i_open}/review", EXPERTS),
    _c("GET", "/reviews/queue", lambda w: "/reviews/queue", EXPERTS),
    # --- Decisions and pilots ---------------------------------------------------------------
    _c("POST", "/ideas/<int:idea_id>/decisions", lambda w: f"/ideas/{w.i_selection}/decisions", "LFFOFF", DECIDE, why="a host city's rep, for their own city"),
    _c("POST", "/pilots/<int:pilot_id>/follow", lambda w: f"/pilots/{w.pilot}/follow", MEMBERS),
    _c("POST", "/pilots/<int:pilot_id>/status", lambda w: f"/pilots/{w.pilot}/status", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/milestones", lambda w: f"/pilots/{w.pilot}/milestones", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/milestones/<int:milestone_id>/done", lambda w: f"/pilots/{w.pilot}/milestones/{w.milestone}/done", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/indicators", lambda w: f"/pilots/{w.pilot}/indicators", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values", lambda w: f"/pilots/{w.pilot}/indicators/{w.indicator}/values", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/updates", lambda w: f"/pilots/{w.pilot}/updates", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/replicate", lambda w: f"/pilots/{w.pilot}/replicate", "LFFFOF", why="a rep of another partner city"),
    # --- Discussion and moderation ----------------------------------------------------------
    _c("POST", "/comments", lambda w: "/comments", MEMBERS, lambda w: {"target_type": "idea", "target_id": w.i_open}, why="any member comments"),
    _c("GET", "/comments/<int:comment_id>/edit", lambda w: f"/comments/{w.comment}/edit", AUTHORS),
    _c("POST", "/comments/<int:comment_id>/edit", lambda w: f"/comments/{w.comment}/edit", AUTHORS),
    _c("POST", "/comments/<int:comment_id>/delete", lambda w: f"/comments/{w.comment}/delete", AUTHORS),
    _c("POST", "/flags/<content_type>/<int:content_id>", lambda w: f"/flags/comment/{w.comment}", MEMBERS),
    _c("GET", "/moderation", lambda w: "/moderation", ADMIN_AREA),
    _c("POST", "/moderation/<content_type>/<int:content_id>/<any(hide, restore):decision>", lambda w: f"/moderation/comment/{w.comment}/hide", "LFFOFO", why="host cities' reps, admins"),
    # --- Accounts, roles, administration ----------------------------------------------------
    _c("GET", "/role-requests", lambda w: "/role-requests", ADMIN_AREA),
    _c("POST", "/role-requests/<int:request_id>/<any(grant, refuse):decision>", lambda w: f"/role-requests/{w.role_request}/grant", "LFFOFO", why="experts: a rep of the same city or an admin"),
    _c("POST", "/members/<int:user_id>/suspend", lambda w: f"/members/{w.requester}/suspend", ADMINS),
    _c("POST", "/members/<int:user_id>/reactivate", lambda w: f"/members/{w.requester}/reactivate", ADMINS),
    _c("POST", "/members/<int:user_id>/role", lambda w: f"/members/{w.requester}/role", ADMINS),
    _c("GET", "/admin/", lambda w: "/admin/", ADMIN_AREA),
    _c("GET", "/admin/members", lambda w: "/admin/members", ADMIN_AREA),
    _c("GET", "/admin/audit", lambda w: "/admin/audit", ADMIN_AREA),
    _c("GET", "/admin/audit.csv", lambda w: "/admin/audit.csv", ADMINS),
    _c("GET", "/admin/cities", lambda w: "/admin/cities", ADMINS, why="editing partners: admins"),
    _c("GET", "/admin/cities/new", lambda w: "/admin/cities/new", ADMINS),
    _c("POST", "/admin/cities/new", lambda w: "/admin/cities/new", ADMINS),
    _c("GET", "/admin/cities/<slug>/edit", lambda w: "/admin/cities/pavia/edit", ADMINS),
    _c("POST", "/admin/cities/<slug>/edit", lambda w: "/admin/cities/pavia/edit", ADMINS),
    # --- JSON API (bearer tokens) -----------------------------------------------------------
    _c("GET", "/api/v1/openapi.json", lambda w: "/api/v1/openapi.json", PUBLIC),
    _c("GET", "/api/v1/docs", lambda w: "/api/v1/docs", PUBLIC),
    _c("GET", "/api/v1/cities", lambda w: "/api/v1/cities", PUBLIC),
    _c("GET", EXPORT, lambda w: "/api/v1/export/votes.csv", PUBLIC),
    _c("POST", "/api/v1/users", lambda w: "/api/v1/users", PUBLIC),
    _c("POST", "/api/v1/tokens", lambda w: "/api/v1/tokens", PUBLIC),
    _c("DELETE", "/api/v1/tokens/current", lambda w: "/api/v1/tokens/current", MEMBERS),
    _c("GET", "/api/v1/me", lambda w: "/api/v1/me", MEMBERS),
    _c("GET", "/api/v1/challenges", lambda w: "/api/v1/challenges", PUBLIC),
    _c("POST", "/api/v1/challenges", lambda w: "/api/v1/challenges", MEMBERS),
    _c("GET", "/api/v1/challenges/<int:challenge_id>", lambda w: f"/api/v1/challenges/{w.c_open}", PUBLIC, variant="published"),
    _c("GET", "/api/v1/challenges/<int:challenge_id>", lambda w: f"/api/v1/challenges/{w.c_proposed}", UNPUBLISHED, variant="proposed"),
    _c("PATCH", "/api/v1/challenges/<int:challenge_id>", lambda w: f"/api/v1/challenges/{w.c_open}", LEAD_CITY),
    _c("GET", "/api/v1/challenges/<int:challenge_id>/ideas", lambda w: f"/api/v1/challenges/{w.c_open}/ideas", PUBLIC),
    _c("POST", "/api/v1/challenges/<int:challenge_id>/ideas", lambda w: f"/api/v1/challenges/{w.c_open}/ideas", MEMBERS),
    _c("GET", "/api/v1/ideas/<int:idea_id>", lambda w: f"/api/v1/ideas/{w.i_open}", PUBLIC),
    _c("PATCH", "/api/v1/ideas/<int:idea_id>", lambda w: f"/api/v1/ideas/{w.i_open}", AUTHORS),
    _c("POST", "/api/v1/ideas/<int:idea_id>/vote", lambda w: f"/api/v1/ideas/{w.i_voting}/vote", "LOOFOO"),
    _c("DELETE", "/api/v1/ideas/<int:idea_id>/vote", lambda w: f"/api/v1/ideas/{w.i_voting}/vote", MEMBERS),
    _c("GET", "/api/v1/ideas/<int:idea_id>/reviews", lambda w: f"/api/v1/ideas/{w.i_open}/reviews", PUBLIC),
    _c("POST", "/api/v1/ideas/<int:idea_id>/reviews", lambda w: f"/api/v1/ideas/{w.i_open}/reviews", EXPERTS),
    _c("POST", "/api/v1/ideas/<int:idea_id>/decisions", lambda w: f"/api/v1/ideas/{w.i_selection}/decisions", "LFFOFF", DECIDE),
    _c("GET", KIND, lambda w: f"/api/v1/ideas/{w.i_open}/comments", PUBLIC),
    _c("POST", KIND, lambda w: f"/api/v1/ideas/{w.i_open}/comments", MEMBERS),
    _c("GET", "/api/v1/pilots", lambda w: "/api/v1/pilots", PUBLIC),
    _c("GET", "/api/v1/pilots/<int:pilot_id>", lambda w: f"/api/v1/pilots/{w.pilot}", PUBLIC),
    _c("PATCH", "/api/v1/pilots/<int:pilot_id>", lambda w: f"/api/v1/pilots/{w.pilot}", PILOT_MANAGERS),
    _c("POST", "/api/v1/pilots/<int:pilot_id>/milestones", lambda w: f"/api/v1/pilots/{w.pilot}/milestones", PILOT_MANAGERS),
    _c("PATCH", "/api/v1/pilots/<int:pilot_id>/milestones/<int:milestone_id>", lambda w: f"/api/v1/pilots/{w.pilot}/milestones/{w.milestone}", PILOT_MANAGERS),
    _c("POST", "/api/v1/pilots/<int:pilot_id>/updates", lambda w: f"/api/v1/pilots/{w.pilot}/updates", PILOT_MANAGERS),
    _c("POST", "/api/v1/pilots/<int:pilot_id>/replications", lambda w: f"/api/v1/pilots/{w.pilot}/replications", "LFFFOF"),
)  # fmt: skip


@dataclass(frozen=True)
class EventCase:
    event: str
    payload: Callable[[World], Any]
    expect: str
    why: str = ""
    variant: str = ""

    @property
    def key(self) -> str:
        return f"socket {self.event}" + (f" [{self.variant}]" if self.variant else "")


EVENT_CASES: tuple[EventCase, ...] = (
    EventCase("connect", lambda w: None, PUBLIC, "anonymous visitors may watch"),
    EventCase("join", lambda w: {"room": f"idea:{w.i_open}"}, PUBLIC, variant="published"),
    EventCase("join", lambda w: {"room": f"challenge:{w.c_proposed}"}, "NNNNNN", "rooms exist for published content only", variant="proposed"),
    EventCase("leave", lambda w: {"room": f"idea:{w.i_open}"}, PUBLIC),
    EventCase("comment.create", lambda w: {"room": f"idea:{w.i_open}", "body": ""}, MEMBERS, "members post, visitors watch"),
)  # fmt: skip
