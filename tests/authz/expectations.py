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

from tests.authz.meetings import event
from tests.authz.world import World

PUBLIC = "OOOOOO"
MEMBERS = "LOOOOO"
LEAD_CITY = "LFFOFO"  # city_rep of the lead city, admin
ADMIN_AREA = "LFFOOO"  # admins, and city_reps for their own city
ADMINS = "LFFFFO"
AUTHORS = "LFFFFF"  # nobody but the item's authors (none of the actors)
EXPERTS = "LFOFFF"
PILOT_MANAGERS = "LFFOFO"  # the pilot city's reps, the team, admin
EVENT_ORGANISERS = "LFFOFO"  # the host cities' reps (Pavia, Coimbra), admin
EVENT_CREATORS = "LFFOOO"  # any city's rep (for an event their city hosts), admin
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


KIND = (
    "/api/v1/<any(challenges, ideas, pilots, events, 'case-studies'):kind>/<int:target_id>/comments"
)
EXPORT = "/api/v1/export/<any(challenges, ideas, pilots, votes, 'case-studies'):dataset>.<any(csv, json):fmt>"
DECIDE = {"decision": "approve", "city": "pavia"}
CASE_EDITORS = "LFFOFO"  # its author (none of the actors), its city's reps, admin
DRAFT_READERS = "LNNONO"  # a draft: its author, its city's reps, admins; others: 404
REPORTERS = "LFFOOO"  # city representatives (own city or all), admins
Q1 = "start=2026-01-01&end=2026-03-31"

