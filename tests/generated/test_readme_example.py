"""The README's examples of the generated clients run as written (against a mock transport)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

import amplemarket_api
import apollo_api

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_generated_client_example_runs(capsys: Any) -> None:
    code = re.search(r"```python\n(from amplemarket_api.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert code, "README lost its generated-client example"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "p1", "object": "person", "name": "Jane Doe", "company": None})

    original = amplemarket_api.AuthenticatedClient.__init__

    def with_mock_transport(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._httpx_args = {"transport": httpx.MockTransport(handler)}

    amplemarket_api.AuthenticatedClient.__init__ = with_mock_transport  # type: ignore[method-assign]
    try:
        exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102 - the README's own example
    finally:
        amplemarket_api.AuthenticatedClient.__init__ = original  # type: ignore[method-assign]
    assert capsys.readouterr().out.strip() == "Jane Doe None"
    assert seen[0].url.path == "/people/find"
    assert seen[0].url.params["email"] == "person@example.com"
    assert seen[0].headers["authorization"] == "Bearer ..."


def test_readme_apollo_client_example_runs(capsys: Any) -> None:
    code = re.search(r"```python\n(from apollo_api.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert code, "README lost its Apollo client example"
    seen: list[httpx.Request] = []
    answers = [{"person": {"id": "p1", "name": "Jane Doe"}}, {"person": None}]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answers[len(seen) - 1])

    original = apollo_api.AuthenticatedClient.__init__

    def with_mock_transport(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._httpx_args = {"transport": httpx.MockTransport(handler)}

    apollo_api.AuthenticatedClient.__init__ = with_mock_transport  # type: ignore[method-assign]
    try:
        for _ in answers:
            exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102 - the README's own example
    finally:
        apollo_api.AuthenticatedClient.__init__ = original  # type: ignore[method-assign]
    assert capsys.readouterr().out.splitlines() == ["Jane Doe", "no match"]
    assert seen[0].url.path == "/api/v1/people/match"
    assert seen[0].url.params["email"] == "person@example.com"
    assert seen[0].headers["x-api-key"] == "..."
    assert "authorization" not in seen[0].headers
