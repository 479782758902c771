"""``AsyncAmplemarket``: the asynchronous client (mirrors ``Amplemarket`` method for method)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from amplemarket_api import models
from apicore import AsyncJob, AsyncPaginator, PollPolicy, RateLimiter, cursor_next_href
from apicore.batching import OnInvalid, Plan
from apicore.errors import ClientError, PartialBatchError
from apicore.requests import Request

from . import _ops
from ._base import DEFAULT_TIMEOUT, AsyncClientBase, build_config

if TYPE_CHECKING:
    from amplemarket_api.models import (
        AccountInfo,
        AddLeads,
        Call,
        CallDispositions,
        Company,
        Contact,
        EmailValidation,
        EmailValidationResult,
        ExclusionStatus,
        LeadList,
        LeadListEntry,
        Person,
        PersonEnrichment,
        PersonEnrichmentResult,
        PersonSearch,
        PhoneNumberReview,
        Task,
        TaskAction,
        TaskStatuses,
        TaskTypes,
        User,
    )
    from amplemarket_api.models import (
        Sequence as SequenceModel,
    )

    from ._summary import AddLeadsSummary

__all__ = ["AsyncAmplemarket"]

T = TypeVar("T")
P = TypeVar("P")


class AsyncAmplemarket(AsyncClientBase):
    """Asynchronous Amplemarket client: the same resources as ``Amplemarket``, awaited.

    ``api_key`` and ``base_url`` default to ``AMPLEMARKET_API_KEY`` / ``AMPLEMARKET_BASE_URL``
    (then ``https://api.amplemarket.com``).  Requests are retried (``max_retries``, default 3)
    when that is safe, paced by a client-side limiter that follows the documented rate
    limits (``rate_limit=False`` turns it off), and fail with typed ``amplemarket.errors``.
    Pass ``http_client`` to use your own ``httpx.AsyncClient`` (it is not closed by ``close()``).
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        http_client: httpx.AsyncClient | None = None,
        *,
        rate_limit: bool | RateLimiter = True,
        poll_policy: PollPolicy | None = None,
    ) -> None:
        self._connect(build_config(api_key, base_url, max_retries, rate_limit), http_client, timeout, poll_policy)
        self._attach_resources()

    def _bind_resources(self) -> None:
        """Create the resources, bound to this client (``with_options`` calls it on its copy)."""
        self.people = People(self)
        self.companies = Companies(self)
        self.email_validations = EmailValidations(self)
        self.lead_lists = LeadLists(self)
        self.sequences = Sequences(self)
        self.exclusions = Exclusions(self)
        self.tasks = Tasks(self)
        self.users = Users(self)
        self.account = Account(self)
        self.calls = Calls(self)
        self.contacts = Contacts(self)
        self.phone_numbers = PhoneNumbers(self)

    # -- plumbing -------------------------------------------------------------------------
    def _cursor(self, first: Request[P], model: type[P], items: Any) -> AsyncPaginator[P, Any]:
        def following(page: P) -> Any:
            href = cursor_next_href(page)
            return None if href is None else (lambda: self._run(_ops.follow(href, model)))

        return AsyncPaginator(lambda: self._run(first), following, items)

    def _job(self, source: _JobSource, created: list[Any], reader: Any, plan: Plan | None = None) -> AsyncJob[Any, Any]:
        return AsyncJob(
            source, created, reader, policy=self.poll_policy, sleep=lambda s: self._sleep(s), clock=self._clock,
            plan=plan, logger=self._config.logger,
        )  # fmt: skip

    async def _submit(
        self, source: _JobSource, plan: Plan, build: Callable[[Iterable[bytes]], Request[Any]], reader: Any
    ) -> AsyncJob[Any, Any]:
        """Create one server-side job per part, its body built just before it is sent; never resend."""
        created: list[Any] = []
        try:
            for index in range(len(plan.parts)):
                try:
                    model, response = await self._run_with_response(build(plan.canonicals(index)))
                except ClientError as error:
                    if created:
                        job = self._job(source, created, reader, plan.head(len(created)))
                        raise PartialBatchError(job, index, len(plan.parts), error) from error
                    raise
                created.append((_ops.job_id_of(model), model, response.headers))  # not the request body
        finally:
            plan.release()
        return self._job(source, created, reader, plan)

    async def _resume(self, source: _JobSource, job_id: Any, reader: Any) -> AsyncJob[Any, Any]:
        ids = list(job_id) if isinstance(job_id, (list, tuple)) else [job_id]
        created = [(i, *(await source.fetch(i))) for i in ids]
        return self._job(source, created, reader)


