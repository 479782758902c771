"""The Apollo simulator (``apollo.testing``) on its own: rules, credits, limits, faults, transports, determinism.

Requests go through plain httpx (in-process or on loopback), so that nothing the client
checks first hides what the simulator does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from apollo import Apollo
from apollo.testing import DEFAULT_API_KEY, People, Simulator, make_server
from tests._simcheck import ReplyChecker
from tests.apollo.cases import BULK_PATH, MATCH_PATH, NOBODY, WEBHOOK, md5, sha256, statuses

BASE = "https://api.apollo.io"


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=3)


@pytest.fixture
def http(sim: Simulator) -> Iterator[httpx.Client]:
    """Plain httpx, in-process, carrying the simulator's key."""
    with raw(sim) as client:
        yield client


def raw(sim: Simulator, headers: Mapping[str, str] | None = None) -> httpx.Client:
    chosen = {"X-Api-Key": sim.api_key} if headers is None else dict(headers)
    return httpx.Client(transport=sim.transport(), base_url=BASE, headers=chosen)


def match(http: httpx.Client, **params: Any) -> httpx.Response:
    return http.post(MATCH_PATH, params={k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()})


def bulk(http: httpx.Client, people: list[dict[str, Any]], **params: Any) -> httpx.Response:
    query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
    return http.post(BULK_PATH, params=query, json={"details": people})


def emails(sim: Simulator, *indexes: int) -> list[dict[str, str]]:
    return [{"email": sim.people.email_of(i)} for i in indexes]


# --------------------------------------------------------------------------- conformance
def test_every_reply_of_a_scenario_conforms_to_the_curated_spec(sim: Simulator) -> None:
    checker = ReplyChecker(sim)
    with raw(sim) as http, raw(sim, {"X-Api-Key": "wrong"}) as wrong:
        assert match(http, email=sim.people.email_of(1), reveal_personal_emails=True).status_code == 200
        assert match(http, email=NOBODY.format(1)).status_code == 200
        assert match(http, linkedin_url=sim.people.linkedin_of(2), reveal_phone_number=True,
                     webhook_url=WEBHOOK).status_code == 200  # fmt: skip
        assert match(http, email=sim.people.email_of(1), reveal_phone_number=True).status_code == 422
        assert bulk(http, [*emails(sim, 1, 2), {"email": NOBODY.format(3)}], reveal_personal_emails=True).status_code
        assert bulk(http, emails(sim, *range(11))).status_code == 422
        assert wrong.post(MATCH_PATH, params={"email": sim.people.email_of(1)}).status_code == 401
        assert bulk(wrong, emails(sim, 1)).status_code == 401
        sim.faults.rate_limit_burst(2, retry_after=3)
        assert match(http, email=sim.people.email_of(1)).status_code == 429
        assert bulk(http, emails(sim, 1)).status_code == 429
    assert checker.problems == []
    assert {(op, status) for op, status in checker.answers} >= {
        (op, status) for op in ("people_match", "people_bulk_match") for status in (200, 401, 422, 429)
    }
    assert sim.contract.document["info"]["title"] == "Apollo.io API"


@pytest.mark.parametrize("seed", [3, 42])
def test_every_person_record_conforms_to_the_person_schema(seed: int) -> None:
    sim = Simulator(seed=seed)
    schema = sim.contract.document["components"]["schemas"]["person"]
    problems = {
        index: [str(p) for p in sim.contract.check_value(schema, sim.people.person(index), "response")]
        for index in range(0, sim.people.size, 37)
    }
    assert {index: found for index, found in problems.items() if found} == {}


def test_the_same_seed_gives_the_same_answers_and_another_seed_does_not() -> None:
    def session(seed: int) -> list[Any]:
        sim = Simulator(seed=seed)
        with raw(sim) as http:
            single = [match(http, email=sim.people.email_of(i)).json() for i in range(5)]
            return [*single, bulk(http, emails(sim, *range(5, 15)), reveal_personal_emails=True).json()]

    assert session(11) == session(11)
    assert session(11) != session(12)
    first, second = People(11), People(12)
    assert [first.person(i)["id"] for i in range(50)] == [second.person(i)["id"] for i in range(50)]
    assert [first.email_of(i) for i in range(50)] == [second.email_of(i) for i in range(50)]
    assert {first.person(i)["title"] for i in range(50)} != {None}
    assert [first.person(i)["title"] for i in range(50)] != [second.person(i)["title"] for i in range(50)]


