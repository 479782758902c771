"""``AsyncApollo``: the asynchronous client (the same surface as ``Apollo``, awaited)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx

from apicore import RateLimiter
from apicore.errors import ClientError, PartialBatchError
from apicore.vendor import DEFAULT_TIMEOUT, AsyncClientBase, build_config
from apollo_api.models import Person

from . import _ops

__all__ = ["AsyncApollo"]

T = TypeVar("T")


class AsyncApollo(AsyncClientBase):
    """Asynchronous Apollo.io client (people enrichment); see ``Apollo`` for the options.

    ``api_key`` and ``base_url`` default to ``APOLLO_API_KEY`` / ``APOLLO_BASE_URL`` (then
    ``https://api.apollo.io``); the key travels in the ``X-Api-Key`` header.  429 answers are
    waited out (``Retry-After``) and retried up to ``max_retries`` times; errors are the
    core's typed errors (``apollo.errors``).  Pass ``http_client`` to use your own
    ``httpx.AsyncClient`` (it is not closed by ``close()``).
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
    ) -> None:
        self._connect(build_config(_ops.SETTINGS, api_key, base_url, max_retries, rate_limit), http_client, timeout)
        self._attach_resources()

    def _bind_resources(self) -> None:
        """Create the resources, bound to this client (``with_options`` calls it on its copy)."""
        self.people = People(self)


class People:
    """Enrich people: one (``match``) or any number (``bulk_match``, sent 10 at a time)."""

    def __init__(self, client: AsyncApollo) -> None:
        self._client = client

    def __repr__(self) -> str:
        return "<People>"

    async def match(
        self,
        *,
        reveal_personal_emails: bool = False,
        reveal_phone_number: bool = False,
        webhook_url: str | None = None,
        **detail: str | None,
    ) -> Person | None:
        """The person the details identify, or None when Apollo found nobody (a 200 without a match).

        Details: ``id``, ``email``, ``hashed_email``, ``linkedin_url``, or a name (``name``, or
        ``first_name`` and ``last_name``) with ``organization_name`` or ``domain``.
        ``reveal_phone_number=True`` needs ``webhook_url``: Apollo delivers the phones there later.
        """
        request = _ops.match(
            detail,
            reveal_personal_emails=reveal_personal_emails,
            reveal_phone_number=reveal_phone_number,
            webhook_url=webhook_url,
        )
        return _ops.person_of(await self._client._run(request))

    async def bulk_match(
        self,
        details: Sequence[Mapping[str, Any]],
        *,
        reveal_personal_emails: bool = False,
        reveal_phone_number: bool = False,
        webhook_url: str | None = None,
    ) -> list[Person | None]:
        """One result per entry of ``details``, in the same order (None where nobody matched).

        Any number of people: they are checked first (nothing is sent if one is invalid), then
        sent ``MAX_BULK`` (10) per call.  If a call fails after others succeeded,
        ``PartialBatchError.result`` holds the results of the calls that went through.
        """
        parts = _ops.bulk_requests(
            details,
            reveal_personal_emails=reveal_personal_emails,
            reveal_phone_number=reveal_phone_number,
            webhook_url=webhook_url,
        )
        results: list[Person | None] = []
        for index, (size, request) in enumerate(parts):
            try:
                response = await self._client._run(request)
            except ClientError as error:
                if results:
                    raise PartialBatchError(results, index, len(parts), error) from error
                raise
            results += _ops.people_of(response, size)
        return results
