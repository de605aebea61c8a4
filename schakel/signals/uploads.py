"""Checking uploaded attachments by content, not by name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
# content signature -> (content type, allowed extensions)
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
]


@dataclass
class CheckedUpload:
    name: str
    content_type: str
    data: bytes
    sha256: str


def check_upload(f) -> CheckedUpload:
    name = (getattr(f, "name", "") or "bijlage")[-200:]
    size = getattr(f, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("%(name)s is groter dan 5 MB.") % {"name": name})
    data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("%(name)s is groter dan 5 MB.") % {"name": name})
    if not data:
        raise ValidationError(_("%(name)s is leeg.") % {"name": name})
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for magic, content_type, exts in SIGNATURES:
        if data.startswith(magic):
            if ext not in exts:
                raise ValidationError(
                    _("%(name)s: de extensie past niet bij de inhoud (vermomd bestand).") % {"name": name}
                )
            return CheckedUpload(
                name=name, content_type=content_type, data=data, sha256=hashlib.sha256(data).hexdigest()
            )
    raise ValidationError(_("%(name)s: alleen PDF, PNG en JPEG zijn toegelaten.") % {"name": name})


def check_uploads(files) -> list[CheckedUpload]:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(_("Maximaal %(n)s bijlagen.") % {"n": MAX_FILES})
    return [check_upload(f) for f in files]
