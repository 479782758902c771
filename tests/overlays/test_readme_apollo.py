"""The README's Apollo example runs as written, against the Apollo simulator."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from apollo.testing import Simulator

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_apollo_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code = re.search(r"```python\n(from apollo import.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert code, "README lost its Apollo example"
    sim = Simulator(seed=1)
    # The README's addresses are not in the simulated population: make the first one a person it knows.
    text = code.group(1).replace("tim@apollo.io", sim.people.email_of(4))
    monkeypatch.setenv("APOLLO_API_KEY", sim.api_key)
    monkeypatch.delenv("APOLLO_BASE_URL", raising=False)
    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kwargs: real_client(transport=sim.transport(), **kwargs))
    exec(compile(text, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    out = capsys.readouterr().out.splitlines()
    name = sim.people.person(4)["name"]
    assert out[0] == name
    assert out[1:4] == [name, "None", "None"]  # in input order; the other two are not in the population
    assert "webhook_url: is required when reveal_phone_number=True" in out[4]
    assert [(entry.method, entry.path) for entry in sim.log] == [
        ("POST", "/api/v1/people/match"),
        ("POST", "/api/v1/people/bulk_match"),
    ]
