"""The vendor's uploaded logo: what kind of image it is (decided from its bytes), and where it is kept.

Only raster images are accepted. SVG is refused: it is XML that can carry script, and a logo
served from the portal's own origin would run it there.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from core.i18n import N_
from core.uploads import GIF, JPEG, PNG, WEBP, sniff

MAX_LOGO_BYTES = 1024 * 1024
#: Content type and stored-file suffix of each accepted image format.
IMAGE_TYPES = {kind.content_type: kind.extension for kind in (PNG, JPEG, GIF, WEBP)}


class LogoError(ValueError):
    """An upload that cannot be the logo; the message is a msgid."""


def image_type(data: bytes) -> str | None:
    """The content type of ``data`` if its content is one of the accepted images (see core.uploads)."""
    kind = sniff(data)
    return kind.content_type if kind is not None and kind.content_type in IMAGE_TYPES else None


def check_logo(data: bytes) -> str:
    """The content type of an acceptable logo, or :class:`LogoError` saying why it is not one."""
    if not data:
        raise LogoError(N_("The logo file is empty."))
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(N_("The logo can be at most 1 MB."))
    kind = image_type(data)
    if kind is None:
        raise LogoError(N_("The logo must be a PNG, JPEG, GIF or WebP image (SVG is not accepted)."))
    return kind


def logo_version(key: str) -> str:
    """A short tag that changes with every new upload, for the logo's cacheable address."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def logo_path(key: str) -> str:
    return f"/branding/logo/{logo_version(key)}"


async def uploaded_logo(request: Request[Any, Any, Any], field: str = "logo_file") -> bytes | None:
    """The bytes of the file sent in ``field`` (None when no file was chosen).

    At most one byte over the limit is read, so an oversized upload is refused without being held.
    """
    form = await request.form()
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(MAX_LOGO_BYTES + 1)
