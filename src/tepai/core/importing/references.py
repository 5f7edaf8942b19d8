"""How a cell of an import names a record of another registry, and how the import finds it.

A reference names an existing record by its 编号 or name (:class:`Reference`: 特派员, 企业, 活动,
项目 …) and fails the row with a Chinese message when there is none; or it names a record the
import creates when it is unknown (:func:`find_or_create`: 单位, 特派团, 创新中心, a demand's
企业). Either way a record found is cached for the rest of the import, since a sheet names the
same few records over and over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from tepai.core.importing.base import ImportContext
from tepai.core.importing.errors import RowError

__all__ = ["Reference", "find_or_create"]

# The model a reference cell names.
ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class Reference(Generic[ModelT]):
    """A cell naming a record of ``model``: looked up by ``fields`` in order, cached per import.

    The first field with any match decides: one match is the answer, several fail the row with
    ``ambiguous`` (when given; else the oldest is taken) and no field matching fails it with
    ``missing``. Both messages are templates of ``{token}``, the text of the cell. Calling a
    reference resolves one token::

        resolve_event = Reference(Event, ("code", "name"), missing="活动“{token}”不存在…")
        event = resolve_event(row["signing_event"], row.number, "签约活动", ctx)
    """

    model: type[ModelT]
    fields: tuple[str, ...]
    missing: str
    ambiguous: str = ""

    def __call__(self, token: str, number: int, header: str, ctx: ImportContext) -> ModelT:
        """Return the record ``token`` names, or raise RowError(number, header, …)."""
        found = self._find(token, number, header, ctx)
        if found is None:
            raise RowError(number, header, self.missing.format(token=token))
        return found

    def many(
        self, tokens: Iterable[str], number: int, header: str, ctx: ImportContext
    ) -> list[ModelT]:
        """Return the records ``tokens`` name, or raise one RowError naming every unknown one."""
        found: list[ModelT] = []
        unknown: list[str] = []
        for token in tokens:
            record = self._find(token, number, header, ctx)
            if record is None:
                unknown.append(token)
            else:
                found.append(record)
        if unknown:
            # The template quotes one token (企业“{token}”); several read 企业“甲”、“乙”.
            raise RowError(number, header, self.missing.format(token="”、“".join(unknown)))
        return found

    def _find(self, token: str, number: int, header: str, ctx: ImportContext) -> ModelT | None:
        key = ("reference", self.model._meta.label, token)
        if key in ctx.cache:
            cached: ModelT = ctx.cache[key]
            return cached
        for field_name in self.fields:
            matches = ctx.uow.filter(self.model, **{field_name: token})[:2]
            if len(matches) > 1 and self.ambiguous:
                raise RowError(number, header, self.ambiguous.format(token=token))
            if matches:
                ctx.cache[key] = matches[0]
                return matches[0]
        return None


def find_or_create(
    model: type[ModelT],
    name: str,
    *,
    ctx: ImportContext,
    kind: str,
    within: Mapping[str, models.Model] | None = None,
    values: Mapping[str, Any] | None = None,
) -> ModelT:
    """Return the record of ``model`` called ``name``, planning a new one when there is none.

    ``within`` narrows the lookup to a parent (a team of its batch) and ``values`` fill a new
    record's other fields. A record created is counted as a ``kind`` (单位, 特派团 …) for the
    import's summary and preview. Found or created, the record is cached per import.
    """
    parents = dict(within or {})
    # By identity: a parent the same import creates has no primary key yet, nor a hash.
    key = ("find_or_create", model._meta.label, name, *((k, id(v)) for k, v in parents.items()))
    if key in ctx.cache:
        cached: ModelT = ctx.cache[key]
        return cached
    record = ctx.uow.first(model, name=name, **parents)
    if record is None:
        record = ctx.uow.create(model, **parents, name=name, **(values or {}))
        ctx.note_created(kind, name)
    ctx.cache[key] = record
    return record
