"""The masks of personal data, all in tepai.core.personal_data, and the exports that use them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tepai
from tepai.commissioners.models import Commissioner
from tepai.core.cleaning import CleaningError
from tepai.core.importing.exporting import personal_columns
from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.personal_data import (
    EMAIL,
    ID_NUMBER,
    PHONE,
    is_masked,
    mask_id_number,
    mask_phone,
    mask_value,
    masked_in_exports,
    unless_masked,
)

SOURCE = Path(tepai.__file__).resolve().parent
HOME = SOURCE / "core" / "personal_data.py"
SAMPLES = {PHONE: "13812341234", EMAIL: "w@x.cn", ID_NUMBER: "110101198103021234"}


def test_every_mask_is_defined_in_personal_data() -> None:
    # One home for the masks: a second mask_* beside them is how two masks of one field drift.
    elsewhere = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == HOME:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        elsewhere += [
            f"{path.relative_to(SOURCE)}:{node.lineno} {node.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.lstrip("_").startswith("mask_")
        ]
    assert elsewhere == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        ("0997-1234567", "0997-***4567"),
        ("010-88886666", "010-****6666"),
        ("0997-1234567-801", "0997-***4567-801"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_phone_numbers(value: object, expected: str) -> None:
    assert mask_phone(value) == expected


def test_it_refuses_to_mask_an_invalid_phone_number() -> None:
    with pytest.raises(CleaningError):
        mask_phone("12345")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110101198103021234", "110101********1234"),
        ("11010119810302123x", "110101********123X"),
        (" 110101 19810302 1234 ", "110101********1234"),
        ("110101810302123", "110101*****2123"),
        ("", ""),
    ],
)
def test_it_masks_id_numbers(value: object, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010119810302123", "身份证号码应为18位（或旧式15位），实为17位"),
        ("1101011981030212345", "身份证号码应为18位（或旧式15位），实为19位"),
        (
            "11010119810302123A",
            "身份证号码“11010119810302123A”格式不正确：应为数字，仅18位号码末位可为X",
        ),
        ("11010181030212X", "身份证号码“11010181030212X”格式不正确：应为数字，仅18位号码末位可为X"),
    ],
)
def test_it_refuses_to_mask_malformed_id_numbers(value: object, reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        mask_id_number(value)
    assert str(excinfo.value) == reason


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (PHONE, "13812341234"),
        (PHONE, "0997-1234567"),
        (PHONE, "12345"),
        (EMAIL, "w@x.cn"),
        (ID_NUMBER, "110101198103021234"),
    ],
)
def test_every_mask_an_export_writes_is_recognised_on_import(kind: str, value: str) -> None:
    masked = mask_value(kind, value)
    assert is_masked(masked)
    assert unless_masked(lambda raw: f"parsed {raw}")(masked) == ""
    assert unless_masked(lambda raw: f"parsed {raw}")(value) == f"parsed {value}"


def test_exports_mask_the_contacts_the_personal_fields_declare() -> None:
    # A birth date goes out whole: re-imports find a commissioner by it.
    assert masked_in_exports(Commissioner) == {"phone": PHONE, "email": EMAIL}
    masked = {name: personal_columns(get_importer(name)) for name in importer_names()}
    assert {name: columns for name, columns in masked.items() if columns} == {
        "commissioners": {"phone": PHONE, "email": EMAIL},
        "enterprises": {"contact_phone": PHONE, "contact_email": EMAIL},
    }


def test_a_masked_cell_keeps_the_stored_value_on_import() -> None:
    for name in importer_names():
        importer = get_importer(name)
        for key, kind in personal_columns(importer).items():
            column = importer.column_for_key(key)
            assert column is not None, (name, key)
            assert column.parse(mask_value(kind, SAMPLES[kind])) == "", (name, key)