CASES: tuple[Case, ...] = (
    # --- Pages anyone may read --------------------------------------------------------------
    _c("GET", "/", lambda w: "/", PUBLIC, why="anonymous visitors read everything published"),
    _c("GET", "/terms", lambda w: "/terms", PUBLIC),
    _c("GET", "/privacy", lambda w: "/privacy", PUBLIC),
    _c("GET", "/consent", lambda w: "/consent", MEMBERS, why="accepting the current terms"),
    _c("POST", "/consent", lambda w: "/consent", MEMBERS),
    _c("GET", "/welcome", lambda w: "/welcome", MEMBERS),
    _c("GET", "/healthz", lambda w: "/healthz", PUBLIC),
    _c("GET", "/readyz", lambda w: "/readyz", PUBLIC),
    _c(
        "GET",
        "/metrics",
        lambda w: "/metrics",
        "FFFFFF",
        why="the metrics token or an allowed address only",
    ),
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
    # --- The account by email (livinglab.accounts.recovery, livinglab.mail.views) -----------
    _c("GET", "/password/forgot", lambda w: "/password/forgot", PUBLIC),
    _c("POST", "/password/forgot", lambda w: "/password/forgot", PUBLIC),
    _c("GET", "/password/reset/<token>", lambda w: "/password/reset/forged", PUBLIC, why="the signed link is the key: a forged one is 400 for all"),
    _c("POST", "/password/reset/<token>", lambda w: "/password/reset/forged", PUBLIC),
    _c("GET", "/verify-email/<token>", lambda w: "/verify-email/forged", PUBLIC),
    _c("GET", "/profile/email/confirm/<token>", lambda w: "/profile/email/confirm/forged", PUBLIC),
    _c("GET", "/profile/email", lambda w: "/profile/email", MEMBERS),
    _c("POST", "/profile/email", lambda w: "/profile/email", MEMBERS),
    _c("POST", "/profile/email/resend", lambda w: "/profile/email/resend", MEMBERS),
    _c("POST", "/members/<int:user_id>/resend-verification", lambda w: f"/members/{w.requester}/resend-verification", ADMINS, why="admins (409 here: the address is confirmed)"),
    _c("GET", "/profile/email-notifications", lambda w: "/profile/email-notifications", MEMBERS),
    _c("POST", "/profile/email-notifications", lambda w: "/profile/email-notifications", MEMBERS),
    _c("GET", "/unsubscribe/<token>", lambda w: "/unsubscribe/forged", PUBLIC, why="the signed link is the key, no session"),
    _c("POST", "/unsubscribe/<token>", lambda w: "/unsubscribe/forged", PUBLIC),
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
    _c("POST", "/reviews/themes", lambda w: "/reviews/themes", EXPERTS),
    _c("POST", "/ideas/<int:idea_id>/review/draft/delete", lambda w: f"/ideas/{w.i_open}/review/draft/delete", EXPERTS),
    _c("POST", "/ideas/<int:idea_id>/review/conflict/<any(declare, withdraw):answer>", lambda w: f"/ideas/{w.i_open}/review/conflict/declare", EXPERTS, why="not its authors"),
    # --- Decisions and pilots ---------------------------------------------------------------
    _c("POST", "/ideas/<int:idea_id>/decisions", lambda w: f"/ideas/{w.i_selection}/decisions", "LFFOFF", DECIDE, why="a host city's rep, for their own city"),
    _c("POST", "/pilots/<int:pilot_id>/follow", lambda w: f"/pilots/{w.pilot}/follow", MEMBERS),
    _c("POST", "/pilots/<int:pilot_id>/status", lambda w: f"/pilots/{w.pilot}/status", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/milestones", lambda w: f"/pilots/{w.pilot}/milestones", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/milestones/<int:milestone_id>/done", lambda w: f"/pilots/{w.pilot}/milestones/{w.milestone}/done", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/indicators", lambda w: f"/pilots/{w.pilot}/indicators", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values", lambda w: f"/pilots/{w.pilot}/indicators/{w.indicator}/values", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values/<int:value_id>", lambda w: f"/pilots/{w.pilot}/indicators/{w.indicator}/values/{w.measurement}", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values/<int:value_id>/delete", lambda w: f"/pilots/{w.pilot}/indicators/{w.indicator}/values/{w.measurement}/delete", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/updates", lambda w: f"/pilots/{w.pilot}/updates", PILOT_MANAGERS),
    _c("POST", "/pilots/<int:pilot_id>/replicate", lambda w: f"/pilots/{w.pilot}/replicate", "LFFFOF", why="a rep of another partner city"),
    # --- Discussion and moderation ----------------------------------------------------------
    _c("POST", "/comments", lambda w: "/comments", MEMBERS, lambda w: {"target_type": "idea", "target_id": w.i_open}, why="any member comments"),
    _c("GET", "/comments/<int:comment_id>/edit", lambda w: f"/comments/{w.comment}/edit", AUTHORS),
    _c("POST", "/comments/<int:comment_id>/edit", lambda w: f"/comments/{w.comment}/edit", AUTHORS),
    _c("POST", "/comments/<int:comment_id>/delete", lambda w: f"/comments/{w.comment}/delete", AUTHORS),
    _c("POST", "/writing/preview", lambda w: "/writing/preview", MEMBERS, {"text": "**hi**"}, why="members preview what they write"),
    _c("GET", "/writing/mentions", lambda w: f"/writing/mentions?room=idea:{w.i_open}", MEMBERS, why="those taking part, for members"),
    _c("GET", "/members/search", lambda w: "/members/search?q=a", MEMBERS, why="the pickers: names and cities, members only"),
    _c("POST", "/flags/<content_type>/<int:content_id>", lambda w: f"/flags/comment/{w.comment}", MEMBERS),
    _c("GET", "/moderation", lambda w: "/moderation", ADMIN_AREA),
    _c("GET", "/moderation/<content_type>/<int:content_id>", lambda w: f"/moderation/comment/{w.comment}", "LFFOFO", why="host cities' reps, admins"),
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
    # --- Case studies, statistics, reports ---------------------------------------------------
    _c("GET", "/case-studies/<int:case_id>", lambda w: f"/case-studies/{w.case_published}", PUBLIC, variant="published"),
    _c("GET", "/case-studies/<int:case_id>", lambda w: f"/case-studies/{w.case_draft}", "NNNONO", variant="draft", why="a draft: its author, its city's reps, admins"),
    _c("GET", "/case-studies/new", lambda w: "/case-studies/new", MEMBERS, why="any member writes for their own city"),
    _c("POST", "/case-studies/new", lambda w: "/case-studies/new", MEMBERS),
    _c("GET", "/case-studies/drafts", lambda w: "/case-studies/drafts", MEMBERS, why="each sees their own and their city's"),
    _c("GET", "/case-studies/<int:case_id>/edit", lambda w: f"/case-studies/{w.case_published}/edit", CASE_EDITORS),
    _c("POST", "/case-studies/<int:case_id>/edit", lambda w: f"/case-studies/{w.case_published}/edit", CASE_EDITORS),
    _c("POST", "/case-studies/<int:case_id>/submit", lambda w: f"/case-studies/{w.case_draft}/submit", DRAFT_READERS, why="its author asks its city's reps"),
    _c("POST", "/case-studies/<int:case_id>/publish", lambda w: f"/case-studies/{w.case_draft}/publish", DRAFT_READERS, why="a rep of its city, admins"),
    _c("GET", "/case-studies/<int:case_id>/adapt", lambda w: f"/case-studies/{w.case_published}/adapt", "LFFFOF", why="a rep of another partner city"),
    _c("POST", "/case-studies/<int:case_id>/adapt", lambda w: f"/case-studies/{w.case_published}/adapt", "LFFFOF"),
    _c("POST", "/case-studies/<int:case_id>/links", lambda w: f"/case-studies/{w.case_published}/links", "LFFOOO", why="its author, city reps, admins"),
    _c("POST", "/case-studies/<int:case_id>/follow", lambda w: f"/case-studies/{w.case_published}/follow", MEMBERS),
    _c("GET", "/stats", lambda w: "/stats", PUBLIC, why="aggregates are public; detail for reps and admins"),
    _c("GET", "/profile/participation", lambda w: "/profile/participation", MEMBERS, why="one's own answers only"),
    _c("POST", "/profile/participation", lambda w: "/profile/participation", MEMBERS),
    _c("POST", "/profile/participation/erase", lambda w: "/profile/participation/erase", MEMBERS),
    _c("GET", "/reports/", lambda w: "/reports/", REPORTERS),
    _c("GET", "/reports/view", lambda w: f"/reports/view?{Q1}&city=pavia", "LFFOFO", why="a rep reports on their own city or all cities"),
    _c("GET", "/reports/report.<any(csv, xlsx, pdf):fmt>", lambda w: f"/reports/report.csv?{Q1}", REPORTERS),
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
    _c("GET", "/api/v1/case-studies", lambda w: "/api/v1/case-studies", PUBLIC),
    _c("POST", "/api/v1/case-studies", lambda w: "/api/v1/case-studies", MEMBERS),
    _c("GET", "/api/v1/case-studies/<int:case_id>", lambda w: f"/api/v1/case-studies/{w.case_published}", PUBLIC, variant="published"),
    _c("GET", "/api/v1/case-studies/<int:case_id>", lambda w: f"/api/v1/case-studies/{w.case_draft}", "NNNONO", variant="draft"),
    _c("PATCH", "/api/v1/case-studies/<int:case_id>", lambda w: f"/api/v1/case-studies/{w.case_published}", CASE_EDITORS),
    _c("POST", "/api/v1/case-studies/<int:case_id>/files", lambda w: f"/api/v1/case-studies/{w.case_published}/files", CASE_EDITORS, why="who may edit it; JSON is then refused (415)"),
    _c("DELETE", "/api/v1/case-studies/<int:case_id>/files/<int:attachment_id>", lambda w: f"/api/v1/case-studies/{w.case_published}/files/{w.case_file}", CASE_EDITORS),
    _c("GET", "/api/v1/stats", lambda w: "/api/v1/stats", PUBLIC),
    _c("GET", "/api/v1/pilots", lambda w: "/api/v1/pilots", PUBLIC),
    _c("GET", "/api/v1/pilots/<int:pilot_id>", lambda w: f"/api/v1/pilots/{w.pilot}", PUBLIC),
    _c("PATCH", "/api/v1/pilots/<int:pilot_id>", lambda w: f"/api/v1/pilots/{w.pilot}", PILOT_MANAGERS),
    _c("POST", "/api/v1/pilots/<int:pilot_id>/milestones", lambda w: f"/api/v1/pilots/{w.pilot}/milestones", PILOT_MANAGERS),
    _c("PATCH", "/api/v1/pilots/<int:pilot_id>/milestones/<int:milestone_id>", lambda w: f"/api/v1/pilots/{w.pilot}/milestones/{w.milestone}", PILOT_MANAGERS),
    _c("POST", "/api/v1/pilots/<int:pilot_id>/updates", lambda w: f"/api/v1/pilots/{w.pilot}/updates", PILOT_MANAGERS),
    _c("POST", "/api/v1/pilots/<int:pilot_id>/replications", lambda w: f"/api/v1/pilots/{w.pilot}/replications", "LFFFOF"),
    # --- Events (each attempt meets a fresh event: tests/authz/meetings.py) ------------------
    _c("GET", "/events", lambda w: "/events", PUBLIC),
    _c("GET", "/events/<int:meeting_id>", lambda w: f"/events/{event(w)}", PUBLIC, why="events are public"),
    _c("GET", "/events/new", lambda w: "/events/new", EVENT_CREATORS, why="city reps and admins create events"),
    _c("POST", "/events/new", lambda w: "/events/new", EVENT_CREATORS),
    _c("GET", "/events/<int:meeting_id>/edit", lambda w: f"/events/{event(w)}/edit", EVENT_ORGANISERS, why="a host city's reps, admins"),
    _c("POST", "/events/<int:meeting_id>/edit", lambda w: f"/events/{event(w)}/edit", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/cancel", lambda w: f"/events/{event(w)}/cancel", EVENT_ORGANISERS),
    _c("GET", "/events/<int:meeting_id>/agenda", lambda w: f"/events/{event(w)}/agenda", EVENT_ORGANISERS, why="the agenda's form: the organisers"),
    _c("POST", "/events/<int:meeting_id>/agenda", lambda w: f"/events/{event(w)}/agenda", EVENT_ORGANISERS),
    _c("GET", "/events/<int:meeting_id>/agenda/<int:item_id>/edit", lambda w: f"/events/{event(w)}/agenda/{w.event_session}/edit", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/agenda/<int:item_id>/edit", lambda w: f"/events/{event(w)}/agenda/{w.event_session}/edit", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/agenda/<int:item_id>/delete", lambda w: f"/events/{event(w)}/agenda/{w.event_session}/delete", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/follow", lambda w: f"/events/{event(w)}/follow", MEMBERS),
    _c("GET", "/events/mine", lambda w: "/events/mine", MEMBERS),
    _c("POST", "/events/mine/calendar", lambda w: "/events/mine/calendar", MEMBERS),
    _c("POST", "/events/<int:meeting_id>/register", lambda w: f"/events/{event(w)}/register", MEMBERS, why="any member, within the registration window"),
    _c("POST", "/events/<int:meeting_id>/registration/cancel", lambda w: f"/events/{event(w)}/registration/cancel", "LNNNNN", why="one's own registration (the actors have none)"),
    _c("POST", "/events/<int:meeting_id>/registrations/<int:registration_id>/cancel", lambda w: f"/events/{event(w)}/registrations/{w.event_registration}/cancel", EVENT_ORGANISERS, why="someone else's: the organisers", variant="a member's own"),
    _c("POST", "/events/<int:meeting_id>/registrations/<int:registration_id>/cancel", lambda w: f"/events/{event(w)}/registrations/{w.event_guest}/cancel", "LFFOOO", why="a delegation's: its city's rep (Turku), the organisers", variant="Turku's delegation"),
    _c("GET", "/events/<int:meeting_id>/delegation", lambda w: f"/events/{event(w)}/delegation", EVENT_CREATORS, why="each city's rep registers their city's delegation"),
    _c("POST", "/events/<int:meeting_id>/delegation", lambda w: f"/events/{event(w)}/delegation", EVENT_CREATORS),
    _c("GET", "/events/<int:meeting_id>/registrations/<int:registration_id>/qr", lambda w: f"/events/{event(w)}/registrations/{w.event_guest}/qr", "LNNNON", why="a check-in code: its member, or the rep who registered the guest"),
    _c("GET", "/events/<int:meeting_id>/check-in", lambda w: f"/events/{event(w)}/check-in", EVENT_ORGANISERS, why="attendance: the organisers"),
    _c("POST", "/events/<int:meeting_id>/check-in/<int:registration_id>", lambda w: f"/events/{event(w)}/check-in/{w.event_registration}", EVENT_ORGANISERS),
    _c("GET", "/events/<int:meeting_id>/check-in/code/<code>", lambda w: f"/events/{event(w)}/check-in/code/{w.names['event_code']}", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/minutes", lambda w: f"/events/{event(w)}/minutes", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/files/<int:attachment_id>/delete", lambda w: f"/events/{event(w)}/files/{w.event_file}/delete", EVENT_ORGANISERS, why="a file of the minutes (served by /files/, as public as the event)"),
    _c("POST", "/events/<int:meeting_id>/outcomes", lambda w: f"/events/{event(w)}/outcomes", EVENT_ORGANISERS),
    _c("POST", "/events/<int:meeting_id>/outcomes/<int:link_id>/delete", lambda w: f"/events/{event(w)}/outcomes/{w.event_outcome}/delete", EVENT_ORGANISERS),
    _c("GET", "/events/<int:meeting_id>/figures.csv", lambda w: f"/events/{event(w)}/figures.csv", PUBLIC, why="counts only, no names"),
    _c("GET", "/api/v1/events", lambda w: "/api/v1/events", PUBLIC),
    _c("POST", "/api/v1/events", lambda w: "/api/v1/events", EVENT_CREATORS),
    _c("GET", "/api/v1/events/<int:meeting_id>", lambda w: f"/api/v1/events/{event(w)}", PUBLIC),
    _c("PATCH", "/api/v1/events/<int:meeting_id>", lambda w: f"/api/v1/events/{event(w)}", EVENT_ORGANISERS),
    _c("POST", "/api/v1/events/<int:meeting_id>/registration", lambda w: f"/api/v1/events/{event(w)}/registration", MEMBERS),
    _c("DELETE", "/api/v1/events/<int:meeting_id>/registration", lambda w: f"/api/v1/events/{event(w)}/registration", "LNNNNN", why="one's own registration (the actors have none)"),
    _c("GET", "/api/v1/events/<int:meeting_id>/attendance", lambda w: f"/api/v1/events/{event(w)}/attendance", EVENT_ORGANISERS),
    _c("GET", "/api/v1/events.ics", lambda w: "/api/v1/events.ics?city=pavia", PUBLIC),
    _c("GET", "/api/v1/events/<int:meeting_id>.ics", lambda w: f"/api/v1/events/{event(w)}.ics", PUBLIC),
    _c("GET", "/api/v1/events/mine.ics", lambda w: (event(w), f"/api/v1/events/mine.ics?key={w.names['event_key']}")[1], PUBLIC, why="the secret is the key", variant="secret"),
    _c("GET", "/api/v1/events/mine.ics", lambda w: "/api/v1/events/mine.ics?key=not-the-secret", "NNNNNN", why="a wrong secret is not found", variant="wrong secret"),
    _c("GET", "/api/v1/export/events.<any(csv, json):fmt>", lambda w: "/api/v1/export/events.csv", PUBLIC),
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
    EventCase("join", lambda w: {"room": f"event:{event(w)}"}, PUBLIC, variant="event"),
    EventCase("leave", lambda w: {"room": f"idea:{w.i_open}"}, PUBLIC),
    EventCase("comment.create", lambda w: {"room": f"idea:{w.i_open}", "body": ""}, MEMBERS, "members post, visitors watch"),
)  # fmt: skip
