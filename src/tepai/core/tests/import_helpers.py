"""Helpers for the importer tests: writing input files and running an import on them."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tepai.commissioners.models import Commissioner
from tepai.core.choices import Degree, Gender, IndustryCluster, TitleLevel
from tepai.core.importing import ImportFailed, ImportResult, read_table
from tepai.core.importing.base import Importer
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event, EventKind
from tepai.institutions.models import Institution
from tepai.programs.models import Batch

Rows = Sequence[Sequence[Any]]


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``rows`` (header first) as a CSV file, UTF-8 with BOM like Excel saves it."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(["" if cell is None else cell for cell in row] for row in rows)
    return path


def write_xlsx(path: Path, rows: Rows) -> Path:
    """Write ``rows`` (header first) to the first sheet of a real .xlsx file.

    Cells keep their Python types, so a ``datetime`` becomes an Excel date cell and a float a
    number cell; an empty row (``[]``) stays a blank sheet row.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=index, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    workbook.save(path)
    return path


def run_import(
    importer: type[Importer], path: Path, *, dry_run: bool = False, **options: Any
) -> ImportResult:
    return importer(**options).run(read_table(path), dry_run=dry_run)


def import_errors(importer: type[Importer], path: Path, **options: Any) -> list[str]:
    """Run an import that must fail and return its errors as ``第N行 列名: 原因`` lines."""
    with pytest.raises(ImportFailed) as failure:
        run_import(importer, path, **options)
    return [str(error) for error in failure.value.errors]


# ----- records other registries refer to ------------------------------------------------------
def make_batch(name: str = "第二批", code: str = "", **fields: Any) -> Batch:
    fields.setdefault("dispatch_date", datetime.date(2024, 4, 24))
    return Batch.objects.create(name=name, code=code, **fields)


def make_institution(name: str = "浙江大学") -> Institution:
    return Institution.objects.get_or_create(name=name)[0]


def make_commissioner(
    name: str = "张三", code: str = "", *, batches: Sequence[Batch] = (), **fields: Any
) -> Commissioner:
    fields.setdefault("gender", Gender.MALE)
    fields.setdefault("birth_date", datetime.date(1980, 1, 1))
    fields.setdefault("title", "教授")
    fields.setdefault("title_level", TitleLevel.SENIOR)
    fields.setdefault("degree", Degree.DOCTORATE)
    if "institution" not in fields:
        fields["institution"] = make_institution()
    commissioner = Commissioner.objects.create(name=name, code=code, **fields)
    commissioner.batches.add(*batches)
    return commissioner


def make_enterprise(name: str = "阿克苏纺织有限公司", code: str = "", **fields: Any) -> Enterprise:
    fields.setdefault("cluster", IndustryCluster.COTTON_TEXTILE)
    return Enterprise.objects.create(name=name, code=code, **fields)


def make_event(
    name: str = "成果路演会", code: str = "", date: datetime.date | None = None, **fields: Any
) -> Event:
    fields.setdefault("kind", EventKind.ROADSHOW)
    return Event.objects.create(
        name=name, code=code, date=date or datetime.date(2024, 6, 1), **fields
    )
