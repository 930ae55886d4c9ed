"""The strict Content-Security-Policy breaks nothing: a walk over the main pages, as a visitor,
a member posting a live comment and an administrator, at desktop and phone sizes, meets zero
policy violations in Chromium; and the same listener does catch an injected inline script."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in, wait_for_live

DEMO = "@demo.livinglab.eu"
IDEA = "A night market of local makers"
VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 812)}

# Runs before any page script, in every document; the binding is Playwright's, outside the CSP.
LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportCspViolation({
    page: location.pathname + location.search,
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample
  });
});
"""


class Watch:
    """Every violation event and every console error about the policy (or the headers), with the
    page it happened on."""

    def __init__(self) -> None:
        self.violations: list[dict] = []
        self.console: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.expose_function("reportCspViolation", self.report)
        context.add_init_script(LISTENER)

    def report(self, violation: dict) -> None:
        self.violations.append(violation)

    def page(self, page: Page) -> Page:
        def on_console(message) -> None:
            text = message.text
            if "Content Security Policy" in text or "Permissions-Policy" in text:
                self.console.append(f"{page.url}: {text}")

        page.on("console", on_console)
        return page


@pytest.fixture
def watched(browser, live_server) -> Iterator:
    """``watched(size)``: a fresh page whose context reports to one Watch per test."""
    watch = Watch()
    contexts: list[BrowserContext] = []

    def open_page(size: str) -> Page:
        width, height = VIEWPORTS[size]
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        watch.attach(context)
        contexts.append(context)
        return watch.page(context.new_page())

    yield open_page, watch
    for context in contexts:
        context.close()


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")


def first_challenge_id(page: Page, phase: str) -> int:
    found = page.request.get(f"/api/v1/challenges?phase={phase}&per_page=1").json()["items"]
    assert found, f"the demo has a challenge in phase {phase}"
    return found[0]["id"]


def walk_as_visitor(page: Page) -> None:
    for url in ("/", "/challenges/", "/pilots", "/good-practices", "/decisions", "/cities/"):
        visit(page, url)
    visit(page, "/cities/pavia")
    visit(page, f"/challenges/{first_challenge_id(page, 'open')}")
    pilots = page.request.get("/api/v1/pilots?per_page=1").json()["items"]
    assert pilots, "the demo has a pilot"
    visit(page, f"/pilots/{pilots[0]['id']}")
    # A closed challenge's results and an idea's votes by city: the bars once used style="".
    closed = first_challenge_id(page, "closed")
    visit(page, f"/challenges/{closed}/results")
    bar = page.locator("svg.bar rect").first
    expect(bar).to_be_visible()
    assert bar.bounding_box()["width"] > 0
    page.locator("ol.ranking a[href^='/ideas/']").first.click()
    expect(page.get_by_test_id("votes-by-city")).to_be_visible()
    for url in ("/search?q=makers", "/open-data", "/api/v1/docs", "/login", "/register"):
        visit(page, url)


def walk_as_member(page: Page) -> None:
    # Poitiers: a member no other browser test uses (the language switch below is remembered).
    sign_in(page, f"participant.poitiers{DEMO}", DEMO_PASSWORD)
    page.goto("/search?q=makers")
    page.get_by_role("link", name=IDEA).click()
    page.wait_for_url("**/ideas/*")
    wait_for_live(page)
    # A live comment: app.js and discussion.js at work (socket, fetch, DOM updates) under CSP.
    text = f"Checked under the policy at {page.viewport_size['width']} pixels."
    form = page.locator("form.comment-form").last
    form.get_by_label("Your comment").fill(text)
    form.get_by_role("button", name="Post").click()
    expect(page.locator(".comment", has_text=text)).to_be_visible()
    expect(form.get_by_label("Your comment")).to_have_value("")
    with page.expect_navigation():
        page.locator("select[data-autosubmit]").select_option("it")  # app.js's autosubmit
    expect(page.locator("html")).to_have_attribute("lang", "it")
    with page.expect_navigation():
        page.locator("select[data-autosubmit]").select_option("en")
    for url in ("/profile", "/activity", "/notifications/", "/profile/tokens", "/challenges/new"):
        visit(page, url)


def walk_as_admin(page: Page) -> None:
    sign_in(page, f"admin{DEMO}", DEMO_PASSWORD)
    for url in ("/admin/", "/admin/members", "/admin/cities", "/admin/audit", "/moderation"):
        visit(page, url)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_main_pages_meet_no_policy_violation(watched, size):
    open_page, watch = watched
    walk_as_visitor(open_page(size))
    walk_as_member(open_page(size))
    walk_as_admin(open_page(size))
    assert watch.violations == []
    assert watch.console == []


def test_the_watch_does_see_a_violation(watched):
    """Zero violations above means something only if an inline script would be reported."""
    open_page, watch = watched
    page = open_page("desktop")
    visit(page, "/")
    outcome = page.evaluate(
        """() => new Promise((resolve) => {
            const seen = [];
            document.addEventListener("securitypolicyviolation", (event) => {
                seen.push(event.effectiveDirective);
                if (seen.length === 2) { resolve({ran: window.injected, seen: seen}); }
            });
            window.injected = false;
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.appendChild(script);
            const button = document.createElement("button");
            button.setAttribute("onclick", "window.injected = true;");
            document.body.appendChild(button);
            button.click();
        })"""
    )
    assert outcome == {"ran": False, "seen": ["script-src-elem", "script-src-attr"]}
    # The page's events reached the watch as well (bindings arrive before evaluate's answer).
    assert [v["directive"] for v in watch.violations] == ["script-src-elem", "script-src-attr"]
    assert any("Content Security Policy" in line for line in watch.console)
