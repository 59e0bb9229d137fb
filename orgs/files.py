"""Uploaded files are checked by their content, never by their name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = {"application/pdf"}
IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp"}


def sniff(upload) -> str | None:
    """The MIME type read from the first bytes of the file (None when unknown)."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(8192)
    upload.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_upload(upload, *, field: str, allowed: set[str] = PDF | IMAGES) -> str:
    """Raise a ValidationError naming `field` unless the file is of an allowed type and ≤ 20 MB; return its type."""
    if upload is None:
        raise ValidationError({field: [_("Choose a file.")]})
    if upload.size > settings.MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                field: [
                    _("The file is larger than %(mb)d MB.") % {"mb": settings.MAX_ATTACHMENT_BYTES // 2**20}
                ]
            }
        )
    mime = sniff(upload)
    if mime not in allowed:
        wanted = _("a PDF") if allowed == PDF else _("a PDF or an image")
        raise ValidationError(
            {field: [_("The file must be %(wanted)s (its content is not).") % {"wanted": wanted}]}
        )
    return mime
