"""The README's client example runs as written (against the scripted fake API)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.overlays.fakeapi import API_KEY, FakeAPI

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_client_example_runs(
    api: FakeAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = re.search(r"```python\n(from amplemarket import.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert code, "README lost its client example"
    monkeypatch.setenv("AMPLEMARKET_API_KEY", API_KEY)
    monkeypatch.delenv("AMPLEMARKET_BASE_URL", raising=False)
    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kwargs: real_client(transport=api.transport(), **kwargs))
    exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102 - the README's own example
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == [f"Person {i}" for i in range(5)]  # the search, every page
    assert "completed" in out
    assert out[-1] == "person_not_found"
    assert api.count("POST", "/people/enrichment-requests") == 1
