"""Typed errors shared by every vendor client.

``APIError`` and its subclasses describe an answer from the API; ``APIConnectionError``
a request that got no answer; ``InvalidInput`` bad arguments caught before anything
was sent; ``JobFailed`` / ``JobTimeout`` the outcome of waiting for a background job.
No error message, attribute or repr ever holds the API key.

Every vendor package shows these classes under its own name: ``vendor_errors("amplemarket.errors")``
makes a subclass of each core class whose ``__module__`` is the vendor's errors module (the
hierarchy mirrored, so ``amplemarket.errors.NotFound`` is both an ``apicore.errors.NotFound``
and an ``amplemarket.errors.APIError``).  The core raises its own classes; the vendor client
converts them where they leave it (``VendorErrors.rebrand`` and the helpers built on it), so a
traceback reads ``amplemarket.errors.NotFound: ...``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import httpx

__all__ = [
    "CORE_ERRORS",
    "REQUEST_ID_HEADERS",
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
    "VendorErrors",
    "error_from_response",
    "hand_out",
    "rebrand",
    "request_id_of",
    "vendor_errors",
]

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)
F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

#: Response headers that carry the server's id for a request, most common first (matched case-insensitively).
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amzn-request-id",
    "x-amz-request-id",
    "x-ms-request-id",
    "x-correlation-id",
)


def request_id_of(response: httpx.Response) -> str | None:
    """The id the server gave the request (``X-Request-Id`` and its variants), or None when it sent none."""
    for name in REQUEST_ID_HEADERS:
        value: str | None = response.headers.get(name)
        if value is not None and value.strip():
            return value.strip()
    return None


class ClientError(Exception):
    """Base class of every error this client raises.

    ``request_id`` is the server's id for the failed request when the server answered with one
    (``APIError``), else None.
    """

    request_id: str | None = None


@dataclass(frozen=True)
class InputProblem:
    """One rule broken by one item of the caller's input."""

    where: str  # e.g. "leads[3].email"
    rule: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}"

    @property
    def index(self) -> int | None:
        """The position of the offending item in its list (3 for ``leads[3].email``); None for an argument."""
        found = _INDEXED.match(self.where)
        return int(found.group(1)) if found else None


_INDEXED = re.compile(r"^[^\[\].]+\[(\d+)\]")


class InvalidInput(ClientError, ValueError):
    """The arguments break a documented rule; nothing was sent.

    ``problems`` lists every offending item (``where``, its ``index`` in its list, the ``rule``);
    ``hint`` says what else the caller may do (a batch method's ``on_invalid="skip"``).
    """

    def __init__(self, problems: Sequence[InputProblem], hint: str = "") -> None:
        self.problems = list(problems)
        self.hint = hint
        shown = "; ".join(str(p) for p in self.problems[:20])
        more = f" (and {len(self.problems) - 20} more: see .problems)" if len(self.problems) > 20 else ""
        tail = f". {hint}" if hint else ""
        super().__init__(f"invalid input, nothing was sent: {shown}{more}{tail}")


