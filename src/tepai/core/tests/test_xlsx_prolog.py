"""The C XML parser reads spreadsheets; a DTD anywhere in the prolog is refused before it."""

from __future__ import annotations

import io

import pytest

from tepai.core.importing.xlsx import _without_dtd

_ROOT = b'<worksheet xmlns="x"><sheetData/></worksheet>'
_DTD = b'<!DOCTYPE w [<!ENTITY a "aaaa">]>'


@pytest.mark.parametrize(
    "prolog",
    [
        b"",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        b"\xef\xbb\xbf<?xml version='1.0'?>",
        b"<?xml version='1.0'?><!-- made by a clerk -->\r\n  <!-- -> <a> -->",
        b"<!--" + b"x" * 200_000 + b"-->",  # longer than one read
    ],
)
def test_a_prolog_without_dtd_is_passed_on_whole(prolog: bytes) -> None:
    assert _without_dtd(io.BytesIO(prolog + _ROOT)).read() == prolog + _ROOT


@pytest.mark.parametrize(
    "prolog",
    [
        _DTD,
        b"<?xml version='1.0'?>" + _DTD,
        b"<?xml version='1.0'?><!-- <a> -->" + _DTD,  # a root-like tag hidden in a comment
        b"<!--" + b"x" * 200_000 + b"-->" + _DTD,
        b"\xef\xbb\xbf  " + _DTD,
    ],
)
def test_a_dtd_in_the_prolog_is_refused(prolog: bytes) -> None:
    with pytest.raises(ValueError, match="DTD"):
        _without_dtd(io.BytesIO(prolog + _ROOT))


@pytest.mark.parametrize(
    "content",
    [
        "<?xml version='1.0' encoding='UTF-16'?>".encode("utf-16") + _ROOT,
        b"<!-- never closed" + b"x" * 100_000,
        b"<!--" + b"x" * (2 << 20) + b"-->" + _ROOT,  # a prolog beyond any spreadsheet's
    ],
)
def test_a_prolog_that_is_no_utf8_spreadsheet_xml_is_refused(content: bytes) -> None:
    with pytest.raises(ValueError, match="开头异常"):
        _without_dtd(io.BytesIO(content))
