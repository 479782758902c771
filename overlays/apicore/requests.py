"""A request paired with the parser of its success body.

``endpoint_request`` builds one from a generated endpoint module (its ``request_kwargs``
and ``parse_response`` hooks); ``link_request`` from a link the server returned
(``_links.next.href``), parsed by the page model's ``from_dict``.  A success status whose
body is not the documented model raises ``InvalidResponse`` instead of returning None.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx

from ._http import Call
from .errors import InvalidResponse

__all__ = ["Model", "Request", "decode", "endpoint_request", "link_request"]

T = TypeVar("T")


class Model(Protocol):
    """What the generated attrs models offer."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Request(Generic[T]):
    call: Call
    parse: Callable[[httpx.Response], T]


@functools.cache
def _msgspec_decode() -> Callable[[bytes], Any]:
    # Imported with the first body, not at `import amplemarket` (it costs about 30 ms).
    import msgspec.json

    return msgspec.json.Decoder().decode


def decode(content: bytes) -> Any:
    """JSON bytes to dicts and lists, as ``json.loads`` gives them, about twice as fast (msgspec).

    What msgspec refuses (its ``DecodeError`` is a ``ValueError``) goes to ``json.loads``: a lone
    surrogate escape, ``NaN``, a number beyond a float, a byte-order mark; so the result never
    differs, and invalid JSON raises ``ValueError`` (``json.JSONDecodeError``) as before.
    """
    try:
        return _msgspec_decode()(content)
    except ValueError:
        return json.loads(content)


def _invalid(response: httpx.Response, expected: type[Any]) -> InvalidResponse:
    start = response.content[:120].decode("utf-8", errors="replace")
    return InvalidResponse(
        f"{response.status_code} response is not a {expected.__name__}: {start!r}", response=response
    )


def endpoint_request(
    module: Any, expect: type[T], parser_client: Any, *, creates: bool = False, **kwargs: Any
) -> Request[T]:
    """A request for a generated endpoint; ``parse`` returns its ``expect`` model or raises."""
    call = Call.from_kwargs(module.request_kwargs(**kwargs), creates=creates)

    def parse(response: httpx.Response) -> T:
        parsed = module.parse_response(client=parser_client, response=response)
        if isinstance(parsed, expect):
            return parsed
        raise _invalid(response, expect)

    return Request(call, parse)


def link_request(href: str, expect: type[T]) -> Request[T]:
    """GET a link exactly as the server wrote it, parsed as ``expect`` (a generated model)."""

    def parse(response: httpx.Response) -> T:
        try:
            data = decode(response.content)
        except (ValueError, UnicodeDecodeError):
            raise _invalid(response, expect) from None
        if not isinstance(data, dict):
            raise _invalid(response, expect)
        from_dict: Callable[[dict[str, Any]], T] = getattr(expect, "from_dict")  # noqa: B009
        return from_dict(data)

    return Request(Call("GET", href), parse)
