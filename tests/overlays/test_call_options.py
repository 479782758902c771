"""``client.with_options(timeout=..., max_retries=...)``: a client for one call or one block, sharing the rest."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import apicore.errors
from amplemarket import Amplemarket, AsyncAmplemarket, errors
from amplemarket.testing import Simulator
from apollo import Apollo, AsyncApollo
from apollo import errors as apollo_errors
from apollo.testing import Simulator as ApolloSimulator

BASE = "https://api.amplemarket.com"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def statuses(sim: Any) -> list[tuple[str, str, int]]:
    return [(entry.method, entry.path, entry.status) for entry in sim.log]


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=7)


@pytest.fixture
def am(sim: Simulator) -> Iterator[Amplemarket]:
    client = sim.client(rate_limit=False)
    client._sleep = lambda seconds: None  # retries back off without really waiting
    yield client
    client._http.close()


# --------------------------------------------------------------------------- what the copy shares
def test_the_copy_shares_pool_limiter_key_and_poll_policy_and_has_its_own_resources(sim: Simulator) -> None:
    am = sim.client()
    quick = am.with_options(timeout=2, max_retries=0)
    assert type(quick) is Amplemarket
    assert quick._http is am._http, "one connection pool"
    assert quick.rate_limiter is am.rate_limiter is not None, "one rate limiter"
    assert quick.poll_policy is am.poll_policy
    assert quick._config.api_key is am._config.api_key
    assert quick.base_url == am.base_url
    assert (quick.max_retries, am.max_retries) == (0, 3)
    assert quick.timeout == httpx.Timeout(2.0)
    assert am.timeout == am._http.timeout, "the original keeps the pool's timeout"
    for name in ("people", "companies", "email_validations", "lead_lists", "sequences", "tasks", "account"):
        resource, original = getattr(quick, name), getattr(am, name)
        assert type(resource) is type(original)
        assert resource._client is quick, f"{name} of the copy sends through the copy"
        assert original._client is am, f"{name} of the original is untouched"
    assert quick.exclusions.domains._client is quick
    am._http.close()


def test_options_not_given_keep_the_values_of_the_client_copied(sim: Simulator) -> None:
    am = sim.client(max_retries=5)
    assert am.with_options(timeout=3).max_retries == 5
    no_retries = am.with_options(max_retries=0)
    assert no_retries.timeout == am.timeout
    both = no_retries.with_options(timeout=7)
    assert (both.max_retries, both.timeout) == (0, httpx.Timeout(7.0))
    assert am.with_options().max_retries == 5
    assert am.with_options(timeout=None).timeout == httpx.Timeout(None), "None: no timeout at all"
    custom = httpx.Timeout(5.0, connect=1.0)
    assert am.with_options(timeout=custom).timeout is custom
    am._http.close()


def test_the_timeout_is_set_on_each_request_of_the_copy_only() -> None:
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"account": {"id": "acc-1", "name": "Example"}})

    pool = httpx.Client(transport=httpx.MockTransport(answer), timeout=httpx.Timeout(30.0, connect=4.0))
    am = Amplemarket(api_key="k", base_url=BASE, http_client=pool, rate_limit=False)
    am.with_options(timeout=2.5).account.info()
    am.account.info()
    am.with_options(timeout=httpx.Timeout(9.0, read=20.0)).account.info()
    assert seen == [
        {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5},
        {"connect": 4.0, "read": 30.0, "write": 30.0, "pool": 30.0},
        {"connect": 9.0, "read": 20.0, "write": 9.0, "pool": 9.0},
    ]
    pool.close()


# --------------------------------------------------------------------------- max_retries
def test_max_retries_zero_makes_one_request_and_the_original_still_retries(sim: Simulator, am: Amplemarket) -> None:
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError):
        am.with_options(max_retries=0).account.info()
    assert statuses(sim) == [("GET", "/account-info", 500)], "one request, no retry"

    sim.faults.server_errors(1)
    assert am.account.info().to_dict()["account"]["name"] == "Simulated account"
    assert statuses(sim)[1:] == [("GET", "/account-info", 500), ("GET", "/account-info", 200)]
    assert am.max_retries == 3


def test_more_retries_for_one_block(sim: Simulator) -> None:
    am = sim.client(rate_limit=False, max_retries=0)
    am._sleep = lambda seconds: None
    sim.faults.server_errors(2, status=503)
    with am.with_options(max_retries=2) as patient:
        assert patient.tasks.statuses().to_dict()["statuses"]
    assert [status for *_, status in statuses(sim)] == [503, 503, 200]
    sim.faults.server_errors(1, status=503)
    with pytest.raises(errors.ServerError):
        am.tasks.statuses()
    am._http.close()


def test_a_paginator_of_the_copy_uses_its_options(sim: Simulator, am: Amplemarket) -> None:
    users = am.with_options(max_retries=0).users.list()
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError):
        next(iter(users))  # pages are fetched lazily, through the copy
    assert statuses(sim) == [("GET", "/users", 500)]
    sim.faults.server_errors(1)
    assert next(iter(am.users.list())) is not None
    assert [status for *_, status in statuses(sim)] == [500, 500, 200]


# --------------------------------------------------------------------------- timeout (served on loopback: real sockets)
def test_a_timeout_shorter_than_a_slow_answer_raises_and_the_original_waits() -> None:
    sim = Simulator(seed=7, rate_limits=False)
    with sim.serve(port=0) as url, Amplemarket(api_key=sim.api_key, base_url=url, rate_limit=False) as am:
        sim.faults.slow_responses(1, 1.0)
        with pytest.raises(errors.APITimeoutError) as info:
            am.with_options(timeout=0.2, max_retries=0).account.info()
        assert isinstance(info.value, apicore.errors.APITimeoutError)
        assert "ReadTimeout" in str(info.value)
        sim.faults.slow_responses(1, 0.4)
        assert am.account.info().to_dict()["account"]["name"] == "Simulated account"


async def _async_timeout_case(sim: Simulator, url: str) -> None:
    async with AsyncAmplemarket(api_key=sim.api_key, base_url=url, rate_limit=False) as aam:
        sim.faults.slow_responses(1, 1.0)
        with pytest.raises(errors.APITimeoutError):
            await aam.with_options(timeout=0.2, max_retries=0).account.info()
        sim.faults.slow_responses(1, 0.4)
        assert (await aam.account.info()).to_dict()["account"]["name"] == "Simulated account"


@pytest.mark.anyio
async def test_async_a_timeout_shorter_than_a_slow_answer_raises_and_the_original_waits() -> None:
    sim = Simulator(seed=7, rate_limits=False)
    with sim.serve(port=0) as url:
        await _async_timeout_case(sim, url)


# --------------------------------------------------------------------------- the shared pool
def test_leaving_the_block_keeps_the_pool_open_and_closing_the_original_closes_it() -> None:
    sim = Simulator(seed=7, rate_limits=False)
    with sim.serve(port=0) as url:
        am = Amplemarket(api_key=sim.api_key, base_url=url, rate_limit=False)  # owns its pool
        with am.with_options(timeout=5) as quick:
            assert quick._http is am._http
            quick.account.info()
        assert not am._http.is_closed, "the copy never closes the shared pool"
        quick.close()
        assert not am._http.is_closed
        assert am.account.info().to_dict()["account"]["name"] == "Simulated account"
        am.close()
        assert am._http.is_closed, "the original closes it"


@pytest.mark.anyio
async def test_async_leaving_the_block_keeps_the_pool_open_and_closing_the_original_closes_it() -> None:
    sim = Simulator(seed=7, rate_limits=False)
    with sim.serve(port=0) as url:
        aam = AsyncAmplemarket(api_key=sim.api_key, base_url=url, rate_limit=False)
        async with aam.with_options(timeout=5, max_retries=1) as quick:
            assert quick._http is aam._http
            assert quick.people._client is quick
            await quick.account.info()
        assert not aam._http.is_closed
        await quick.aclose()
        assert not aam._http.is_closed
        await aam.account.info()
        await aam.close()
        assert aam._http.is_closed


@pytest.mark.anyio
async def test_async_max_retries_zero_makes_one_request(sim: Simulator) -> None:
    aam = sim.async_client(rate_limit=False)

    async def no_wait(seconds: float) -> None:
        return None

    aam._sleep = no_wait
    sim.faults.server_errors(1)
    with pytest.raises(errors.ServerError):
        await aam.with_options(max_retries=0).account.info()
    assert statuses(sim) == [("GET", "/account-info", 500)]
    sim.faults.server_errors(1)
    await aam.account.info()
    assert [status for *_, status in statuses(sim)] == [500, 500, 200]
    await aam._http.aclose()


# --------------------------------------------------------------------------- Apollo
def test_apollo_max_retries_zero_does_not_wait_out_a_429_and_the_original_does() -> None:
    sim = ApolloSimulator(seed=7)
    apollo = sim.client()
    waits: list[float] = []
    apollo._sleep = waits.append
    sim.faults.rate_limit_burst(1, retry_after=1)
    with pytest.raises(apollo_errors.RateLimited):
        apollo.with_options(max_retries=0).people.match(email=sim.people.email_of(1))
    assert [entry.status for entry in sim.log] == [429]
    assert waits == []
    sim.faults.rate_limit_burst(1, retry_after=1)
    assert apollo.people.match(email=sim.people.email_of(1)) is not None
    assert [entry.status for entry in sim.log] == [429, 429, 200]
    quick = apollo.with_options(timeout=3)
    assert (type(quick), quick._http, quick.people._client) == (Apollo, apollo._http, quick)
    assert apollo.people._client is apollo
    apollo._http.close()


@pytest.mark.anyio
async def test_async_apollo_with_options() -> None:
    sim = ApolloSimulator(seed=7)
    apollo = sim.async_client()

    async def no_wait(seconds: float) -> None:
        return None

    apollo._sleep = no_wait
    sim.faults.rate_limit_burst(1, retry_after=1)
    async with apollo.with_options(max_retries=0, timeout=4) as once:
        assert type(once) is AsyncApollo
        assert once.timeout == httpx.Timeout(4.0)
        with pytest.raises(apollo_errors.RateLimited):
            await once.people.match(email=sim.people.email_of(1))
    assert not apollo._http.is_closed
    assert await apollo.people.match(email=sim.people.email_of(1)) is not None
    assert [entry.status for entry in sim.log] == [429, 200]
    await apollo._http.aclose()


# --------------------------------------------------------------------------- bad values
@pytest.mark.parametrize("value", [-1, 1.5, "3", True, None])
def test_a_bad_retry_budget_is_refused_at_once(sim: Simulator, am: Amplemarket, value: Any) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        am.with_options(max_retries=value)
    assert isinstance(info.value, ValueError)
    assert [problem.where for problem in info.value.problems] == ["max_retries"]
    assert "max_retries" in str(info.value)
    assert sim.log == [], "nothing was sent"


@pytest.mark.parametrize("value", [-1, 0, math.nan, math.inf, "fast", True, [2]])
def test_a_bad_timeout_is_refused_at_once(sim: Simulator, am: Amplemarket, value: Any) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        am.with_options(timeout=value)
    assert [problem.where for problem in info.value.problems] == ["timeout"]
    assert am.timeout == am._http.timeout, "the original is unchanged"
    assert sim.log == []


def test_options_are_keyword_only_and_unknown_ones_are_refused(am: Amplemarket) -> None:
    with pytest.raises(TypeError):
        am.with_options(2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        am.with_options(retries=2)  # type: ignore[call-arg]


def test_the_constructors_check_the_same_way() -> None:
    with pytest.raises(errors.InvalidInput, match="max_retries"):
        Amplemarket(api_key="k", max_retries=-1)
    with pytest.raises(errors.InvalidInput, match="timeout"):
        Amplemarket(api_key="k", timeout="slow")  # type: ignore[arg-type]
    with pytest.raises(apollo_errors.InvalidInput, match="max_retries"):
        Apollo(api_key="k", max_retries="2")  # type: ignore[arg-type]
