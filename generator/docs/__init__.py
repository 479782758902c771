"""Vendor documentation: read it, harvest it into an upstream spec, and detect drift from a spec.

* :func:`load_docs` reads a URL, a file or a folder (a whole ``openapi.json``/``.yaml``,
  per-page Markdown with embedded OpenAPI fragments, or ``llms-full.txt``) into a :class:`DocSet`;
* :func:`harvest` merges a :class:`DocSet` into one OpenAPI 3.0.1 document, recording every
  disagreement between pages as a :class:`Conflict` (``x-doc-conflicts``);
* :func:`drift` lists every :class:`Finding` where a spec and the documentation differ.

The command line (``harvest`` and ``drift``) is in :mod:`generator.docs.cli`.
"""

from __future__ import annotations

from .drift import FINDING_KINDS, DriftReport, Finding, drift, drift_report, render
from .harvest import PRECEDENCE, Claim, Conflict, HarvestResult, harvest, write_upstream
from .model import DocsError, DocSet, FieldRow, FieldTable, Fragment, IndexLine, Page, RequestLine, ResponseExample
from .sources import load_docs, parse_document

__all__ = [
    "FINDING_KINDS",
    "PRECEDENCE",
    "Claim",
    "Conflict",
    "DocSet",
    "DocsError",
    "DriftReport",
    "FieldRow",
    "FieldTable",
    "Finding",
    "Fragment",
    "HarvestResult",
    "IndexLine",
    "Page",
    "RequestLine",
    "ResponseExample",
    "drift",
    "drift_report",
    "harvest",
    "load_docs",
    "parse_document",
    "render",
    "write_upstream",
]
