"""The README's example of the generated client runs as written (against a mock transport)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

import amplemarket_api

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
