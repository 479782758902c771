"""Retries, the no-resend rule, rate limiting, error mapping, logging and key redaction."""

from __future__ import annotations

import email.utils
import logging
import threading
import time
import traceback

import httpx
import pytest

from amplemarket import Amplemarket, errors
from apicore import Limit, RateLimiter, RetryPolicy, parse_retry_after
from tests.overlays.conftest import FakeClock
from tests.overlays.fakeapi import API_KEY, BASE, FakeAPI, error_body

ENRICH = ("POST", "/people/enrichment-requests")


# ----------------------------------------------------------------------------- retries
@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 520])
def test_transient_statuses_are_retried_on_reads(am: Amplemarket, api: FakeAPI, status: int) -> None:
    api.fail_next(httpx.Response(status, text="try again"))
    assert am.people.find(email="jane@example.com").id == "p-1"
    assert api.count("GET", "/people/find") == 2


def test_retry_after_seconds_is_waited_exactly(am: Amplemarket, api: FakeAPI, sleeps: list[float]) -> None:
    api.fail_next(httpx.Response(429, headers={"Retry-After": "17"}, json=error_body("rate_limited")))
    am.account.info()
    assert 17.0 in sleeps
    assert api.count("GET", "/account-info") == 2


def test_retry_after_http_date_is_understood() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert parse_retry_after(later) == pytest.approx(30, abs=2)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("2.5") == 2.5


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    policy = RetryPolicy(max_retries=10, initial_backoff=0.5, max_backoff=8.0)
    for retry, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (6, 8.0)]:
        waits = [policy.backoff(retry) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1, "jitter spreads retries"


def test_retries_stop_after_max_retries(api: FakeAPI, clock: FakeClock) -> None:
    client = Amplemarket(api_key=API_KEY, max_retries=2, http_client=httpx.Client(transport=api.transport()))
    client._sleep = clock.sleep
    api.fail_next(*[httpx.Response(503, text="down")] * 5)
    with pytest.raises(errors.ServerError) as info:
        client.account.info()
    assert info.value.status == 503
    assert api.count("GET", "/account-info") == 3  # the first attempt and two retries


def test_an_overlong_retry_after_is_not_slept_but_reported(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(429, headers={"Retry-After": "3600"}, json=error_body("rate_limited")))
    with pytest.raises(errors.RateLimited) as info:
        am.account.info()
    assert info.value.retry_after == 3600
    assert api.count("GET", "/account-info") == 1


def test_connection_errors_on_reads_are_retried(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.ConnectError, httpx.ReadTimeout)
    am.account.info()
    assert api.count("GET", "/account-info") == 3


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_a_create_that_may_have_reached_the_server_is_never_resent(am: Amplemarket, api: FakeAPI, status: int) -> None:
    api.fail_next(httpx.Response(status, json=error_body("internal_server_error")))
    with pytest.raises(errors.APIError):
        am.people.enrich([{"email": "a@example.com"}])
    assert api.count(*ENRICH) == 1, "no duplicate job, no credit spent twice"


def test_a_create_that_timed_out_reading_is_not_resent(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.ReadTimeout)
    with pytest.raises(errors.APITimeoutError, match="not resent"):
        am.sequences.add_leads("seq", [{"email": "a@example.com"}])
    assert api.count("POST", "/sequences/seq/leads") == 1


def test_a_create_is_resent_when_it_certainly_never_arrived(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.ConnectError, httpx.Response(429, json=error_body("rate_limited")))
    job = am.people.enrich([{"email": "a@example.com"}])
    assert api.count(*ENRICH) == 3  # connect failure and 429 mean "not processed": safe to send again
    assert len(api.jobs) == 1, "exactly one job was created"
    assert job.ids == [1]


def test_search_is_a_read_and_is_retried_even_though_it_is_a_post(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(500, text="oops"))
    assert len(list(am.people.search(page_size=5))) == 5
    assert api.count("POST", "/people/search") == 2


# ----------------------------------------------------------------------------- rate limits
def test_limiter_spaces_requests_at_the_documented_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limit(500, 60.0), {"/people/find": Limit(350, 60.0)}, clock=clock, headroom=0)
    waits = [limiter.reserve("/people/find") for _ in range(5)]
    assert waits == pytest.approx([0.0, 60 / 350, 2 * 60 / 350, 3 * 60 / 350, 4 * 60 / 350])
    clock.now += 10
    assert limiter.reserve("/users") == 0.0  # the default limit alone has room again


