"""What a vendor's documentation says, page by page, before any interpretation.

``load_docs`` (in :mod:`generator.docs.sources`) reads the three forms the docs are
published in and returns a :class:`DocSet`: a list of :class:`Page` objects, each
holding the machine-usable pieces found on that page.  Nothing here decides which
page is right; :mod:`generator.docs.harvest` and :mod:`generator.docs.drift` do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DocSet",
    "DocsError",
    "FieldRow",
    "FieldTable",
    "Fragment",
    "IndexLine",
    "Page",
    "RequestLine",
    "ResponseExample",
]


class DocsError(ValueError):
    """Documentation could not be read; the message starts with the file or URL."""


@dataclass(frozen=True)
class IndexLine:
    """``get /account-info`` under a page title in ``llms-full.txt``: the operation exists, little more."""

    method: str
    path: str
    summary: str


@dataclass(frozen=True)
class Fragment:
    """An OpenAPI document embedded in a reference page, for the operation named in the fence's info string."""

    method: str
    path: str
    document: dict[str, Any]


@dataclass(frozen=True)
class FieldRow:
    """One row of a field or parameter table (or one typed bullet of a field list)."""

    name: str
    type: str
    description: str = ""
    required: bool | None = None
    #: Values listed in continuation rows (```queued`: not started yet``): the members of an enumeration.
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldTable:
    """A table (or bullet list) describing the fields of an object or the parameters of a request.

    ``object_name`` is set when the heading names an object (``Person Object`` -> ``Person``);
    ``position`` is the character offset on the page, used to bind a parameter table to the
    request line it follows.
    """

    heading: str
    rows: tuple[FieldRow, ...]
    object_name: str | None = None
    position: int = 0


@dataclass(frozen=True)
class RequestLine:
    """``GET /people/find?email=a@b.c HTTP/1.1`` in a code block: method, raw path and query pairs."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    position: int = 0

    @property
    def query_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for name, _ in self.query))


@dataclass(frozen=True)
class ResponseExample:
    """``HTTP/1.1 200 OK``, headers, then a JSON body; ``request`` is the request line it follows, if any.

    ``error`` is set when a body is present but is not valid JSON (the docs have such examples); ``raw``
    then keeps the text and ``body`` the value it was meant to be, when the slip is a usual one;
    ``has_body`` is false for a status line with no body at all.
    """

    status: int
    body: Any = None
    request: RequestLine | None = None
    headers: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    has_body: bool = True
    error: str | None = None
    position: int = 0
    #: The body as written when it is not valid JSON (``body`` is then its repaired value, or None).
    raw: str = ""


@dataclass
class Page:
    """One documentation page (or one whole OpenAPI document) and what was found on it."""

    title: str
    url: str
    specs: list[dict[str, Any]] = field(default_factory=list)
    fragments: list[Fragment] = field(default_factory=list)
    index_lines: list[IndexLine] = field(default_factory=list)
    field_tables: list[FieldTable] = field(default_factory=list)
    parameter_tables: list[FieldTable] = field(default_factory=list)
    request_lines: list[RequestLine] = field(default_factory=list)
    examples: list[ResponseExample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The page's text as read (Markdown, collapsed or rendered; empty for a whole OpenAPI document), for
    #: readers of prose such as the limits and credit costs (:mod:`generator.docs._limits`).
    text: str = field(default="", repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        """True when nothing on the page describes the API."""
        return not (
            self.specs
            or self.fragments
            or self.index_lines
            or self.field_tables
            or self.parameter_tables
            or self.request_lines
            or self.examples
        )

    @property
    def slug(self) -> str:
        """The last path segment of the page URL without extension (``.../calls/create-calls`` -> ``create-calls``)."""
        tail = self.url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return tail.rsplit(".", 1)[0] if "." in tail else tail


@dataclass
class DocSet:
    """Every page read from one source (a URL, a file or a folder), in a deterministic order."""

    source: str
    pages: list[Page] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return all(page.is_empty for page in self.pages)

    @property
    def lists_every_operation(self) -> bool:
        """Whether the docs claim to be complete: a whole OpenAPI document or an operation index is present.

        Per-page Markdown alone documents only the pages at hand, so an operation missing from
        them says nothing about whether the vendor still documents it.
        """
        return any(page.specs or page.index_lines for page in self.pages)

    @property
    def notes(self) -> list[str]:
        return [f"{page.url}: {note}" for page in self.pages for note in page.notes]
