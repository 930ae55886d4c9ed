"""Storing uploads: a size limit, the type judged by content, images re-encoded clean.

Nothing a member sends is trusted: not the file name, not the browser's content type, not the
bytes of an image (they are decoded and encoded again, so EXIF with GPS positions, XMP and
comments never reach the disk), and not the dimensions an image declares (decompression bombs).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from PIL import Image, ImageOps, features
from werkzeug.datastructures import FileStorage

from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.uploads.models import Attachment

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # app.config["UPLOAD_MAX_BYTES"] overrides it
# Well below Pillow's own bomb threshold (~89 MP) and above what phones save by default.
MAX_PIXELS = 40_000_000  # app.config["UPLOAD_MAX_PIXELS"] overrides it
THUMB_SIZE = (480, 480)
PDF_EOF_WINDOW = 1024  # the PDF standard puts %%EOF within the last 1024 bytes

# Pillow format -> (content type, extension of the stored file)
IMAGE_FORMATS = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "WEBP": ("image/webp", ".webp"),
}
PDF_TYPE = ("application/pdf", ".pdf")
CONTENT_TYPES = {ext: ctype for ctype, ext in (*IMAGE_FORMATS.values(), PDF_TYPE)}
# Extensions a member may have written for each stored extension (any case).
_NAME_SUFFIXES = {"png": ".png", "jpg": ".jpg", "jpeg": ".jpg", "webp": ".webp", "pdf": ".pdf"}
# Keys come from secrets.token_hex; anything else in the database is refused, not opened.
_KEY = re.compile(r"[0-9a-f]{32}\.(?:png|jpg|webp|pdf)")
_NAME_LENGTH = 200

NOT_ACCEPTED = _l("Only PNG, JPEG, WebP images or PDF documents are accepted.")
EMPTY = _l("This file is empty.")
UNREADABLE_IMAGE = _l("This image could not be read; the file may be damaged.")
BROKEN_PDF = _l("This PDF document is incomplete or damaged.")


def store_upload(file: FileStorage, uploader_id: int | None, *, field: str = "file") -> Attachment:
    """Checks, cleans and stores one uploaded file; adds its Attachment to the session.

    Does not commit: the caller commits together with what the file is attached to. If that
    transaction rolls back, the files stay behind as orphans; ``delete_files`` removes them.
    ``field`` names the form field in the ``Invalid`` errors raised.
    """
    data = _read_limited(file, field)
    kind = _sniff(data)
    if kind is None:
        raise Invalid(NOT_ACCEPTED, {field: NOT_ACCEPTED})
    if kind == "PDF":
        if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
            raise Invalid(BROKEN_PDF, {field: BROKEN_PDF})
        # PDFs are kept byte for byte; they are only ever served as downloads, sandboxed.
        content_type, extension = PDF_TYPE
        attachment = Attachment(kind="pdf", size_bytes=len(data), storage_key=_new_key(extension))
        _write(attachment.storage_key, data)
    else:
        content_type, extension = IMAGE_FORMATS[kind]
        clean = _clean_pixels(_decode(data, kind, field), kind)
        encoded = _encode(clean, kind)
        thumb, thumb_extension = _thumbnail(clean)
        thumb_key = _new_key(thumb_extension)
        attachment = Attachment(
            kind="image",
            size_bytes=len(encoded),
            width=clean.width,
            height=clean.height,
            storage_key=_new_key(extension),
            thumb_key=thumb_key,
        )
        _write(attachment.storage_key, encoded)
        try:
            _write(thumb_key, thumb)
        except BaseException:
            _unlink(attachment.storage_key)
            raise
    attachment.content_type = content_type
    attachment.original_name = clean_name(file.filename, extension)
    attachment.uploader_id = uploader_id
    db.session.add(attachment)
    return attachment


def store_uploads(
    files: Sequence[FileStorage], uploader_id: int | None, *, field: str = "file"
) -> list[Attachment]:
    """Stores every file or none: when one is refused, those stored before it are discarded
    and the refusal raised. Does not commit, like ``store_upload``."""
    stored: list[Attachment] = []
    try:
        for file in files:
            stored.append(store_upload(file, uploader_id, field=field))
    except Invalid:
        discard(stored)
        raise
    return stored


def discard(attachments: Sequence[Attachment]) -> None:
    """Forgets files stored by this request that will not be kept: their rows leave the
    session, their files the disk."""
    for attachment in attachments:
        if attachment in db.session.new:
            db.session.expunge(attachment)
        delete_files(attachment)


def file_path(attachment: Attachment, thumb: bool = False) -> Path:
    """Where the file (or its thumbnail) is stored; FileNotFoundError if there is none."""
    key = attachment.thumb_key if thumb else attachment.storage_key
    if not key or not _KEY.fullmatch(key):
        raise FileNotFoundError(
            f"attachment {attachment.id} has no {'thumbnail' if thumb else 'file'}"
        )
    return _path_for(key)


def delete_files(attachment: Attachment) -> None:
    """Removes the stored file and thumbnail (missing files are fine); the row is the caller's."""
    for key in (attachment.storage_key, attachment.thumb_key):
        if key and _KEY.fullmatch(key):
            _unlink(key)