def test_limiter_burst_and_pause() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limit(60, 60.0, burst=3), clock=clock, headroom=0)
    assert [limiter.reserve("/x") for _ in range(4)] == pytest.approx([0, 0, 0, 1.0])
    limiter.pause(30)
    assert limiter.reserve("/x") == pytest.approx(30)
    assert limiter.paused_for == pytest.approx(30)


def test_limiter_is_shared_safely_by_threads() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limit(600, 60.0), clock=clock, headroom=0)  # one slot every 0.1 s
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            wait = limiter.reserve("/people/find")
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(round(w, 6) for w in waits) == [round(i * 0.1, 6) for i in range(400)], "400 distinct slots"


def test_headroom_leaves_a_share_of_each_limit_unused() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limit(100, 60.0), clock=clock, headroom=0.2)
    waits = [limiter.reserve("/x") for _ in range(3)]
    assert waits == pytest.approx([0.0, 0.75, 1.5])  # 0.6 s apart at the limit, 0.75 s with 20 % left unused
    with pytest.raises(ValueError, match="headroom"):
        RateLimiter(Limit(100, 60.0), headroom=1.0)


def test_a_request_booked_before_a_429_waits_for_the_pause_too(api: FakeAPI, clock: FakeClock) -> None:
    """The slot was booked before another request's 429 arrived: the sender checks again before sending."""
    limiter = RateLimiter(Limit(60, 60.0), clock=clock, headroom=0)
    client = Amplemarket(
        api_key=API_KEY, http_client=httpx.Client(transport=api.transport()), rate_limit=limiter, max_retries=0
    )
    client._sleep = clock.sleep
    assert limiter.reserve("/people/find") == 0.0  # someone else's request takes the first slot

    def sleep_then_429(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:  # while this request waits for its slot, a 429 elsewhere pauses everything
            limiter.pause(30.0)

    client._sleep = sleep_then_429
    client.account.info()
    assert clock.sleeps[:2] == pytest.approx([1.0, 30.0])  # its slot, then the pause the 429 imposed
    assert api.count("GET", "/account-info") == 1


def test_a_bulk_run_stays_within_the_find_limit(am: Amplemarket, api: FakeAPI, clock: FakeClock) -> None:
    started = clock.now
    for _ in range(100):
        am.people.find(email="jane@example.com")
    elapsed = clock.now - started
    assert elapsed == pytest.approx(99 * 60 / 350 / 0.97, rel=1e-6), "paced at 97 % of 350/min (3 % headroom)"
    assert api.count("GET", "/people/find") == 100


def test_a_429_pauses_every_request_of_the_client(am: Amplemarket, api: FakeAPI, clock: FakeClock) -> None:
    api.fail_next(httpx.Response(429, headers={"Retry-After": "20"}, json=error_body("rate_limited")))
    am.account.info()
    assert am.rate_limiter is not None
    assert clock.sleeps.count(20.0) == 1
    started = clock.now
    am.users.list()  # building the iterator sends nothing
    assert clock.now == started


def test_rate_limit_can_be_turned_off(api: FakeAPI, clock: FakeClock) -> None:
    client = Amplemarket(api_key=API_KEY, http_client=httpx.Client(transport=api.transport()), rate_limit=False)
    client._sleep = clock.sleep
    for _ in range(5):
        client.account.info()
    assert clock.sleeps == []
    assert client.rate_limiter is None


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("status", "body", "cls", "code"),
    [
        (400, error_body("missing_field"), errors.BadRequest, "missing_field"),
        (401, error_body("unauthorized"), errors.AuthenticationError, "unauthorized"),
        (402, error_body("insufficient_credits"), errors.InsufficientCredits, "insufficient_credits"),
        (403, {"_errors": [{"detail": "forbidden"}]}, errors.PermissionDenied, None),
        (404, error_body("person_not_found"), errors.NotFound, "person_not_found"),
        (451, error_body("unavailable_for_legal_reasons"), errors.UnavailableForLegalReasons, None),
        (409, {"_errors": [{"code": "conflict"}]}, errors.Conflict, "conflict"),
        (418, {"_errors": [{"code": "teapot"}]}, errors.APIError, "teapot"),
    ],
)
def test_statuses_and_codes_map_to_typed_errors(
    api: FakeAPI, clock: FakeClock, status: int, body: dict[str, object], cls: type[errors.APIError], code: str | None
) -> None:
    client = Amplemarket(api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=api.transport()))
    api.fail_next(httpx.Response(status, json=body))
    with pytest.raises(cls) as info:
        client.account.info()
    assert type(info.value) is cls
    assert info.value.status == status
    if code is not None:
        assert info.value.code == code
    assert info.value.errors == body["_errors"]
    assert info.value.response.status_code == status


