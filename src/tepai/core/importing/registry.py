"""Which importer serves which ``tepai import REGISTRY`` name, in dependency order."""

from __future__ import annotations

from django.utils.module_loading import import_string

from tepai.core.importing.base import Importer

# Order matters: `tepai demo` and the docs list registries in the order they can be loaded.
IMPORTERS: dict[str, str] = {
    "institutions": "tepai.institutions.importers.InstitutionImporter",
    "batches": "tepai.programs.importers.BatchImporter",
    "teams": "tepai.programs.importers.TeamImporter",
    "centres": "tepai.programs.importers.CentreImporter",
    "commissioners": "tepai.commissioners.importers.CommissionerImporter",
    "work-items": "tepai.commissioners.importers.WorkItemImporter",
    "enterprises": "tepai.enterprises.importers.EnterpriseImporter",
    "events": "tepai.events.importers.EventImporter",
    "demand-lists": "tepai.demands.importers.DemandListImporter",
    "demands": "tepai.demands.importers.DemandImporter",
    "outcomes": "tepai.outcomes.importers.OutcomeImporter",
    "intents": "tepai.outcomes.importers.CooperationIntentImporter",
    "projects": "tepai.projects.importers.ProjectImporter",
    "activities": "tepai.activities.importers.ActivityImporter",
    "cases": "tepai.cases.importers.CaseImporter",
}


class UnknownRegistry(KeyError):
    def __str__(self) -> str:
        return f"未知的数据类别“{self.args[0]}”；可选：{'、'.join(IMPORTERS)}"


def get_importer(registry: str) -> type[Importer]:
    """Return the importer class for ``registry`` or raise UnknownRegistry."""
    try:
        path = IMPORTERS[registry]
    except KeyError:
        raise UnknownRegistry(registry) from None
    importer: type[Importer] = import_string(path)
    return importer
