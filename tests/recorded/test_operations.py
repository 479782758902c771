"""One cassette per operation (success path) and per documented error path.

Replayed offline; `make record` re-records them against the simulator.  The contract
tests (test_contract.py) hold every recorded exchange against the curated spec.
"""

from __future__ import annotations

import httpx
import pytest

from amplemarket import Amplemarket, errors
from amplemarket.testing._data import Population

pytestmark = pytest.mark.vcr

Api = tuple[Amplemarket, str]


# ----------------------------------------------------------------------------- people and companies
def test_single_person_enrichment(api: Api, people: Population) -> None:
    client, _ = api
    person = client.people.find(email=people.email_of(3), reveal_email=True, reveal_phone_numbers=True)
    assert person.object_ == "person"
    assert isinstance(person.email, str)
    assert "@" in person.email
    assert person.phone_numbers


def test_single_company_enrichment(api: Api, people: Population) -> None:
    client, _ = api
    company = client.companies.find(domain=people.company_domain(5))
    assert company.object_ == "company"
    assert company.industry


def test_search_people(api: Api) -> None:
    client, _ = api
    pages = client.people.search(person_titles=["CEO"], page_size=3).pages()
    first, second = next(pages), next(pages)  # two pages of many: lazily, nothing more is fetched
    assert len(first.results) == 3  # type: ignore[arg-type]
    assert first.pagination.total > 6  # type: ignore[union-attr, operator]
    assert second.pagination.page == 2  # type: ignore[union-attr]


def test_enrichment_job(api: Api, people: Population) -> None:
    client, _ = api
    leads = [{"email": people.email_of(i)} for i in range(3)] + [{"email": "nobody@nowhere.example"}]
    job = client.people.enrich(leads, reveal_email=True).wait()
    results = list(job.results())
    assert [r.status for r in results] == ["enriched", "enriched", "enriched", "not_found"]
    again = client.people.enrichment(job.id)
    assert again.status == "completed"


@pytest.mark.simulator(job_polls=3, retry_after=0.0)
def test_enrichment_cancel(api: Api, people: Population) -> None:
    client, _ = api
    job = client.people.enrich([{"email": people.email_of(i)} for i in range(6)])
    job.cancel()
    assert job.status == "canceled"


# ----------------------------------------------------------------------------- email validations and lead lists
@pytest.mark.simulator(job_polls=2, retry_after=0.0)
def test_email_validation_job_and_cancel(api: Api, people: Population) -> None:
    client, _ = api
    job = client.email_validations.validate([people.email_of(1), people.email_of(2)]).wait()
    assert len(list(job.results())) == 2
    assert client.email_validations.get(job.id).status == "completed"
    running = client.email_validations.validate([people.email_of(3)])
    assert running.cancel().status == "canceled"


def test_lead_list_create_get_list(api: Api, people: Population) -> None:
    client, _ = api
    job = client.lead_lists.create(
        owner="user1@sim.example",
        type="email",
        name="Recorded",
        leads=[{"email": people.email_of(i)} for i in range(3)],
    ).wait()
    assert len(list(job.results())) == 3
    assert client.lead_lists.get(job.id).status == "completed"
    assert [x.id for x in client.lead_lists.list()] == [job.id]


# ----------------------------------------------------------------------------- sequences, exclusions
def test_sequences_list_and_add_leads(api: Api, people: Population) -> None:
    client, _ = api
    sequences = list(client.sequences.list())
    active = next(s for s in sequences if s.status == "active")
    summary = client.sequences.add_leads(
        str(active.id), [{"email": people.email_of(1)}, {"email": "ceo@competitor.example"}]
    )
    assert summary.total == 2
    assert summary.total_added_to_sequence == 1


def test_add_leads_to_a_draft_sequence_is_422(api: Api, people: Population) -> None:
    client, _ = api
    draft = next(s for s in client.sequences.list() if s.status == "draft")
    with pytest.raises(errors.UnprocessableEntity) as info:
        client.sequences.add_leads(str(draft.id), [{"email": people.email_of(1)}])
    assert info.value.validation_errors[0]["error_code"] == "invalid_sequence_status"


