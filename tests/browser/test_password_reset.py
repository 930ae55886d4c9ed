"""As a person would: forget one's password, get the email, choose a new one, sign in.

The live server's own mail worker (a thread, as in production) sends to a real SMTP server
(aiosmtpd, the ``mail_sink`` fixture); the link is read from the email that arrived there.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.smtp import body_of

EMAIL = "chiara.reset@example.it"
FIRST_PASSWORD = "affreschi-del-broletto"
NEW_PASSWORD = "lanterne-sotto-i-portici"


def wait_for_mail(sink, to: str, subject_part: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in sink.to(to) if subject_part in m["Subject"]]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no email to {to} about {subject_part!r} within {timeout:g} s")


def register(page) -> None:
    page.goto("/register")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Name shown to others").fill("Chiara Galli")
    page.get_by_label("Password", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Repeat the password").fill(FIRST_PASSWORD)
    page.get_by_label("Partner city").select_option(label="Pavia (Italy)")
    page.get_by_label("I am", exact=True).select_option(label="Young artist")
    page.get_by_label("I have read and accept the terms of use and the privacy notice.").check()
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/welcome")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"


def test_a_member_resets_a_forgotten_password_with_the_emailed_link(new_page, mail_sink):
    page = new_page()
    register(page)
    # Emails speak the member's language: one of Pavia who chose none reads Italian.
    wait_for_mail(mail_sink, EMAIL, "Conferma il tuo indirizzo email")  # sent at registration
    page.get_by_role("button", name="Sign out", exact=True).click()

    page.goto("/login")
    page.get_by_test_id("forgot-password").click()
    expect(page.get_by_role("heading", name="Forgotten password")).to_be_visible()
    screenshot(page, "password-reset-request")
    phone = new_page(width=375, height=812)
    phone.goto("/password/forgot")
    no_sideways_scroll(phone)
    screenshot(phone, "password-reset-request-phone")

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text("Check your inbox")
    screenshot(page, "password-reset-sent")

    message = wait_for_mail(mail_sink, EMAIL, "Scegli una nuova password")
    assert message["To"] == EMAIL
    link = re.search(r"https?://\S+/password/reset/\S+", body_of(message))
    assert link, body_of(message)
    html = body_of(message, "html")
    assert link[0] in html  # the same link in both parts

    page.goto(link[0])
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    screenshot(page, "password-reset-form")
    phone.goto(link[0])
    no_sideways_scroll(phone)
    screenshot(phone, "password-reset-form-phone")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill("not the same at all")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.locator("#confirm_password-error")).to_have_text("The two passwords differ.")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    page.wait_for_url("**/login")
    expect(page.get_by_text("Your password is changed")).to_be_visible()

    # The link works once.
    page.goto(link[0])
    expect(page.get_by_test_id("email-link")).to_contain_text("already been used")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    screenshot(page, "password-reset-link-used")

    # The old password is gone, the new one signs in.
    page.goto("/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password-error")).to_be_visible()
    sign_in(page, EMAIL, NEW_PASSWORD)
    expect(page.get_by_test_id("nav-profile")).to_have_text("Chiara Galli")
    page.goto("/profile/email")
    # The reset link came through the address: it counts as confirmed now.
    expect(page.get_by_test_id("email-status")).to_have_text("confirmed")
    screenshot(page, "email-address")

    # The member's email choices, where the digests are chosen.
    page.goto("/profile")
    page.get_by_test_id("nav-email-choices").click()
    expect(page.get_by_role("heading", name="Email choices")).to_be_visible()
    page.get_by_label("New comments on what I follow or wrote").select_option(
        label="By email, in a weekly digest"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(page.get_by_label("New comments on what I follow or wrote")).to_have_value("weekly")
    screenshot(page, "email-choices")
    sign_in(phone, EMAIL, NEW_PASSWORD)
    phone.goto("/profile/email-notifications")
    no_sideways_scroll(phone)
    screenshot(phone, "email-choices-phone")
