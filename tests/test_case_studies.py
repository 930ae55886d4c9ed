"""Case studies: written by a city's members, published by its representatives, adapted by
another city, found in the one library and the search, over HTML, JSON and open data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.casestudies.models import CaseAttachment, CaseStatus, CaseStudy, KnowledgeLink
from livinglab.casestudies.services import load as load_case
from livinglab.challenges.models import Challenge, Phase
from livinglab.extensions import db
from livinglab.notifications.models import Notification
from livinglab.uploads.models import Attachment
from tests.factories import make_challenge

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

FORM = {
    "title": "Sponsors' circles for the walls of Vauban",
    "summary": "Companies adopt a stretch of wall.",
    "problem": "Frost opens the joints.",
    "body": "Each circle funds a stretch for five years.",
    "site_name": "Citadelle de Besançon",
    "site_type": "building",
    "site_period": "17th century",
    "language": "en",
    "themes": ["financing", "conservation"],
    "model-financing-description": "Five-year sponsorships and a public subscription.",
    "model-financing-0-label": "Company sponsors",
    "model-financing-0-detail": "12 firms",
    "model-financing-0-amount": "150 000",
    "model-financing-1-label": "Public subscription",
    "model-financing-1-amount": "65000,50",
    "total_cost": "315000",
    "year_started": "2018",
    "indicator-0-name": "Wall in yearly care",
    "indicator-0-unit": "m",
    "indicator-0-before": "200",
    "indicator-0-after": "1450",
}


@pytest.fixture
def folder(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def pdf(name: str = "budget.pdf", data: bytes = PDF):
    return (io.BytesIO(data), name)


def write(client, **changes):
    data = {**FORM, **changes}
    return client.post("/case-studies/new", data=data, content_type="multipart/form-data")


def bearer(db_read, user) -> dict[str, str]:
    from livinglab.accounts.models import User
    from livinglab.accounts.tokens import issue

    token = db_read(lambda: issue(db.session.get(User, user.id), "tests")[0])
    return {"Authorization": f"Bearer {token}"}


def case_ids(db_read) -> list[int]:
    return db_read(lambda: list(db.session.scalars(sa.select(CaseStudy.id))))


def test_a_member_writes_a_draft_with_a_pdf_and_its_city_publishes_it(
    login_as, db_read, folder, client
):
    member, author = login_as(Role.participant, "besancon")
    response = write(member, documents=[pdf()])
    assert response.status_code == 302, response.get_data(as_text=True)
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])

    def stored():
        case = load_case(case_id)
        model = case.models[0]
        return (
            case.status,
            case.city.slug,
            case.author_id,
            model.kind,
            [(i.label, i.amount) for i in model.items],
            case.indicators[0].after,
            [link.attachment.kind for link in case.attachment_links],
        )

    assert db_read(stored) == (
        CaseStatus.draft,
        "besancon",
        author.id,
        "financing",
        [("Company sponsors", 150000.0), ("Public subscription", 65000.5)],
        1450.0,
        ["pdf"],
    )
    # A draft is not public, nor is its PDF.
    assert client.get(f"/case-studies/{case_id}").status_code == 404
    attachment = db_read(lambda: db.session.scalar(sa.select(CaseAttachment.attachment_id)))
    assert client.get(f"/files/{attachment}/budget.pdf").status_code == 404

    rep, rep_user = login_as(Role.city_rep, "besancon")
    member.post(f"/case-studies/{case_id}/submit")
    told = db_read(
        lambda: db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == rep_user.id, Notification.kind == "case_study_submitted"
            )
        )
    )
    assert told == 1
    assert b"Publish in the library" in rep.get(f"/case-studies/{case_id}").data
    assert rep.post(f"/case-studies/{case_id}/publish").status_code == 302
    page = client.get(f"/case-studies/{case_id}").get_data(as_text=True)
    assert "Company sponsors" in page and "150,000" in page and "budget.pdf" in page
    download = client.get(f"/files/{attachment}/budget.pdf")
    assert download.status_code == 200 and download.data == PDF
    download.close()  # a file response holds its file open until closed
    assert db_read(
        lambda: db.session.scalar(
            sa.select(AuditEntry.action).where(AuditEntry.action == "case_study.published")
        )
    )


def test_another_citys_representative_cannot_publish(login_as, db_read, folder, client):
    member, _ = login_as(Role.participant, "besancon")
    case_id = int(write(member).headers["Location"].rsplit("/", 1)[1])
    salamanca, rep = login_as(Role.city_rep, "salamanca")
    response = salamanca.post(f"/case-studies/{case_id}/publish")
    assert response.status_code == 404  # another city's draft is not even visible
    # Submitted, then published: still not another city's to publish or change (403).
    member.post(f"/case-studies/{case_id}/submit")
    own, _ = login_as(Role.city_rep, "besancon")
    own.post(f"/case-studies/{case_id}/publish")
    api = client.patch(
        f"/api/v1/case-studies/{case_id}",
        json={"status": "published"},
        headers=bearer(db_read, rep),
    )
    assert api.status_code == 403, api.get_json()
    assert api.get_json()["error"]["code"] == "forbidden"


def test_policy_refuses_another_citys_representative_with_403(app, make_user, db_read):
    from livinglab import policy

    case = CaseStudy(city_id=5, author_id=None, status=CaseStatus.submitted)
    rep = make_user(Role.city_rep, "salamanca")
    verdict = policy.can_publish_case_study(rep, case)
    assert not verdict and verdict.status == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"documents": [pdf("plan.pdf", b"\x89PNG\r\n\x1a\n fake")]}, "documents"),
        ({"documents": [pdf("notes.pdf", b"plain text, not a PDF")]}, "documents"),
        ({"images": [pdf("budget.pdf")]}, "images"),
        ({"site_type": "castle-in-the-air"}, "site_type"),
        ({"model-financing-description": ""}, "model-financing-description"),
        ({"model-financing-0-amount": "lots"}, "model-financing-0-amount"),
        ({"model-financing-0-amount": "-5"}, "model-financing-0-amount"),
        ({"themes": []}, "themes"),
        ({"year_started": "1789"}, "year_started"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    login_as, db_read, folder, changes, field
):
    member, _ = login_as(Role.participant, "besancon")
    response = write(member, **changes)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert case_ids(db_read) == []
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Attachment.id)))) == 0


def test_a_representative_of_another_city_adapts_it_into_a_challenge(
    login_as, db_read, folder, client
):
    member, author = login_as(Role.participant, "besancon")
    case_id = int(write(member).headers["Location"].rsplit("/", 1)[1])
    own, _ = login_as(Role.city_rep, "besancon")
    salamanca, rep = login_as(Role.city_rep, "salamanca")
    assert salamanca.get(f"/case-studies/{case_id}/adapt").status_code == 404  # a draft
    own.post(f"/case-studies/{case_id}/publish")
    assert own.get(f"/case-studies/{case_id}/adapt").status_code == 403  # its own city
    form = salamanca.get(f"/case-studies/{case_id}/adapt").get_data(as_text=True)
    assert "Sponsors&#39; circles for the walls of Vauban" in form
    response = salamanca.post(
        f"/case-studies/{case_id}/adapt",
        data={
            "title": "Sponsors for the walls of the old town",
            "summary": "Adopt a stretch of Salamanca's walls.",
            "body": "As in Besançon.",
            "language": "es",
            "themes": ["financing"],
            "lead_city": "salamanca",
            "votes_per_member": "3",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    challenge_id = int(response.headers["Location"].rsplit("/", 1)[1])

    def stored():
        link = db.session.scalar(sa.select(KnowledgeLink).options(selectinload(KnowledgeLink.city)))
        challenge = db.session.get(Challenge, challenge_id)
        return (
            (link.case_study_id, link.target_type, link.target_id, link.relation),
            link.city.slug,
            challenge.lead_city_id == rep.city_id,
            challenge.phase,
        )

    assert db_read(stored) == (
        (case_id, "challenge", challenge_id, "adapted"),
        "salamanca",
        True,
        Phase.proposed,
    )
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(Notification.kind)
                .where(Notification.user_id == author.id)
                .order_by(Notification.id.desc())
            )
        )
        == "case_study_adapted"
    )
    # The link shows once the challenge is public.
    salamanca.post(f"/challenges/{challenge_id}/phase/open")
    page = client.get(f"/case-studies/{case_id}").get_data(as_text=True)
    assert "Sponsors for the walls of the old town" in page and "Adapted in Salamanca" in page


def test_a_refused_adaptation_leaves_no_link_and_no_challenge(login_as, db_read, folder):
    member, _ = login_as(Role.participant, "besancon")
    case_id = int(write(member).headers["Location"].rsplit("/", 1)[1])
    login_as(Role.city_rep, "besancon")[0].post(f"/case-studies/{case_id}/publish")
    salamanca, _ = login_as(Role.city_rep, "salamanca")
    response = salamanca.post(
        f"/case-studies/{case_id}/adapt",
        data={"title": "", "summary": "", "body": "", "lead_city": "salamanca"},
    )
    assert response.status_code == 400
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(KnowledgeLink.id)))) == 0
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Challenge.id)))) == 0


def test_inspired_links_need_a_public_target(login_as, db_read, folder):
    member, _ = login_as(Role.participant, "pavia")
    case_id = int(write(member).headers["Location"].rsplit("/", 1)[1])
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(f"/case-studies/{case_id}/publish")
    hidden = db_read(lambda: make_challenge("turku", phase=Phase.proposed))
    public = db_read(lambda: make_challenge("turku", title="Shipyard residencies"))
    turku, _ = login_as(Role.city_rep, "turku")
    turku.post(
        f"/case-studies/{case_id}/links", data={"target_type": "challenge", "target_id": hidden}
    )
    turku.post(
        f"/case-studies/{case_id}/links", data={"target_type": "galaxy", "target_id": public}
    )
    turku.post(
        f"/case-studies/{case_id}/links", data={"target_type": "challenge", "target_id": public}
    )
    again = turku.post(
        f"/case-studies/{case_id}/links", data={"target_type": "challenge", "target_id": public}
    )
    assert again.status_code == 302
    links = db_read(
        lambda: [
            (k.target_id, k.relation, k.city_id)
            for k in db.session.scalars(sa.select(KnowledgeLink))
        ]
    )
    assert [(target, relation) for target, relation, _ in links] == [(public, "inspired")]


def test_the_library_shows_case_studies_and_good_practices_with_the_same_filters(
    login_as, client, folder
):
    member, _ = login_as(Role.participant, "hildesheim")
    case_id = int(
        write(
            member,
            title="A reclaimed-oak market",
            site_type="historic-centre",
            **{"model-financing-description": "", "model-financing-0-label": "",
               "model-financing-0-detail": "", "model-financing-0-amount": "",
               "model-financing-1-label": "", "model-financing-1-amount": "",
               "model-circular-business-description": "Beams graded and sold on.",
               "model-circular-business-0-label": "Sales of graded beams"},
        ).headers["Location"].rsplit("/", 1)[1]
    )  # fmt: skip
    assert b"A reclaimed-oak market" not in client.get("/good-practices").data  # a draft
    login_as(Role.city_rep, "hildesheim")[0].post(f"/case-studies/{case_id}/publish")
    shown = {
        "/good-practices": True,
        "/good-practices?model=circular-business": True,
        "/good-practices?model=financing": False,
        "/good-practices?kind=practice": False,
        "/good-practices?kind=case_study&city=hildesheim": True,
        "/good-practices?city=pavia": False,
        "/good-practices?site_type=historic-centre": True,
        "/good-practices?site_type=museum": False,
        "/good-practices?q=oak": True,
        "/good-practices?q=frescoes": False,
        "/search?q=reclaimed": True,
    }
    for path, expected in shown.items():
        page = client.get(path)
        assert page.status_code == 200, path
        assert (b"A reclaimed-oak market" in page.data) is expected, path


def test_the_api_writes_reads_and_publishes(make_user, client, db_read, folder):
    author = bearer(db_read, make_user(Role.participant, "coimbra"))
    body = {
        "title": "The azulejo bank",
        "summary": "Salvaged tiles sold at cost.",
        "problem": "Broken tiles.",
        "body": "A tile bank.",
        "site": {"name": "Alta", "type": "historic-centre", "period": "17th century"},
        "themes": ["circular-business"],
        "models": [
            {
                "kind": "circular-business",
                "description": "Salvage and sale.",
                "items": [{"label": "Tile sales", "amount": 18000}],
            }
        ],
        "total_cost": 48000,
    }
    created = client.post("/api/v1/case-studies", json=body, headers=author)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert (data["status"], data["city"], data["models"][0]["items"][0]["amount"]) == (
        "draft",
        "coimbra",
        18000.0,
    )
    case_id = data["id"]
    assert client.get(f"/api/v1/case-studies/{case_id}").status_code == 404
    wrong = client.post(
        "/api/v1/case-studies", json={**body, "site": {"name": "A", "type": "x"}}, headers=author
    )
    assert wrong.status_code == 400 and "site_type" in wrong.get_json()["error"]["fields"]
    changed = client.patch(
        f"/api/v1/case-studies/{case_id}", json={"lessons": "Catalogue first."}, headers=author
    )
    assert changed.status_code == 200 and changed.get_json()["lessons"] == "Catalogue first."
    assert changed.get_json()["models"][0]["items"][0]["label"] == "Tile sales"  # kept
    rep = bearer(db_read, make_user(Role.city_rep, "coimbra"))
    published = client.patch(
        f"/api/v1/case-studies/{case_id}", json={"status": "published"}, headers=rep
    )
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    listing = client.get("/api/v1/case-studies?model=circular-business").get_json()
    assert [c["id"] for c in listing["items"]] == [case_id]
    assert client.get("/api/v1/case-studies?model=governance").get_json()["total"] == 0
    export = client.get("/api/v1/export/case-studies.json").get_json()
    assert [(c["id"], c["city"], c["models"]) for c in export["items"]] == [
        (case_id, "coimbra", "circular-business")
    ]
    assert "contacts" not in export["items"][0] and "author" not in str(export["items"][0])
    assert b"The azulejo bank" in client.get("/api/v1/export/case-studies.csv").data


def test_a_case_study_inspired_by_another_says_so(login_as, client, folder):
    member, _ = login_as(Role.participant, "pavia")
    first = int(write(member, title="The first").headers["Location"].rsplit("/", 1)[1])
    second = int(write(member, title="The second").headers["Location"].rsplit("/", 1)[1])
    rep, _ = login_as(Role.city_rep, "pavia")
    for case_id in (first, second):
        rep.post(f"/case-studies/{case_id}/publish")
    turku, _ = login_as(Role.city_rep, "turku")
    turku.post(
        f"/case-studies/{first}/links", data={"target_type": "case_study", "target_id": second}
    )
    page = client.get(f"/case-studies/{second}").get_data(as_text=True)
    assert 'data-testid="inspired-by"' in page and "The first" in page.split("inspired-by")[1]
    assert b'data-testid="inspired-by"' not in client.get(f"/case-studies/{first}").data
