"""A spreadsheet's XML may not declare entities: the billion-laughs expansion never runs."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from tepai.core.importing.errors import ImportFailed
from tepai.core.importing.reader import read_table

_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lolololololololololololololololololololol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>\n"
)


def _xlsx_with_entities() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名"])
    sheet.append(["张三"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    injected = False
    # The XML writer spells the name as characters or (lxml 6) as character references.
    spellings = ("张三", "&#24352;&#19977;")
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            body = data.decode("utf-8", errors="replace")
            found = next((s for s in spellings if s in body), None)
            if found:  # the sheet (inline strings) or the shared strings
                if body.startswith("<?xml"):
                    body = body.split("?>", 1)[1]
                data = (_LAUGHS + body.replace(found, "&lol9;")).encode("utf-8")
                injected = True
            target.writestr(item, data)
    assert injected, "the test file must carry the entity expansion"
    return out.getvalue()


def test_a_sheet_declaring_entities_is_refused_at_once() -> None:
    start = time.perf_counter()
    with pytest.raises(ImportFailed) as caught:
        read_table(io.BytesIO(_xlsx_with_entities()), filename="laughs.xlsx")
    assert time.perf_counter() - start < 5
    assert "无法读取 Excel 文件" in caught.value.errors[0].reason
