"""The client's built-in limits are the curated spec's, so a spec change cannot silently diverge.

The documented numbers reach the client through the generated ``amplemarket_api.limits`` (rebuilt
from the curated spec by ``make generate``); nothing here or in the overlays pins them.
"""

from __future__ import annotations

from typing import Any

import pytest

from amplemarket import Amplemarket, _ops
from amplemarket.testing import Simulator
from amplemarket.testing import _sim as simulator_module
from amplemarket_api import limits
from apicore import Limit
from tests._specdata import curated


def test_the_generated_limits_are_the_curated_specs() -> None:
    info = curated()["info"]
    rates = {key: {"requests": v.requests, "period_seconds": v.period_seconds} for key, v in limits.RATE_LIMITS.items()}
    assert rates == info["x-rate-limit"]
    assert (
        limits.USAGE_LIMITS["Max Email Validations"].limit == info["x-usage-limits"]["Max Email Validations"]["limit"]
    )
    for route, rate in limits.RATE_LIMITS.items():
        if route != "default":
            operation = next(op for op in curated()["paths"][route].values() if isinstance(op, dict))
            assert operation["x-rate-limit"] == {"requests": rate.requests, "period_seconds": rate.period_seconds}


def test_rate_limits_match_the_spec() -> None:
    table = curated()["info"]["x-rate-limit"]
    assert Limit(table["default"]["requests"], table["default"]["period_seconds"]) == _ops.DEFAULT_LIMIT
    routes = {k: Limit(v["requests"], v["period_seconds"]) for k, v in table.items() if k.startswith("/")}
    assert routes == _ops.ROUTE_LIMITS


def test_a_client_with_default_settings_paces_by_the_generated_limits() -> None:
    with Amplemarket(api_key="sk-test-consistency") as client:
        limiter = client.rate_limiter
        assert limiter is not None
        search = limits.RATE_LIMITS["/people/search"]
        assert limiter.routes["/people/search"] == Limit(search.requests, float(search.period_seconds))
        default = limits.RATE_LIMITS["default"]
        assert limiter.default == Limit(default.requests, float(default.period_seconds))
    assert limits.USAGE_LIMITS["Max Email Validations"].limit == _ops.MAX_EMAIL_VALIDATIONS


def test_the_simulator_limits_requests_by_the_generated_limits() -> None:
    expected = {"*" if k == "default" else k: v.requests for k, v in limits.RATE_LIMITS.items()}
    assert all(v.period_seconds == 60 for v in limits.RATE_LIMITS.values()), "the table is per minute today"
    assert Simulator().limits == expected


def test_the_simulator_knows_every_documented_charging_event() -> None:
    known = {
        simulator_module.FIND: simulator_module.PERSON_EVENTS,
        simulator_module.ENRICH: simulator_module.PERSON_EVENTS,
        simulator_module.VALIDATE: simulator_module.VALIDATION_EVENTS,
    }
    assert set(limits.CREDIT_COSTS) == set(known), "an operation charges credits that the simulator does not charge"
    for operation, costs in limits.CREDIT_COSTS.items():
        assert {cost.event for cost in costs} <= set(known[operation]), operation
        assert {cost.credit_type for cost in costs} <= set(Simulator().credits), operation


def test_the_simulator_charges_what_the_generated_table_says(monkeypatch: pytest.MonkeyPatch) -> None:
    find = simulator_module.FIND
    table: dict[Any, Any] = dict(limits.CREDIT_COSTS)
    table[find] = (
        limits.CreditCost(credits=2, credit_type="email", event="person_found", once_per_seconds=3_600),
        limits.CreditCost(credits=3, credit_type="phone", event="phone_number_revealed"),
    )
    table[simulator_module.VALIDATE] = (limits.CreditCost(credits=0.5, credit_type="email", event="each_email"),)
    monkeypatch.setattr(simulator_module, "CREDIT_COSTS", table)
    sim = Simulator(seed=7, email_credits=100, phone_credits=100)
    am = sim.client(rate_limit=False, max_retries=0)
    email = sim.people.email_of(1)
    am.people.find(email=email, reveal_phone_numbers=True)
    am.people.find(email=email, reveal_phone_numbers=True)  # found again within the hour; phone charged each time
    assert sim.credits == {"email": 98, "phone": 94}
    sim.advance(3_600)
    am.people.find(email=email)
    assert sim.credits == {"email": 96, "phone": 94}
    am.email_validations.validate([sim.people.email_of(2), sim.people.email_of(3)])
    assert sim.credits == {"email": 95, "phone": 94}


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
