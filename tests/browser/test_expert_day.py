"""A Hildesheim expert's day at the review desk, on a desktop and on a phone: the queue, the
idea beside (or above) the rubric, a draft saved and found again, a refused submit answered at
the fields with the focus on the first, then the review published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in

EXPERT = "expert.hildesheim@demo.livinglab.eu"
BASE = Path(__file__).resolve().parents[2] / "templates" / "base.html"
MIN_TARGET = 44  # px: the smallest comfortable touch target


def criterion(page: Page, label: str):
    return page.get_by_role("group", name=label)


def choose(page: Page, label: str, step: str) -> None:
    criterion(page, label).get_by_role("radio", name=step).check()


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (375, 812, "phone")])
def test_an_expert_reviews_an_idea_from_the_queue(new_page, width, height, name):
    page = new_page(width=width, height=height)
    sign_in(page, EXPERT, DEMO_PASSWORD)
    if "reviews.queue" in BASE.read_text(encoding="utf-8"):  # the navigation links the queue
        expect(page.get_by_role("link", name=re.compile(r"review queue", re.I))).to_be_visible()

    page.goto("/reviews/queue")
    expect(page.get_by_role("heading", name="Ideas to review", level=1)).to_be_visible()
    queue = page.get_by_test_id("review-queue")
    first = queue.locator("li.card").first
    title = first.get_by_role("heading", level=3).inner_text()
    screenshot(page, f"review-queue-{name}")
    first.get_by_role("link", name=re.compile(r"^Review")).click()

    idea = page.get_by_test_id("review-idea")
    rubric = page.locator("#rubric")
    expect(idea.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(idea.get_by_test_id("review-team")).to_contain_text("lead author")
    expect(rubric.get_by_text("Can the team carry it out")).to_be_visible()
    expect(rubric.get_by_text("Key resources or permissions are missing.")).to_be_visible()
    expect(rubric.get_by_text("You have a conflict of interest with this idea if:")).to_be_visible()
    idea_box, rubric_box = idea.bounding_box(), rubric.bounding_box()
    assert idea_box and rubric_box
    if name == "desktop":  # side by side
        assert idea_box["x"] + idea_box["width"] <= rubric_box["x"]
        assert abs(idea_box["y"] - rubric_box["y"]) < 2
    else:  # the idea above the rubric
        assert idea_box["y"] + idea_box["height"] <= rubric_box["y"]
    for step in page.locator(".scale-step").all()[:5]:
        box = step.bounding_box()
        assert box and box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box

    choose(page, "Heritage value", "4 very good")
    choose(page, "Circularity and sustainability", "3 good")
    page.get_by_label("Your assessment").fill("Good reuse of the timber; the budget is thin.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()

    page.get_by_role("link", name="Ideas to review").first.click()
    drafts = page.get_by_test_id("review-drafts")
    expect(drafts).to_contain_text(title)
    expect(drafts).to_contain_text("2 of 5 criteria scored")
    expect(queue.get_by_role("heading", name=title)).to_have_count(0)
    drafts.get_by_role("link", name=title).click()
    expect(
        criterion(page, "Heritage value").get_by_role("radio", name="4 very good")
    ).to_be_checked()
    expect(page.get_by_label("Your assessment")).to_have_value(
        "Good reuse of the timber; the budget is thin."
    )
    screenshot(page, f"review-rubric-{name}")

    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    feasibility = criterion(page, "Feasibility")
    expect(feasibility.locator(".field-error")).to_have_text(re.compile("Give a score from 1 to 5"))
    expect(feasibility.get_by_role("radio", name="1 weak")).to_be_focused()
    expect(
        criterion(page, "Heritage value").get_by_role("radio", name="4 very good")
    ).to_be_checked()
    screenshot(page, f"review-errors-{name}")

    choose(page, "Feasibility", "2 fair")
    choose(page, "Youth involvement", "5 excellent")
    choose(page, "Replicability in other partner cities", "4 very good")
    page.get_by_label("I declare that I have no conflict of interest").check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text(f"Your review of “{title}” is published.")).to_be_visible()
    expect(page.get_by_test_id("review-queue").get_by_role("heading", name=title)).to_have_count(0)
    expect(page.get_by_test_id("review-drafts")).to_have_count(0)
    screenshot(page, f"review-done-{name}")
