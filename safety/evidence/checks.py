"""What an uploaded file is, judged by its content: the accepted types (JPEG, PNG, PDF, .xlsx, .docx), the limits,
a clean file name, its SHA-256, and a thumbnail for an image. Nothing here reads or writes the database."""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from PIL import Image, ImageOps

from safety.errors import SafetyError

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_ITEM_BYTES = 50 * MB  # all files of one answer, case or action together
MAX_PIXELS = 50_000_000  # an image larger than this (a 50-megapixel photo) is refused before it is decoded
THUMBNAIL = (320, 320)
MAX_STEM = 100  # characters of a file name before its extension

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {JPEG: (".jpg", ".jpeg"), PNG: (".png",), PDF: (".pdf",), XLSX: (".xlsx",), DOCX: (".docx",)}
ACCEPTED = tuple(ext.lstrip(".") for exts in EXTENSIONS.values() for ext in exts)  # for the uploader's hint
IMAGES = {JPEG: "JPEG", PNG: "PNG"}  # content type -> Pillow's format name
# The content type an Office file's [Content_Types].xml gives its main part; macro-enabled files give another.
_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
}
_MACROS = re.compile(r"macroEnabled", re.IGNORECASE)
_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_LIMIT = MB  # a real one is a few kilobytes
_OOXML_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_UNSAFE = re.compile(r'[<>:"/\\|?*]')  # not allowed in a file name on Windows
_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,4}")  # what looks like a file name's extension (not "2026")


class EvidenceRefused(SafetyError):
    """An evidence file is refused: empty, too large, of a type not accepted, or not what its content claims."""

    default_key = "evidence.refused"


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, with what is stored beside its content."""

    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    thumbnail: bytes | None


def megabytes(size: int) -> int:
    """A size in whole megabytes, rounded up (a file just over a limit never shows as the limit itself)."""
    return math.ceil(size / MB)


def check_file(file_name: str, data: bytes) -> CheckedFile:
    """Check an uploaded file by its content and return what is stored with it; raise EvidenceRefused naming the
    file and what is wrong."""
    shown = clean_name(file_name)
    if not data:
        raise EvidenceRefused("evidence.empty", file=shown)
    if len(data) > MAX_FILE_BYTES:
        raise EvidenceRefused(
            "evidence.too_large", file=shown, size=megabytes(len(data)), limit=megabytes(MAX_FILE_BYTES)
        )
    content_type = content_type_of(shown, data)
    thumbnail = thumbnail_of(shown, data, content_type) if content_type in IMAGES else None
    return CheckedFile(
        file_name=clean_name(file_name, content_type),
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail=thumbnail,
    )


def content_type_of(shown: str, data: bytes) -> str:
    """The file's type by its first bytes (and, for a zip, by its parts); whatever its name says."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-4096:]:
            raise EvidenceRefused("evidence.broken_pdf", file=shown)
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_type(shown, data)
    raise EvidenceRefused("evidence.bad_type", file=shown)


def _office_type(shown: str, data: bytes) -> str:
    """An .xlsx or a .docx by its parts: the main part its [Content_Types].xml names, present in the zip, and no
    macros. The parts are only listed, never unpacked, besides that small index."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            info = archive.getinfo(_CONTENT_TYPES) if _CONTENT_TYPES in names else None
            if info is None or info.file_size > _CONTENT_TYPES_LIMIT:
                raise EvidenceRefused("evidence.bad_type", file=shown)
            index = ElementTree.fromstring(archive.read(info))
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError) as exc:
        raise EvidenceRefused("evidence.broken_office", file=shown) from exc
    overrides = [
        (str(o.get("PartName", "")).lstrip("/"), str(o.get("ContentType", "")))
        for o in index.iter(_OOXML_NS + "Override")
    ]
    if any(_MACROS.search(kind) for _, kind in overrides) or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise EvidenceRefused("evidence.macros", file=shown)
    found = {_MAIN_PARTS[kind] for part, kind in overrides if kind in _MAIN_PARTS and part in names}
    if len(found) != 1:
        raise EvidenceRefused("evidence.bad_type", file=shown)
    return found.pop()


def thumbnail_of(shown: str, data: bytes, content_type: str) -> bytes:
    """Decode the whole image (a file that only starts like an image is refused) and return a small copy of it,
    turned as the camera meant: a JPEG, or a PNG when the image has transparency."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=[IMAGES[content_type]])
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise EvidenceRefused(
                    "evidence.too_many_pixels",
                    file=shown,
                    pixels=round(width * height / 1_000_000),
                    limit=MAX_PIXELS // 1_000_000,
                )
            opened.draft("RGB", THUMBNAIL)  # a JPEG is decoded at a fraction of its size: all of it, in less memory
            opened.load()
            image = ImageOps.exif_transpose(opened)
            image.thumbnail(THUMBNAIL)
            clear = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            small = image.convert("RGBA" if clear else "RGB")
            out = io.BytesIO()
            small.save(out, format="PNG" if clear else "JPEG", quality=85, optimize=True)
    except EvidenceRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise EvidenceRefused("evidence.broken_image", file=shown) from exc
    return out.getvalue()


def clean_name(file_name: str, content_type: str | None = None) -> str:
    """The file's name as stored and offered for download: no folders, no control or invisible characters, none
    that Windows refuses, at most MAX_STEM characters, and (given its type) the extension that type has."""
    name = unicodedata.normalize("NFC", file_name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(_UNSAFE.sub("_", name).split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = name, ""
    stem = stem[:MAX_STEM].rstrip(" .") or "file"
    if content_type is None:
        return f"{stem}.{extension}" if extension else stem
    wanted = EXTENSIONS[content_type]
    return stem + ("." + extension.lower() if "." + extension.lower() in wanted else wanted[0])
