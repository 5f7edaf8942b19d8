"""Which importer serves which ``tepai import REGISTRY`` name, in dependency order.

Each registry's declaration names its importer (tepai.core.registries); this module answers
the import and export commands, the import page and the demo by the registry's slug.
"""

from __future__ import annotations

from tepai.core.importing.base import Importer
from tepai.core.registries import all_registries, registries_by_slug


def importer_names() -> list[str]:
    """Return every registry that can be imported, each after those its rows refer to.

    `tepai demo`, the import page and the docs load and list registries in this order.
    """
    return [registry.slug for registry in all_registries()]


class UnknownRegistry(KeyError):
    def __str__(self) -> str:
        return f"未知的数据类别“{self.args[0]}”；可选：{'、'.join(importer_names())}"


def get_importer(registry: str) -> type[Importer]:
    """Return the importer class for ``registry`` or raise UnknownRegistry."""
    try:
        return registries_by_slug()[registry].importer
    except KeyError:
        raise UnknownRegistry(registry) from None
