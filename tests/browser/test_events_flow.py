"""Issue 18 as people would live it: Pavia creates a three-day workshop co-hosted by Coimbra
(after being told what was wrong in a first try), with its agenda — sessions with speakers,
members and guests, and the challenge a session is about; Turku may not touch it; Coimbra
registers a delegation of three; a Turku student lands on the waiting list, gets the seat a
delegate frees (and a notification), and finds the event at the right local times in their
personal calendar; Pavia checks people in on a phone, links the challenge born at the workshop
in the minutes, with a photo, and reads the participation figures by city."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import confirm, screenshot, sign_in, wait_for_live
from tests.test_meetings import _png

DEMO = "@demo.livinglab.eu"
TITLE = "Workshop: circular reuse of heritage buildings"
CHALLENGE = "A repair café in the Broletto"
STUDENT = "elias.student@example.fi"
STUDENT_PASSWORD = "turun-linna-1280"
STUDY_VISIT = "Study visit: students guiding the Alta and Sofia heritage site"
STABLES = "A second life for the stables of the Visconti Castle"
PHONE = (375, 812)


PNG = _png().getvalue()


def workshop_days() -> list[date]:
    first = (datetime.now(ZoneInfo("Europe/Rome")) + timedelta(days=12)).date()
    return [first + timedelta(days=n) for n in range(3)]


def no_sideways_scroll(page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways at {width}px ({scrolled}px)"


def both_widths(new_page, path: str, name: str, email: str | None = None) -> None:
    for (width, height), suffix in (((1280, 900), "desktop"), (PHONE, "phone")):
        page = new_page(width=width, height=height)
        if email:
            sign_in(page, email, DEMO_PASSWORD)
        page.goto(path)
        no_sideways_scroll(page, width)
        screenshot(page, f"events-{name}-{suffix}")


def test_a_twinning_workshop_from_creation_to_its_figures(new_page):
    days = workshop_days()

    # Pavia creates the workshop, co-hosted by Coimbra, and its three-day agenda.
    pavia = new_page()
    sign_in(pavia, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    pavia.goto("/events")
    pavia.get_by_role("link", name="New event").click()
    form = pavia.get_by_test_id("event-form")
    # A first try with the end before the start and a link that is no web address: each
    # problem is said at its field, what was typed stays, nothing is created.
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Description").fill("Three days.")
    form.get_by_label("Starts").fill(f"{days[2].isoformat()}T09:30")
    form.get_by_label("Ends").fill(f"{days[0].isoformat()}T17:00")
    form.get_by_label("Venue").fill("Broletto")
    form.get_by_label("Online link (shown to registered participants only)").fill(
        "ftp://files.example.org/workshop"
    )
    form.get_by_role("button", name="Create the event").click()
    expect(pavia.locator("#ends_at-error")).to_have_text("The end must come after the start.")
    expect(pavia.locator("#online_url-error")).to_contain_text("https://")
    expect(form.get_by_label("Title")).to_have_value(TITLE)
    form.get_by_label("Online link (shown to registered participants only)").fill("")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Kind").select_option(label="Workshop")
    form.get_by_label("Description").fill("Three days to plan **circular reuse** with students.")
    form.get_by_label("Host city (where it takes place)").select_option(label="Pavia")
    form.get_by_label("Coimbra").check()
    form.get_by_label("Time zone of the times below").select_option("Europe/Rome")
    form.get_by_label("Starts").fill(f"{days[0].isoformat()}T09:30")
    form.get_by_label("Ends").fill(f"{days[2].isoformat()}T17:00")
    form.get_by_label("Venue").fill("Broletto")
    form.get_by_label("Address").fill("Piazza della Vittoria, Pavia")
    form.get_by_label("Seats (empty: no limit)").fill("3")
    form.get_by_role("button", name="Create the event").click()
    expect(pavia.get_by_role("heading", name=TITLE)).to_be_visible()
    event_url = pavia.url
    event_path = event_url.split("://", 1)[1].split("/", 1)[1]
    pavia.get_by_test_id("manage-agenda").click()
    agenda = pavia.get_by_test_id("agenda-form")
    # A session outside the event's days is refused at its field, nothing added.
    agenda.get_by_label("Session").fill("Too late")
    agenda.get_by_label("Starts (local time)").fill(
        f"{(days[2] + timedelta(days=1)).isoformat()}T09:00"
    )
    agenda.get_by_label("Ends (local time)").fill(
        f"{(days[2] + timedelta(days=1)).isoformat()}T10:00"
    )
    agenda.get_by_role("button", name="Add to the agenda").click()
    expect(pavia.locator("#starts_at-error")).to_contain_text("within the event's times")
    expect(agenda.get_by_label("Session")).to_have_value("Too late")
    sessions = (
        ("09:30", "12:30", "Visit of the Broletto", [], "", [STABLES]),
        ("10:00", "13:00", "Good practices from Coimbra", ["Rita Santos"], "Prof. Ana Lima", []),
        ("14:00", "17:00", "Co-design of the repair café", [], "", []),
    )
    for day, (begin, end, session, members, guests, challenges) in zip(days, sessions, strict=True):
        agenda = pavia.get_by_test_id("agenda-form")
        agenda.get_by_label("Session").fill(session)
        agenda.get_by_label("Starts (local time)").fill(f"{day.isoformat()}T{begin}")
        agenda.get_by_label("Ends (local time)").fill(f"{day.isoformat()}T{end}")
        agenda.get_by_label("Room").fill("Sala del Broletto")
        if members:
            agenda.get_by_label("Members, by name").select_option(label=members)
        agenda.get_by_label("Speakers without an account (one name per line)").fill(guests)
        if challenges:
            agenda.get_by_label("Challenges").select_option(label=challenges)
        agenda.get_by_role("button", name="Add to the agenda").click()
        expect(pavia.get_by_text("The session is added to the agenda.")).to_be_visible()
    screenshot(pavia, "events-agenda-form-desktop")
    pavia.goto(event_url)
    expect(pavia.get_by_test_id("agenda")).to_have_count(3)  # one list per day
    expect(pavia.get_by_test_id("speakers")).to_have_text("Speakers: Rita Santos, Prof. Ana Lima")
    expect(pavia.get_by_test_id("session-links")).to_contain_text(STABLES)

    # Another city's representative may not change it.
    turku = new_page()
    sign_in(turku, f"cityrep.turku{DEMO}", DEMO_PASSWORD)
    assert turku.goto(event_url + "/edit").status == 403
    assert turku.goto(event_url + "/agenda").status == 403

    # Coimbra registers its delegation of three: two members and a guest.
    coimbra = new_page()
    sign_in(coimbra, f"cityrep.coimbra{DEMO}", DEMO_PASSWORD)
    coimbra.goto(event_url)
    coimbra.get_by_test_id("delegation-link").click()
    delegation = coimbra.get_by_test_id("delegation-form")
    delegation.get_by_label("Inês Costa").check()
    delegation.get_by_label("João Almeida").check()
    delegation.get_by_label("Guests without an account (one name per line)").fill("Ana Guerra")
    delegation.get_by_role("button", name="Register the delegation").click()
    expect(coimbra.get_by_text("3 people registered for Coimbra.")).to_be_visible()
    expect(coimbra.get_by_test_id("delegation").locator("li")).to_have_count(3)

    # A Turku student joins the platform, registers, and lands on the waiting list.
    student = new_page()
    student.goto("/register")
    student.get_by_label("Email address").fill(STUDENT)
    student.get_by_label("Name shown to others").fill("Elias Laine")
    student.get_by_label("Password", exact=True).fill(STUDENT_PASSWORD)
    student.get_by_label("Repeat the password").fill(STUDENT_PASSWORD)
    student.get_by_label("Partner city").select_option(label="Turku (Finland)")
    student.get_by_label("I am", exact=True).select_option(label="Student")
    student.get_by_label("I have read and accept the terms of use and the privacy notice.").check()
    student.get_by_role("button", name="Create my account").click()
    student.goto(event_url)
    expect(
        student.get_by_text("The event is full: registering puts you on the waiting list.")
    ).to_be_visible()
    student.get_by_role("button", name="Register").click()
    expect(student.get_by_text("you are on the waiting list, in position 1")).to_be_visible()
    expect(student.get_by_test_id("my-status")).to_have_text("On the waiting list, position 1")

    # A delegate cancels: the student gets the seat and is told.
    ines = new_page()
    sign_in(ines, f"participant.coimbra{DEMO}", DEMO_PASSWORD)
    ines.goto(event_url)
    ines.get_by_test_id("cancel-registration").click()
    expect(ines.get_by_text("Your registration is cancelled.")).to_be_visible()
    student.goto("/notifications/")
    expect(
        student.get_by_text(f"A seat became free: you are now registered for “{TITLE}”.")
    ).to_be_visible()
    student.goto(event_url)
    expect(student.get_by_test_id("my-status")).to_have_text("You are registered")

    # The personal calendar has the workshop at Pavia's local times.
    student.goto("/events/mine")
    student.get_by_role("button", name="Make my calendar address").click()
    feed_url = student.get_by_test_id("feed-url").input_value()
    feed = student.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    body = feed.body()
    compact = days[0].isoformat().replace("-", "")
    assert f"DTSTART;TZID=Europe/Rome:{compact}T093000".encode() in body
    assert f"DTEND;TZID=Europe/Rome:{days[2].isoformat().replace('-', '')}T170000".encode() in body
    [event] = list(Calendar.from_ical(body).walk("VEVENT"))
    assert str(event["summary"]) == TITLE
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 30, "Europe/Rome")
    assert student.request.get(feed_url.replace("key=", "key=x")).status == 404

    # On the day: check-in on a phone, searching by name.
    door = new_page(width=PHONE[0], height=PHONE[1])
    sign_in(door, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    door.goto(event_url + "/check-in")
    expect(door.get_by_test_id("present-count")).to_contain_text("0")
    for name in ("João", "Elias", "Ana"):
        door.get_by_label("Search by name").fill(name)
        door.get_by_role("button", name="Search").click()
        door.get_by_role("button", name="Check in").first.click()
        expect(door.get_by_text("is checked in.")).to_be_visible()
    door.goto(event_url + "/check-in")
    expect(door.get_by_test_id("present-count")).to_contain_text("3")
    no_sideways_scroll(door, 375)
    screenshot(door, "events-check-in-phone")

    # After: a challenge is born at the workshop, and the minutes link it.
    pavia.goto("/challenges/new")
    pavia.get_by_label("Title").fill(CHALLENGE)
    pavia.get_by_label("Summary").fill("Students repair, residents learn, objects live longer.")
    pavia.get_by_label("The challenge in full").fill("Born at the circular reuse workshop.")
    pavia.get_by_label("Sustainable reuse").check()
    pavia.get_by_label("Language of the text").select_option(label="English")
    pavia.get_by_role("button", name="Send the proposal").click()
    pavia.get_by_role("button", name="Publish: open for ideas").click()
    confirm(pavia)
    expect(pavia.get_by_test_id("challenge-phase")).to_have_text("Open for ideas")
    pavia.goto(event_url)
    pavia.get_by_text("Write the minutes").click()
    pavia.get_by_label("Minutes (Markdown)").fill(
        "## Decisions\n\nA **repair café** opens in the Broletto."
    )
    pavia.get_by_label("Attachments and photos").set_input_files(
        files=[{"name": "workshop.png", "mimeType": "image/png", "buffer": PNG}]
    )
    pavia.get_by_role("button", name="Save the minutes").click()
    expect(pavia.get_by_test_id("minutes")).to_contain_text("A repair café opens in the Broletto.")
    photo = pavia.get_by_test_id("photos").get_by_role("img", name="workshop.png")
    expect(photo).to_be_visible()
    assert photo.get_attribute("src").startswith("/files/"), "the uploads' one route"
    pavia.get_by_label("Link a challenge or an idea created at the event").select_option(
        label=f"Challenge: {CHALLENGE}"
    )
    pavia.get_by_test_id("outcome-form").get_by_role("button", name="Link").click()
    expect(pavia.get_by_test_id("outcomes")).to_contain_text(CHALLENGE)

    # The figures by city: Coimbra 2 registered and present, Turku 1 and 1; all from abroad.
    visitor = new_page()
    visitor.goto(event_url)
    rows = visitor.get_by_test_id("figures-by-city").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text("Coimbra22")
    expect(rows.nth(1)).to_have_text("Turku11")
    expect(visitor.get_by_test_id("figures-totals")).to_contain_text("From abroad33")
    expect(visitor.get_by_test_id("outcomes")).to_contain_text(CHALLENGE)
    csv = visitor.request.get(event_url + "/figures.csv").text()
    assert "city,coimbra,2,2" in csv and "city,turku,1,1" in csv

    # What the pages look like, at a desk and on a phone.
    both_widths(new_page, "/events", "list")
    both_widths(new_page, event_path, "page")
    both_widths(new_page, event_path + "/delegation", "delegation", f"cityrep.coimbra{DEMO}")
    for (width, height), suffix in (((1280, 900), "desktop"), (PHONE, "phone")):
        member = new_page(width=width, height=height)
        sign_in(member, f"participant.iasi{DEMO}", DEMO_PASSWORD)
        member.goto("/events")
        member.get_by_role("link", name=STUDY_VISIT).click()
        member.get_by_text("Questions for the organisers (optional)").click()
        expect(member.get_by_label("Dietary needs")).to_be_visible()
        no_sideways_scroll(member, width)
        screenshot(member, f"events-register-{suffix}")
    both_widths(new_page, event_path + "/check-in", "check-in", f"cityrep.pavia{DEMO}")
    both_widths(new_page, event_path + "/agenda", "agenda-form", f"cityrep.pavia{DEMO}")
    both_widths(new_page, event_path, "page-organiser", f"cityrep.pavia{DEMO}")


def test_the_2022_twinning_event_is_the_record_of_the_demo(new_page):
    page = new_page()
    page.goto("/events?when=past")
    page.get_by_role("link", name="CultCities twinning event in Pavia").click()
    expect(page.get_by_test_id("event-when")).to_contain_text("2022")
    expect(page.get_by_test_id("agenda")).to_have_count(4)  # four days
    expect(page.get_by_test_id("minutes")).to_contain_text("Friendship Agreement")
    expect(page.get_by_test_id("figures-by-city").locator("tbody tr")).to_have_count(8)
    expect(page.get_by_test_id("registration-closed")).to_have_text("This event took place.")
    expect(page.get_by_test_id("speakers").filter(has_text="Elena Ferri")).to_have_text(
        "Speakers: Elena Ferri, Rita Santos"
    )
    screenshot(page, "events-twinning-2022")
    page.goto("/")
    expect(page.get_by_test_id("upcoming-events").locator(".event-card")).to_have_count(3)


def test_event_pages_meet_no_policy_violation_and_hear_changes_live(browser, live_server):
    """The event pages under the strict CSP (inline QR codes, events.js, the live room), at a
    desk and on a phone; a seat taken elsewhere reaches an open event page at once."""
    from tests.browser.test_csp import VIEWPORTS, Watch

    watch = Watch()
    contexts = []

    def open_page(size: str):
        width, height = VIEWPORTS[size]
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        watch.attach(context)
        contexts.append(context)
        return watch.page(context.new_page())

    try:
        for size in VIEWPORTS:
            organiser = open_page(size)
            sign_in(organiser, f"cityrep.coimbra{DEMO}", DEMO_PASSWORD)
            organiser.goto("/events")
            organiser.get_by_role("link", name=STUDY_VISIT).click()
            event_url = organiser.url
            for path in ("/edit", "/agenda", "/check-in", "/delegation"):
                assert organiser.goto(event_url + path).status == 200, path
            assert organiser.goto("/events/new").status == 200
            assert organiser.goto("/events/mine").status == 200
            organiser.goto(event_url)
            wait_for_live(organiser)
            seats = organiser.get_by_test_id("seats-taken")
            before = int(seats.inner_text())

            member = open_page(size)
            sign_in(
                member,
                f"participant.{'salamanca' if size == 'desktop' else 'hildesheim'}{DEMO}",
                DEMO_PASSWORD,
            )
            member.goto(event_url)
            member.get_by_role("button", name="Register").click()
            member.get_by_role("link", name="My check-in code").click()
            expect(member.locator("svg.qr")).to_be_visible()
            # The organiser's open page counts the new seat without a reload.
            expect(seats).to_have_text(str(before + 1))
            expect(organiser.locator("[data-live-note]")).to_be_visible()
        assert watch.violations == [] and watch.console == [], (watch.violations, watch.console)
    finally:
        for context in contexts:
            context.close()
