"""Errors carry the vendor's name (``amplemarket.errors.NotFound``) and the server's request id."""

from __future__ import annotations

import inspect
import pickle
import traceback
from typing import Any

import httpx
import pytest

import amplemarket
import apicore.errors
import apollo
from amplemarket import Amplemarket, AsyncAmplemarket, errors
from amplemarket.testing import Simulator
from apollo import Apollo, AsyncApollo
from apollo import errors as apollo_errors
from apollo.testing import Simulator as ApolloSimulator

BASE = "https://api.amplemarket.com"
NOBODY = "nobody.here.5@nowhere.example"  # a well-formed email that matches nobody


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def shown(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def assert_named_for(error: BaseException, module: Any, name: str) -> None:
    """``error`` is ``module.<name>``, prints so, and every documented ``except`` clause catches it."""
    vendor = module.__name__
    assert type(error).__module__ == vendor
    assert type(error) is getattr(module, name)
    text = shown(error)
    assert f"{vendor}.{name}: " in text
    assert "apicore.errors" not in text
    assert isinstance(error, getattr(apicore.errors, name)), "still the core class"
    for catch in (getattr(module, name), getattr(apicore.errors, name), module.ClientError, apicore.errors.ClientError):
        try:
            raise error
        except catch:
            pass


# --------------------------------------------------------------------------- the classes
@pytest.mark.parametrize("module", [errors, apollo_errors], ids=["amplemarket", "apollo"])
def test_every_core_error_has_a_vendor_class_that_mirrors_the_hierarchy(module: Any) -> None:
    for core in apicore.errors.CORE_ERRORS:
        vendor = getattr(module, core.__name__)
        assert vendor.__module__ == module.__name__
        assert vendor.__qualname__ == core.__name__
        assert core.__name__ in module.__all__
        assert issubclass(vendor, core)
        assert vendor.__doc__ == core.__doc__
        for base in core.__bases__:
            if issubclass(base, apicore.errors.ClientError):
                assert issubclass(vendor, getattr(module, base.__name__)), f"{vendor} is a vendor {base.__name__}"
            else:
                assert issubclass(vendor, base)  # ValueError, TimeoutError
    assert issubclass(module.NotFound, module.APIError)
    assert issubclass(module.APITimeoutError, module.APIConnectionError)
    assert issubclass(module.InvalidInput, ValueError)
    assert issubclass(module.JobTimeout, TimeoutError)
    assert module.InputProblem is apicore.errors.InputProblem


def test_the_two_vendors_do_not_share_classes() -> None:
    assert errors.NotFound is not apollo_errors.NotFound
    assert not issubclass(errors.NotFound, apollo_errors.APIError)
    assert not issubclass(apollo_errors.NotFound, errors.APIError)


def test_a_vendor_error_pickles_by_its_vendor_name() -> None:
    error = errors.JobFailed("job-1", [{"code": "x", "detail": "broke"}])
    assert "amplemarket.errors\nJobFailed" in pickle.dumps(error, protocol=0).decode("latin-1")


# --------------------------------------------------------------------------- raised by the clients
def test_a_not_found_from_people_find_is_named_for_amplemarket() -> None:
    sim = Simulator(seed=7)
    am = sim.client(rate_limit=False)
    with pytest.raises(errors.NotFound) as info:
        am.people.find(email=NOBODY)
    assert_named_for(info.value, errors, "NotFound")
    assert isinstance(info.value, errors.APIError)
    assert info.value.code == "person_not_found"
    am._http.close()


@pytest.mark.anyio
async def test_async_a_not_found_from_people_find_is_named_for_amplemarket() -> None:
    sim = Simulator(seed=7)
    async with sim.async_client(rate_limit=False) as aam:
        with pytest.raises(errors.NotFound) as info:
            await aam.people.find(email=NOBODY)
    assert_named_for(info.value, errors, "NotFound")


def test_apollo_errors_are_named_for_apollo() -> None:
    sim = ApolloSimulator(seed=7)
    client = sim.client()
    sim.faults.server_errors(1, status=404)
    with pytest.raises(apollo_errors.NotFound) as info:
        client.people.match(email=sim.people.email_of(1))
    assert_named_for(info.value, apollo_errors, "NotFound")
    assert not isinstance(info.value, errors.ClientError), "not Amplemarket's"
    with pytest.raises(apollo_errors.InvalidInput) as invalid:
        client.people.match()
    assert_named_for(invalid.value, apollo_errors, "InvalidInput")
    client._http.close()


@pytest.mark.anyio
async def test_async_apollo_errors_are_named_for_apollo() -> None:
    sim = ApolloSimulator(seed=7)
    async with sim.async_client() as client:
        sim.faults.server_errors(1, status=404)
        with pytest.raises(apollo_errors.NotFound) as info:
            await client.people.match(email=sim.people.email_of(1))
        assert_named_for(info.value, apollo_errors, "NotFound")
        with pytest.raises(apollo_errors.InvalidInput) as invalid:
            await client.people.bulk_match([{"title": "CEO"}])
        assert_named_for(invalid.value, apollo_errors, "InvalidInput")


def test_input_connection_job_and_batch_errors_are_named_for_amplemarket() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)

    with pytest.raises(errors.InvalidInput) as invalid:
        am.people.find()
    assert_named_for(invalid.value, errors, "InvalidInput")
    assert isinstance(invalid.value, ValueError)

    sim.faults.drop_connections(1)
    with pytest.raises(errors.APIConnectionError) as dropped:
        am.account.info()
    assert_named_for(dropped.value, errors, "APIConnectionError")
    assert dropped.value.request_id is None, "no answer, no request id"

    sim.faults.fail_next_jobs(1)
    job = am.people.enrich([{"email": sim.people.email_of(1)}])
    assert isinstance(job, amplemarket.Job)
    with pytest.raises(errors.JobFailed) as failed:
        job.wait(timeout=10)
    assert_named_for(failed.value, errors, "JobFailed")

    slow = Simulator(seed=3, job_polls=50, retry_after=0).client(rate_limit=False)
    with pytest.raises(errors.JobTimeout) as waited:
        slow.people.enrich([{"email": sim.people.email_of(2)}]).wait(timeout=0)
    assert_named_for(waited.value, errors, "JobTimeout")
    assert isinstance(waited.value, TimeoutError)
    am._http.close()
    slow._http.close()