# --------------------------------------------------------------------------- routes and authentication
@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Api-Key": "wrong"}, {"Authorization": f"Bearer {DEFAULT_API_KEY}"}, {"X-Api-Key": ""}],
    ids=["none", "wrong", "bearer-instead", "empty"],
)
def test_a_request_without_the_right_x_api_key_gets_401(sim: Simulator, headers: dict[str, str]) -> None:
    with raw(sim, headers) as http:
        response = match(http, email=sim.people.email_of(1))
    assert response.status_code == 401
    assert response.json() == {"error": "The API key is missing or invalid."}
    assert statuses(sim) == [401]
    assert sim.credits == 100_000


def test_a_custom_api_key_is_the_one_accepted() -> None:
    sim = Simulator(api_key="my-own-key")
    with raw(sim, {"X-Api-Key": DEFAULT_API_KEY}) as default, raw(sim, {"X-Api-Key": "my-own-key"}) as own:
        assert match(default, email=sim.people.email_of(1)).status_code == 401
        assert match(own, email=sim.people.email_of(1)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/v1/people/search"), ("POST", "/api/v1/people/match/extra")]
)
def test_an_undocumented_route_gets_404(http: httpx.Client, sim: Simulator, method: str, path: str) -> None:
    response = http.request(method, path)
    assert response.status_code == 404
    assert response.json() == {"error": f"No route for {method} {path}."}
    assert statuses(sim) == [404]


def test_a_documented_path_with_a_method_it_does_not_take_gets_405_with_allow(
    http: httpx.Client, sim: Simulator
) -> None:
    response = http.get(MATCH_PATH)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert statuses(sim) == [405]


# --------------------------------------------------------------------------- request rules from the spec
@pytest.mark.parametrize(("count", "words"), [(11, "is too long"), (0, "should be non-empty")])
def test_bulk_details_must_hold_1_to_10_people(http: httpx.Client, sim: Simulator, count: int, words: str) -> None:
    response = bulk(http, emails(sim, *range(count)))
    assert response.status_code == 422
    assert response.json()["error"].startswith("/details: ")
    assert words in response.json()["error"]
    assert sim.credits == 100_000, "a refused request spends nothing"


def test_the_10_people_limit_comes_from_the_spec(sim: Simulator) -> None:
    schema = sim.contract.document["components"]["schemas"]["bulk_match_request"]
    assert schema["properties"]["details"]["maxItems"] == 10
    unchecked = Simulator(seed=3, validate=False)
    with raw(unchecked) as http:
        response = bulk(http, emails(unchecked, *range(11)))
    assert response.status_code == 200, "without validation nothing else refuses 11 people"
    assert len(response.json()["matches"]) == 11


@pytest.mark.parametrize(
    ("params", "body", "words"),
    [
        ({"hashed_email": "not-a-hash"}, None, "hashed_email"),
        ({"email": "x@y.example", "unknown": "1"}, None, "unknown is not a documented query parameter"),
        ({"email": "x@y.example", "reveal_personal_emails": "yes"}, None, "reveal_personal_emails"),
        ({}, b"not json", "not valid JSON"),
    ],
    ids=["hash-pattern", "unknown-parameter", "not-a-boolean", "body-not-json"],
)
def test_a_match_that_breaks_the_spec_gets_422(
    http: httpx.Client, sim: Simulator, params: dict[str, str], body: bytes | None, words: str
) -> None:
    response = http.post(MATCH_PATH, params=params, content=body)
    assert response.status_code == 422
    assert words in response.json()["error"]


def test_a_bulk_body_that_is_not_json_or_holds_a_non_object_gets_422(http: httpx.Client, sim: Simulator) -> None:
    assert http.post(BULK_PATH, content=b"details=1", headers={"Content-Type": "application/json"}).status_code == 422
    assert http.post(BULK_PATH, json={"details": ["alma@northwind.example"]}).status_code == 422
    assert http.post(BULK_PATH, json={"details": [{"hashed_email": "zz"}]}).status_code == 422
    assert statuses(sim) == [422, 422, 422]