class APIError(ClientError):
    """The API answered with an error status.

    Attributes: ``status`` (HTTP status), ``code``, ``title``, ``detail`` (from the first
    entry of the documented ``_errors`` list), ``errors`` (every entry, as dicts),
    ``body`` (the decoded JSON body, or None), ``response`` (the ``httpx.Response``) and
    ``request_id`` (the server's id for the request, from ``X-Request-Id`` or a variant; None
    when it sent none).  The request id is part of ``str(error)``: quote it to the vendor's support.
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
        self.request_id: str | None = request_id_of(response)

    @property
    def request_method(self) -> str:
        return self.response.request.method

    @property
    def request_path(self) -> str:
        return self.response.request.url.path

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} (request id {self.request_id})" if self.request_id else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, code={self.code!r}, detail={self.detail!r}, "
            f"request_id={self.request_id!r})"
        )


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
    if callable(redact) and error.request_id is not None:
        error.request_id = redact(error.request_id)
    return error


# --------------------------------------------------------------------------- vendor names
#: Every error class of the core, parents before children (the order ``VendorErrors`` mirrors them in).
CORE_ERRORS: tuple[type[ClientError], ...] = tuple(
    sorted(
        (
            value
            for value in list(globals().values())
            if isinstance(value, type) and issubclass(value, ClientError) and value.__module__ == __name__
        ),
        key=lambda cls: len(cls.__mro__),
    )
)

#: Methods guarded besides the public ones: iteration and calling.
_GUARDED_DUNDERS = frozenset({"__call__", "__iter__", "__next__", "__aiter__", "__anext__"})

#: Core classes whose instances a vendor client hands to its callers (jobs, paginators): see ``hand_out``.
_HANDED_OUT: set[type] = set()


def hand_out(*classes: type) -> None:
    """Declare core classes whose objects a client returns to its caller and that raise errors of their own.

    When a guarded method returns an object of such a class or of a subclass (or a
    ``PartialBatchError`` carries one as its ``result``), the object becomes an instance of
    ``VendorErrors.guarded(its class)``, so that what it raises later (``JobFailed`` from
    ``wait()``, ...) is the vendor's error too.
    """
    _HANDED_OUT.update(classes)


def _is_guarded_name(name: str) -> bool:
    return not name.startswith("_") or name in _GUARDED_DUNDERS


class VendorErrors:
    """One vendor's copies of the core error classes, and the means to raise them instead of the core's.

    ``classes`` maps each class name (``"NotFound"``) to the vendor's class, whose ``__module__``
    is ``module`` (``"amplemarket.errors"``); ``self[apicore.errors.NotFound]`` is the same class.
    A vendor class subclasses the core class *and* the vendor's copy of each of its parents, and
    adds nothing, so an instance of the core class can become one of the vendor's in place.

    The client bases use these at the vendor's public boundary (``SyncClientBase._run``, and every
    public method of the client's resources, see ``ClientBase._attach_resources``); other code can use:

    - ``rebrand(error)``: turn ``error`` (and the core errors chained to it) into the vendor's classes;
    - ``with errors.boundary(): ...``: rebrand whatever escapes the block (sync or async code);
    - ``@errors.guard``: the same for a function, coroutine function, generator or async generator;
    - ``errors.guard_class(cls)``: ``guard`` every public method (and ``__iter__``, ...) of a vendor class;
    - ``errors.guarded(CoreClass)``: a subclass of a core class (``Job``, ...) whose methods are guarded.
    """

    def __init__(self, module: str) -> None:
        self.module = module
        self._by_core: dict[type[BaseException], type[ClientError]] = {}
        for core in CORE_ERRORS:
            parents = tuple(self._by_core[base] for base in core.__bases__ if base in self._by_core)
            namespace = {
                "__module__": module,
                "__qualname__": core.__qualname__,
                "__doc__": core.__doc__,
                "__slots__": (),
            }
            self._by_core[core] = cast("type[ClientError]", type(core.__name__, (core, *parents), namespace))
        self.classes: dict[str, type[ClientError]] = {cls.__name__: cls for cls in self._by_core.values()}
        self._subclasses: dict[type, type] = {}
        self._guarded_classes: set[type] = set()

    def __repr__(self) -> str:
        return f"VendorErrors({self.module!r})"

    def __getitem__(self, core: type[E]) -> type[E]:
        """The vendor's class for the core class ``core``."""
        return cast("type[E]", self._by_core[core])

    def rebrand(self, error: E) -> E:
        """``error`` itself, its class switched to the vendor's (and so for every core error chained to it).

        Errors of other classes (the vendor's own, another library's) are left as they are.  A
        ``PartialBatchError``'s ``result`` is adopted (see ``hand_out``).
        """
        pending: list[BaseException | None] = [error]
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if current is None or id(current) in seen:
                continue
            seen.add(id(current))
            vendor = self._by_core.get(type(current))
            if vendor is not None:
                current.__class__ = vendor
            if isinstance(current, PartialBatchError):
                current.result = self.adopt(current.result)
            pending += [current.__cause__, current.__context__]
        return error

    def adopt(self, value: T) -> T:
        """``value`` itself; an object of a handed-out class (see ``hand_out``) now of its guarded subclass."""
        cls = type(value)
        if cls in _HANDED_OUT or (isinstance(value, tuple(_HANDED_OUT)) and vars(cls).get("__guarded_by__") is None):
            value.__class__ = self.guarded(cls)
        return value

    @contextlib.contextmanager
    def boundary(self) -> Iterator[None]:
        """Rebrand any core error that leaves the ``with`` block (the traceback is kept)."""
        try:
            yield
        except ClientError as error:
            self.rebrand(error)
            raise

    def guard(self, func: F) -> F:
        """``func`` wrapped so that core errors leave it as the vendor's (sync, async, generators alike).

        What a (coroutine) function returns is adopted (see ``hand_out``).
        """
        rebrand, adopt = self.rebrand, self.adopt
        wrapper: Callable[..., Any]
        if inspect.isasyncgenfunction(func):

            async def agen_wrapper(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
                inner = func(*args, **kwargs)
                try:
                    async for item in inner:
                        yield item
                except ClientError as error:
                    rebrand(error)
                    raise
                finally:
                    await inner.aclose()

            wrapper = agen_wrapper
        elif inspect.isgeneratorfunction(func):

            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                try:
                    return (yield from func(*args, **kwargs))
                except ClientError as error:
                    rebrand(error)
                    raise

            wrapper = gen_wrapper
        elif inspect.iscoroutinefunction(func):

            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                try:
                    return adopt(await func(*args, **kwargs))
                except ClientError as error:
                    rebrand(error)
                    raise

            wrapper = async_wrapper
        else:

            def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
                try:
                    return adopt(func(*args, **kwargs))
                except ClientError as error:
                    rebrand(error)
                    raise

            wrapper = sync_wrapper
        wrapped = functools.wraps(func)(wrapper)
        wrapped.__rebranded_by__ = self  # type: ignore[attr-defined]
        return cast("F", wrapped)

    def guard_class(self, cls: C) -> C:
        """Class decorator: ``guard`` every public method of ``cls``, inherited ones included (once per class).

        ``cls`` is changed in place, so it must be the vendor's own class; for a core class
        (shared by every vendor) use ``guarded(core_class)``.
        """
        if cls in self._guarded_classes:
            return cls
        if cls.__module__.partition(".")[0] == __name__.partition(".")[0]:
            raise TypeError(f"{cls.__qualname__} belongs to the core; use guarded({cls.__name__}), a vendor subclass")
        self._guard_methods(cls)
        self._guarded_classes.add(cls)
        return cls

    def guarded(self, cls: C) -> C:
        """A subclass of ``cls`` (same name) whose public methods raise the vendor's errors; made once per class."""
        made = self._subclasses.get(cls)
        if made is None:
            namespace = {
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                "__doc__": cls.__doc__,
                "__slots__": (),
                "__guarded_by__": self,
            }
            made = type(cls.__name__, (cls,), namespace)
            self._guard_methods(made)
            self._subclasses[cls] = made
        return cast("C", made)

    def _guard_methods(self, cls: type) -> None:
        done: set[str] = set()
        for klass in cls.__mro__:
            for name, value in vars(klass).items():
                if name in done or not _is_guarded_name(name):
                    continue
                done.add(name)
                if inspect.isfunction(value) and getattr(value, "__rebranded_by__", None) is not self:
                    setattr(cls, name, self.guard(value))


_VENDORS: dict[str, VendorErrors] = {}


def vendor_errors(module: str) -> VendorErrors:
    """The error classes named for ``module`` (a vendor's errors module, e.g. ``"amplemarket.errors"``), made once."""
    found = _VENDORS.get(module)
    if found is None:
        found = _VENDORS[module] = VendorErrors(module)
    return found


def rebrand(error: E, vendor: VendorErrors | str) -> E:
    """``error`` with its class (and that of every core error chained to it) switched to ``vendor``'s.

    ``vendor`` is a ``VendorErrors`` or the name of the vendor's errors module (``"apollo.errors"``).
    """
    errors = vendor if isinstance(vendor, VendorErrors) else vendor_errors(vendor)
    return errors.rebrand(error)