def test_exclusions(api: Api) -> None:
    client, _ = api
    assert len(list(client.exclusions.domains.list())) >= 1
    assert client.exclusions.domains.add(["new-domain.example"])["new-domain.example"] == "success"
    assert client.exclusions.domains.remove(["crm-only.example"])["crm-only.example"] == "unsupported"
    assert len(list(client.exclusions.emails.list())) >= 1
    added = client.exclusions.emails.add(["blocked@new-domain.example"])
    assert list(added.additional_properties.values()) == ["success"]
    assert list(client.exclusions.emails.remove(["nobody@nowhere.example"]).additional_properties.values()) == [
        "not_found"
    ]


# ----------------------------------------------------------------------------- users, tasks, account, calls, contacts
def test_users_and_tasks(api: Api) -> None:
    client, _ = api
    users = list(client.users.list())
    assert len(users) == 3
    tasks = list(client.tasks.list(str(users[0].id), status="scheduled"))
    manual = [t for t in tasks if not t.automatic]
    assert client.tasks.complete(str(manual[0].id))["status"] == "completed"
    assert client.tasks.skip(str(manual[1].id))["status"] == "skipped"
    assert client.tasks.statuses().statuses
    assert client.tasks.types().types


def test_account_and_calls(api: Api) -> None:
    client, _ = api
    assert client.account.info().account is not None
    disposition = client.calls.dispositions().dispositions[0]  # type: ignore[index]
    users = list(client.users.list())
    task = next(iter(client.tasks.list(str(users[0].id))))
    call = client.calls.log(
        from_="+1 555 0100 0001", to="+1 555 0100 0002", duration=42, answered=True, human=True,
        task_id=str(task.id), user_id=str(users[0].id), disposition_id=str(disposition.id),
    )  # fmt: skip
    assert call.duration == 42


def test_contacts_and_phone_review(api: Api, people: Population) -> None:
    client, _ = api
    contact = client.contacts.get_by_email(people.email_of(2))
    assert client.contacts.get(str(contact.id)).id == contact.id
    assert [c.id for c in client.contacts.list([str(contact.id)])] == [contact.id]
    assert client.phone_numbers.review("ph-1", reason="wrong_number")["status"] == "reviewed"


# ----------------------------------------------------------------------------- documented error paths
def test_400_missing_field(raw: httpx.Client) -> None:
    response = raw.post("/people/enrichment-requests", json={"reveal_email": True})
    assert response.status_code == 400
    error = response.json()["_errors"][0]
    assert error["code"] == "missing_field"
    assert error["source"]["pointer"] == ""


def test_401_unauthorized(api: Api) -> None:
    client, _ = api
    with (
        Amplemarket(api_key="sk-wrong-key", base_url=client.base_url, rate_limit=False, max_retries=0) as wrong,
        pytest.raises(errors.AuthenticationError),
    ):
        wrong.account.info()


@pytest.mark.simulator(email_credits=0.0)
def test_402_insufficient_credits(api: Api, people: Population) -> None:
    client, _ = api
    with pytest.raises(errors.InsufficientCredits) as info:
        client.people.find(email=people.email_of(4))
    assert info.value.code == "insufficient_credits"


def test_404_person_not_found(api: Api) -> None:
    client, _ = api
    with pytest.raises(errors.NotFound) as info:
        client.people.find(email="nobody@nowhere.example")
    assert info.value.code == "person_not_found"


@pytest.mark.simulator(slow_reveals=1, retry_after=60_000.0)
def test_408_slow_reveal(api: Api, people: Population) -> None:
    client, _ = api
    with pytest.raises(errors.RequestTimeout) as info:
        client.people.find(email=people.email_of(8), reveal_phone_numbers=True)
    assert info.value.retry_after == 60
    assert info.value.code == "request_timeout"


@pytest.mark.simulator(limits={"/people/find": 2}, time_scale=1.0)
def test_429_rate_limited(raw: httpx.Client, people: Population) -> None:
    statuses = [raw.get("/people/find", params={"email": people.email_of(1)}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.simulator(server_errors=1)
def test_500_internal_server_error(api: Api) -> None:
    client, _ = api
    with pytest.raises(errors.ServerError) as info:
        client.account.info()
    assert info.value.code == "internal_server_error"


def test_451_unavailable_for_legal_reasons(api: Api, people: Population) -> None:
    client, _ = api
    with pytest.raises(errors.UnavailableForLegalReasons):
        client.people.find(email=people.email_of(17))