# --------------------------------------------------------------------------- matching
@pytest.mark.parametrize(
    "params",
    [
        lambda p: {"id": p.id_of(84)},
        lambda p: {"email": p.email_of(84).upper()},
        lambda p: {"hashed_email": md5(p.email_of(84)).upper()},
        lambda p: {"hashed_email": sha256(p.email_of(84))},
        lambda p: {"linkedin_url": p.linkedin_of(84).replace("http://", "https://") + "/"},
        lambda p: {"name": "alma  HORVAT", "domain": "www.northwind.example"},
        lambda p: {"first_name": "Alma", "last_name": "Horvat", "organization_name": "northwind analytics"},
    ],
    ids=["id", "email-any-case", "md5-any-case", "sha256", "linkedin-https-slash", "name+www-domain", "first+last+org"],
)
def test_each_identifier_matches_the_same_person(http: httpx.Client, sim: Simulator, params: Any) -> None:
    person = match(http, **params(sim.people)).json()["person"]
    assert person["id"] == sim.people.id_of(84)
    assert (person["name"], person["organization"]["name"]) == ("Alma Horvat", "Northwind Analytics")


@pytest.mark.parametrize(
    "params",
    [
        {"name": "Alma Horvat"},
        {"name": "Alma Horvat", "domain": "elsewhere.example"},
        {"first_name": "Alma", "domain": "northwind.example"},
        {"email": "alma.horvat84@oakline.example"},
        {"email": "alma.horvat99999@northwind.example"},
        {"id": "54"},
        {"linkedin_url": "http://www.linkedin.com/in/bruno-horvat-84"},
        {"hashed_email": md5("someone@else.example")},
    ],
    ids=[
        "name-alone",
        "name-unknown-employer",
        "first-name-only",
        "wrong-domain",
        "out-of-range",
        "short-id",
        "linkedin-wrong-name",
        "unknown-hash",
    ],
)
def test_what_identifies_nobody_is_a_200_with_person_null(
    http: httpx.Client, sim: Simulator, params: dict[str, str]
) -> None:
    response = match(http, **params)
    assert response.status_code == 200
    assert response.json() == {"person": None}
    assert sim.credits == 100_000, "no match, no credit"


def test_match_also_reads_the_details_from_a_json_body(http: httpx.Client, sim: Simulator) -> None:
    response = http.post(MATCH_PATH, json={"email": sim.people.email_of(6)})
    assert response.json()["person"]["id"] == sim.people.id_of(6)


def test_bulk_answers_in_order_with_counts(http: httpx.Client, sim: Simulator) -> None:
    people = [*emails(sim, 4, 4), {"email": NOBODY.format(1)}, {"linkedin_url": sim.people.linkedin_of(7)}]
    body = bulk(http, people).json()
    assert [m["id"] if m else None for m in body["matches"]] == [
        sim.people.id_of(4), sim.people.id_of(4), None, sim.people.id_of(7),
    ]  # fmt: skip
    assert body["status"] == "success"
    assert (body["error_code"], body["error_message"]) == (None, None)
    assert body["total_requested_enrichments"] == 4
    assert body["unique_enriched_records"] == 2
    assert body["missing_records"] == 1
    assert body["credits_consumed"] == 3


# --------------------------------------------------------------------------- reveals
@pytest.mark.parametrize("operation", ["match", "bulk"])
def test_a_phone_reveal_without_webhook_url_gets_422_and_spends_nothing(
    http: httpx.Client, sim: Simulator, operation: str
) -> None:
    for webhook in (None, ""):
        extra = {} if webhook is None else {"webhook_url": webhook}
        if operation == "match":
            response = match(http, email=sim.people.email_of(1), reveal_phone_number=True, **extra)
        else:
            response = bulk(http, emails(sim, 1, 2), reveal_phone_number=True, **extra)
        assert response.status_code == 422
        assert response.json() == {"error": "webhook_url is required when reveal_phone_number is true"}
    assert sim.credits == 100_000
    assert sim.phone_webhooks == []


