"""Lazy iteration over paged results, sync and async.

A paginator is given how to fetch the first page, how to find the fetch for the page
after a given one (``None`` at the last page), and how to read the items of a page.
Only one page is held at a time.  ``cursor_following`` follows ``_links.next.href``
exactly as the server wrote it (never rebuilding cursors); ``search_next_page`` asks for
the page after the one requested until ``_pagination.total_pages``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

__all__ = ["AsyncPaginator", "Paginator", "cursor_next_href", "search_next_page"]

P = TypeVar("P")
T = TypeVar("T")
F = TypeVar("F")


def _walk(value: Any, attributes: tuple[str, ...], keys: tuple[str, ...]) -> Any:
    """Follow attribute names on generated models, or keys on plain dicts."""
    for attribute, key in zip(attributes, keys, strict=True):
        value = value.get(key) if isinstance(value, dict) else getattr(value, attribute, None)
        if value is None:
            return None
    return value


def cursor_next_href(page: Any) -> str | None:
    """``_links.next.href`` of a page (model or dict), or None when there is no next page."""
    href = _walk(page, ("links", "next_", "href"), ("_links", "next", "href"))
    return href if isinstance(href, str) and href else None


def search_next_page(page: Any, *, requested: int, items: int | None = None) -> int | None:
    """The page to ask for after page ``requested`` (searcher pagination, ``_pagination``), or None after the last.

    The next number is counted from the page the client asked for, never from the page number in the
    answer (a wrong or hostile value there cannot send the client to page -87,292,276).  The answer's
    ``total_pages`` ends the walk when it is a sane whole number; otherwise a page shorter than its
    ``page_size``, or an empty one, is the last.
    """
    if items == 0:
        return None
    total = _walk(page, ("pagination", "total_pages"), ("_pagination", "total_pages"))
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        return requested + 1 if requested < total else None
    size = _walk(page, ("pagination", "page_size"), ("_pagination", "page_size"))
    if isinstance(size, int) and not isinstance(size, bool) and items is not None and size > 0 and items >= size:
        return requested + 1
    return None


class _Base(Generic[P, T, F]):
    def __init__(self, first: F, following: Callable[[P], F | None], items: Callable[[P], Iterable[T | None]]) -> None:
        self._first = first
        self._following = following
        self._items = items

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class Paginator(_Base[P, T, Callable[[], P]]):
    """Iterate items across every page (``for item in paginator``) or pages (``.pages()``)."""

    def pages(self) -> Iterator[P]:
        fetch: Callable[[], P] | None = self._first
        while fetch is not None:
            page = fetch()
            yield page
            fetch = self._following(page)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            for item in self._items(page):
                if item is not None:
                    yield item


class AsyncPaginator(_Base[P, T, Callable[[], Awaitable[P]]]):
    """Iterate items across every page (``async for item in paginator``) or pages (``.pages()``)."""

    async def pages(self) -> AsyncIterator[P]:
        fetch: Callable[[], Awaitable[P]] | None = self._first
        while fetch is not None:
            page = await fetch()
            yield page
            fetch = self._following(page)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in self._items(page):
                if item is not None:
                    yield item
