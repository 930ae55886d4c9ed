"""Issue 16 as the Pavia representative lives it: approving an idea as a pilot, entering an
indicator value wrongly and then rightly without losing what was typed, correcting it, and
completing the pilot though a milestone is still open, with a reason. On a desktop in English
and on a phone in Italian, where numbers are written "1.300".

What leads up to the decision (a challenge, an idea, a review, the phases) is set up through
the JSON API, as a portal would; everything the representative does is done in the browser.
Elements are found by their ids and test ids, so the Italian run does not depend on wording.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import confirm, screenshot, sign_in

DEMO = "@demo.livinglab.eu"
RUNS = {
    # size: (width, height, language, the value as written there, the corrected value)
    "desktop": (1280, 900, "en", "1,300", "1,350"),
    "phone": (375, 812, "it", "1.300", "1.350"),
}
SCORES = dict.fromkeys(
    ("heritage_value", "feasibility", "circularity", "youth_involvement", "replicability"), 4
)


def _token(api: APIRequestContext, who: str) -> dict[str, str]:
    answer = api.post("/api/v1/tokens", data={"email": f"{who}{DEMO}", "password": DEMO_PASSWORD})
    assert answer.status == 201, answer.text()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _call(api: APIRequestContext, method: str, path: str, who: dict, body: dict) -> Any:
    answer = api.fetch(path, method=method, data=body, headers=who)
    assert answer.status in (200, 201), f"{method} {path}: {answer.status} {answer.text()}"
    return answer.json()


def _idea_in_selection(api: APIRequestContext, size: str) -> tuple[int, str, dict[str, str]]:
    """A Pavia challenge in selection with one reviewed idea, through the API; and the Pavia
    representative's token (asked for before the browser signs in: a request carrying the
    session's cookie would need the page's CSRF token)."""
    proposer, author = _token(api, "participant.pavia"), _token(api, "participant.turku")
    rep, expert = _token(api, "cityrep.pavia"), _token(api, "expert.salamanca")
    challenge = _call(
        api,
        "POST",
        "/api/v1/challenges",
        proposer,
        {
            "title": f"Lights for the Ticino bridge ({size})",
            "summary": "The covered bridge is dark at night.",
            "body": "How can young people light it without harming it?",
            "themes": ["conservation"],
            "lead_city": "pavia",
        },
    )
    path = f"/api/v1/challenges/{challenge['id']}"
    _call(api, "PATCH", path, rep, {"phase": "open"})
    title = f"Lanterns made by students ({size})"
    idea = _call(
        api, "POST", f"{path}/ideas", author,
        {"title": title, "summary": "Paper lanterns.", "body": "Made in school workshops."},
    )  # fmt: skip
    _call(api, "PATCH", path, rep, {"phase": "voting"})
    review = {"scores": SCORES, "assessment": "Cheap and joyful.", "no_conflict": True}
    _call(api, "POST", f"/api/v1/ideas/{idea['id']}/reviews", expert, review)
    _call(api, "PATCH", path, rep, {"phase": "selection"})
    return idea["id"], title, rep


@pytest.mark.parametrize("size", list(RUNS))
def test_the_representatives_pilot_day(new_page, size):
    width, height, language, written, corrected = RUNS[size]
    page = new_page(width, height)
    idea_id, title, rep = _idea_in_selection(page.request, size)
    sign_in(page, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    page.context.add_cookies([{"name": "lang", "value": language, "url": page.url}])
    page.goto(f"/ideas/{idea_id}")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # Approving is public and final: asked first.
    page.get_by_test_id("decision-form").locator('button[value="approve"]').click()
    confirm(page)
    expect(page.get_by_test_id("pilot-status")).to_be_visible()
    pilot_id = int(page.locator("#pilot").get_attribute("data-pilot-id") or 0)
    api = f"/api/v1/pilots/{pilot_id}"
    _call(page.request, "PATCH", api, rep, {"status": "running"})
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    first, _open = (
        _call(page.request, "POST", f"{api}/milestones", rep, {"title": step})["id"]
        for step in ("Lanterns folded", "Bridge lit")
    )
    done = {"done_on": yesterday, "evidence": "Photos of the workshop."}
    _call(page.request, "PATCH", f"{api}/milestones/{first}", rep, done)

    # The representative opens their pilot from the list of Pavia's pilots.
    page.goto("/pilots?city=pavia")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_test_id("pilot-status")).to_have_attribute(
        "class", "status status-pilot-running"
    )
    adding = page.get_by_test_id("indicator-form")
    adding.locator("#i-name").fill("Visitors on the bridge")
    adding.locator("#i-unit").fill("people")
    adding.locator("#i-target").fill(written.replace("3", "5"))  # 1,500 / 1.500
    adding.locator('button[type="submit"]').click()
    indicator = page.locator("div.indicator").filter(has_text="Visitors on the bridge")
    indicator_id = (indicator.get_attribute("data-testid") or "").rsplit("-", 1)[1]
    day, value = page.locator(f"#v-on-{indicator_id}"), page.locator(f"#v-{indicator_id}")
    record = page.get_by_test_id(f"record-{indicator_id}")

    # A future date: refused at the date, the value typed kept.
    future = (date.today() + timedelta(days=3)).isoformat()
    day.fill(future)
    value.fill(written)
    record.locator('button[type="submit"]').click()
    date_error = page.locator(f"#value-{indicator_id}-measured_on-error")
    expect(date_error).to_be_visible()
    expect(day).to_have_attribute("aria-invalid", "true")
    expect(day).to_be_focused()
    expect(day).to_have_value(future)
    expect(value).to_have_value(written)
    if language == "en":
        expect(date_error).to_contain_text("in the future")
    screenshot(page, f"pilot-day-future-date-{size}")

    # A typing slip: refused at the value, the date typed kept.
    day.fill(yesterday)
    value.fill("1 3x0")
    record.locator('button[type="submit"]').click()
    value_error = page.locator(f"#value-{indicator_id}-value-error")
    expect(value_error).to_be_visible()
    expect(value_error).to_contain_text("1.300,5" if language == "it" else "1,300.5")
    expect(value).to_be_focused()
    expect(value).to_have_value("1 3x0")
    expect(day).to_have_value(yesterday)
    expect(page.locator(".flashes .flash-error")).to_have_count(0)
    screenshot(page, f"pilot-day-wrong-value-{size}")

    # Written as the reader's language writes it: recorded, on the day typed.
    value.fill(written)
    record.locator('button[type="submit"]').click()
    listed = page.get_by_test_id(f"measurements-{indicator_id}").locator("li")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text(f"{written} people")
    expect(listed.first).to_contain_text("Elena Ferri")
    expect(listed.first.locator("time")).to_have_attribute("datetime", yesterday)
    expect(page.get_by_test_id("indicator-latest")).to_have_text(written)

    # Corrected, in place.
    listed.first.locator("summary").click()
    correcting = listed.first.locator('[data-testid^="correct-"]')
    expect(correcting.locator('input[name="value"]')).to_have_value(written)
    screenshot(page, f"pilot-day-correcting-{size}")
    correcting.locator('input[name="value"]').fill(corrected)
    correcting.locator('button[type="submit"]').click()
    expect(listed.first).to_contain_text(f"{corrected} people")

    # Evaluating, then completing: the open milestone needs a reason.
    page.locator("#status").select_option("evaluating")
    page.get_by_test_id("status-form").locator('button[type="submit"]').click()
    completing = page.get_by_test_id("complete-form")
    for name, text in (
        ("worked", "Students folded 300 lanterns."),
        ("failed", "Wind on the bridge."),
        ("costs", "Paper and LEDs: 800 €."),
        ("circular_value", "Lanterns reused at the Christmas market."),
    ):
        completing.locator(f'textarea[name="{name}"]').fill(text)
    completing.locator('button[type="submit"]').click()
    confirm(page)
    reason_error = page.locator("#complete-reason-error")
    expect(reason_error).to_be_visible()
    reason = page.locator("#complete-reason")
    expect(reason).to_be_focused()
    expect(page.locator("#complete-worked")).to_have_value("Students folded 300 lanterns.")
    if language == "en":
        expect(reason_error).to_contain_text("1 milestone is still open")
    screenshot(page, f"pilot-day-open-milestone-{size}")

    reason.fill("The bridge is lit by the city's own lamps since November.")
    page.get_by_test_id("complete-form").locator('button[type="submit"]').click()
    confirm(page)
    expect(page.get_by_test_id("pilot-status")).to_have_attribute(
        "class", "status status-pilot-completed"
    )
    expect(page.get_by_test_id("completion-reason")).to_have_text(
        "The bridge is lit by the city's own lamps since November."
    )
    expect(page.get_by_test_id(f"record-{indicator_id}")).to_have_count(0)
    screenshot(page, f"pilot-day-completed-{size}")