def test_the_error_code_wins_over_the_status(am: Amplemarket, api: FakeAPI) -> None:
    api.fail_next(httpx.Response(400, json=error_body("insufficient_credits", "No credits left")))
    with pytest.raises(errors.InsufficientCredits, match="No credits left"):
        am.people.find(email="jane@example.com")


def test_request_timeout_408_exhausted_carries_retry_after(api: FakeAPI) -> None:
    client = Amplemarket(api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=api.transport()))
    body = {"object": "error", "_errors": [{"code": "request_timeout", "title": "Request timeout", "detail": "later"}]}
    api.fail_next(httpx.Response(408, headers={"Retry-After": "60"}, json=body))
    with pytest.raises(errors.RequestTimeout) as info:
        client.people.find(email="jane@example.com", reveal_phone_numbers=True)
    assert info.value.retry_after == 60
    assert info.value.detail == "later"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"<html>502 Bad Gateway</html>", "502 Bad Gateway"), (b"", "empty body"), (b'["odd"]', "unexpected")],
)
def test_a_non_json_or_odd_error_body_still_gives_a_useful_error(api: FakeAPI, content: bytes, fragment: str) -> None:
    client = Amplemarket(api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=api.transport()))
    api.fail_next(httpx.Response(502, content=content))
    with pytest.raises(errors.ServerError) as info:
        client.account.info()
    assert "502" in str(info.value)
    assert fragment in str(info.value)
    assert info.value.code is None


@pytest.mark.parametrize(
    ("body", "code", "detail"),
    [
        ({"error": "Invalid access credentials."}, None, "Invalid access credentials."),
        ({"message": "Too many requests, slow down"}, None, "Too many requests, slow down"),
        ({"error_code": "bad_input", "error_message": "details: at most 10"}, "bad_input", "details: at most 10"),
    ],
)
def test_a_flat_error_body_gives_its_message_and_code(
    api: FakeAPI, body: dict[str, str], code: str | None, detail: str
) -> None:
    client = Amplemarket(api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=api.transport()))
    api.fail_next(httpx.Response(422, json=body))
    with pytest.raises(errors.APIError) as info:
        client.account.info()
    assert info.value.code == code
    assert info.value.detail == detail
    assert str(info.value).endswith(detail)


