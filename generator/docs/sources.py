"""Load vendor documentation from a URL, a file or a folder into a :class:`DocSet`.

The format is told by content, not by file name: a JSON or YAML text whose top level is an
OpenAPI document is a whole spec; a text that opens with a method line and a URL line is a
readme.io reference page, read by :mod:`generator.docs._readme`; any other text is Markdown
(one page, or many pages in the ``llms-full.txt`` layout), read by :mod:`generator.docs._markdown`.
A URL whose server answers with an HTML page (``Content-Type: text/html``) is read as the text the
page shows (:mod:`generator.docs._html`), the form of the vendor's HTML-rendered pages.
Folders are read in sorted order so that every run sees the pages in the same order (precedence
between pages depends on it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from .._yamlio import load_text
from ..vendors import PROJECT_ROOT
from ._html import html_to_text, is_html
from ._markdown import parse_page, split_pages
from ._readme import parse_readme_page
from .model import DocsError, DocSet, Page

__all__ = ["FETCH_TIMEOUT", "display_source", "documented_sources", "load_docs", "parse_document"]

FETCH_TIMEOUT = 30.0
_TEXT_SUFFIXES = {".md", ".mdx", ".txt"}
_SPEC_NAMES = {"openapi.json", "openapi.yaml", "openapi.yml"}
_SPEC_START = re.compile(r"\A(?:\s*#[^\n]*\n)*\s*(?:\{|(?:openapi|swagger)\s*:)")


def load_docs(source: str | Sequence[str]) -> DocSet:
    """Read documentation from ``source``: an ``http(s)://`` URL, a file, a folder of files, or several of these.

    A folder contributes every ``*.md``, ``*.mdx`` and ``*.txt`` file and any ``openapi.json``,
    ``openapi.yaml`` or ``openapi.yml`` below it.  Several sources are read in the order given
    (precedence between pages depends on it).  Raises :class:`DocsError` (message starting with
    the source) when a source cannot be read or all of them together hold nothing recognisable.
    """
    sources = [source] if isinstance(source, str) else list(source)
    if not sources:
        raise DocsError("no documentation source given")
    docs = DocSet(source=" ".join(display_source(each) for each in sources))
    for each in sources:
        docs.pages.extend(_load_one(each))
    if docs.is_empty:
        raise DocsError(
            f"{docs.source}: nothing recognisable (no OpenAPI document, embedded fragment, operation index, "
            "field table, request line or response example)"
        )
    return docs


def documented_sources(listing: Path) -> list[str]:
    """The sources named in a list file (one URL or path per line; blank lines and ``#`` comments skipped)."""
    try:
        text = listing.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocsError(f"{display_source(str(listing))}: {exc.strerror or exc}") from None
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    found = [line for line in lines if line]
    if not found:
        raise DocsError(f"{display_source(str(listing))}: lists no documentation source")
    return found


def _load_one(source: str) -> list[Page]:
    if re.match(r"https?://", source, re.I):
        return parse_document(_fetch(source), name=source, url=source)
    path = Path(source)
    if path.is_file():
        return parse_document(_read(path), name=str(path), url=path.name)
    if not path.is_dir():
        raise DocsError(f"{source}: no such file or folder")
    files = sorted(
        (p for p in path.rglob("*") if p.is_file() and _wanted(p) and not _hidden(p, path)),
        key=lambda p: p.relative_to(path).as_posix(),
    )
    if not files:
        raise DocsError(f"{source}: no .md, .mdx, .txt or openapi.json/yaml files in this folder")
    pages: list[Page] = []
    for file in files:
        pages.extend(parse_document(_read(file), name=str(file), url=file.relative_to(path).as_posix()))
    return pages


def parse_document(text: str, *, name: str, url: str) -> list[Page]:
    """The pages of one document: a whole OpenAPI spec, a readme.io reference page, or Markdown holding pages.

    ``name`` names the document in errors (and gives a page without a heading its title);
    ``url`` is where its pages say they come from unless they carry a ``Source:`` line.
    Raises :class:`DocsError` when a ``.json``/``.yaml`` document starts like a spec but does not parse.
    """
    spec = _whole_spec(text, name)
    if spec is not None:
        info = spec.get("info")
        title = info.get("title") if isinstance(info, dict) else None
        return [Page(title=str(title or url), url=url, specs=[spec])]
    stem = name.rstrip("/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "://" not in name else stem
    reference = parse_readme_page(text, default_title=stem, url=url)
    if reference is not None:
        return [reference]
    pages = []
    for title, page_url, body, from_index in split_pages(text, default_title=stem, default_url=url):
        pages.append(parse_page(title, page_url, body, index_allowed=from_index))
    return pages


def display_source(source: str) -> str:
    """How a source is named in messages and file headers: URLs as given, paths relative where possible."""
    if re.match(r"https?://", source, re.I):
        return source
    path = Path(source)
    if not path.is_absolute():
        return path.as_posix()
    for base in (Path.cwd(), PROJECT_ROOT):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name or path.as_posix()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in _TEXT_SUFFIXES or path.name.lower() in _SPEC_NAMES


def _whole_spec(text: str, name: str) -> dict[str, Any] | None:
    if not _SPEC_START.match(text):
        return None
    try:
        document = load_text(text, name=name)
    except ValueError as exc:
        if name.lower().endswith((".json", ".yaml", ".yml")):
            raise DocsError(str(exc)) from None
        return None  # Markdown that happens to start like YAML or JSON (MDX may open with ``{``)
    if isinstance(document, dict) and ("openapi" in document or "swagger" in document):
        return document
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DocsError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise DocsError(f"{path}: {exc.strerror or exc}") from None


def _fetch(url: str) -> str:
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise DocsError(f"{url}: HTTP {exc.response.status_code} {exc.response.reason_phrase}".rstrip()) from None
    except httpx.HTTPError as exc:
        raise DocsError(f"{url}: {exc or type(exc).__name__}") from None
    if is_html(response.headers.get("content-type", "")):
        return html_to_text(response.text)  # a rendered page: read the text it shows, not its markup
    return response.text
