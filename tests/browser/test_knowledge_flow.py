"""Issue 19 as people would live it: a Besançon member shares a financing practice with its
PDF, Besançon's representative publishes it, Salamanca's adapts it into a Salamanca
challenge; the statistics show the link between the two cities; the quarter's report comes
out as a spreadsheet and a PDF with the right figures; and no small group's age or gender is
shown. Screenshots of the library, the case study, the dashboard and the report, at desktop
and phone widths."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in

DEMO = "@demo.livinglab.eu"
TITLE = "Heritage bonds for the Battant quarter"
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def no_csp_errors(page: Page, errors: list[str]) -> None:
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )


def write_case_study(page: Page) -> str:
    page.goto("/good-practices")
    page.get_by_role("link", name="Share a practice of your city").click()
    form = page.get_by_test_id("case-study-form")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Summary").fill("Residents buy small bonds that pay for façade repairs.")
    form.get_by_label("Name of the site").fill("Battant quarter")
    form.get_by_label("Type of site").select_option("historic-centre")
    form.get_by_label("Period", exact=True).fill("16th–18th century")
    form.get_by_label("The problem").fill("Façades crumble faster than owners can pay.")
    form.get_by_label("What was done").fill("The city issued heritage bonds to residents.")
    form.get_by_label("Financing", exact=True).check()
    financing = page.get_by_test_id("model-financing")
    financing.get_by_label("How it worked").fill("Bonds at 2 % over ten years, city-backed.")
    financing.get_by_label("Funding source 1").fill("Residents' bonds")
    financing.get_by_label("Amount (€)").first.fill("240000")
    form.get_by_label("Documents (PDF)").set_input_files(
        {"name": "bond-prospectus.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Draft")
    page.get_by_role("button", name="Ask for publication").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Waiting for publication")
    return page.url


def test_a_practice_travels_from_besancon_to_salamanca_and_into_the_figures(new_page):
    errors: list[str] = []
    member = new_page()
    no_csp_errors(member, errors)
    sign_in(member, f"participant.besancon{DEMO}", DEMO_PASSWORD)
    case_url = write_case_study(member)
    expect(member.get_by_test_id("documents")).to_contain_text("bond-prospectus.pdf")

    # Besançon's representative finds it waiting and publishes it.
    besancon = new_page()
    no_csp_errors(besancon, errors)
    sign_in(besancon, f"cityrep.besancon{DEMO}", DEMO_PASSWORD)
    besancon.goto("/case-studies/drafts")
    besancon.get_by_test_id("drafts").get_by_role("link", name=TITLE).click()
    besancon.get_by_role("button", name="Publish in the library").click()
    expect(besancon.get_by_test_id("case-status")).to_have_text("Published")

    # Salamanca's representative finds it in the library by its model and adapts it.
    salamanca = new_page()
    no_csp_errors(salamanca, errors)
    sign_in(salamanca, f"cityrep.salamanca{DEMO}", DEMO_PASSWORD)
    salamanca.goto("/good-practices")
    filters = salamanca.get_by_test_id("library-filters")
    filters.get_by_label("Model").select_option("financing")
    filters.get_by_label("City").select_option("besancon")
    filters.get_by_role("button", name="Show").click()
    salamanca.get_by_role("link", name=TITLE).click()
    salamanca.get_by_role("link", name="Adapt this in Salamanca").click()
    adapt = salamanca.get_by_test_id("adapt-form")
    expect(adapt.get_by_label("Title")).to_have_value(TITLE)
    adapt.get_by_label("Title").fill("Heritage bonds for the Barrio del Oeste")
    adapt.get_by_role("button", name="Propose the challenge").click()
    expect(salamanca.get_by_test_id("challenge-phase")).to_have_text("Proposed")
    salamanca.get_by_role("button", name="Publish: open for ideas").click()
    expect(salamanca.get_by_test_id("challenge-phase")).to_have_text("Open for ideas")

    visitor = new_page()
    no_csp_errors(visitor, errors)
    visitor.goto(case_url)
    expect(visitor.get_by_test_id("inspired")).to_contain_text(
        "Adapted in Salamanca as: Heritage bonds for the Barrio del Oeste"
    )

    # The dashboard: the matrix has the link from Besançon to Salamanca.
    visitor.goto("/stats")
    cell = visitor.get_by_test_id("matrix-besancon-salamanca")
    expect(cell).to_contain_text("1 case study adapted or inspiring")
    expect(cell.locator("strong")).to_have_text("1")
    # No age band or gender of fewer than five people: every number shown is 0 or 5 and more.
    for table in ("ages-table", "genders-table"):
        for text in visitor.get_by_test_id(table).locator("td").all_inner_texts():
            value = text.strip()
            assert value in ("<5", "…") or value == "0" or int(value) >= 5, (table, value)

    # The quarter's report, for Besançon: the page, the spreadsheet and the PDF.
    besancon.goto("/reports/")
    besancon.get_by_label("Cities").select_option("besancon")
    besancon.get_by_test_id("preset-1").click()  # this quarter
    expect(besancon.get_by_test_id("report-title")).to_contain_text("Besançon")
    expect(besancon.get_by_test_id("list-case-studies")).to_contain_text(TITLE)
    expect(besancon.get_by_test_id("list-replications")).to_contain_text("Besançon → Salamanca")
    with besancon.expect_download() as download:
        besancon.get_by_test_id("download-xlsx").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    published = [row[0] for row in book["Case studies published"].iter_rows(values_only=True)]
    assert TITLE in published
    moved = list(book["Replications and adaptations"].iter_rows(values_only=True))[-1]
    assert moved[:4] == (TITLE, "Case study adapted as a challenge", "Besançon", "Salamanca")
    with besancon.expect_download() as download:
        besancon.get_by_test_id("download-pdf").click()
    pdf = download.value.path().read_bytes()
    # Its text is checked in tests/test_reports.py (laid out by WeasyPrint, read back).
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 5000

    assert not errors, errors
    for width, suffix in ((1280, ""), (375, "-phone")):
        page = new_page(width=width)
        sign_in(page, f"cityrep.besancon{DEMO}", DEMO_PASSWORD)
        for path, name in (
            ("/good-practices", "library"),
            (case_url, "case-study"),
            ("/stats", "dashboard"),
            (besancon.url, "report"),
        ):
            page.goto(path)
            screenshot(page, f"knowledge-{name}{suffix}")
