"""A request paired with the parser of its success body.

``endpoint_request`` builds one from a generated endpoint module (its ``request_kwargs``
and ``parse_response`` hooks); ``link_request`` from a link the server returned
(``_links.next.href``), parsed by the page model's ``from_dict``.  A success status whose
body is not the documented model raises ``InvalidResponse`` instead of returning None.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx

from ._http import Call
from .errors import InvalidResponse

__all__ = ["Model", "Request", "endpoint_request", "link_request"]

T = TypeVar("T")


class Model(Protocol):
    """What the generated attrs models offer."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Request(Generic[T]):
    call: Call
    parse: Callable[[httpx.Response], T]


def _package_parser(model: type[T]) -> Callable[[bytes, type[T]], T]:
    """The ``parse_model`` of the generated package ``model`` belongs to (how its endpoint functions read bodies)."""
    package = model.__module__.split(".models", 1)[0]
    parser: Callable[[bytes, type[T]], T] = importlib.import_module(f"{package}.types").parse_model
    return parser


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
            return _package_parser(expect)(response.content, expect)
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
            raise _invalid(response, expect) from None

    return Request(Call("GET", href), parse)
