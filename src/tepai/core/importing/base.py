"""The import engine: column declarations, per-row parsing, and the all-or-nothing write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils.translation import gettext as _

from tepai.core.cleaning import CleaningError, clean_text
from tepai.core.importing import journal, planner
from tepai.core.importing.errors import ImportFailed, RowError
from tepai.core.importing.reader import SheetRow, Table, normalise_header
from tepai.core.importing.unit import UnitOfWork

Parser = Callable[[object], Any]

# Always accepted and ignored: offices number their rows.
IGNORED_HEADERS = frozenset({"序号"})


@dataclass(frozen=True)
class Column:
    """One template column: its Chinese header, the key it fills, and how a cell is parsed.

    ``parse`` receives the raw cell (already known to be non-empty) and returns the value or
    raises CleaningError with a Chinese reason. Empty cells give ``default``.
    """

    header: str
    key: str
    parse: Parser = clean_text
    required: bool = False
    default: Any = None
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    registry: str
    label: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    related_created: Counter[str] = field(default_factory=Counter)
    related_names: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        """Return a one-paragraph Chinese summary for the command line."""
        verb = "校验通过（未写入）" if self.dry_run else "导入完成"
        text = (
            f"{self.label}{verb}：共 {self.rows} 行，新增 {self.created} 条，更新 {self.updated} 条"
        )
        if self.related_created:
            extra = "，".join(
                f"{name} {count} 个" for name, count in sorted(self.related_created.items())
            )
            text += f"；同时新建 {extra}"
        return text + "。"


@dataclass
class ImportContext:
    """State shared by the rows of one import: options, the planned writes, what was created."""

    options: dict[str, Any] = field(default_factory=dict)
    related_created: Counter[str] = field(default_factory=Counter)
    # The names of the related records created, per kind (the preview lists them).
    related_names: dict[str, list[str]] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)
    uow: UnitOfWork = field(default_factory=UnitOfWork)

    def note_created(self, kind: str, name: str) -> None:
        """Count a related record of ``kind`` (单位, 企业 …) the import creates, by name."""
        self.related_created[kind] += 1
        self.related_names.setdefault(kind, []).append(name)


@dataclass
class RowValues:
    """A parsed row handed to :meth:`Importer.save_row`."""

    number: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


class Importer:
    """Base class of every registry's importer.

    Subclasses set ``registry`` (the CLI name), ``label``, ``model`` and ``columns`` and
    implement :meth:`save_row`, returning True when a record was created and False when an
    existing one was updated. They raise :class:`RowError` for problems only the database can
    reveal (a reference that does not resolve, a duplicate). ``save_row`` reads and writes
    through ``self.context.uow`` (:class:`~tepai.core.importing.unit.UnitOfWork`), never the
    ORM directly: rows are planned without a transaction, then written in bulk.
    """

    registry: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]
    description: ClassVar[str] = ""
    # Export hook: the lookup that ties a record to a batch (None: not batch-scoped). Personal
    # data is masked by what tepai.core.personal_data declares for the model's fields.
    batch_filter: ClassVar[str | None] = None
    # The columns the browser preview shows for each row (keys; default: the first three
    # filled), chosen to show how messy cells were read (职称 → its level, 学位 → its code).
    preview_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def export_queryset(cls) -> models.QuerySet[Any]:
        """Return the records an export writes; importers add select/prefetch_related."""
        return cls.model._default_manager.all()

    def __init__(self, **options: Any) -> None:
        self.context = ImportContext(options=options)

    # ----- declaration helpers -------------------------------------------------------------
    @classmethod
    def column_for_key(cls, key: str) -> Column | None:
        return next((column for column in cls.columns if column.key == key), None)

    @classmethod
    def header_for_field(cls, field_name: str) -> str:
        """Return the header that reports problems with model field ``field_name``."""
        column = cls.column_for_key(field_name)
        if column:
            return column.header
        return "(整行)"

    # ----- parsing -------------------------------------------------------------------------
    def _map_headers(self, table: Table) -> tuple[dict[str, Column], list[RowError]]:
        by_name: dict[str, Column] = {}
        for declared in self.columns:
            for name in (declared.header, *declared.aliases):
                by_name[normalise_header(name)] = declared
        mapping: dict[str, Column] = {}
        errors: list[RowError] = []
        seen: dict[str, str] = {}
        for header in table.headers:
            if not header or header in IGNORED_HEADERS:
                continue
            column = by_name.get(header)
            if column is None:
                known = "、".join(c.header for c in self.columns)
                errors.append(RowError(1, header, f"未知的列；{self.label}模板的列为：{known}"))
                continue
            if column.key in seen:
                errors.append(RowError(1, header, f"与“{seen[column.key]}”是同一列，重复了"))
                continue
            seen[column.key] = header
            mapping[header] = column
        present = {column.key for column in mapping.values()}
        for column in self.columns:
            if column.required and column.key not in present and not self._supplied(column):
                errors.append(RowError(1, column.header, "缺少必填列"))
        return mapping, errors

    def _supplied(self, column: Column) -> bool:
        """Return True when a command-line option provides this column for every row."""
        return self.context.options.get(column.key) is not None

    def parse_row(
        self, row: SheetRow, mapping: dict[str, Column]
    ) -> tuple[RowValues, list[RowError]]:
        values: dict[str, Any] = {column.key: column.default for column in self.columns}
        errors: list[RowError] = []
        filled: set[str] = set()
        for header, column in mapping.items():
            raw = row.cells.get(header)
            try:
                # clean_text itself refuses Excel error values (#N/A), so it belongs in the try.
                if raw is None or (isinstance(raw, str) and not clean_text(raw)):
                    continue
                values[column.key] = column.parse(raw)
                filled.add(column.key)
            except CleaningError as exc:
                errors.append(RowError(row.number, column.header, str(exc)))
                filled.add(column.key)
        for column in self.columns:
            if column.required and column.key not in filled:
                supplied = self.context.options.get(column.key)
                if supplied is not None:
                    values[column.key] = supplied
                else:
                    errors.append(RowError(row.number, column.header, "不能为空"))
        return RowValues(row.number, values), errors

    def natural_key(self, row: RowValues) -> Any:
        """Return what identifies the record a row describes, to catch duplicates in one file."""
        return None

    # ----- exporting (tepai export) --------------------------------------------------------
    def export_row(self, obj: Any) -> dict[str, object]:
        """Return ``obj``'s cells by column key, in the form the columns parse back.

        The default reads the attribute named like each column's key, a choice field giving its
        label (:mod:`tepai.core.importing.exporting` calls this with translation off, so the
        labels are the Chinese source). Importers override it for references and other columns
        whose attribute is not what the cell holds.
        """
        values: dict[str, object] = {}
        for column in self.columns:
            display = getattr(obj, f"get_{column.key}_display", None)
            values[column.key] = display() if display else getattr(obj, column.key, None)
        return values

    # ----- writing -------------------------------------------------------------------------
    def save_row(self, row: RowValues) -> bool:
        raise NotImplementedError

    def full_clean(
        self, instance: models.Model, row: RowValues, exclude: Iterable[str] = ()
    ) -> None:
        """Run model validation and turn field errors into RowErrors under the right header."""
        try:
            instance.full_clean(
                exclude=list(exclude), validate_unique=False, validate_constraints=False
            )
            self.context.uow.validate_constraints(instance, exclude)
        except ValidationError as exc:
            raise ImportFailed(self._validation_errors(exc, row.number)) from exc

    def _validation_errors(self, exc: ValidationError, number: int) -> list[RowError]:
        errors: list[RowError] = []
        if hasattr(exc, "error_dict"):
            for field_name, field_errors in exc.error_dict.items():
                header = self.header_for_field(field_name)
                for error in field_errors:
                    errors.append(RowError(number, header, " ".join(error.messages)))
        else:
            errors.extend(RowError(number, "(整行)", message) for message in exc.messages)
        return errors

    def run(self, table: Table, *, dry_run: bool = False) -> ImportResult:
        """Validate every row, then write all of them in one transaction or none.

        Raises :class:`ImportFailed` listing every problem when any row is invalid.
        """
        mapping, errors = self._map_headers(table)
        if errors:
            raise ImportFailed(errors)
        parsed: list[RowValues] = []
        first_row_of_key: dict[Any, int] = {}
        for sheet_row in table.rows:
            row, row_errors = self.parse_row(sheet_row, mapping)
            errors.extend(row_errors)
            if row_errors:
                continue
            key = self.natural_key(row)
            if key is not None:
                if key in first_row_of_key:
                    errors.append(
                        RowError(
                            row.number,
                            "(整行)",
                            f"与第{first_row_of_key[key]}行是同一条记录，重复了",
                        )
                    )
                    continue
                first_row_of_key[key] = row.number
            parsed.append(row)
        if errors:
            raise ImportFailed(errors)
        if not parsed:
            raise ImportFailed([RowError(2, "(整行)", "文件中没有数据行")])

        result = ImportResult(self.registry, self.label, rows=len(parsed), dry_run=dry_run)
        # Planning reads (each table once) and writes nothing: no transaction, no write lock.
        self.context.uow = UnitOfWork()
        self.context.cache.clear()  # records cached by an earlier run belong to its plan
        for row in parsed:
            try:
                created = self.save_row(row)
            except RowError as exc:
                errors.append(exc)
                continue
            except ImportFailed as exc:
                errors.extend(exc.errors)
                continue
            except ValidationError as exc:
                errors.extend(self._validation_errors(exc, row.number))
                continue
            if created:
                result.created += 1
            else:
                result.updated += 1
        if errors:
            raise ImportFailed(errors)
        result.related_created = self.context.related_created
        result.related_names = self.context.related_names
        if not dry_run:
            self._write()
        return result

    def _write(self) -> None:
        """Write the planned rows in one short transaction: all of them or none."""
        uow = self.context.uow
        snapshots = journal.Snapshots(uow.planned_inserts())  # outside the lock
        try:
            with transaction.atomic():
                written = uow.apply()
                journal.audit(written, snapshots)
                self.after_write(written)
                planner.refresh_statistics(written)
        except IntegrityError as exc:
            # Someone saved a clashing record between the check and the write.
            raise ImportFailed(
                [
                    RowError(
                        0,
                        _("数据库"),
                        _("写入时与刚保存的数据冲突，已全部撤销，请重新导入：%(error)s")
                        % {"error": exc},
                    )
                ]
            ) from exc
        except DatabaseError as exc:
            raise ImportFailed([RowError(0, "数据库", f"写入失败，已全部撤销：{exc}")]) from exc
        journal.announce_links(written, {id(obj) for obj in written.created})

    def after_write(self, written: journal.Written) -> None:
        """Do what the model signals would have done beyond the audit log (default: nothing)."""


def find_existing(
    model: type[models.Model], code: str, *, ctx: ImportContext, **natural_key: Any
) -> Any:
    """Return the record a row refers to: by 编号 when given and known, else by natural key."""
    if code:
        found = ctx.uow.first(model, code=code)
        if found is not None:
            return found
    return ctx.uow.first(model, **natural_key)
