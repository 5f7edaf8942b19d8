"""The API's router: every registry that declares endpoints, plus reports and the current user.

Each registry's schemas and endpoints live in its own app (``<app>/api.py``, declared in
``<app>/registry.py``); this module only mounts what the declarations say.
"""

from ninja import Router

from tepai.api.crud import mount
from tepai.api.endpoints import me, reports
from tepai.core.registries import all_registries, in_menu_order


def build_router() -> Router:
    """Return a router with every endpoint of the API."""
    router = Router()
    me.mount(router)
    # In menu order: the API docs list the registries as the site's menu does.
    for registry in in_menu_order(all_registries()):
        if registry.api is not None:
            mount(router, registry)
    reports.mount(router)
    return router
