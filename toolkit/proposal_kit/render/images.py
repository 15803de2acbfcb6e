"""Images of the draft: read from allowed folders only, and only if they are images."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..safeio import InputFileError, confine_present, read_bytes

__all__ = ["MAX_IMAGE_BYTES", "image_kind", "read_image"]

#: The largest image a draft may hold.
MAX_IMAGE_BYTES = 20 * 1024 * 1024

#: File signatures of the formats Word shows (python-docx reads these).
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
               (b"GIF89a", "gif"), (b"BM", "bmp"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"))


def image_kind(data: bytes) -> str | None:
    """The image format of ``data`` from its first bytes (None: not an image Word shows)."""
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


def read_image(base: Path, src: str, roots: list[Path]) -> bytes:
    """The bytes of the image ``src`` (relative to ``base``), checked.

    Raises:
        InputError: a link to the web, a missing file, a file outside ``roots``, a FIFO or
            device, a file too large, a file that is not a PNG, JPEG, GIF, BMP or TIFF, or
            one whose header cannot be read.
    """
    if "://" in src or src.startswith(("data:", "//")):
        raise InputError(f"image {src[:80]}: only image files of the project can be shown, "
                         "not addresses on the web", hint="download the image into the project "
                         "folder and link it by its file name")
    path = base / src
    try:
        confine_present(path, roots, "the image")
        data = read_bytes(path, MAX_IMAGE_BYTES, "the image")
    except InputFileError as exc:
        if exc.reason == "missing":
            raise InputError(f"image {src} not found (looked in {path.parent})") from None
        raise InputError(exc.message, hint=exc.hint) from None
    if image_kind(data) is None:
        raise InputError(f"image {src} is not a PNG, JPEG, GIF, BMP or TIFF image",
                         hint="save it as PNG or JPEG")
    _check_header(src, data)
    return data


def _check_header(src: str, data: bytes) -> None:
    """Raise if python-docx cannot read the header of the image ``data``.

    A truncated PNG, or a GIF signature on nothing: ``check`` then reports what the Word
    writer would stop on.
    """
    from docx.image.image import Image

    try:
        image = Image.from_blob(data)
        empty = not (image.px_width > 0 and image.px_height > 0)
    except Exception as exc:  # python-docx's image readers raise many kinds on a bad file
        raise InputError(f"image {src} cannot be read ({type(exc).__name__}); it may be "
                         "damaged", hint="save it again as PNG or JPEG") from None
    if empty:
        raise InputError(f"image {src} has no width or height ({image.px_width} x "
                         f"{image.px_height} pixels); it may be damaged",
                         hint="save it again as PNG or JPEG")
