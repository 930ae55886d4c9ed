"""A newcomer's first visit: register (the terms read in a new tab, the box forgotten once and
nothing typed lost), the welcome page for their profile, then their desk. At a desk and on a
phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

SIZES = {"desktop": (1280, 900), "phone": (375, 812)}
TERMS_BOX = "I have read and accept the terms of use and the privacy notice."


def no_sideways_scroll(page: Page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"the page scrolls sideways ({scrolled}px)"


@pytest.mark.parametrize(
    ("size", "profile", "city", "first_step"),
    [
        ("desktop", "Student", "Turku (Finland)", "Find a challenge"),
        ("phone", "Young artist", "Salamanca (Spain)", "Propose your idea"),
    ],
)
def test_register_accept_the_terms_read_the_welcome_and_find_the_desk(
    new_page, size, profile, city, first_step
):
    width, height = SIZES[size]
    page = new_page(width=width, height=height)
    email = f"newcomer.{size}@example.eu"
    page.goto("/")
    page.get_by_role("link", name="Join", exact=True).click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Name shown to others").fill(f"Noa {size.title()}")
    page.get_by_label("Password", exact=True).fill("cloisters-and-shipyards")
    page.get_by_label("Repeat the password").fill("cloisters-and-shipyards")
    page.get_by_label("Partner city").select_option(label=city)
    page.get_by_label("I am", exact=True).select_option(label=profile)

    # The terms open in a new tab: what was typed here stays.
    with page.context.expect_page() as opened:
        page.get_by_test_id("accept-terms").get_by_role("link", name="terms of use").click()
    terms = opened.value
    expect(terms.get_by_role("heading", name="Terms of use", exact=True)).to_be_visible()
    expect(terms.get_by_text("Be respectful")).to_be_visible()
    no_sideways_scroll(terms, width)
    screenshot(terms, f"newcomer-terms-{size}")
    terms.close()
    expect(page.get_by_label("Email address")).to_have_value(email)

    # Forgot the box: said at the box, everything typed is still there.
    page.get_by_role("button", name="Create my account").click()
    box = page.get_by_label(TERMS_BOX)
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    expect(page.locator("#accept_terms-error")).to_have_text(
        "Accept the terms of use and the privacy notice to join."
    )
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_label("I am", exact=True)).to_have_value(profile.lower().replace(" ", "_"))
    screenshot(page, f"newcomer-register-error-{size}")
    page.get_by_label("Password", exact=True).fill("cloisters-and-shipyards")
    page.get_by_label("Repeat the password").fill("cloisters-and-shipyards")
    box.check()
    page.get_by_role("button", name="Create my account").click()

    # The welcome says what to do first for this profile.
    page.wait_for_url("**/welcome")
    expect(
        page.get_by_role("heading", name=f"Welcome to the Living Lab, Noa {size.title()}!")
    ).to_be_visible()
    expect(page.get_by_test_id("step-confirm")).to_be_visible()
    expect(page.get_by_role("heading", name=first_step)).to_be_visible()
    no_sideways_scroll(page, width)
    screenshot(page, f"newcomer-welcome-{size}")

    # Then the desk: the home page of a member from now on.
    page.get_by_test_id("go-to-desk").click()
    expect(page.get_by_role("heading", name="My desk")).to_be_visible()
    expect(page.get_by_test_id("desk-confirm")).to_be_visible()
    expect(page.get_by_test_id("desk-open")).to_contain_text("Challenges open for your ideas")
    expect(page.get_by_test_id("nav-desk")).to_be_visible()
    footer = page.locator("footer")
    expect(footer.get_by_role("link", name="Terms of use")).to_be_visible()
    expect(footer.get_by_role("link", name="Privacy notice")).to_be_visible()
    no_sideways_scroll(page, width)
    screenshot(page, f"newcomer-desk-{size}")
    page.get_by_role("link", name="Heritage Living Lab").click()
    expect(page.get_by_role("heading", name="My desk")).to_be_visible()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_member_who_joined_through_the_api_accepts_the_terms_at_the_first_sign_in(new_page, size):
    width, height = SIZES[size]
    page = new_page(width=width, height=height)
    email = f"api.newcomer.{size}@example.eu"
    joined = page.request.post(
        "/api/v1/users",
        data={
            "email": email,
            "password": "a client of our own",
            "display_name": "Ada Client",
            "city": "iasi",
            "profile_kind": "other",
        },
    )
    assert joined.status == 201
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("a client of our own")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Before you go on")).to_be_visible()
    expect(page.get_by_text("To use your account, please read the terms")).to_be_visible()
    page.get_by_role("button", name="Accept and go on").click()
    expect(page.locator("#accept-error")).to_be_visible()
    no_sideways_scroll(page, width)
    screenshot(page, f"newcomer-consent-{size}")
    page.goto("/privacy")
    expect(page.get_by_role("heading", name="Privacy notice", exact=True)).to_be_visible()
    no_sideways_scroll(page, width)
    screenshot(page, f"newcomer-privacy-{size}")
    page.goto("/consent")
    page.get_by_label(TERMS_BOX).check()
    page.get_by_role("button", name="Accept and go on").click()
    expect(page.get_by_role("heading", name="My desk")).to_be_visible()
