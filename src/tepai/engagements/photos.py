"""Activity photos: decoded and re-encoded on upload, served only as JPEG or PNG.

A photo is the one file a commissioner can put on the server for others (administrators
included) to open in their browser. Checking the first bytes and serving with a type guessed
from the name let ``x.html`` holding ``GIF89a/*<script>…*/`` run as a page in an
administrator's session (issue 9, finding 1). So nothing of the upload is kept: Pillow decodes
the pixels, and a new JPEG (PNG when there is transparency) is written from them, without EXIF
(GPS position, camera serial) and under a generated name. Serving trusts no name either: the
stored bytes must open as JPEG or PNG, and the content type comes from what Pillow found.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tepai.core.uploads import StoredFile, read_bytes, under_generated_name

__all__ = [
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_SIDE",
    "normalise_photo",
    "read_stored_photo",
]

logger = logging.getLogger(__name__)

# An upload larger than this is refused before it is decoded (a phone photo is 2–8 MB).
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Longest side kept: enough to read a label or a leaf spot on a screen, a tenth of the bytes.
PHOTO_MAX_SIDE = 2048
# Pixels a photo may declare before it is decoded (a 12,000 × 8,000 panorama; a 50 MP
# phone photo is 8,160 × 6,120). Beyond this a small file may be a decompression bomb.
PHOTO_MAX_PIXELS = 100_000_000
# What phones and screenshots produce and Pillow can decode without extra libraries; only
# these decoders are ever run on an upload (SVG, HTML, PDF and the rest are never tried).
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# What is stored, and so the only formats served, with their content types.
SERVED_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_JPEG_QUALITY = 85

# What Pillow raises for a file it cannot decode, a truncated one or a decompression bomb (its
# warning is turned into an error where it is caught).
_UNREADABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
)
_NOT_AN_IMAGE = _("照片：无法识别为图片，请上传 JPG、PNG、GIF 或 WebP 格式的照片")


def _decode(source: IO[bytes]) -> Image.Image:
    """Return the fully decoded image in ``source``; raise ValidationError if it is none."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a huge image below twice its own limit; refuse it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=ACCEPTED_FORMATS)
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(_("照片：像素过多（上限 1 亿像素）"), code="too_many_pixels")
            image.load()
    except ValidationError:
        raise
    except _UNREADABLE as exc:
        raise ValidationError(_NOT_AN_IMAGE, code="not_an_image") from exc
    return image


def _encode(image: Image.Image) -> StoredFile:
    """Return ``image`` upright, at most PHOTO_MAX_SIDE on its longest side, without metadata."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)  # before resizing: palette images resize only by nearest
    # Shrunk first, so that turning works on the small picture (a 12 MP photo: about a fifth
    # faster); the box is square, so turning the picture afterwards keeps it inside.
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    # The camera's orientation tag is applied to the pixels, because the tag itself goes with
    # the rest of EXIF.
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    # A new image built from the pixels alone: no EXIF, XMP, ICC profile or comments.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return StoredFile(out.getvalue(), SERVED_TYPES["PNG"], "png")
    clean.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return StoredFile(out.getvalue(), SERVED_TYPES["JPEG"], "jpg")


def normalise_photo(upload: UploadedFile) -> ContentFile:
    """Return ``upload`` re-encoded as a clean JPEG or PNG under a generated name.

    Raise ValidationError (a Chinese message naming the photo and the reason) when the upload
    is too large, declares too many pixels, or is not an image Pillow decodes as JPEG, PNG,
    GIF (first frame) or WebP; HTML, SVG and anything else never get that far.
    """
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("照片：文件不能超过 10 MB"), code="too_large")
    upload.seek(0)
    photo = _encode(_decode(upload))
    if len(photo.content) > PHOTO_MAX_BYTES:
        # Only a transparent PNG of pure noise gets here; it is no site photo.
        raise ValidationError(_("照片：转换后仍超过 10 MB，请压缩后再上传"), code="too_large")
    return under_generated_name(photo.content, photo.extension)


def read_stored_photo(field: FieldFile) -> StoredFile | None:
    """Return the stored photo ready to serve, or None if the file is not a servable image.

    Photos stored since uploads were re-encoded are JPEG or PNG and are sent as they are.
    Older uploads that are real GIF or WebP images are re-encoded on the fly; anything else
    (an HTML or SVG file accepted by the old first-bytes check) is refused, not sent.
    """
    data = read_bytes(field)
    if data is None:
        logger.warning("activity photo %s is missing from storage", field.name)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=tuple(SERVED_TYPES)) as image:
                image.verify()
                kind = image.format
    except _UNREADABLE:
        kind = None
    if kind in SERVED_TYPES:
        return StoredFile(data, SERVED_TYPES[kind], "png" if kind == "PNG" else "jpg")
    try:
        return _encode(_decode(io.BytesIO(data)))
    except ValidationError:
        logger.warning("activity photo %s is not an image; refused", field.name)
        return None