def test_phone_reveals_are_recorded_for_the_webhook_of_each_matched_person(http: httpx.Client, sim: Simulator) -> None:
    assert match(http, email=sim.people.email_of(1), reveal_phone_number=True, webhook_url=WEBHOOK).status_code == 200
    other = "https://hooks.example/other"
    people = [*emails(sim, 2), {"email": NOBODY.format(1)}, *emails(sim, 3)]
    assert bulk(http, people, reveal_phone_number=True, webhook_url=other).status_code == 200
    assert match(http, email=sim.people.email_of(4), webhook_url=WEBHOOK).status_code == 200  # no reveal asked
    assert sim.phone_webhooks == [
        (WEBHOOK, sim.people.id_of(1)), (other, sim.people.id_of(2)), (other, sim.people.id_of(3)),
    ]  # fmt: skip


def test_personal_emails_come_only_on_request(http: httpx.Client, sim: Simulator) -> None:
    plain = match(http, email=sim.people.email_of(5)).json()["person"]
    revealed = match(http, email=sim.people.email_of(5), reveal_personal_emails=True).json()["person"]
    assert "personal_emails" not in plain
    assert revealed["personal_emails"] == [f"{revealed['first_name'].lower()}.5@mail.example"]
    matches = bulk(http, emails(sim, 5, 6), reveal_personal_emails=True).json()["matches"]
    assert [len(m["personal_emails"]) for m in matches] == [1, 1]
    assert "personal_emails" not in sim.people.person(5), "the shared record is not changed"


# --------------------------------------------------------------------------- credits
def test_credits_go_down_per_matched_person_and_run_out_with_422() -> None:
    sim = Simulator(credits=4)
    with raw(sim) as http:
        assert match(http, email=sim.people.email_of(1)).status_code == 200
        assert sim.credits == 3
        assert match(http, email=NOBODY.format(1)).status_code == 200
        assert sim.credits == 3, "no match is free"
        assert bulk(http, [*emails(sim, 2), {"email": NOBODY.format(2)}]).status_code == 200
        assert sim.credits == 2
        refused = bulk(http, emails(sim, 3, 4, 5))
        assert refused.status_code == 422
        assert refused.json() == {"error": "Not enough credits left on this plan."}
        assert sim.credits == 2, "a refused call spends nothing"
        assert bulk(http, emails(sim, 3, 4)).status_code == 200
        assert sim.credits == 0
        assert match(http, email=sim.people.email_of(6)).status_code == 422
        assert match(http, email=NOBODY.format(3)).status_code == 200, "finding nobody needs no credit"
    assert statuses(sim) == [200, 200, 200, 422, 200, 422, 200]


# --------------------------------------------------------------------------- rate limits
def test_the_4th_request_in_a_minute_gets_429_with_retry_after_until_the_window_moves() -> None:
    sim = Simulator(limits={"*": 3})
    with raw(sim) as http:
        answers = [match(http, email=sim.people.email_of(1)) for _ in range(2)]
        answers += [bulk(http, emails(sim, 2)), bulk(http, emails(sim, 3))]
        limited = answers[-1]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert limited.json() == {"message": "More than 3 requests per minute."}
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        sim.advance(30)
        assert match(http, email=sim.people.email_of(1)).status_code == 429, "the minute has not passed"
        sim.advance(31)
        assert match(http, email=sim.people.email_of(1)).status_code == 200
    assert sim.credits == 100_000 - 4, "limited requests spend nothing"


def test_a_route_limit_holds_only_for_its_route() -> None:
    sim = Simulator(limits={BULK_PATH: 1})
    with raw(sim) as http:
        assert [bulk(http, emails(sim, 1)).status_code for _ in range(2)] == [200, 429]
        assert [match(http, email=sim.people.email_of(1)).status_code for _ in range(5)] == [200] * 5


def test_a_limit_of_zero_refuses_everything_with_a_full_minute() -> None:
    sim = Simulator(limits={"*": 0})
    with raw(sim) as http:
        response = match(http, email=sim.people.email_of(1))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"


def test_rate_limits_can_be_switched_off() -> None:
    sim = Simulator(limits={"*": 1}, rate_limits=False)
    with raw(sim) as http:
        assert {match(http, email=sim.people.email_of(1)).status_code for _ in range(5)} == {200}


