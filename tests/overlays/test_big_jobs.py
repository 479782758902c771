"""Big jobs through the public client, against the simulator: any iterable, bad rows set aside, duplicates sent
once, each part's results streamed as it completes, progress, resuming a failed page, the searcher's next page."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import amplemarket._ops as ops
from amplemarket import Amplemarket, errors
from amplemarket.testing import Simulator
from apicore import batching

ENRICH = "/people/enrichment-requests"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def emails(sim: Simulator, *indexes: int) -> list[dict[str, str]]:
    return [{"email": sim.people.email_of(i)} for i in indexes]


def posted(sim: Simulator, path: str = ENRICH) -> list[Any]:
    """The bodies of the POSTs to ``path``, in order."""
    return [entry.body for entry in sim.log if entry.method == "POST" and entry.path == path]


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    """Parts of 4 leads, so a handful of leads makes a split job."""
    monkeypatch.setattr(ops, "MAX_ENRICHMENT_LEADS", 4)
    return 4


# --------------------------------------------------------------------------- what may be given
@pytest.mark.parametrize(
    ("leads", "says"),
    [
        ({"email": "a@example.com"}, "got a single dict: wrap it in a list"),
        ("a@example.com", "got str"),
        (42, "got int"),
        (None, "got NoneType"),
    ],
)
def test_a_wrong_container_is_named_and_nothing_is_sent(leads: Any, says: str) -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    with pytest.raises(errors.InvalidInput, match=says) as info:
        am.people.enrich(leads)
    assert info.value.problems[0].where == "leads"
    assert sim.log == []


def test_on_invalid_must_be_raise_or_skip() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    with pytest.raises(errors.InvalidInput, match="on_invalid: must be 'raise' or 'skip', got 'ignore'"):
        sim.client(rate_limit=False).people.enrich(emails(sim, 1), on_invalid="ignore")  # type: ignore[arg-type]
    assert sim.log == []


def test_a_generator_is_read_once_and_sent_in_parts(small_parts: int) -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    pulled: list[int] = []

    def rows() -> Iterator[dict[str, str]]:
        for index in range(10):
            pulled.append(index)
            yield {"email": sim.people.email_of(index)}

    job = am.people.enrich(rows())
    assert pulled == list(range(10)), "every row is read exactly once"
    assert [len(body["leads"]) for body in posted(sim)] == [4, 4, 2]
    found = dict(job.indexed_results())
    assert sorted(found) == list(range(10))
    assert all(found[i].email == sim.people.email_of(i) for i in range(10))


# --------------------------------------------------------------------------- bad rows
def test_raise_reports_every_bad_row_with_its_index_and_sends_nothing(small_parts: int) -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    leads: list[Any] = [*emails(sim, 0, 1), {"email": "not-an-email"}, "just a string", *emails(sim, 2, 3, 4, 5)]
    with pytest.raises(errors.InvalidInput) as info:
        sim.client(rate_limit=False).people.enrich(iter(leads))
    assert [p.where for p in info.value.problems] == ["leads[2].email", "leads[3]"]
    assert [p.index for p in info.value.problems] == [2, 3]
    assert str(info.value).endswith("Pass on_invalid='skip' to set the bad rows aside (job.skipped) and send the rest")
    assert sim.log == []


def test_a_long_list_of_problems_says_where_to_find_them_all() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    with pytest.raises(errors.InvalidInput) as info:
        sim.client(rate_limit=False).people.enrich([{"email": f"bad{i}"} for i in range(129)])
    assert len(info.value.problems) == 129
    assert "(and 109 more: see .problems)" in str(info.value)


def test_skip_sets_bad_rows_aside_and_sends_the_rest(small_parts: int) -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    leads: list[Any] = [*emails(sim, 0, 1), {"email": "not-an-email"}, {"name": "Only A Name"}, *emails(sim, 2, 3)]
    job = am.people.enrich(leads, on_invalid="skip")
    assert [(s.index, s.item) for s in job.skipped] == [(2, leads[2]), (3, leads[3])]
    assert "is not a valid email address" in job.skipped[0].reason
    assert "does not identify a person" in job.skipped[1].reason
    assert [lead["email"] for body in posted(sim) for lead in body["leads"]] == [
        sim.people.email_of(i) for i in (0, 1, 2, 3)
    ]
    assert [index for index, _ in job.indexed_results()] == [0, 1, 4, 5]
    assert job.progress.skipped == 2


def test_skip_with_every_row_invalid_raises_before_sending() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    with pytest.raises(errors.InvalidInput, match="all 2 items are invalid: nothing to send"):
        sim.client(rate_limit=False).people.enrich([{"email": "x"}, {"title": "CEO"}], on_invalid="skip")
    assert sim.log == []


# --------------------------------------------------------------------------- duplicates
def test_exact_duplicates_are_sent_once_and_given_back_for_each_position(small_parts: int) -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    a, b, c, d, e = emails(sim, 10, 11, 12, 13, 14)
    leads = [a, b, dict(a), c, d, e, {**b}, a]  # positions 2 and 7 repeat 0; 6 repeats 1 (in the next part)
    job = am.people.enrich(leads)
    sent = [lead["email"] for body in posted(sim) for lead in body["leads"]]
    assert sent == [x["email"] for x in (a, b, c, d, e)]
    assert job.duplicates == {0: [2, 7], 1: [6]}
    given = list(job.indexed_results())
    assert sorted(index for index, _ in given) == list(range(8))
    by_index = dict(given)
    assert all(by_index[i].email == leads[i]["email"] for i in range(8))
    assert by_index[7] is by_index[0]
    assert job.progress.results_fetched == job.progress.results_expected == 8


@pytest.mark.parametrize("one_shot", [False, True])
def test_different_rows_are_never_merged_even_if_their_digests_collide(
    monkeypatch: pytest.MonkeyPatch, one_shot: bool
) -> None:
    monkeypatch.setattr(batching, "_digest", lambda canonical: 7)  # every row gets the same digest
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    leads = emails(sim, 1, 2, 3, 1)
    job = sim.client(rate_limit=False).people.enrich(iter(leads) if one_shot else leads)
    sent = [lead["email"] for body in posted(sim) for lead in body["leads"]]
    assert sorted(sent) == sorted(x["email"] for x in leads[:3])
    assert job.duplicates == {0: [3]}
    assert sorted((i, r.email) for i, r in job.indexed_results()) == [(i, leads[i]["email"]) for i in range(4)]


def test_the_digest_table_keeps_every_key_across_growth() -> None:
    table = batching._Digests()
    keys = [batching._digest(str(i).encode()) for i in range(20_000)]
    for key in keys:
        table.add(key)
    assert all(key in table for key in keys)
    assert batching._digest(b"absent") not in table


# --------------------------------------------------------------------------- streaming, progress, resuming
def test_results_stream_each_part_as_soon_as_it_completes(small_parts: int) -> None:
    sim = Simulator(seed=3, job_polls=2, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    job = am.people.enrich(emails(sim, *range(8)))
    stream = job.results()
    first = next(stream)
    assert first.email == sim.people.email_of(0)
    assert job.progress.parts_done == 1, "the second part was still processing when the first gave its results"
    assert job.models[1].status != "completed"
    rest = list(stream)
    assert [r.email for r in [first, *rest]] == [sim.people.email_of(i) for i in range(8)]
    progress = job.progress
    assert (progress.parts_done, progress.parts_total, progress.results_fetched) == (2, 2, 8)
    assert str(progress) == "completed: 2/2 parts done, 8/8 results fetched"


def test_a_failed_page_fetch_resumes_from_that_page() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    job = am.people.enrich(emails(sim, *range(250)))  # pages of 100: the poll carries page 1, then 2 and 3
    got: list[str] = []

    def read_until_it_fails() -> None:
        for result in job.results():
            got.append(result.email)
            if len(got) == 100:
                sim.faults.server_errors(1)  # the fetch of page 2 fails once

    with pytest.raises(errors.ServerError):
        read_until_it_fails()
    assert len(got) == 100
    got.extend(result.email for result in job.results())
    assert got == [sim.people.email_of(i) for i in range(250)]
    pages = [e for e in sim.log if e.method == "GET" and "page[after]" in e.query]
    assert [e.status for e in pages] == [500, 200, 200], "page 1 was not fetched again"


def test_results_can_be_read_again_and_are_released_meanwhile() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    job = am.people.enrich(emails(sim, *range(5)))
    once = [r.email for r in job.results()]
    assert job.models[0].results == [], "the page given out is not kept by the job"
    assert [r.email for r in job.results()] == once


def test_a_job_resumed_by_id_streams_but_knows_no_positions() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    job = am.people.enrichment(am.people.enrich(emails(sim, 1, 2)).id)
    assert [r.email for r in job.results()] == [x["email"] for x in emails(sim, 1, 2)]
    assert job.progress.results_expected is None
    with pytest.raises(errors.ClientError, match="input positions are known only"):
        next(job.indexed_results())


def test_polling_is_logged_on_the_client_logger(caplog: pytest.LogCaptureFixture) -> None:
    sim = Simulator(seed=3, job_polls=2, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    with caplog.at_level(logging.INFO, logger="amplemarket"):
        job = am.people.enrich(emails(sim, 1)).wait()
    lines = [r.getMessage() for r in caplog.records if r.name == "amplemarket"]
    assert f"job {job.id} is completed (part 1 of 1)" in lines


# --------------------------------------------------------------------------- the other batch operations
def test_email_validation_skips_bad_rows_and_sends_duplicates_once() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    given = ["a@example.com", "nope", {"email": "b@example.com"}, "a@example.com"]
    job = am.email_validations.validate(given, on_invalid="skip")
    assert [s.index for s in job.skipped] == [1]
    assert posted(sim, "/email-validations")[0] == {"emails": [{"email": "a@example.com"}, {"email": "b@example.com"}]}
    assert [(i, r.email) for i, r in job.indexed_results()] == [
        (0, "a@example.com"),
        (3, "a@example.com"),
        (2, "b@example.com"),
    ]


def test_add_leads_skip_reports_the_rows_set_aside_in_the_summary() -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    sequence = next(iter(am.sequences.list(status="active")))
    leads: list[Any] = [{"email": "a@example.com"}, {"phone": "1"}, {"email": "a@example.com"}]
    summary = am.sequences.add_leads(str(sequence.id), leads, on_invalid="skip")
    assert [s.index for s in summary.skipped] == [1]
    assert summary.duplicates == {0: [2]}
    assert posted(sim, f"/sequences/{sequence.id}/leads")[0]["leads"] == [{"email": "a@example.com"}]
    assert "skipped" not in summary.to_dict()


def test_lead_list_skip_and_its_limit_counts_distinct_valid_leads(monkeypatch: pytest.MonkeyPatch) -> None:
    sim = Simulator(seed=3, job_polls=1, retry_after=0)
    am = sim.client(rate_limit=False, max_retries=0)
    monkeypatch.setattr(ops, "MAX_LEAD_LIST_LEADS", 2)
    leads: list[Any] = [{"email": "a@example.com"}, {"linkedin_url": "x"}, {"email": "b@example.com"}]
    job = am.lead_lists.create(owner="owner@example.com", type="email", leads=leads * 2, on_invalid="skip")
    assert [s.index for s in job.skipped] == [1, 4]
    assert len(posted(sim, "/lead-lists")[0]["leads"]) == 2
    with pytest.raises(errors.InvalidInput, match="3 leads; at most 2 fit in one request"):
        am.lead_lists.create(owner="owner@example.com", type="email", leads=emails(sim, 1, 2, 3))


@pytest.mark.anyio
async def test_async_enrich_takes_a_generator_skips_and_streams(small_parts: int) -> None:
    sim = Simulator(seed=3, job_polls=2, retry_after=0)
    leads: list[Any] = [*emails(sim, 0, 1, 2), {"email": "bad"}, *emails(sim, 3, 4, 0)]
    async with sim.async_client(rate_limit=False, max_retries=0) as am:
        job = await am.people.enrich(iter(leads), on_invalid="skip")
        given = [(i, r.email) async for i, r in job.indexed_results()]
    assert [s.index for s in job.skipped] == [3]
    assert sorted(i for i, _ in given) == [0, 1, 2, 4, 5, 6]
    assert all(email == leads[i]["email"] for i, email in given)


# --------------------------------------------------------------------------- searcher pages
def test_the_next_search_page_is_counted_from_the_page_asked_for() -> None:
    asked: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["page"]
        asked.append(page)
        body = {
            "object": "person_search_result",
            "results": [{"id": f"p{page}", "object": "person"}],
            "_pagination": {"page": -87_292_276, "page_size": 1, "total_pages": 3, "total": 3},
        }
        return httpx.Response(200, json=body)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with Amplemarket(api_key="k", http_client=http, rate_limit=False, max_retries=0) as am:
        found = [person.id for person in am.people.search(person_titles=["CEO"], page_size=1)]
    assert asked == [1, 2, 3]
    assert found == ["p1", "p2", "p3"]


# --------------------------------------------------------------------------- the README's example
def test_the_readme_big_job_example_runs(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(import csv\n.*?)```", readme, re.S)
    assert code, "README lost its big-job example"
    sim = Simulator(seed=5, job_polls=1, retry_after=0)
    rows = [sim.people.email_of(i) for i in range(6)]
    rows[2] = "not an email"
    rows.append(rows[0])
    (tmp_path / "leads.csv").write_text("email,owner\n" + "".join(f"{e},x\n" for e in rows), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AMPLEMARKET_API_KEY", sim.api_key)
    monkeypatch.setenv("AMPLEMARKET_BASE_URL", "https://api.amplemarket.com")
    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kwargs: real_client(transport=sim.transport(), **kwargs))
    exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102 - the README's own example
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("keep these to resume: [")
    assert out[1].startswith("skipped row 2 leads[2].email: is not a valid email address")
    assert sorted(int(line.split()[0]) for line in out[2:-1]) == [0, 1, 3, 4, 5, 6]
    assert out[-1] == "completed: 1/1 parts done, 6/6 results fetched, 1 row skipped"
