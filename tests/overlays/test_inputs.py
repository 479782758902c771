"""Every documented bad input raises ``InvalidInput`` before anything is sent, naming each offender and its rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from amplemarket import Amplemarket, errors
from amplemarket_api.models import PersonEnrichmentResult
from tests.overlays.fakeapi import FakeAPI

TASK_ID = "0198f652-76db-7505-8923-201bf75736eb"
USER_ID = "0198f652-76db-7505-8923-201bf75736ec"


def rejected(api: FakeAPI, call: Callable[[], Any], *expected: tuple[str, str]) -> errors.InvalidInput:
    """Run ``call``; it must raise InvalidInput naming exactly ``expected`` (where, rule fragment); nothing sent."""
    with pytest.raises(errors.InvalidInput) as info:
        call()
    error = info.value
    assert api.sent == [], "nothing may be sent when the input is invalid"
    assert isinstance(error, ValueError), "InvalidInput is also a ValueError"
    assert all(isinstance(p, errors.InputProblem) for p in error.problems)
    assert sorted(p.where for p in error.problems) == sorted(where for where, _ in expected)
    message = str(error)
    assert message.startswith("invalid input, nothing was sent: ")
    for where, rule in expected:
        matching = [p for p in error.problems if p.where == where and rule in p.rule]
        assert matching, f"no problem at {where} says {rule!r}: {error.problems}"
        assert f"{where}: {matching[0].rule}" in message, "the message names the place and the rule"
    return error


def leads(count: int) -> list[dict[str, Any]]:
    return [{"email": f"lead{i}@example.com"} for i in range(count)]


# ----------------------------------------------------------------------------- people.enrich
def test_enrich_with_no_leads(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.people.enrich([]), ("leads", "must not be empty"))


@pytest.mark.parametrize(
    "lead",
    [
        {"company_name": "Acme"},
        {"name": "Jane Doe"},
        {"title": "CEO", "name": "Jane Doe"},
        {"email": "   "},
        {"email": None, "linkedin_url": None},
        {},
    ],
)
def test_enrich_lead_with_no_identifier(am: Amplemarket, api: FakeAPI, lead: dict[str, Any]) -> None:
    problems = [("leads[0]", "does not identify a person")]
    if lead.get("email") == "   ":
        problems.append(("leads[0].email", "is not a valid email address"))
    rejected(api, lambda: am.people.enrich([lead]), *problems)


def test_enrich_lead_with_linkedin_id_says_to_use_linkedin_url(am: Amplemarket, api: FakeAPI) -> None:
    error = rejected(
        api,
        lambda: am.people.enrich([{"linkedin_id": "ACoAAB123"}]),
        ("leads[0].linkedin_id", "is not a documented field (use linkedin_url)"),
        ("leads[0]", "does not identify a person"),
    )
    assert "use linkedin_url" in str(error)


def test_enrich_lead_with_linkedin_id_besides_an_email_is_still_refused(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        lambda: am.people.enrich([{"email": "jane@example.com", "linkedin_id": "ACoAAB123"}]),
        ("leads[0].linkedin_id", "use linkedin_url"),
    )


@pytest.mark.parametrize("email", ["jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a@b@c.com"])
def test_enrich_lead_with_a_malformed_email(am: Amplemarket, api: FakeAPI, email: str) -> None:
    error = rejected(
        api, lambda: am.people.enrich([{"email": email}]), ("leads[0].email", "is not a valid email address")
    )
    assert repr(email) in str(error), "the offending value is shown"


def test_enrich_reports_every_bad_lead_at_once(am: Amplemarket, api: FakeAPI) -> None:
    batch = [
        {"email": "not-an-email"},
        {"email": "fine@example.com"},
        {"linkedin_id": "123"},
        {"name": "Only A Name"},
        {"email": "also@fine.com", "title": 7},
    ]
    error = rejected(
        api,
        lambda: am.people.enrich(batch),
        ("leads[0].email", "is not a valid email address"),
        ("leads[2].linkedin_id", "use linkedin_url"),
        ("leads[2]", "does not identify a person"),
        ("leads[3]", "does not identify a person"),
        ("leads[4].title", "must be a string"),
    )
    assert "leads[1]" not in str(error), "a good lead is not blamed"


@pytest.mark.parametrize("bad", ["jane@example.com", 42, None, ["email", "jane@example.com"]])
def test_enrich_with_a_lead_that_is_not_a_mapping(am: Amplemarket, api: FakeAPI, bad: Any) -> None:
    rejected(
        api,
        lambda: am.people.enrich([{"email": "ok@example.com"}, bad]),
        ("leads[1]", "must be a mapping"),
    )


def test_a_split_enrichment_is_validated_whole_before_any_part_is_sent(am: Amplemarket, api: FakeAPI) -> None:
    batch = [*leads(10_000), {"email": "broken"}]
    error = rejected(api, lambda: am.people.enrich(batch), ("leads[10000].email", "is not a valid email address"))
    assert len(error.problems) == 1
    assert api.count("POST", "/people/enrichment-requests") == 0


def test_a_valid_lead_of_every_identifying_kind_is_accepted(am: Amplemarket, api: FakeAPI) -> None:
    """The rules above refuse bad leads only: the documented ways to identify a person all pass."""
    batch = [
        {"email": "jane@example.com"},
        {"linkedin_url": "https://www.linkedin.com/in/jane"},
        {"name": "Jane Doe", "company_domain": "example.com"},
        {"title": "CEO", "company_name": "Acme"},
    ]
    job = am.people.enrich(batch)
    assert api.count("POST", "/people/enrichment-requests") == 1
    assert api.sent[0].body["leads"] == batch
    assert all(isinstance(r, PersonEnrichmentResult) for r in job.wait().results())


# ----------------------------------------------------------------------------- email validations
def test_validate_with_no_emails(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.email_validations.validate([]), ("emails", "must not be empty"))


def test_validate_reports_every_malformed_email(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        lambda: am.email_validations.validate(["ok@example.com", "bad", {"email": "also bad@x.com"}, "a@b", None]),
        ("emails[1]", "is not a valid email address"),
        ("emails[2]", "is not a valid email address"),
        ("emails[3]", "is not a valid email address"),
        ("emails[4]", "is not a valid email address"),
    )


# ----------------------------------------------------------------------------- sequences.add_leads
def add(am: Amplemarket, *batch: dict[str, Any], sequence_id: str = "seq-1") -> Callable[[], Any]:
    return lambda: am.sequences.add_leads(sequence_id, list(batch))


def test_add_leads_lead_without_email_or_linkedin_url(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        add(am, {"email": "a@example.com"}, {"data": {"first_name": "A"}}, {"email": "", "linkedin_url": ""}),
        ("leads[1]", "needs an email or a linkedin_url"),
        ("leads[2]", "needs an email or a linkedin_url"),
        ("leads[2].email", "is not a valid email address"),
    )


def test_add_leads_with_51_data_fields(am: Amplemarket, api: FakeAPI) -> None:
    data = {f"field_{i}": "v" for i in range(51)}
    rejected(api, add(am, {"email": "a@example.com", "data": data}), ("leads[0].data", "has 51 fields; at most 50"))


@pytest.mark.parametrize("name", ["FirstName", "first name", "3_letter", "_x", "first-name", "é"])
def test_add_leads_data_field_name_breaking_the_rule(am: Amplemarket, api: FakeAPI, name: str) -> None:
    rejected(
        api,
        add(am, {"email": "a@example.com", "data": {"ok_name": "x", name: "v"}}),
        (f"leads[0].data.{name}", "field names use lowercase letters, digits and _ and start with a letter"),
    )


def test_add_leads_data_field_name_of_256_characters(am: Amplemarket, api: FakeAPI) -> None:
    name = "a" * 256
    error = rejected(
        api,
        add(am, {"email": "a@example.com", "data": {name: "v"}}),
        (f"leads[0].data.{'a' * 20}...", "field names are at most 255 characters"),
    )
    assert name not in str(error), "a long name is shortened in the message"


def test_add_leads_data_value_of_513_characters(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        add(am, {"email": "a@example.com", "data": {"bio": "x" * 513}}),
        ("leads[0].data.bio", "values are at most 512 characters (got 513)"),
    )


@pytest.mark.parametrize("value", [42, 1.5, True, ["a"], {"nested": "x"}])
def test_add_leads_data_value_that_is_not_a_string(am: Amplemarket, api: FakeAPI, value: Any) -> None:
    rejected(
        api,
        add(am, {"email": "a@example.com", "data": {"age": value}}),
        ("leads[0].data.age", "values must be strings"),
    )


def test_add_leads_data_that_is_not_a_mapping(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, add(am, {"email": "a@example.com", "data": ["x"]}), ("leads[0].data", "must be a mapping"))


def test_add_leads_data_at_the_limits_is_accepted(am: Amplemarket, api: FakeAPI) -> None:
    data = {f"f{i}": "v" for i in range(49)}
    data["a" + "b" * 254] = "x" * 512  # 50 fields, a 255-character name, a 512-character value
    summary = am.sequences.add_leads("seq-1", [{"email": "a@example.com", "data": data}])
    assert summary.total == 1
    assert api.count("POST", "/sequences/seq-1/leads") == 1
    assert api.sent[0].body["leads"][0]["data"] == data


def test_add_leads_unknown_override(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        add(
            am, {"email": "a@example.com", "overrides": {"ignore_recently_contacted": True, "ignore_everything": True}}
        ),
        ("leads[0].overrides.ignore_everything", "is not an override"),
    )


def test_add_leads_unknown_lead_key(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        add(am, {"email": "a@example.com", "first_name": "Jane"}),
        ("leads[0].first_name", "is not a lead field (put extra fields under data)"),
    )


def test_add_leads_with_no_leads(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.sequences.add_leads("seq-1", []), ("leads", "must not be empty"))


@pytest.mark.parametrize("sequence_id", ["", "   "])
def test_add_leads_with_an_empty_sequence_id(am: Amplemarket, api: FakeAPI, sequence_id: str) -> None:
    rejected(api, add(am, {"email": "a@example.com"}, sequence_id=sequence_id), ("sequence_id", "is required"))


def test_add_leads_reports_a_bad_sequence_id_and_bad_leads_together(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        add(am, {"email": "a@example.com"}, {"data": {}}, sequence_id=""),
        ("sequence_id", "is required"),
        ("leads[1]", "needs an email or a linkedin_url"),
    )


def test_a_split_add_leads_is_validated_whole_before_any_part_is_sent(am: Amplemarket, api: FakeAPI) -> None:
    batch = [*leads(260), {"email": "a@example.com", "data": {"Bad": "x"}}]
    rejected(api, lambda: am.sequences.add_leads("seq-1", batch), ("leads[260].data.Bad", "field names use"))


# ----------------------------------------------------------------------------- lead_lists.create
def create(am: Amplemarket, **overrides: Any) -> Callable[[], Any]:
    arguments: dict[str, Any] = {"owner": "owner@example.com", "type": "email", "leads": leads(2), **overrides}
    return lambda: am.lead_lists.create(**arguments)


def test_lead_list_with_more_than_10000_leads(am: Amplemarket, api: FakeAPI) -> None:
    too_many = "10,001 leads; at most 10,000 fit in one request (split the list yourself)"
    rejected(api, create(am, leads=leads(10_001)), ("leads", too_many))


def test_lead_list_of_10000_leads_is_accepted(am: Amplemarket, api: FakeAPI) -> None:
    create(am, leads=leads(10_000))()
    assert api.count("POST", "/lead-lists") == 1
    assert len(api.sent[0].body["leads"]) == 10_000


def test_linkedin_lead_list_lead_missing_linkedin_url(am: Amplemarket, api: FakeAPI) -> None:
    rows = [{"linkedin_url": "https://www.linkedin.com/in/a"}, {"email": "b@example.com"}, {"linkedin_url": ""}]
    rejected(
        api,
        create(am, type="linkedin", leads=rows),
        ("leads[1]", "a linkedin lead list needs linkedin_url on every lead"),
        ("leads[2]", "a linkedin lead list needs linkedin_url on every lead"),
    )


def test_lead_list_with_an_unknown_type(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, create(am, type="phone"), ("type", "must be linkedin, email or titles_and_company, got 'phone'"))


@pytest.mark.parametrize("owner", ["owner", "owner@", "", "owner at example.com"])
def test_lead_list_with_a_malformed_owner_email(am: Amplemarket, api: FakeAPI, owner: str) -> None:
    rejected(api, create(am, owner=owner), ("owner", "is not a valid email address"))


def test_lead_list_reports_a_bad_owner_and_bad_leads_together(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        create(am, owner="owner", type="linkedin", leads=[{"email": "b@example.com"}]),
        ("owner", "is not a valid email address"),
        ("leads[0]", "a linkedin lead list needs linkedin_url on every lead"),
    )


# ----------------------------------------------------------------------------- people.find, companies.find, search
@pytest.mark.parametrize(
    "query",
    [{}, {"name": "Jane Doe"}, {"company_domain": "example.com"}, {"title": "CEO"}, {"email": None}],
)
def test_people_find_with_nothing_identifying(am: Amplemarket, api: FakeAPI, query: dict[str, Any]) -> None:
    rejected(api, lambda: am.people.find(**query), ("people.find", "does not identify a person"))


def test_people_find_with_a_malformed_email(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.people.find(email="jane"), ("people.find.email", "is not a valid email address"))


@pytest.mark.parametrize(
    "query",
    [{}, {"domain": "example.com", "linkedin_url": "https://www.linkedin.com/company/acme"}, {"domain": ""}],
)
def test_companies_find_needs_exactly_one_of_domain_or_linkedin_url(
    am: Amplemarket, api: FakeAPI, query: dict[str, Any]
) -> None:
    rejected(api, lambda: am.companies.find(**query), ("companies.find", "give exactly one of domain or linkedin_url"))


def test_search_with_an_unknown_filter(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        lambda: am.people.search(job_title=["CEO"], person_titles=["CEO"]),
        ("job_title", "is not a documented search filter"),
    )


@pytest.mark.parametrize("page_size", [0, 101, -1])
def test_search_page_size_out_of_range(am: Amplemarket, api: FakeAPI, page_size: int) -> None:
    rejected(
        api,
        lambda: am.people.search(page_size=page_size),
        ("page_size", f"must be an integer from 1 to 100, got {page_size}"),
    )


def test_search_start_page_0(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.people.search(start_page=0), ("start_page", "must be an integer >= 1, got 0"))


def test_search_reports_every_bad_argument_at_once(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        lambda: am.people.search(page_size=101, start_page=0, titles=["CEO"]),
        ("titles", "is not a documented search filter"),
        ("page_size", "must be an integer from 1 to 100"),
        ("start_page", "must be an integer >= 1"),
    )


def test_search_page_size_limits_are_accepted(am: Amplemarket, api: FakeAPI) -> None:
    list(am.people.search(page_size=1))
    list(am.people.search(page_size=100))
    assert {s.body["page_size"] for s in api.sent} == {1, 100}


# ----------------------------------------------------------------------------- tasks, contacts, exclusions, calls
@pytest.mark.parametrize("user_id", ["", "  "])
def test_tasks_list_with_an_empty_user_id(am: Amplemarket, api: FakeAPI, user_id: str) -> None:
    rejected(api, lambda: am.tasks.list(user_id), ("user_id", "is required"))


def test_contacts_get_by_email_with_a_bad_email(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.contacts.get_by_email("jane"), ("email", "is not a valid email address: 'jane'"))


def test_contacts_list_with_no_ids(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.contacts.list([]), ("ids", "must not be empty"))


def test_contacts_list_with_empty_ids(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        lambda: am.contacts.list(["c-1", "", " "]),
        ("ids[1]", "must be a non-empty string"),
        ("ids[2]", "must be a non-empty string"),
    )


@pytest.mark.parametrize("domain", ["https://example.com/x", "", "example", "exa mple.com", "-bad.com"])
def test_exclusions_domains_add_needs_bare_domains(am: Amplemarket, api: FakeAPI, domain: str) -> None:
    rejected(
        api,
        lambda: am.exclusions.domains.add(["ok.com", domain]),
        ("domains[1]", "is not a bare domain name such as example.com"),
    )


def test_exclusions_domains_remove_is_checked_too(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.exclusions.domains.remove(["http://x.com"]), ("domains[0]", "is not a bare domain name"))


def test_exclusions_with_nothing_to_add(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.exclusions.domains.add([]), ("domains", "must not be empty"))


def test_exclusions_emails_add_bad(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, lambda: am.exclusions.emails.add(["bad"]), ("emails[0]", "is not a valid email address: 'bad'"))


def log(am: Amplemarket, **overrides: Any) -> Callable[[], Any]:
    arguments: dict[str, Any] = {
        "from_": "+1", "to": "+2", "duration": 30, "answered": True, "human": True,
        "task_id": TASK_ID, "user_id": USER_ID, **overrides,
    }  # fmt: skip
    return lambda: am.calls.log(**arguments)


@pytest.mark.parametrize("duration", [-1, 1.5, "30", True])
def test_calls_log_with_a_bad_duration(am: Amplemarket, api: FakeAPI, duration: Any) -> None:
    rejected(api, log(am, duration=duration), ("duration", "must be a whole number of seconds >= 0"))


def test_calls_log_with_answered_yes(am: Amplemarket, api: FakeAPI) -> None:
    rejected(api, log(am, answered="yes"), ("answered", "must be True or False"))


def test_calls_log_reports_every_bad_field(am: Amplemarket, api: FakeAPI) -> None:
    rejected(
        api,
        log(am, duration=-5, answered="yes", human=1, task_id="not-a-uuid", to=""),
        ("duration", "must be a whole number of seconds >= 0, got -5"),
        ("answered", "must be True or False"),
        ("human", "must be True or False"),
        ("task_id", "must be a UUID"),
        ("to", "is required"),
    )


def test_calls_log_with_zero_duration_is_accepted(am: Amplemarket, api: FakeAPI) -> None:
    log(am, duration=0, answered=False, human=False)()
    assert api.count("POST", "/calls") == 1
    assert api.sent[0].body["duration"] == 0