def test_the_default_limit_is_200_a_minute() -> None:
    sim = Simulator()
    with raw(sim) as http:
        answers = [match(http, email=NOBODY.format(i)).status_code for i in range(201)]
    assert answers == [200] * 200 + [429]


# --------------------------------------------------------------------------- faults
def test_a_rate_limit_burst_meets_the_next_requests(http: httpx.Client, sim: Simulator) -> None:
    sim.faults.rate_limit_burst(2, retry_after=5)
    answers = [match(http, email=sim.people.email_of(1)), bulk(http, emails(sim, 1)), bulk(http, emails(sim, 1))]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert [a.headers.get("Retry-After") for a in answers] == ["5", "5", None]
    assert answers[0].json() == {"message": "Rate limit exceeded"}
    assert sim.credits == 100_000 - 1


def test_server_errors_meet_the_next_requests(http: httpx.Client, sim: Simulator) -> None:
    sim.faults.server_errors(2, status=503)
    answers = [match(http, email=sim.people.email_of(1)).status_code for _ in range(3)]
    assert answers == [503, 503, 200]
    assert statuses(sim) == [503, 503, 200]


def test_server_errors_can_be_set_at_construction() -> None:
    sim = Simulator(server_errors=1)
    with raw(sim) as http:
        first, second = (match(http, email=sim.people.email_of(1)) for _ in range(2))
    assert (first.status_code, second.status_code) == (500, 200)
    assert first.json() == {"error": "Something went wrong."}


def test_faults_come_before_authentication(sim: Simulator) -> None:
    sim.faults.server_errors(1)
    with raw(sim, {}) as http:
        assert [match(http, email="a@b.example").status_code for _ in range(2)] == [500, 401]


def test_a_dropped_connection_is_a_transport_error(http: httpx.Client, sim: Simulator) -> None:
    sim.faults.drop_connections(1)
    with pytest.raises(httpx.RemoteProtocolError):
        match(http, email=sim.people.email_of(1))
    assert match(http, email=sim.people.email_of(1)).status_code == 200


def test_the_log_keeps_method_path_query_body_and_status(http: httpx.Client, sim: Simulator) -> None:
    match(http, email=sim.people.email_of(1), reveal_personal_emails=True)
    bulk(http, emails(sim, 2))
    first, second = sim.log
    assert (first.method, first.path, first.status, first.body) == ("POST", MATCH_PATH, 200, None)
    assert first.query == {"email": [sim.people.email_of(1)], "reveal_personal_emails": ["true"]}
    assert (second.path, second.body, second.query) == (BULK_PATH, {"details": emails(sim, 2)}, {})
    assert second.at >= first.at


# --------------------------------------------------------------------------- transports
def test_served_on_loopback_it_answers_a_plain_httpx_call() -> None:
    sim = Simulator(seed=3)
    with sim.serve(port=0) as url:
        assert url.startswith("http://127.0.0.1:")
        assert not url.endswith(":0")
        response = httpx.post(
            url + MATCH_PATH, params={"email": sim.people.email_of(2)}, headers={"X-Api-Key": sim.api_key}
        )
        refused = httpx.post(url + BULK_PATH, json={"details": []}, headers={"X-Api-Key": sim.api_key})
        with Apollo(api_key=sim.api_key, base_url=url) as client:
            found = client.people.bulk_match(emails(sim, 3, 4))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["person"]["id"] == sim.people.id_of(2)
    assert refused.status_code == 422
    assert [p.id if p else None for p in found] == [sim.people.id_of(3), sim.people.id_of(4)]
    assert statuses(sim) == [200, 422, 200]


def test_the_server_listens_on_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        make_server(Simulator(), "0.0.0.0", 0)  # noqa: S104 - the point of the test


@pytest.mark.anyio
async def test_the_async_transport_answers_like_the_sync_one(sim: Simulator) -> None:
    headers = {"X-Api-Key": sim.api_key}
    async with httpx.AsyncClient(transport=sim.async_transport(), base_url=BASE, headers=headers) as http:
        response = await http.post(MATCH_PATH, params={"email": sim.people.email_of(8)})
    assert response.json()["person"]["id"] == sim.people.id_of(8)
    assert statuses(sim) == [200]
