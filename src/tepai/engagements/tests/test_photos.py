"""Activity photos: only re-encoded images are stored, and only images are served (issue 9 #1).

The attack: a commissioner uploads ``x.html`` holding ``GIF89a/*<script>…</script>*/`` (or an
SVG) on the work-log form; the old first-bytes check let it through and the photo URL served it
as ``text/html``, so the script ran in the session of whoever opened it.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import ExifTags, Image

from tepai.activities.models import Activity, ActivityKind
from tepai.engagements.photos import PHOTO_MAX_BYTES, PHOTO_MAX_SIDE
from tepai.engagements.tests.conftest import World

pytestmark = pytest.mark.django_db

HTML_IN_GIF = b"GIF89a/*<script>fetch('/api/me').then(r=>r.text()).then(alert)</script>*/"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
GPS = ExifTags.IFD.GPSInfo


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield tmp_path / "media"


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _image_bytes(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _phone_jpeg() -> bytes:
    """Return a landscape JPEG shot "rotated" (orientation 6) with the camera's GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the pixels must be turned 90° clockwise to show
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(GPS)
    gps.update({1: "N", 2: (41.0, 10.0, 0.0), 3: "E", 4: (80.0, 15.0, 0.0)})
    data = _image_bytes(Image.new("RGB", (3000, 1000), "green"), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)  # the precondition
    return data


def _log(client: Client, name: str, content: bytes, content_type: str) -> Any:
    return client.post(
        reverse("engagements:log-activity"),
        {
            "date": "2024-06-01",
            "kind": ActivityKind.TRAINING,
            "quantity": "3",
            "photo": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def _stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def _served(client: Client, activity: Activity) -> Any:
    return client.get(reverse("engagements:activity-photo", args=[activity.pk]))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("x.html", HTML_IN_GIF, "image/gif"),
        ("x.gif", HTML_IN_GIF, "image/gif"),
        ("x.svg", SVG, "image/svg+xml"),
    ],
)
def test_it_refuses_html_and_svg_photos_and_stores_nothing(
    world: World, media: Path, name: str, content: bytes, content_type: str
) -> None:
    response = _log(_client(world.commissioner_user), name, content, content_type)
    assert response.status_code == 200
    assert "照片：无法识别为图片" in response.content.decode()
    assert not Activity.objects.exists()
    assert _stored_files(media) == []


def test_it_refuses_a_decompression_bomb_before_decoding_it(world: World, media: Path) -> None:
    # A 1×1 PNG whose header claims 30,000 × 30,000 pixels (900 MP): a few bytes on disk,
    # 2.7 GB once decoded.
    png = bytearray(_image_bytes(Image.new("RGB", (1, 1)), "PNG"))
    ihdr = png[12:29]  # b"IHDR" + its 13 data bytes
    ihdr[4:12] = struct.pack(">II", 30_000, 30_000)
    png[12:29] = ihdr
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    response = _log(_client(world.commissioner_user), "bomb.png", bytes(png), "image/png")
    assert "照片：" in response.content.decode()
    assert not Activity.objects.exists() and _stored_files(media) == []


def test_it_refuses_a_photo_over_the_size_limit(world: World) -> None:
    big = b"\xff\xd8\xff" + b"\x00" * PHOTO_MAX_BYTES
    response = _log(_client(world.commissioner_user), "big.jpg", big, "image/jpeg")
    assert "照片：文件不能超过 10 MB" in response.content.decode()
    assert not Activity.objects.exists()


def test_it_stores_a_phone_photo_upright_smaller_and_without_exif(
    world: World, media: Path
) -> None:
    client = _client(world.commissioner_user)
    response = _log(client, "IMG_0001.JPG", _phone_jpeg(), "image/jpeg")
    assert response.status_code == 302
    activity = Activity.objects.get()
    stored = Path(activity.photo.path)
    assert stored.suffix == ".jpg" and "IMG_0001" not in stored.name
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()  # no GPS, no camera, no orientation tag
        # Orientation applied to the pixels (3000 × 1000 turned upright), then the longest
        # side capped.
        assert image.size == (683, PHOTO_MAX_SIDE)
    assert b"Exif" not in stored.read_bytes() and b"TestCam" not in stored.read_bytes()

    served = _served(client, activity)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in served["Content-Security-Policy"]
    assert "sandbox" in served["Content-Security-Policy"]
    assert not Image.open(io.BytesIO(served.content)).getexif()


def test_it_keeps_transparency_as_png_and_drops_what_rides_along(world: World) -> None:
    client = _client(world.commissioner_user)
    transparent = _image_bytes(Image.new("RGBA", (40, 30), (255, 0, 0, 128)), "PNG")
    assert _log(client, "shot.png", transparent, "image/png").status_code == 302
    activity = Activity.objects.get()
    assert (activity.photo.name or "").endswith(".png")
    served = _served(client, activity)
    assert served["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(served.content)).mode == "RGBA"

    # A real GIF carrying a script in its comment block is a valid image: its pixels are
    # kept, the comment is not.
    gif = _image_bytes(Image.new("P", (8, 8)), "GIF", comment=b"<script>alert(1)</script>")
    assert _log(client, "x.gif", gif, "image/gif").status_code == 302
    latest = Activity.objects.latest("id")
    assert (latest.photo.name or "").endswith(".jpg")
    assert b"<script" not in _served(client, latest).content


def test_it_refuses_to_serve_a_legacy_html_upload(world: World) -> None:
    # What the old check stored: the attacker's bytes under the attacker's name.
    activity = Activity.objects.create(date="2024-06-01", kind=ActivityKind.TRAINING)
    activity.commissioners.add(world.commissioner)
    activity.photo.save("x.html", ContentFile(HTML_IN_GIF), save=True)
    response = _served(_client(world.admin), activity)
    assert response.status_code == 404
    assert b"<script>fetch" not in response.content


def test_it_serves_a_legacy_svg_never_as_svg(world: World) -> None:
    activity = Activity.objects.create(date="2024-06-01", kind=ActivityKind.TRAINING)
    activity.commissioners.add(world.commissioner)
    activity.photo.save("x.svg", ContentFile(SVG), save=True)
    response = _served(_client(world.admin), activity)
    assert response.status_code == 404
    # The 404 page (the site's layout, whose search button is an inline icon) never carries
    # the stored file.
    assert SVG not in response.content
    assert "svg" not in response["Content-Type"]


def test_it_serves_a_legacy_gif_re_encoded_as_an_image(world: World) -> None:
    activity = Activity.objects.create(date="2024-06-01", kind=ActivityKind.TRAINING)
    activity.commissioners.add(world.commissioner)
    activity.photo.save("old.gif", ContentFile(_image_bytes(Image.new("P", (8, 8)), "GIF")))
    response = _served(_client(world.admin), activity)
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/jpeg", "image/png")
    assert Image.open(io.BytesIO(response.content)).format in ("JPEG", "PNG")


def test_the_record_s_detail_page_shows_its_photo(world: World) -> None:
    activity = Activity.objects.create(date="2024-06-01", kind=ActivityKind.TRAINING)
    activity.commissioners.add(world.commissioner)
    photo_url = reverse("engagements:activity-photo", args=[activity.pk])
    client = _client(world.admin)
    assert photo_url not in client.get(f"/activities/{activity.pk}/").content.decode()
    activity.photo.save("site.jpg", ContentFile(_image_bytes(Image.new("RGB", (8, 8)), "JPEG")))
    html = client.get(f"/activities/{activity.pk}/").content.decode()
    assert f'<img src="{photo_url}"' in html
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"
