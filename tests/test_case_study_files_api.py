"""Documents and images of a case study over the API: multipart/form-data, the same checks as
the form (a PDF is a PDF, an image an image, at most 5 and 8), nothing left behind on refusal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from livinglab.accounts.models import Role
from livinglab.extensions import db
from livinglab.uploads.models import Attachment
from tests.test_case_studies import PDF, bearer, folder, write  # noqa: F401 - folder: fixture

# Files written by these tests go to a folder of their own (the fixture of test_case_studies).
pytestmark = pytest.mark.usefixtures("folder")


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def draft(login_as, db_read):
    member, author = login_as(Role.participant, "besancon")
    case_id = int(write(member).headers["Location"].rsplit("/", 1)[1])
    return case_id, bearer(db_read, author)


def upload(client, case_id: int, token: dict, **fields):
    data = {
        name: [(io.BytesIO(body), filename) for filename, body in files]
        for name, files in fields.items()
    }
    return client.post(
        f"/api/v1/case-studies/{case_id}/files",
        data=data,
        headers=token,
        content_type="multipart/form-data",
    )


def stored_files(db_read, app) -> tuple[int, int]:
    """Attachment rows, and files in the upload folder."""
    uploads = Path(app.config["UPLOAD_FOLDER"])
    rows = db_read(lambda: db.session.scalar(sa.select(sa.func.count(Attachment.id))))
    on_disk = len([p for p in uploads.rglob("*") if p.is_file()]) if uploads.exists() else 0
    return rows, on_disk


def test_the_author_adds_an_image_and_a_pdf_and_removes_the_image(
    draft, client, db_read, login_as, app
):
    case_id, token = draft
    response = upload(
        client, case_id, token, images=[("citadel.png", png())], documents=[("plan.pdf", PDF)]
    )
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    [image], [document] = data["images"], data["documents"]
    assert (image["name"], image["content_type"]) == ("citadel.png", "image/png")
    assert (document["name"], document["content_type"]) == ("plan.pdf", "application/pdf")
    # Shown on its page once published, as the form's files are.
    login_as(Role.city_rep, "besancon")[0].post(f"/case-studies/{case_id}/publish")
    page = client.get(f"/case-studies/{case_id}").get_data(as_text=True)
    assert image["url"] in page or f"/files/{image['id']}/" in page
    assert stored_files(db_read, app) == (2, 3)  # the image, its thumbnail, the PDF

    removed = client.delete(f"/api/v1/case-studies/{case_id}/files/{image['id']}", headers=token)
    assert removed.status_code == 200, removed.get_json()
    assert removed.get_json()["images"] == [] and len(removed.get_json()["documents"]) == 1
    assert stored_files(db_read, app) == (1, 1)
    again = client.delete(f"/api/v1/case-studies/{case_id}/files/{image['id']}", headers=token)
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"images": [("budget.pdf", PDF)]}, 400, "images"),
        ({"documents": [("notes.pdf", b"plain text, not a PDF")]}, 400, "documents"),
        ({"documents": [("photo.pdf", png())]}, 400, "documents"),
        # The second image is refused once the first is written: the first is deleted too.
        ({"images": [("ok.png", png()), ("bad.png", b"\x89PNG broken")]}, 400, "images"),
        ({"images": [(f"{n}.png", png()) for n in range(9)]}, 400, "images"),
        ({"photos": [("a.png", png())]}, 400, "photos"),
        ({}, 400, "documents"),
    ],
)
def test_refused_files_answer_on_their_field_and_leave_nothing(
    draft, client, db_read, app, fields, status, field
):
    case_id, token = draft
    response = upload(client, case_id, token, **fields)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"], error
    assert stored_files(db_read, app) == (0, 0)


def test_only_who_may_edit_it_adds_files_and_json_is_refused(
    draft, client, db_read, make_user, login_as, app
):
    case_id, token = draft
    as_json = client.post(f"/api/v1/case-studies/{case_id}/files", json={}, headers=token)
    assert as_json.status_code == 415
    other = bearer(db_read, make_user(Role.participant, "salamanca"))
    assert upload(client, case_id, other, images=[("a.png", png())]).status_code == 404  # a draft
    login_as(Role.city_rep, "besancon")[0].post(f"/case-studies/{case_id}/publish")
    refused = upload(client, case_id, other, images=[("a.png", png())])
    assert refused.status_code == 403
    assert upload(client, case_id, {}, images=[("a.png", png())]).status_code == 401
    assert stored_files(db_read, app) == (0, 0)


def test_the_document_describes_the_multipart_body(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/case-studies/{case_id}/files"]["post"]["requestBody"]["content"]
    properties = body["multipart/form-data"]["schema"]["properties"]
    assert set(properties) == {"documents", "images"}
    assert properties["images"]["items"] == {"type": "string", "format": "binary"}
    assert "delete" in doc["paths"]["/case-studies/{case_id}/files/{attachment_id}"]
