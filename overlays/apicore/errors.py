"""Typed errors shared by every vendor client.

``APIError`` and its subclasses describe an answer from the API; ``APIConnectionError``
a request that got no answer; ``InvalidInput`` bad arguments caught before anything
was sent; ``JobFailed`` / ``JobTimeout`` the outcome of waiting for a background job.
No error message, attribute or repr ever holds the API key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequest",
    "ClientError",
    "Conflict",
    "InputProblem",
    "InsufficientCredits",
    "InvalidInput",
    "InvalidResponse",
    "InvalidWebhook",
    "JobFailed",
    "JobTimeout",
    "NotFound",
    "PartialBatchError",
    "PermissionDenied",
    "RateLimited",
    "RequestTimeout",
    "ServerError",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "error_from_response",
]


class ClientError(Exception):
    """Base class of every error this client raises."""


@dataclass(frozen=True)
class InputProblem:
    """One rule broken by one item of the caller's input."""

    where: str  # e.g. "leads[3].email"
    rule: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}"


class InvalidInput(ClientError, ValueError):
    """The arguments break a documented rule; nothing was sent.

    ``problems`` lists every offending item (index and field) with the rule it breaks.
    """

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = list(problems)
        shown = "; ".join(str(p) for p in self.problems[:20])
        more = f" (and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"invalid input, nothing was sent: {shown}{more}")


class APIError(ClientError):
    """The API answered with an error status.

    Attributes: ``status`` (HTTP status), ``code``, ``title``, ``detail`` (from the first
    entry of the documented ``_errors`` list), ``errors`` (every entry, as dicts),
    ``body`` (the decoded JSON body, or None), ``response`` (the ``httpx.Response``).
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any = None,
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status = response.status_code
        self.body = body
        self.errors = [dict(e) for e in errors]
        first = self.errors[0] if self.errors else {}
        self.code: str | None = _text(first.get("code"))
        self.title: str | None = _text(first.get("title"))
        self.detail: str | None = _text(first.get("detail"))

    @property
    def request_method(self) -> str:
        return self.response.request.method

    @property
    def request_path(self) -> str:
        return self.response.request.url.path

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, detail={self.detail!r})"


class BadRequest(APIError):
    """400: the request is malformed or holds an unsupported value."""


class AuthenticationError(APIError):
    """401: the API key is missing, invalid or not allowed to do this."""


class InsufficientCredits(APIError):
    """402: the account has run out of the credits this operation consumes."""


class PermissionDenied(APIError):
    """403: the key is valid but may not do this."""


class NotFound(APIError):
    """404: nothing matches (for people: ``person_not_found``)."""


class RequestTimeout(APIError):
    """408: the server needs more time (e.g. revealing contact data); retry after ``retry_after``."""

    retry_after: float | None = None


class Conflict(APIError):
    """409: the request conflicts with the current state."""


class UnprocessableEntity(APIError):
    """422: the request is well-formed but cannot be carried out; see ``validation_errors``."""

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        body = self.body if isinstance(self.body, dict) else {}
        items = body.get("validation_errors")
        return [dict(i) for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


class RateLimited(APIError):
    """429: too many requests; ``retry_after`` says how long to wait (seconds), when the server said."""

    retry_after: float | None = None


class UnavailableForLegalReasons(APIError):
    """451: the record exists but was withheld for privacy reasons."""


class ServerError(APIError):
    """5xx: the server failed."""


class InvalidResponse(APIError):
    """A success status whose body is not the documented shape (not JSON, not an object)."""


class APIConnectionError(ClientError):
    """No answer: the connection failed or broke (after any retries that were safe)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""


class JobFailed(ClientError):
    """A background job ended with status ``error``; ``errors`` holds the server's ``_errors``."""

    def __init__(self, job_id: object, errors: Sequence[Mapping[str, Any]]) -> None:
        self.job_id = job_id
        self.errors = [dict(e) for e in errors]
        details = (
            "; ".join(str(e.get("detail") or e.get("title") or e.get("code")) for e in self.errors) or "no details"
        )
        super().__init__(f"job {job_id} failed: {details}")