def test_a_partial_batch_error_and_the_job_it_carries_raise_amplemarket_errors() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    inner = sim.transport()
    sent: list[httpx.Request] = []

    class SecondPartFails(httpx.BaseTransport):
        """The simulator accepts the first part; a 503 answers the second."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request)
            if len(sent) == 2:
                return httpx.Response(503, json={"_errors": [{"code": "internal_server_error", "detail": "down"}]})
            return inner.handle_request(request)

    http = httpx.Client(transport=SecondPartFails())
    client = Amplemarket(api_key=sim.api_key, base_url=BASE, http_client=http, max_retries=0, rate_limit=False)
    leads = [{"email": f"lead{i}@example.com"} for i in range(amplemarket._ops.MAX_ENRICHMENT_LEADS + 1)]
    with pytest.raises(errors.PartialBatchError) as info:
        client.people.enrich(leads)
    assert_named_for(info.value, errors, "PartialBatchError")
    assert type(info.value.__cause__) is errors.ServerError, "the chained cause is named for amplemarket too"
    assert "amplemarket.errors.ServerError" in shown(info.value)
    job = info.value.result
    assert isinstance(job, amplemarket.Job)
    assert job.wait(timeout=10).status == "completed", "the job of the parts created goes on"
    http.close()


def test_the_missing_key_error_is_named_for_the_vendor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMPLEMARKET_API_KEY", raising=False)
    monkeypatch.delenv("APOLLO_API_KEY", raising=False)
    with pytest.raises(errors.ClientError) as info:
        Amplemarket()
    assert type(info.value) is errors.ClientError
    assert "amplemarket.errors.ClientError: no API key" in shown(info.value)
    with pytest.raises(apollo_errors.ClientError) as apollo_info:
        apollo.Apollo()
    assert type(apollo_info.value) is apollo_errors.ClientError


def test_rebrand_and_its_helpers() -> None:
    core = apicore.errors.NotFound("gone", response=httpx.Response(404, request=httpx.Request("GET", BASE)))
    assert apicore.errors.rebrand(core, "amplemarket.errors") is core
    assert type(core) is errors.NotFound
    assert apicore.errors.rebrand(core, errors.BRAND) is core, "a vendor error stays as it is"
    other = KeyError("x")
    assert apicore.errors.rebrand(other, errors.BRAND) is other
    assert type(other) is KeyError

    @errors.BRAND.guard
    def check() -> None:
        raise apicore.errors.InvalidInput([apicore.errors.InputProblem("x", "is bad")])

    with pytest.raises(errors.InvalidInput):
        check()
    with pytest.raises(errors.InvalidInput), errors.BRAND.boundary():
        raise apicore.errors.InvalidInput([])
    with pytest.raises(TypeError, match="core"):
        errors.BRAND.guard_class(apicore.errors.PartialBatchError)


# --------------------------------------------------------------------------- the request id
def _mock_client(status: int, headers: dict[str, str], content: bytes = b"") -> Amplemarket:
    def answer(request: httpx.Request) -> httpx.Response:
        body = content or b'{"_errors": [{"code": "person_not_found", "detail": "A matching person was not found"}]}'
        return httpx.Response(status, headers={"Content-Type": "application/json", **headers}, content=body)

    transport = httpx.MockTransport(answer)
    return Amplemarket(
        api_key="secret-key", base_url=BASE, http_client=httpx.Client(transport=transport), max_retries=0
    )


@pytest.mark.parametrize(
    "header", ["X-Request-Id", "x-request-id", "Request-Id", "X-Amzn-RequestId", "x-amz-request-id"]
)
def test_the_request_id_is_read_from_the_response_and_shown(header: str) -> None:
    am = _mock_client(404, {header: "req_123"})
    with pytest.raises(errors.NotFound) as info:
        am.people.find(email="jane@example.com")
    error = info.value
    assert error.request_id == "req_123"
    assert str(error).endswith("(request id req_123)")
    assert "request_id='req_123'" in repr(error)
    assert "amplemarket.errors.NotFound: 404 Not Found [person_not_found]: " in shown(error)
    assert "(request id req_123)" in shown(error)


def test_without_a_request_id_nothing_is_added() -> None:
    am = _mock_client(404, {})
    with pytest.raises(errors.NotFound) as info:
        am.people.find(email="jane@example.com")
    assert info.value.request_id is None
    assert "request id" not in str(info.value)
    assert "request_id=None" in repr(info.value)


def test_an_invalid_response_carries_the_request_id_too() -> None:
    am = _mock_client(200, {"X-Request-Id": "req_9"}, content=b"<html>oops</html>")
    with pytest.raises(errors.InvalidResponse) as info:
        am.account.info()
    assert_named_for(info.value, errors, "InvalidResponse")
    assert info.value.request_id == "req_9"
    assert "(request id req_9)" in str(info.value)


def test_a_request_id_echoing_the_key_is_redacted() -> None:
    am = _mock_client(404, {"X-Request-Id": "id-secret-key"})
    with pytest.raises(errors.NotFound) as info:
        am.people.find(email="jane@example.com")
    assert info.value.request_id == "id-[redacted]"
    assert "secret-key" not in shown(info.value) + repr(info.value)


@pytest.mark.anyio
async def test_async_the_request_id_is_read_from_the_response() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"x-request-id": "req_async"}, json={"error": "down"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with AsyncAmplemarket(api_key="k", base_url=BASE, http_client=http, max_retries=0) as aam:
        with pytest.raises(errors.ServerError) as info:
            await aam.account.info()
    assert info.value.request_id == "req_async"
    assert "(request id req_async)" in str(info.value)
    await http.aclose()


def assert_request_id_of(error: apicore.errors.APIError, logged: str) -> None:
    assert error.request_id
    assert error.request_id == error.response.headers["X-Request-Id"] == logged
    assert f"(request id {error.request_id})" in str(error)
    assert f"(request id {error.request_id})" in shown(error)


def test_errors_from_the_simulator_carry_its_request_id() -> None:
    sim = Simulator(seed=7)
    client = sim.client(rate_limit=False)
    with pytest.raises(errors.NotFound) as info:
        client.people.find(email=NOBODY)
    assert_request_id_of(info.value, sim.log[-1].request_id)
    client._http.close()


def test_errors_from_the_apollo_simulator_carry_its_request_id() -> None:
    sim = ApolloSimulator(seed=7)
    client = sim.client()
    sim.faults.server_errors(1, status=404)
    with pytest.raises(apollo_errors.NotFound) as info:
        client.people.match(email=sim.people.email_of(1))
    assert_request_id_of(info.value, sim.log[-1].request_id)
    client._http.close()


def test_guarded_methods_keep_their_names_and_documentation() -> None:
    am = Amplemarket(api_key="k", base_url=BASE)
    assert am.people.find.__name__ == "find"
    original = type(am.people).find.__wrapped__  # type: ignore[attr-defined]
    assert am.people.find.__doc__ == original.__doc__ is not None
    assert inspect.signature(type(am.people).find) == inspect.signature(original)
    assert type(am.people).__name__ == "People"
    am.close()
    assert apollo.Apollo is Apollo
    assert apollo.AsyncApollo is AsyncApollo
