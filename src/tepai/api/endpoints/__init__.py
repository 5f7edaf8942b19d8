"""The API's endpoints, one module per registry (plus reports and the current user)."""

from ninja import Router

from tepai.api.endpoints import (
    activities,
    cases,
    commissioners,
    demands,
    enterprises,
    events,
    institutions,
    me,
    outcomes,
    programs,
    projects,
    reports,
)
from tepai.api.registry import Registry, mount

REGISTRIES: list[Registry] = [
    *commissioners.REGISTRIES,
    *institutions.REGISTRIES,
    *programs.REGISTRIES,
    *enterprises.REGISTRIES,
    *demands.REGISTRIES,
    *outcomes.REGISTRIES,
    *projects.REGISTRIES,
    *activities.REGISTRIES,
    *events.REGISTRIES,
    *cases.REGISTRIES,
]

# (URL name, model label) of the registries the API can create records in.
WRITABLE_REGISTRIES = [
    (registry.path, registry.model._meta.label) for registry in REGISTRIES if registry.form
]


def build_router() -> Router:
    """Return a router with every endpoint of the API."""
    router = Router()
    me.mount(router)
    for registry in REGISTRIES:
        mount(router, registry)
    demands.mount_extras(router)
    projects.mount_extras(router)
    reports.mount(router)
    return router