class InvalidWebhook(ClientError, ValueError):
    """A webhook body that cannot be an event: not JSON, or JSON that is not an object; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid webhook body: {reason}")


class JobTimeout(ClientError, TimeoutError):
    """``wait(timeout=...)`` ran out before the job finished; the job itself goes on."""

    def __init__(self, job_id: object, status: str | None, waited: float) -> None:
        self.job_id = job_id
        self.status = status
        self.waited = waited
        super().__init__(f"job {job_id} still {status or 'unknown'} after {waited:.1f}s")


class PartialBatchError(ClientError):
    """A split request failed part-way; ``result`` holds what the server already accepted.

    Nothing is resent automatically.  For jobs ``result`` is the job made of the parts that
    were created (wait on it: no result and no credit is lost); for summaries it is the
    summary of the parts that went through.  The failure itself is ``__cause__``.
    """

    def __init__(self, result: Any, completed_parts: int, parts: int, cause: BaseException) -> None:
        self.result = result
        self.completed_parts = completed_parts
        self.parts = parts
        super().__init__(f"part {completed_parts + 1} of {parts} failed after {completed_parts} succeeded: {cause}")


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    402: InsufficientCredits,
    403: PermissionDenied,
    404: NotFound,
    408: RequestTimeout,
    409: Conflict,
    422: UnprocessableEntity,
    429: RateLimited,
    451: UnavailableForLegalReasons,
}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _decode(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def _scrub(value: Any, redact: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {k: _scrub(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, redact) for v in value]
    return value


def error_from_response(
    response: httpx.Response,
    *,
    codes: Mapping[str, type[APIError]] | None = None,
    redact: Any = None,
) -> APIError:
    """The most specific ``APIError`` for an error response.

    The class comes from the error ``code`` when ``codes`` knows it, else from the status.
    A body that is not JSON, or not the documented shape, still gives a useful message
    (status, reason phrase and the start of the body).
    """
    body = _decode(response)
    if callable(redact):
        body = _scrub(body, redact)  # a server that echoes the key back must not make us repeat it
    entries: list[Mapping[str, Any]] = []
    if isinstance(body, Mapping):
        raw = body.get("_errors")
        if isinstance(raw, list):
            entries = [e for e in raw if isinstance(e, Mapping)]
        elif isinstance(body.get("validation_errors"), list):
            entries = [
                {"code": e.get("error_code"), "detail": e.get("message")}
                for e in body["validation_errors"]
                if isinstance(e, Mapping)
            ]
    if not entries and isinstance(body, Mapping):
        # A flat error body: {"error": "..."}, {"message": "..."}, {"error_code": ..., "error_message": ...}.
        for key in ("error_message", "message", "error", "detail"):
            if isinstance(body.get(key), str) and body[key].strip():
                entries = [{"code": _text(body.get("error_code")), "detail": body[key]}]
                break
    status = response.status_code
    code = _text(entries[0].get("code")) if entries else None
    cls = (codes or {}).get(code or "") or _BY_STATUS.get(status) or (ServerError if status >= 500 else APIError)
    if entries:
        first = entries[0]
        summary = _text(first.get("detail")) or _text(first.get("title")) or code or ""
    elif body is None:
        text = response.content[:200].decode("utf-8", errors="replace").strip()
        text = redact(text) if callable(redact) else text
        summary = f"non-JSON body: {text!r}" if text else "empty body"
    else:
        summary = f"unexpected error body: {json.dumps(body)[:200]}"
    reason = response.reason_phrase or "error"
    message = f"{status} {reason}" + (f" [{code}]" if code else "") + (f": {summary}" if summary else "")
    if callable(redact):
        message = redact(message)
    error = cls(message, response=response, body=body, errors=entries)
    return error
