"""A bounded, seeded schemathesis run over the API, as the programme office and as an enterprise.

Every operation in ``/api/openapi.json`` gets schema-valid (positive) and schema-breaking
(negative) requests through Django's WSGI application; each answer must not be a 5xx and must
match the schema: a documented status code, content type, headers and body shape. Issue 9
(finding 5): the first such run found 24 server errors from integers above 2^63 in filters,
ids and bodies, HTML 404s for non-numeric ids and an undocumented 400 for unparsable bodies.

The run is derandomized (the same requests every time) and small: about 20 s per role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tepai.api.tests.world import World
from tepai.api.tokens import issue_token
from tepai.wsgi import application

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode; the whole run (both roles) stays near 40 s.
EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    # Requests go through the real WSGI application, which closes the database connection at
    # the end of each request; that would end the test's transaction (as Django's own test
    # client knows, and avoids the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    """Return the first failure found on ``operation`` in ``mode``, or None."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        # No shrinking: the first failing request is shown as it was, and time stays bounded.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    # Schemathesis reports its findings as a BaseExceptionGroup; each is collected.
    except (Exception, BaseExceptionGroup) as failure:
        first_line = str(failure).strip().splitlines()[:30]
        return f"{operation.method.upper()} {operation.path} [{mode}]: " + "\n  ".join(first_line)
    return None


@pytest.mark.parametrize("role", ["admin", "enterprise"])
def test_it_answers_every_generated_request_without_a_5xx_and_as_documented(
    world: World, role: str, keep_the_test_connection: None
) -> None:
    _, raw = issue_token(world.users[role], "fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, headers=headers)
    failures = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the API's own schema must load
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _fuzz(operation, mode, headers)
            if failure:
                failures.append(failure)
    assert not failures, f"{len(failures)} failing operations:\n" + "\n\n".join(failures)
