"""Reading recorded cassettes (vcrpy's YAML) for the contract tests of every vendor.

A cassette is a list of interactions, each a request (method, uri, headers, body) and a
response (status, headers, body); these helpers give them as plain Python values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

__all__ = ["Exchange", "body", "exchanges", "first_values", "interactions", "pairs", "query"]


def interactions(path: Path) -> list[dict[str, Any]]:
    """The recorded interactions of the cassette at ``path``, in order."""
    found: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]
    return found


def body(raw: Any) -> bytes:
    """A recorded body as bytes: vcrpy stores requests' as a string, responses' as ``{"string": ...}``."""
    if raw is None:
        return b""
    if isinstance(raw, dict):
        raw = raw.get("string", "")
    return raw.encode() if isinstance(raw, str) else bytes(raw)


def query(uri: str) -> dict[str, list[str]]:
    """The decoded query of ``uri``: every value of each parameter, in order."""
    found: dict[str, list[str]] = {}
    for key, value in parse_qsl(urlsplit(uri).query, keep_blank_values=True):
        found.setdefault(key, []).append(value)
    return found


def first_values(headers: Mapping[str, list[str]] | None) -> dict[str, str]:
    """Recorded headers (each a list of values) as one value per name."""
    return {name: values[0] for name, values in (headers or {}).items() if values}


def pairs(value: Any) -> list[tuple[str, Any]]:
    """Every (key, value) of a decoded JSON document, nested ones included."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((key, item))
            found += pairs(item)
    elif isinstance(value, list):
        for item in value:
            found += pairs(item)
    return found


@dataclass(frozen=True)
class Exchange:
    """One recorded request and its response."""

    cassette: Path
    number: int
    method: str
    uri: str
    request_headers: Mapping[str, list[str]]
    request_body: bytes
    status: int
    response_headers: Mapping[str, list[str]]
    response_body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path

    @property
    def query(self) -> dict[str, list[str]]:
        return query(self.uri)

    def __str__(self) -> str:
        return f"{self.cassette.stem} #{self.number} {self.method} {self.path} -> {self.status}"


def exchanges(path: Path) -> list[Exchange]:
    """The interactions of the cassette at ``path`` as ``Exchange`` values."""
    found = []
    for number, interaction in enumerate(interactions(path)):
        request, response = interaction["request"], interaction["response"]
        found.append(
            Exchange(
                cassette=path,
                number=number,
                method=request["method"],
                uri=request["uri"],
                request_headers=request.get("headers") or {},
                request_body=body(request.get("body")),
                status=response["status"]["code"],
                response_headers=response.get("headers") or {},
                response_body=body(response.get("body")),
            )
        )
    return found
