"""Property-based fuzzing from the API's own OpenAPI schema: no 5xx, and every answer matches the schema.

The requests go over HTTP to the real ``kliping serve`` process, so uvicorn's
own parsing is fuzzed too. (The schema does not depend on the data, so it is
taken from an app built at import time, as schemathesis wants it then.)

A bounded number of examples per operation keeps this well under a minute.
``positive_data_acceptance`` is left out on purpose: the query language is
richer than a JSON schema can say, so a schema-valid string (``q=""`` or
``q=AND``) may still be a malformed query, answered with a documented 400.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from kliping.config import Config
from search.api import create_app

pytest_plugins = ["test_api_support"]  # the shared data set and the real server

EXAMPLES = 60

schema = schemathesis.openapi.from_dict(create_app(Config()).openapi())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_and_matches_its_schema(case, live_url: str) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(base_url=live_url, excluded_checks=[positive_data_acceptance], timeout=10)