class _JobSource:
    """How the async client fetches, pages and cancels one kind of job."""

    def __init__(self, client: AsyncAmplemarket, get: Any, cancel: Any, model: type[Any]) -> None:
        self._client = client
        self._get = get
        self._cancel = cancel
        self._model = model

    async def fetch(self, job_id: Any) -> tuple[Any, httpx.Response]:
        return await self._client._run_with_response(self._get(job_id))

    async def fetch_href(self, href: str) -> Any:
        return await self._client._run(_ops.follow(href, self._model))

    async def cancel(self, job_id: Any) -> Any:
        if self._cancel is None:
            raise ClientError(f"{self._model.__name__} jobs cannot be canceled through the API")
        return await self._client._run(self._cancel(job_id))


class _Resource:
    def __init__(self, client: AsyncAmplemarket) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class People(_Resource):
    """Find, search and enrich people."""

    def __init__(self, client: AsyncAmplemarket) -> None:
        super().__init__(client)
        self._jobs = _JobSource(client, _ops.get_enrichment, _ops.cancel_enrichment, models.PersonEnrichment)

    async def find(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        name: str | None = None,
        title: str | None = None,
        company_name: str | None = None,
        company_domain: str | None = None,
        reveal_email: bool = False,
        reveal_phone_numbers: bool = False,
    ) -> Person:
        """One person (raises ``errors.NotFound`` when nobody matches)."""
        return await self._client._run(
            _ops.find_person(
                email=email, linkedin_url=linkedin_url, name=name, title=title, company_name=company_name,
                company_domain=company_domain, reveal_email=reveal_email, reveal_phone_numbers=reveal_phone_numbers,
            )
        )  # fmt: skip

    def search(
        self, *, page_size: int | None = None, start_page: int = 1, **filters: Any
    ) -> AsyncPaginator[PersonSearch, Person]:
        """Every person matching ``filters`` (``person_titles=[...]``, ...), page after page."""
        _ops.check_search(filters, page_size, start_page)
        pages = _ops.SearchPages(filters, start_page, page_size)

        def following(page: PersonSearch) -> Any:
            request = pages.after(page)
            return None if request is None else (lambda: self._client._run(request))

        return AsyncPaginator(lambda: self._client._run(pages.first()), following, _ops.search_items)

    async def enrich(
        self,
        leads: Iterable[Mapping[str, Any] | Any],
        *,
        reveal_email: bool = False,
        reveal_phone_numbers: bool = False,
        on_invalid: OnInvalid = "raise",
    ) -> AsyncJob[PersonEnrichment, PersonEnrichmentResult]:
        """Start enriching ``leads``: any iterable, any number (sent in parts of 10,000); see ``Amplemarket``."""
        plan = _ops.enrichment_plan(leads, on_invalid)
        return await self._client._submit(
            self._jobs, plan, lambda part: _ops.start_enrichment(part, reveal_email, reveal_phone_numbers),
            _ops.ENRICHMENT_READER,
        )  # fmt: skip

    async def enrichment(
        self, job_id: int | str | Sequence[int | str]
    ) -> AsyncJob[PersonEnrichment, PersonEnrichmentResult]:
        """Resume an enrichment job by its id (or the ids of a split job)."""
        return await self._client._resume(self._jobs, job_id, _ops.ENRICHMENT_READER)


