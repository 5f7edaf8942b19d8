"""The zip bomb through the web form (issue 9 finding 4): refused with a message, no 500."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tepai.core.tests.import_helpers import write_xlsx
from tepai.core.tests.test_import_limits import build_zip_bomb
from tepai.institutions.models import Institution
from tepai.web.importing import import_dir
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_zip_bomb_upload_is_refused_quickly_and_not_kept(world: World, tmp_path: Path) -> None:
    template = write_xlsx(tmp_path / "template.xlsx", [["单位名称"], ["浙江大学"]])
    bomb = build_zip_bomb(tmp_path / "单位.xlsx", template, unpacked_mb=300)
    before = Institution.objects.count()
    start = time.perf_counter()
    response = world.client("admin").post(
        "/import/",
        {
            "registry": "institutions",
            "file": SimpleUploadedFile("单位.xlsx", bomb.read_bytes()),
        },
    )
    # Unpacking 300 MB of XML row by row took minutes (and growing memory) before the fix.
    assert time.perf_counter() - start < 15
    assert response.status_code == 200
    assert "文件解压后过大" in response.content.decode()
    assert "确认导入" not in response.content.decode()
    assert Institution.objects.count() == before
    assert list(import_dir().iterdir()) == []
