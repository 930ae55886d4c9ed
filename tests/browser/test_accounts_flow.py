"""As a person would: register, sign in, look at one's profile, ask for a role, get it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in
from tests.html import dangerous_markup


def register(
    page, email: str, password: str = "azulejos-de-coimbra", city: str = "Coimbra (Portugal)"
):
    page.goto("/register")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Name shown to others").fill("Inês Ferreira")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_label("Partner city").select_option(label=city)
    page.get_by_label("I am", exact=True).select_option(label="Student")
    page.get_by_label("I have read and accept the terms of use and the privacy notice.").check()
    page.get_by_role("button", name="Create my account").click()


def test_home_page_renders_with_the_partners_and_challenges(new_page):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Culture and Heritage Living Lab")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Turku"))).to_be_visible()
    expect(page.get_by_text("A second life for the stables of the Visconti Castle")).to_be_visible()
    screenshot(page, "home-desktop")
    phone = new_page(width=390, height=844)
    phone.goto("/")
    expect(phone.get_by_role("link", name="Challenges", exact=True)).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "home-phone")


def test_a_coimbra_student_registers_signs_in_and_sees_their_profile(new_page):
    page = new_page()
    register(page, "ines.ferreira@example.pt", password="short")
    expect(page.locator("#password-error")).to_have_text(
        "Field must be between 10 and 256 characters long."
    )
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(page, "register-error")

    register(page, "ines.ferreira@example.pt")
    page.wait_for_url("**/welcome")
    page.get_by_test_id("nav-profile").click()
    expect(page.get_by_test_id("profile-city")).to_have_text("Coimbra")
    expect(page.get_by_test_id("profile-role")).to_have_text("Participant")

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(page, "INES.FERREIRA@example.pt", "azulejos-de-coimbra")
    page.get_by_test_id("nav-profile").click()
    expect(page.get_by_test_id("profile-email")).to_have_text("ines.ferreira@example.pt")
    assert dangerous_markup(page.content()) == []
    screenshot(page, "profile")


def test_an_expert_request_is_granted_by_the_coimbra_rep_but_not_seen_by_turku(new_page):
    student = new_page()
    register(student, "joao.student@example.pt")
    student.wait_for_url("**/welcome")
    student.get_by_test_id("nav-profile").click()
    student.get_by_label("Role", exact=True).select_option(label="Expert")
    student.get_by_label("Why do you ask for it?").fill(
        "I study azulejo conservation at the university."
    )
    student.get_by_role("button", name="Send my request").click()
    expect(student.get_by_test_id("my-role-requests")).to_contain_text("waiting for a decision")
    badge = student.locator(".bell .badge")
    expect(badge).to_be_hidden()

    turku = new_page()
    sign_in(turku, "cityrep.turku@demo.livinglab.eu", DEMO_PASSWORD)
    turku.goto("/role-requests")
    expect(turku.get_by_text("No request is waiting for you.")).to_be_visible()

    coimbra = new_page()
    sign_in(coimbra, "cityrep.coimbra@demo.livinglab.eu", DEMO_PASSWORD)
    coimbra.get_by_test_id("nav-admin").click()
    coimbra.get_by_role("link", name="Role requests").click()
    card = coimbra.locator("li", has_text="I study azulejo conservation")
    expect(card).to_be_visible()
    screenshot(coimbra, "role-requests")
    card.get_by_role("button", name="Grant").click()
    expect(coimbra.get_by_text("is now “Expert”")).to_be_visible()

    # The student's open page hears about it without reloading.
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    student.reload()
    expect(student.get_by_test_id("profile-role")).to_have_text("Expert")
    student.locator(".bell").click()
    expect(student.get_by_text("Your request for the role “Expert” was granted.")).to_be_visible()
    screenshot(student, "notifications")