# ----------------------------------------------------------------------------- secrets and configuration
def test_the_key_never_leaks(api: FakeAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="amplemarket")
    client = Amplemarket(api_key=API_KEY, max_retries=1, http_client=httpx.Client(transport=api.transport()))
    client._sleep = lambda _: None
    echoed = f"invalid key {API_KEY}"  # even a server that echoes the key back
    api.fail_next(httpx.Response(503, text="x"), httpx.Response(401, json=error_body("unauthorized", echoed)))
    with pytest.raises(errors.AuthenticationError) as info:
        client.account.info()
    api.fail_next(httpx.ConnectError, httpx.ConnectError)
    with pytest.raises(errors.APIConnectionError) as connection:
        client.account.info()
    texts = [
        repr(client), str(client), repr(client._sender), repr(client._config), repr(client._config.api_key),
        str(info.value), repr(info.value), "".join(traceback.format_exception(info.value)),
        str(connection.value), "".join(traceback.format_exception(connection.value)), caplog.text,
    ]  # fmt: skip
    for text in texts:
        assert API_KEY not in text
    assert "[redacted]" in str(info.value)
    assert "GET /account-info -> 503" in caplog.text, "requests are logged"
    assert "retry 1/1" in caplog.text, "retry decisions are logged"


def test_logging_is_configured_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from apicore import _http

    monkeypatch.setenv("AMPLEMARKET_LOG", "debug")
    monkeypatch.setattr(_http, "_CONFIGURED", set())
    logger = logging.getLogger("amplemarket")
    before = list(logger.handlers)
    try:
        Amplemarket(api_key=API_KEY)
        assert logger.level == logging.DEBUG
        assert len(logger.handlers) == len(before) + 1
    finally:
        for handler in logger.handlers[len(before) :]:
            logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize(
    "url", ["http://api.amplemarket.com", "http://10.0.0.5:8080", "ftp://api.amplemarket.com", "https://x?y=1"]
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        Amplemarket(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:1234/", "http://[::1]:9000"])
def test_plain_http_is_allowed_on_loopback(url: str) -> None:
    assert Amplemarket(api_key=API_KEY, base_url=url).base_url == url.rstrip("/")


def test_key_and_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMPLEMARKET_API_KEY", API_KEY)
    monkeypatch.setenv("AMPLEMARKET_BASE_URL", "http://127.0.0.1:9999")
    client = Amplemarket()
    assert client.base_url == "http://127.0.0.1:9999"
    assert client._config.api_key.reveal() == API_KEY
    monkeypatch.delenv("AMPLEMARKET_API_KEY")
    monkeypatch.delenv("AMPLEMARKET_BASE_URL")
    assert Amplemarket(api_key=API_KEY).base_url == BASE
    with pytest.raises(errors.ClientError, match="AMPLEMARKET_API_KEY"):
        Amplemarket()


def test_links_to_another_host_are_not_followed(am: Amplemarket, api: FakeAPI) -> None:
    @api.route("GET", "/users")
    def evil(request: httpx.Request, fake: FakeAPI) -> httpx.Response:
        return httpx.Response(
            200, json={"users": [{"id": "u-0"}], "_links": {"next": {"href": "https://evil.example/users?page=2"}}}
        )

    with pytest.raises(errors.APIConnectionError, match="another host"):
        list(am.users.list())
    assert all(s.headers.get("host") != "evil.example" for s in api.sent)


def test_relative_links_resolve_against_a_base_url_with_a_path(api: FakeAPI, clock: FakeClock) -> None:
    seen: list[str] = []

    def prefixed(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        inner = httpx.Request(request.method, str(request.url).replace("/v1", "", 1), content=request.content)
        return api.handle(inner)

    client = Amplemarket(
        api_key=API_KEY,
        base_url="https://proxy.example/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(prefixed)),
    )
    client._sleep = clock.sleep
    api.__dict__["list_total"] = 3
    assert len(list(client.users.list())) == 3
    assert seen[1] == "https://proxy.example/v1/users?page[size]=2&page[after]=u-1"