class Companies(_Resource):
    async def find(self, *, domain: str | None = None, linkedin_url: str | None = None) -> Company:
        """One company by website domain or LinkedIn URL (exactly one of them)."""
        return await self._client._run(_ops.find_company(domain, linkedin_url))


class EmailValidations(_Resource):
    def __init__(self, client: AsyncAmplemarket) -> None:
        super().__init__(client)
        self._jobs = _JobSource(client, _ops.get_email_validation, _ops.cancel_email_validation, models.EmailValidation)

    async def validate(
        self, emails: Iterable[str | Mapping[str, Any]], *, on_invalid: OnInvalid = "raise"
    ) -> AsyncJob[EmailValidation, EmailValidationResult]:
        """Start validating ``emails``: any iterable, any number (sent in parts of 100,000); returns the job."""
        plan = _ops.email_plan(emails, on_invalid)
        return await self._client._submit(self._jobs, plan, _ops.start_email_validation, _ops.EMAIL_VALIDATION_READER)

    async def get(self, job_id: str | Sequence[str]) -> AsyncJob[EmailValidation, EmailValidationResult]:
        return await self._client._resume(self._jobs, job_id, _ops.EMAIL_VALIDATION_READER)


class LeadLists(_Resource):
    def __init__(self, client: AsyncAmplemarket) -> None:
        super().__init__(client)
        self._jobs = _JobSource(client, _ops.get_list, None, models.LeadList)

    async def create(
        self,
        *,
        owner: str,
        type: str,
        leads: Iterable[Mapping[str, Any]],
        shared: bool = False,
        name: str | None = None,
        visible: bool | None = None,
        options: Mapping[str, bool] | None = None,
        on_invalid: OnInvalid = "raise",
    ) -> AsyncJob[LeadList, LeadListEntry]:
        """Upload a lead list (at most 10,000 distinct leads); returns the job whose results are its entries."""
        body = _ops.lead_list_body(owner=owner, kind=type, shared=shared, name=name, visible=visible, options=options)
        plan = _ops.lead_list_plan(owner, type, leads, on_invalid)
        return await self._client._submit(
            self._jobs, plan, lambda part: _ops.create_list(body, part), _ops.LEAD_LIST_READER
        )

    def list(self, **filters: Any) -> AsyncPaginator[Any, LeadList]:
        """Every lead list (filters: status, owner_id, owner_email, pagesize)."""
        return self._client._cursor(_ops.list_lists(filters), models.LeadLists, _ops.lead_lists_items)

    async def get(self, list_id: str) -> AsyncJob[LeadList, LeadListEntry]:
        return await self._client._resume(self._jobs, list_id, _ops.LEAD_LIST_READER)


class Sequences(_Resource):
    def list(self, **filters: Any) -> AsyncPaginator[Any, SequenceModel]:
        """Every sequence (filters: name, status, created_by_user_id, created_by_user_email)."""
        return self._client._cursor(_ops.list_sequences(filters), models.Sequences, _ops.sequences_items)

    async def add_leads(
        self,
        sequence_id: str,
        leads: Iterable[Mapping[str, Any]],
        settings: Mapping[str, Any] | None = None,
        *,
        on_invalid: OnInvalid = "raise",
    ) -> AddLeadsSummary:
        """Add leads (any iterable, any number: sent 250 at a time); returns one summary for all of them."""
        plan = _ops.sequence_plan(sequence_id, leads, on_invalid)
        done: list[AddLeads] = []
        try:
            for index in range(len(plan.parts)):
                request = _ops.add_sequence_leads(sequence_id, plan.canonicals(index), settings)
                try:
                    done.append(await self._client._run(request))
                except ClientError as error:
                    if done:
                        summary = _ops.merge_add_leads(done, plan.head(len(done)))
                        raise PartialBatchError(summary, index, len(plan.parts), error) from error
                    raise
        finally:
            plan.release()
        return _ops.merge_add_leads(done, plan)


