"""One cassette per case of each Apollo operation: success, no match, 401, 422 and 429.

Replayed offline; ``APOLLO_RECORD=simulator`` re-records them against the simulator (see
conftest.py).  The contract tests (test_contract.py) hold every recorded exchange against
the curated spec.  Assertions hold both while recording and on replay, where names and
emails in the answers are the scrubber's fakes: they look at ids, domains and counts.
"""

from __future__ import annotations

import httpx
import pytest

from apollo import Apollo, Person, errors
from apollo.testing import People
from tests.apollo.cases import BULK_PATH, MATCH_PATH, NOBODY, WEBHOOK, md5
from tests.apollo.recorded.conftest import Api

pytestmark = pytest.mark.vcr

WRONG_KEY = "apollo-wrong-key-0000"
FAULT_429 = {"rate_limit_burst": {"count": 1, "retry_after": 30}}


def ids(found: list[Person | None]) -> list[object]:
    """The matched people's ids, None where nobody matched."""
    return [None if p is None else p.id for p in found]


# ----------------------------------------------------------------------------- people_match
def test_match_200_person(api: Api, people: People) -> None:
    client, _ = api
    person = client.people.match(email=people.email_of(3), reveal_personal_emails=True)
    assert isinstance(person, Person)
    assert person.id == people.id_of(3)
    assert person.title == people.person(3)["title"]
    assert person.organization is not None
    assert person.organization.primary_domain == people.employer(3)[1]
    personal = person.additional_properties["personal_emails"]
    assert len(personal) == 1
    assert "@" in personal[0]


def test_match_200_by_name_and_domain_with_a_phone_reveal(api: Api, people: People) -> None:
    client, _ = api
    person = client.people.match(
        name="Alma Horvat", domain="northwind.example", reveal_phone_number=True, webhook_url=WEBHOOK
    )
    assert person is not None
    assert person.id == people.id_of(84)


def test_match_200_no_match(api: Api) -> None:
    client, _ = api
    assert client.people.match(email=NOBODY.format(1)) is None


def test_match_401_wrong_key(api: Api, people: People) -> None:
    client, _ = api
    with (
        Apollo(api_key=WRONG_KEY, base_url=client.base_url, rate_limit=False, max_retries=0) as wrong,
        pytest.raises(errors.AuthenticationError) as info,
    ):
        wrong.people.match(email=people.email_of(1))
    assert info.value.status == 401
    assert WRONG_KEY not in str(info.value)


def test_match_422_phone_reveal_without_webhook(raw: httpx.Client, people: People) -> None:
    response = raw.post(MATCH_PATH, params={"email": people.email_of(2), "reveal_phone_number": "true"})
    assert response.status_code == 422
    assert "webhook_url" in response.json()["error"]


@pytest.mark.apollo_simulator(credits=0)
def test_match_422_out_of_credits(api: Api, people: People) -> None:
    client, _ = api
    with pytest.raises(errors.UnprocessableEntity) as info:
        client.people.match(email=people.email_of(4))
    assert info.value.status == 422
    assert "credits" in str(info.value)


@pytest.mark.apollo_simulator(faults=FAULT_429)
def test_match_429_rate_limited(api: Api, people: People) -> None:
    client, _ = api
    with pytest.raises(errors.RateLimited) as info:
        client.people.match(email=people.email_of(5))
    assert info.value.retry_after == 30.0


# ----------------------------------------------------------------------------- people_bulk_match
def test_bulk_match_200_in_order_over_two_calls(api: Api, people: People) -> None:
    client, _ = api
    details = [
        {"email": people.email_of(10)},
        {"linkedin_url": people.linkedin_of(11)},
        {"id": people.id_of(12)},
        {"hashed_email": md5(people.email_of(13))},
        {"first_name": "Alma", "last_name": "Horvat", "organization_name": "Northwind Analytics"},
        {"email": NOBODY.format(1)},
        *({"email": people.email_of(i)} for i in range(20, 25)),
        {"email": NOBODY.format(2)},
    ]
    found = client.people.bulk_match(details, reveal_personal_emails=True)
    expected = [people.id_of(i) for i in (10, 11, 12, 13, 84)] + [None] + [people.id_of(i) for i in range(20, 25)]
    assert ids(found) == [*expected, None]
    assert all("personal_emails" in p.additional_properties for p in found if p)


def test_bulk_match_200_no_match(api: Api) -> None:
    client, _ = api
    assert client.people.bulk_match([{"email": NOBODY.format(1)}, {"email": NOBODY.format(2)}]) == [None, None]


def test_bulk_match_401_wrong_key(api: Api, people: People) -> None:
    client, _ = api
    with (
        Apollo(api_key=WRONG_KEY, base_url=client.base_url, rate_limit=False, max_retries=0) as wrong,
        pytest.raises(errors.AuthenticationError),
    ):
        wrong.people.bulk_match([{"email": people.email_of(1)}])


def test_bulk_match_422_more_than_10_details(raw: httpx.Client, people: People) -> None:
    response = raw.post(BULK_PATH, json={"details": [{"email": people.email_of(i)} for i in range(11)]})
    assert response.status_code == 422
    assert "details" in response.json()["error"]


@pytest.mark.apollo_simulator(credits=10)
def test_bulk_match_422_out_of_credits_in_the_second_call(api: Api, people: People) -> None:
    client, _ = api
    with pytest.raises(errors.PartialBatchError) as info:
        client.people.bulk_match([{"email": people.email_of(i)} for i in range(30, 42)])
    assert info.value.completed_parts == 1
    assert ids(info.value.result) == [people.id_of(i) for i in range(30, 40)]
    assert isinstance(info.value.__cause__, errors.UnprocessableEntity)


@pytest.mark.apollo_simulator(faults=FAULT_429)
def test_bulk_match_429_rate_limited(api: Api, people: People) -> None:
    client, _ = api
    with pytest.raises(errors.RateLimited) as info:
        client.people.bulk_match([{"email": people.email_of(6)}])
    assert info.value.retry_after == 30.0


@pytest.mark.apollo_simulator(faults=FAULT_429)
def test_bulk_match_429_waited_and_retried(api: Api, people: People) -> None:
    client, key = api
    sleeps: list[float] = []
    with Apollo(api_key=key, base_url=client.base_url, rate_limit=False, max_retries=1) as patient:
        patient._sleep = sleeps.append
        found = patient.people.bulk_match([{"email": people.email_of(7)}, {"email": people.email_of(8)}])
    assert ids(found) == [people.id_of(7), people.id_of(8)]
    assert sleeps == [30.0]


@pytest.mark.apollo_simulator(limits={"*": 1})
def test_bulk_match_429_past_the_minute_limit(api: Api, people: People) -> None:
    client, _ = api
    assert ids(client.people.bulk_match([{"email": people.email_of(9)}])) == [people.id_of(9)]
    with pytest.raises(errors.RateLimited) as info:
        client.people.bulk_match([{"email": people.email_of(9)}])
    assert info.value.retry_after is not None
    assert 1 <= info.value.retry_after <= 60
