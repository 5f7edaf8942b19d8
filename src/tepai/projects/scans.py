"""Contract scans (合同扫描件): a PDF, or an image re-encoded like activity photos.

The scan is a file an enterprise puts on the server for administrators to open, so it is
checked as strictly as an activity photo (see :mod:`tepai.engagements.photos`, issue 9
finding 1): an image is decoded and written anew (no EXIF, at most 2048 px) by the photos
module; a PDF must be one (its header and end marker) and within the size limit. Both are
stored under a generated name. Serving trusts no stored name: an image must still decode as
JPEG or PNG, a PDF must still start as one, and a PDF is sent as a download, never shown
inline in the platform's own origin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from tepai.core.uploads import StoredFile, read_bytes, under_generated_name
from tepai.engagements.photos import normalise_photo, read_stored_photo

__all__ = ["SCAN_MAX_BYTES", "normalise_scan", "read_stored_scan"]

# A multi-page scan at 300 dpi is 2–15 MB; the request limit (21 MB) leaves room for the form.
SCAN_MAX_BYTES = 20 * 1024 * 1024
_PDF_HEADER = b"%PDF-"
_PDF_END = b"%%EOF"

# The photo module's refusals, said of the scan.
_IMAGE_ERRORS = {
    "too_large": _("合同扫描件：图片不能超过 10 MB"),
    "too_many_pixels": _("合同扫描件：图片像素过多（上限 1 亿像素）"),
}
_NOT_A_SCAN = _("合同扫描件：请上传 PDF 文件或 JPG、PNG、GIF、WebP 图片")


def _is_pdf(head: bytes) -> bool:
    # The header may follow a few bytes of junk (the PDF specification allows up to 1024).
    return _PDF_HEADER in head[:1024]


def normalise_scan(upload: UploadedFile) -> ContentFile:
    """Return ``upload`` ready to store under a generated name, or raise ValidationError.

    A PDF is kept as it is (header and end marker checked); an image is re-encoded as JPEG
    or PNG; anything else, or a file over :data:`SCAN_MAX_BYTES`, is refused with a Chinese
    message naming the field.
    """
    if upload.size is not None and upload.size > SCAN_MAX_BYTES:
        raise ValidationError(_("合同扫描件：文件不能超过 20 MB"), code="too_large")
    upload.seek(0)
    head = upload.read(1024)
    if _is_pdf(head):
        upload.seek(0)
        data = upload.read(SCAN_MAX_BYTES + 1)
        if len(data) > SCAN_MAX_BYTES:
            raise ValidationError(_("合同扫描件：文件不能超过 20 MB"), code="too_large")
        if _PDF_END not in data[-2048:]:
            raise ValidationError(
                _("合同扫描件：PDF 文件不完整（缺少文件结尾），请重新导出后上传"), code="broken_pdf"
            )
        return under_generated_name(data, "pdf")
    upload.seek(0)
    try:
        image = normalise_photo(upload)
    except ValidationError as error:
        message = _IMAGE_ERRORS.get(error.code or "", _NOT_A_SCAN)
        raise ValidationError(message, code=error.code or "not_a_scan") from error
    return image


def read_stored_scan(field: FieldFile) -> StoredFile | None:
    """Return the stored scan ready to send, or None if it is missing or not a scan."""
    if (field.name or "").lower().endswith(".pdf"):
        data = read_bytes(field)
        if data is None or not _is_pdf(data[:1024]):
            return None
        return StoredFile(data, "application/pdf", "pdf")
    return read_stored_photo(field)
