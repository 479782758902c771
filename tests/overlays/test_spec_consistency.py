"""The client's built-in limits are the curated spec's, so a spec change cannot silently diverge."""

from __future__ import annotations

from amplemarket import _ops
from apicore import Limit
from tests._specdata import curated


def test_rate_limits_match_the_spec() -> None:
    table = curated()["info"]["x-rate-limit"]
    assert Limit(table["default"]["requests"], table["default"]["period_seconds"]) == _ops.DEFAULT_LIMIT
    routes = {k: Limit(v["requests"], v["period_seconds"]) for k, v in table.items() if k.startswith("/")}
    assert routes == _ops.ROUTE_LIMITS
    for route, limit in routes.items():
        operation = next(op for op in curated()["paths"][route].values() if isinstance(op, dict))
        assert operation["x-rate-limit"]["requests"] == limit.requests


def test_batch_limits_match_the_spec() -> None:
    document = curated()
    enrich = document["paths"]["/people/enrichment-requests"]["post"]["requestBody"]["content"]["application/json"]
    assert enrich["schema"]["properties"]["leads"]["maxItems"] == _ops.MAX_ENRICHMENT_LEADS
    schemas = document["components"]["schemas"]
    add_leads = schemas["request_add_leads_object"]["properties"]["leads"]
    assert add_leads["maxItems"] == _ops.MAX_SEQUENCE_LEADS
    data = add_leads["items"]["properties"]["data"]
    assert data["maxProperties"] == _ops.MAX_DATA_FIELDS
    assert data["additionalProperties"]["maxLength"] == _ops.MAX_DATA_VALUE
    assert data["x-property-names"] == {"pattern": _ops.DATA_FIELD_NAME.pattern, "maxLength": _ops.MAX_DATA_NAME}
    assert schemas["request_lead_list_object"]["properties"]["leads"]["maxItems"] == _ops.MAX_LEAD_LIST_LEADS


def test_error_codes_cover_the_documented_codes() -> None:
    documented = curated()["components"]["schemas"]["response_error_object"]["properties"]["code"]["x-known-values"]
    assert set(documented) == set(_ops.ERROR_CODES)
