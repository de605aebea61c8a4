"""Uploaded photos: checked by content, size-limited, metadata stripped.

The upload is opened with Pillow (the browser's content type and the file name
are not trusted), must be JPEG, PNG or WebP, at most ``MAX_BYTES`` and
``MAX_PIXELS``; it is re-encoded from its pixels only, so EXIF (GPS position,
camera serial, time) and any other metadata are dropped. Large photos are
scaled down to ``MAX_SIDE`` pixels on the longest side.
"""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
ALLOWED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_photo(upload) -> ContentFile:
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise ValidationError(_("De foto is te groot (maximaal %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)})
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(_("De foto is te groot (maximaal %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("De foto heeft te veel pixels."))
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Dit bestand is geen geldige foto (JPEG, PNG of WebP).")) from exc
    if fmt not in ALLOWED:
        raise ValidationError(_("Dit bestand is geen geldige foto (JPEG, PNG of WebP)."))
    image = ImageOps.exif_transpose(image)  # keep the orientation, then drop EXIF
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    clean = image.copy()
    clean.info = {}
    save_kwargs = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, format=fmt, **save_kwargs)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED[fmt]}")