class _ExclusionList(_Resource):
    def __init__(self, client: AsyncAmplemarket, kind: str) -> None:
        super().__init__(client)
        self._kind = kind

    def list(self, **filters: Any) -> AsyncPaginator[Any, Any]:
        return self._client._cursor(
            _ops.exclusions_page(self._kind, filters), _ops.exclusion_page_model(self._kind), _ops.exclusion_items
        )

    async def add(self, values: Sequence[str]) -> ExclusionStatus:
        """Add entries; the answer maps each entry to its outcome (success, duplicated, ...)."""
        return await self._client._run(_ops.change_exclusions(self._kind, values, add=True))

    async def remove(self, values: Sequence[str]) -> ExclusionStatus:
        """Remove entries; the answer maps each entry to its outcome (success, not_found, ...)."""
        return await self._client._run(_ops.change_exclusions(self._kind, values, add=False))


class Exclusions:
    def __init__(self, client: AsyncAmplemarket) -> None:
        self.domains: _ExclusionList = _ExclusionList(client, "domains")
        self.emails: _ExclusionList = _ExclusionList(client, "emails")


class Tasks(_Resource):
    def list(self, user_id: str, **filters: Any) -> AsyncPaginator[Any, Task]:
        """Every task of ``user_id`` (filters: type, status, automatic, keyword, sequence_key, ...)."""
        return self._client._cursor(_ops.list_tasks(user_id, filters), models.Tasks, _ops.tasks_items)

    async def complete(self, task_id: str, *, set_lead_to_completed: bool | None = None) -> TaskAction:
        return await self._client._run(
            _ops.finish_task(task_id, skip=False, set_lead_to_completed=set_lead_to_completed)
        )

    async def skip(self, task_id: str) -> TaskAction:
        return await self._client._run(_ops.finish_task(task_id, skip=True))

    async def statuses(self) -> TaskStatuses:
        return await self._client._run(_ops.task_statuses())

    async def types(self) -> TaskTypes:
        return await self._client._run(_ops.task_types())


class Users(_Resource):
    def list(self, **filters: Any) -> AsyncPaginator[Any, User]:
        """Every user of the account (filters: status, role, email)."""
        return self._client._cursor(_ops.list_users(filters), models.Users, _ops.users_items)


class Account(_Resource):
    async def info(self) -> AccountInfo:
        return await self._client._run(_ops.account())


class Calls(_Resource):
    async def log(
        self,
        *,
        from_: str,
        to: str,
        duration: int,
        answered: bool,
        human: bool,
        task_id: str,
        user_id: str,
        transcription: str | None = None,
        recording_url: str | None = None,
        disposition_id: str | None = None,
    ) -> Call:
        """Log a call made for a task (``from_`` is the caller's number)."""
        fields = {
            "from": from_, "to": to, "duration": duration, "answered": answered, "human": human, "task_id": task_id,
            "user_id": user_id, "transcription": transcription, "recording_url": recording_url,
            "disposition_id": disposition_id,
        }  # fmt: skip
        return await self._client._run(_ops.log_call(fields))

    async def dispositions(self) -> CallDispositions:
        return await self._client._run(_ops.dispositions())


class Contacts(_Resource):
    async def get(self, contact_id: str) -> Contact:
        return await self._client._run(_ops.contact(contact_id))

    async def get_by_email(self, email: str) -> Contact:
        return await self._client._run(_ops.contact_by_email(email))

    async def list(self, ids: Sequence[str]) -> list[Contact]:
        found: list[Contact] = _ops.contacts_items(await self._client._run(_ops.contacts(ids)))
        return found


class PhoneNumbers(_Resource):
    async def review(
        self, phone_number_id: str, *, user_id: str | None = None, reason: str | None = None
    ) -> PhoneNumberReview:
        """Report feedback on a phone number (e.g. ``reason="wrong_number"``)."""
        return await self._client._run(_ops.review_number(phone_number_id, {"user_id": user_id, "reason": reason}))
