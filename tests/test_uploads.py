"""Uploads: the type judged by content, metadata stripped, bombs refused, files served safely."""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.uploads import services
from livinglab.uploads.models import Attachment
from livinglab.uploads.views import attachment_url

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
KEY = re.compile(r"[0-9a-f]{32}\.(png|jpg|webp|pdf)")
SANDBOX = "default-src 'none'; frame-ancestors 'none'; sandbox"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def folder(app, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(path))
    return path


def upload(data: bytes, name: str = "file", content_type: str = "application/octet-stream"):
    return FileStorage(BytesIO(data), filename=name, content_type=content_type)


def image_bytes(fmt: str, size=(64, 48), mode: str = "RGB", color=(200, 30, 30), **save) -> bytes:
    out = BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def stored(attachment: Attachment, thumb: bool = False) -> bytes:
    return services.file_path(attachment, thumb=thumb).read_bytes()


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def png_declaring(width: int, height: int) -> bytes:
    """A real 1-bit PNG of zeros: a few KB on disk, width x height pixels once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = bytes(1 + (width + 7) // 8)  # filter byte, then the packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def refused(data: bytes, name: str = "file", content_type: str = "application/octet-stream"):
    with pytest.raises(Invalid) as caught:
        services.store_upload(upload(data, name, content_type), None)
    return caught.value


@pytest.fixture
def save(app, folder):
    """Stores and commits an upload in its own context, returns the row detached."""

    def store(data: bytes, name: str = "file", uploader_id: int | None = None) -> Attachment:
        with app.test_request_context():
            attachment = services.store_upload(upload(data, name), uploader_id)
            db.session.commit()
            db.session.refresh(attachment)
            db.session.expunge(attachment)
            return attachment

    return store


# -- accepted files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "marker_option", "content_type"),
    [
        ("PNG", "pnginfo", "image/png"),
        ("JPEG", "comment", "image/jpeg"),
        ("WEBP", "xmp", "image/webp"),
    ],
)
def test_images_are_accepted_and_re_encoded(ctx, folder, fmt, marker_option, content_type):
    marker = b"secret-marker-in-metadata"
    if marker_option == "pnginfo":
        info = PngInfo()
        info.add_text("Comment", marker.decode())
        original = image_bytes(fmt, pnginfo=info)
    else:
        original = image_bytes(fmt, **{marker_option: marker})
    assert marker in original

    attachment = services.store_upload(upload(original, "Photo.bin", "text/plain"), None)

    assert attachment in db.session.new  # added, not committed: the caller commits
    assert attachment.kind == "image" and attachment.is_image
    assert attachment.content_type == content_type
    assert (attachment.width, attachment.height) == (64, 48)
    data = stored(attachment)
    assert data != original and marker not in data
    assert attachment.size_bytes == len(data)
    assert opened(data).format == fmt
    assert opened(data).size == (64, 48)
    assert KEY.fullmatch(attachment.storage_key)


def test_png_transparency_survives(ctx, folder):
    attachment = services.store_upload(
        upload(image_bytes("PNG", mode="RGBA", color=(10, 20, 30, 0)), "clear.png"), None
    )
    image = opened(stored(attachment))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0


def test_exif_and_gps_are_removed(ctx, folder):
    exif = Image.Exif()
    exif[0x013B] = "Artist secret"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (45.0, 11.0, 9.5), 3: "E", 4: (9.0, 9.0, 1.0), 0x12: "WGS-84"})
    original = image_bytes("JPEG", exif=exif)
    assert opened(original).getexif().get_ifd(GPS_IFD)
    assert b"WGS-84" in original

    attachment = services.store_upload(upload(original, "where.jpg", "image/jpeg"), None)

    for data in (stored(attachment), stored(attachment, thumb=True)):
        image = opened(data)
        assert not image.getexif()
        assert "exif" not in image.info
        for leak in (b"Exif", b"GPS", b"WGS-84", b"Artist secret"):
            assert leak not in data


def test_orientation_is_applied_before_exif_is_dropped(ctx, folder):
    # 20x10, red on the left, blue on the right; Orientation 6 means "turn 90° clockwise".
    image = Image.new("RGB", (20, 10), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 10, 10))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)

    attachment = services.store_upload(upload(out.getvalue(), "turned.jpg"), None)

    stored_image = opened(stored(attachment))
    assert stored_image.size == (10, 20) == (attachment.width, attachment.height)
    assert ORIENTATION not in stored_image.getexif()
    top, bottom = stored_image.getpixel((5, 3)), stored_image.getpixel((5, 16))
    assert top[0] > 200 and top[2] < 60  # the left side went to the top
    assert bottom[2] > 200 and bottom[0] < 60


def test_thumbnail_fits_480_pixels(ctx, folder):
    big = services.store_upload(upload(image_bytes("PNG", size=(1200, 900)), "big.png"), None)
    small = services.store_upload(upload(image_bytes("JPEG", size=(100, 50)), "small.jpg"), None)

    thumb = opened(stored(big, thumb=True))
    assert thumb.size == (480, 360)
    assert opened(stored(small, thumb=True)).size == (100, 50)
    assert KEY.fullmatch(big.thumb_key) and big.thumb_key != big.storage_key


def test_colour_profiles_are_applied_then_dropped(ctx, folder):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes("PNG", color=(200, 30, 30), icc_profile=srgb)
    assert opened(original).info.get("icc_profile")

    image = opened(stored(services.store_upload(upload(original, "p3.png"), None)))

    assert "icc_profile" not in image.info
    assert all(abs(a - b) <= 3 for a, b in zip(image.getpixel((1, 1)), (200, 30, 30), strict=True))


@pytest.mark.parametrize(
    ("mode", "color", "expected"),
    [
        ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
        ("L", 128, (128, 128, 128)),
        ("P", (200, 30, 30), (200, 30, 30)),
        ("I;16", 32768, (128, 128, 128)),  # 16-bit greyscale is scaled, not clipped to white
    ],
)
def test_other_colour_modes_are_stored_as_rgb(ctx, folder, mode, color, expected):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    attachment = services.store_upload(upload(image_bytes(fmt, mode=mode, color=color)), None)
    image = opened(stored(attachment))
    assert image.mode == "RGB"
    assert all(abs(a - b) <= 3 for a, b in zip(image.getpixel((1, 1)), expected, strict=True))


def test_pdf_is_stored_as_it_is(ctx, folder):
    attachment = services.store_upload(upload(PDF, "Report.PDF", "application/x-whatever"), None)

    assert attachment.kind == "pdf" and not attachment.is_image
    assert attachment.content_type == "application/pdf"
    assert stored(attachment) == PDF
    assert attachment.size_bytes == len(PDF)
    assert attachment.thumb_key is None and attachment.width is None
    assert attachment.original_name == "Report.PDF"


def test_a_file_of_exactly_the_limit_is_accepted(ctx, folder):
    data = PDF[:-7] + b" " * (services.MAX_UPLOAD_BYTES - len(PDF)) + b"\n%%EOF\n"
    assert len(data) == services.MAX_UPLOAD_BYTES
    assert services.store_upload(upload(data, "big.pdf"), None).size_bytes == len(data)


# -- refused files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"MZ\x90\x00" + bytes(2000), "photo.jpg", "image/jpeg"),
        (b"<!doctype html><script>alert(document.cookie)</script>", "picture.png", "image/png"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "logo.svg",
            "image/svg+xml",
        ),
        (b"GIF89a" + bytes(100), "anim.gif", "image/gif"),
        (b"plain text", "notes.pdf", "application/pdf"),
    ],
)
def test_anything_but_images_and_pdfs_is_refused(ctx, folder, data, name, content_type):
    error = refused(data, name, content_type)
    assert error.status == 400
    assert str(error.message) == "Only PNG, JPEG, WebP images or PDF documents are accepted."
    assert error.fields == {"file": error.message}
    assert files_in(folder) == []


@pytest.mark.parametrize(
    "data",
    [
        image_bytes("PNG", size=(300, 300))[:200],  # truncated
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,  # the signature, then garbage
        image_bytes("JPEG", size=(300, 300))[:400],
        b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(40),
    ],
    ids=["truncated-png", "garbage-png", "truncated-jpeg", "garbage-webp"],
)
def test_an_image_that_does_not_decode_is_refused(ctx, folder, data):
    error = refused(data, "broken.png", "image/png")
    assert error.status == 400
    assert "could not be read" in str(error.message)
    assert files_in(folder) == []


def test_a_pdf_without_its_end_is_refused(ctx, folder):
    error = refused(PDF[:-7], "cut.pdf", "application/pdf")
    assert "incomplete" in str(error.message)


def test_a_file_over_5_mb_is_refused_with_413(ctx, folder):
    data = b"%PDF-" + bytes(5 * 1024 * 1024 - 5 + 1)
    error = refused(data, "huge.pdf")
    assert error.status == 413
    assert str(error.message) == "Each file may be at most 5 MB."
    assert files_in(folder) == []


def test_the_limit_follows_the_configuration(app, ctx, folder, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    error = refused(b"%PDF-" + bytes(1024 * 1024), "big.pdf")
    assert error.status == 413
    assert str(error.message) == "Each file may be at most 1 MB."


def test_an_empty_file_is_refused(ctx, folder):
    error = refused(b"", "empty.png", "image/png")
    assert error.status == 400
    assert str(error.message) == "This file is empty."


@pytest.mark.parametrize(
    ("size", "pillow_warnings"),
    [
        ((20000, 20000), "error"),
        ((10000, 10000), "error"),
        ((10000, 10000), "ignore"),
        ((7000, 7000), "error"),
    ],
    ids=[
        "pillow-bomb-error",
        "pillow-bomb-warning",
        "warning-ignored-as-in-production",
        "our-40-megapixel-limit",
    ],
)
def test_decompression_bombs_are_refused(ctx, folder, size, pillow_warnings):
    data = png_declaring(*size)
    assert len(data) < 200_000
    with warnings.catch_warnings():
        warnings.simplefilter(pillow_warnings, Image.DecompressionBombWarning)
        error = refused(data, "tiny.png", "image/png")
    assert error.status == 400
    assert "too many pixels" in str(error.message)
    assert files_in(folder) == []


def test_field_name_of_errors_can_be_chosen(ctx, folder):
    with pytest.raises(Invalid) as caught:
        services.store_upload(upload(b"", "x.png"), None, field="attachments")
    assert set(caught.value.fields) == {"attachments"}


# -- names and keys --------------------------------------------------------------------------


def test_storage_keys_are_random_and_never_use_the_file_name(ctx, folder):
    attachment = services.store_upload(upload(image_bytes("PNG"), "holiday-photo.png"), None)
    other = services.store_upload(upload(image_bytes("PNG"), "holiday-photo.png"), None)

    for key in (attachment.storage_key, attachment.thumb_key):
        assert "holiday" not in key and "photo" not in key
        assert KEY.fullmatch(key)
    assert attachment.storage_key != other.storage_key
    assert attachment.original_name == "holiday-photo.png"
    assert services.upload_folder() == folder
    assert services.file_path(attachment).is_relative_to(folder)


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd.png", ".png", "passwd.png"),
        ("C:\\Users\\ana\\Iași piazza.JPEG", ".jpg", "Iași piazza.JPEG"),
        ("invoice.exe", ".pdf", "invoice.exe.pdf"),
        ("screenshot.png", ".jpg", "screenshot.jpg"),
        ("photo\u202egnp.exe", ".jpg", "photognp.exe.jpg"),  # right-to-left override dropped
        ("line\r\nbreak.pdf", ".pdf", "linebreak.pdf"),
        ("  .hidden  ", ".png", "hidden.png"),
        ("", ".pdf", "attachment.pdf"),
        (None, ".png", "attachment.png"),
        ("x" * 300 + ".pdf", ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_original_names_are_cleaned(name, extension, expected):
    cleaned = services.clean_name(name, extension)
    assert cleaned == expected
    assert len(cleaned) <= 200


def test_file_path_refuses_keys_that_are_not_ours(ctx, folder):
    with pytest.raises(FileNotFoundError):
        services.file_path(Attachment(storage_key="../../secret_key"))
    with pytest.raises(FileNotFoundError):
        services.file_path(Attachment(storage_key="a" * 32 + ".pdf"), thumb=True)


def test_delete_files_removes_the_file_and_its_thumbnail(ctx, folder):
    attachment = services.store_upload(upload(image_bytes("PNG"), "a.png"), None)
    assert len(files_in(folder)) == 2
    services.delete_files(attachment)
    services.delete_files(attachment)  # twice is fine
    assert files_in(folder) == []


def test_the_uploader_is_recorded(app, save, make_user):
    user = make_user()
    attachment = save(image_bytes("PNG"), "mine.png", uploader_id=user.id)
    with app.app_context():
        row = db.session.scalar(
            sa.select(Attachment)
            .where(Attachment.id == attachment.id)
            .options(joinedload(Attachment.uploader))
        )
        assert row.uploader.id == user.id
        assert row.created_at.tzinfo is not None


# -- serving ---------------------------------------------------------------------------------


@pytest.fixture
def shown(app, make_user):
    """Links a stored file to an idea of an open challenge: a file anyone may fetch (a file shown
    nowhere is served to nobody, see test_upload_visibility.py)."""
    from livinglab.ideas.models import IdeaAttachment
    from tests.factories import make_challenge, make_idea

    author = make_user()

    def show(attachment: Attachment) -> Attachment:
        with app.app_context():
            idea_id = make_idea(make_challenge(), author.id)
            db.session.add(IdeaAttachment(idea_id=idea_id, attachment_id=attachment.id))
            db.session.commit()
        return attachment

    return show


def fetch(app, client, attachment: Attachment, thumb: bool = False):
    with app.test_request_context():
        url = attachment_url(attachment, thumb=thumb)
    return client.get(url)


def test_images_are_served_inline_with_safe_headers(app, client, save, shown):
    attachment = shown(save(image_bytes("PNG"), "view.png"))

    response = fetch(app, client, attachment)
    try:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == SANDBOX
        assert response.headers["Cache-Control"] == "private, max-age=3600"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.get_data() == stored_in(app, attachment)
    finally:
        response.close()


def test_thumbnails_are_served_with_safe_headers(app, client, save, shown):
    attachment = shown(save(image_bytes("JPEG", size=(900, 600)), "thumb.jpg"))

    response = fetch(app, client, attachment, thumb=True)
    try:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == SANDBOX
        assert opened(response.get_data()).size == (480, 320)
    finally:
        response.close()


def test_pdfs_are_served_as_downloads(app, client, save, shown):
    attachment = shown(save(PDF, "Relazione Iași.pdf"))

    response = fetch(app, client, attachment)
    try:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''Relazione%20Ia%C8%99i.pdf" in disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == SANDBOX
        assert response.get_data() == PDF
    finally:
        response.close()


def test_the_name_in_the_address_does_not_choose_the_file(app, client, save, shown):
    attachment = shown(save(PDF, "a.pdf"))
    response = client.get(f"/files/{attachment.id}/evil.html")
    try:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment;")
    finally:
        response.close()


def test_unknown_missing_or_absent_files_are_404(app, client, save, shown):
    pdf = shown(save(PDF, "doc.pdf"))
    image = shown(save(image_bytes("PNG"), "gone.png"))
    with app.app_context():
        services.delete_files(image)

    for url in (
        "/files/999999/whatever.png",
        "/files/999999/thumb",
        f"/files/{pdf.id}/thumb",
        f"/files/{image.id}/gone.png",
        f"/files/{image.id}/thumb",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        response.close()


def stored_in(app, attachment: Attachment) -> bytes:
    with app.app_context():
        return stored(attachment)
