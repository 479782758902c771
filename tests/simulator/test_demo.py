"""The main job (`make demo`): an end-to-end session that really does what it reports."""

from __future__ import annotations

import pytest

from amplemarket import demo
from amplemarket.testing import Simulator


def test_the_demo_session_runs_every_step_against_the_simulator() -> None:
    sim = Simulator(seed=42, job_polls=2, retry_after=0.0)
    emails = [sim.people.email_of(i) for i in range(1000)]
    lines: list[str] = []
    with sim.client(rate_limit=False) as client:
        figures = demo.run(client, emails, lines.append)
    assert figures["people searched"] == 300
    assert figures["leads enriched"] == 1000
    assert figures["enrichment polls"] == 2
    assert figures["emails validated"] == 200
    assert figures["lead list entries"] == 50
    assert figures["leads added to a sequence"] == 300
    assert any(line.startswith("1. found ") for line in lines)
    assert any("[####################] completed" in line for line in lines), "the progress bar ends full"
    posts = [r for r in sim.log if r.method == "POST" and r.path.endswith("/leads")]
    assert [len(r.body["leads"]) for r in posts] == [250, 50]


def test_live_mode_without_a_key_refuses_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AMPLEMARKET_API_KEY", raising=False)
    assert demo.main(["--live"]) == 2
    assert "nothing was sent" in capsys.readouterr().err
