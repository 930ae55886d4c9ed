"""As a person would: an administrator reads the day in the audit log, filters it, exports it
and finds a member; a member downloads their data and deletes their account."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in


def test_an_admin_reads_filters_and_exports_the_audit_log(new_page):
    page = new_page()
    sign_in(page, "admin@demo.livinglab.eu", DEMO_PASSWORD)
    page.get_by_test_id("nav-admin").click()
    expect(page.get_by_test_id("admin-overview")).to_be_visible()
    page.get_by_role("link", name="Audit log").first.click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("Idea approved as a pilot")
    expect(table).to_contain_text("Pilot replicated")
    screenshot(page, "audit-log")

    page.get_by_label("Action").select_option(label="Member suspended")
    page.get_by_role("button", name="Filter").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Posted advertising under a challenge.")

    page.get_by_label("From (YYYY-MM-DD)").fill("yesterday")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#since-error")).to_contain_text("Write the date as YYYY-MM-DD")
    page.get_by_label("From (YYYY-MM-DD)").fill("")
    page.get_by_role("button", name="Filter").click()

    with page.expect_download() as download:
        page.get_by_test_id("audit-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("id,when_utc,actor_id")
    assert "member.suspended" in text and "decision.approved" not in text

    page.get_by_role("link", name="Members").first.click()
    page.get_by_label("Name or email").fill("Sara")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("member-table")).to_contain_text("Sara Conti")
    expect(page.get_by_test_id("member-table")).to_contain_text("Expert")
    screenshot(page, "admin-members")


def test_a_member_downloads_their_data_then_deletes_the_account(new_page):
    page = new_page()
    sign_in(page, "participant.salamanca@demo.livinglab.eu", DEMO_PASSWORD)
    page.goto("/profile")
    with page.expect_download() as download:
        page.get_by_test_id("export-data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "participant.salamanca@demo.livinglab.eu"
    assert data["records"]["vote"], "the vote of the demo day is in the export"

    page.get_by_test_id("delete-account").click()
    page.get_by_label("Your password").fill("not the password")
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator(".field-error")).to_contain_text("The password is not right.")
    screenshot(page, "delete-account-error")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.goto("/login")
    page.get_by_label("Email address").fill("participant.salamanca@demo.livinglab.eu")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field-error, .flash")).not_to_have_count(0)