def upload_folder() -> Path:
    # Outside static/ on purpose: files are only ever served through the uploads views' headers.
    folder = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return Path(folder)


def clean_name(filename: str | None, extension: str) -> str:
    """A display and download name: the base name, no control or bidi characters, the real type's
    extension (a ``.exe`` or ``.html`` name never reaches a download of an image or a PDF)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    # Category C: control, format (right-to-left overrides that disguise "gpj.exe"), unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and _NAME_SUFFIXES.get(suffix.lower()) == extension:
        extension = "." + suffix  # the right extension, as the member spelled it
        name = stem
    elif dot and stem and suffix.lower() in _NAME_SUFFIXES:
        name = stem  # a wrong known extension is replaced, not kept in front of the right one
    stem = (name or "attachment")[: _NAME_LENGTH - len(extension)].rstrip(" .") or "attachment"
    return stem + extension


def _max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or MAX_UPLOAD_BYTES)


def _read_limited(file: FileStorage, field: str) -> bytes:
    limit = _max_bytes()
    # One byte more than allowed tells "too large" apart without reading a huge body.
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        megabytes = f"{limit / (1024 * 1024):g}"
        message = _l("Each file may be at most %(size)s MB.", size=megabytes)
        raise Invalid(message, {field: message}, status=413)
    if not data:
        raise Invalid(EMPTY, {field: EMPTY})
    return data


def _sniff(data: bytes) -> str | None:
    """The format by magic bytes only; the name and the declared content type are ignored."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"%PDF-"):
        return "PDF"
    return None


def _decode(data: bytes, fmt: str, field: str) -> Image.Image:
    """Fully decodes the image, upright, refusing bombs and anything Pillow cannot read."""
    max_pixels = int(current_app.config.get("UPLOAD_MAX_PIXELS") or MAX_PIXELS)
    too_many = lazy_ngettext(
        "This image has too many pixels: at most %(num)d megapixel is accepted.",
        "This image has too many pixels: at most %(num)d megapixels are accepted.",
        max_pixels // 1_000_000,
    )
    try:
        # formats=[...] keeps Pillow to the sniffed format (never EPS & co. via Ghostscript).
        with Image.open(BytesIO(data), formats=[fmt]) as probe:
            # Checked before any pixel is decoded: the header alone declares the size.
            if probe.width * probe.height > max_pixels:
                raise Invalid(too_many, {field: too_many})
            probe.verify()
        # verify() leaves the image unusable, hence the second open.
        image = Image.open(BytesIO(data), formats=[fmt])
        image.load()
        # Turns the pixels as the EXIF orientation says, since the EXIF itself is dropped.
        ImageOps.exif_transpose(image, in_place=True)
        return image
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard (a warning is an error under pytest, an exception past 2x limit).
        raise Invalid(too_many, {field: too_many}) from None
    except Exception:
        # Hostile or damaged files make Pillow raise OSError, SyntaxError, ValueError, struct
        # errors and more; all mean the same thing here.
        raise Invalid(UNREADABLE_IMAGE, {field: UNREADABLE_IMAGE}) from None


def _clean_pixels(image: Image.Image, fmt: str) -> Image.Image:
    """A new image holding only the pixels: no EXIF, XMP, ICC profile, text chunks or comments."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in image.info
    mode = "RGBA" if has_alpha and fmt != "JPEG" else "RGB"
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale PNG: Pillow's convert() clips to 255 (white); scale down instead.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    converted = _to_srgb(image, mode)
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """Converts colours to sRGB when a profile says how (phone photos are often Display P3), so
    dropping the profile does not dull them; a profile that cannot be used is ignored."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
            if converted is not None:
                return converted
        except Exception:  # noqa: S110 - any failure just keeps the colours unconverted
            pass
    return image.convert(mode)


def _encode(clean: Image.Image, fmt: str) -> bytes:
    out = BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    return out.getvalue()


def _thumbnail(clean: Image.Image) -> tuple[bytes, str]:
    """At most THUMB_SIZE, WebP (keeps transparency) or JPEG where Pillow lacks WebP."""
    fmt = "WEBP" if features.check("webp") else "JPEG"
    ratio = min(THUMB_SIZE[0] / clean.width, THUMB_SIZE[1] / clean.height, 1.0)
    size = (max(1, round(clean.width * ratio)), max(1, round(clean.height * ratio)))
    # resize() makes a new image; reducing_gap shrinks big photos fast in two steps.
    thumb = clean.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if fmt == "JPEG" and thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = BytesIO()
    thumb.save(out, fmt, quality=80)
    return out.getvalue(), IMAGE_FORMATS[fmt][1]


def _new_key(extension: str) -> str:
    return secrets.token_hex(16) + extension


def _path_for(key: str) -> Path:
    # Two-letter shards keep directories small once there are many thousands of files.
    return upload_folder() / key[:2] / key


def _write(key: str, data: bytes) -> None:
    """Atomic: readers see the whole file or none (a temporary file, then os.replace)."""
    path = _path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _unlink(key: str) -> None:
    _path_for(key).unlink(missing_ok=True)
