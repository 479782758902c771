"""The spec-diff peer corpus is consistent and the peer runner reads our differ's output (no timing)."""

from __future__ import annotations

import json

import pytest
import yaml

from benchmarks import diff_peers
from benchmarks.diff_peers import CORPUS, LABELS, load_pairs, optic_verdict, ours_verdict, run_tool, score
from generator.specdiff import load_spec

PAIRS = load_pairs()


def test_every_pair_has_a_label_a_reason_and_both_files() -> None:
    ids = [pair.id for pair in PAIRS]
    assert len(ids) == len(set(ids)), "pair ids repeat"
    for pair in PAIRS:
        assert pair.label in LABELS, f"{pair.id}: label {pair.label!r}"
        assert pair.reason.strip(), f"{pair.id}: no reason"
        assert "\n" not in pair.reason.strip(), f"{pair.id}: the reason is one line"
        assert pair.family.strip(), f"{pair.id}: no family"
        assert pair.old.is_file(), f"{pair.id}: {pair.old.name} missing"
        assert pair.new.is_file(), f"{pair.id}: {pair.new.name} missing"


def test_every_folder_is_in_the_manifest_and_both_labels_are_used() -> None:
    folders = {path.name for path in CORPUS.iterdir() if path.is_dir()}
    assert folders == {pair.id for pair in PAIRS}
    assert {pair.label for pair in PAIRS} == set(LABELS)


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.id for pair in PAIRS])
def test_each_pair_is_two_different_specs_our_loader_reads(pair: diff_peers.Pair) -> None:
    old, new = (yaml.safe_load(path.read_text(encoding="utf-8")) for path in (pair.old, pair.new))
    assert old != new, f"{pair.id}: old and new are the same document"
    load_spec(str(pair.old))
    load_spec(str(pair.new))


def test_the_runner_reads_our_differs_json_from_the_cli() -> None:
    chosen = [pair for pair in PAIRS if pair.id in {"path-removed", "description-changed"}]
    result = run_tool("ours", chosen, diff_peers.ours_command, ours_verdict)
    assert result.outcomes == {"path-removed": "flagged", "description-changed": "passed"}
    scored = score(result, chosen)
    assert (scored["caught"], scored["breaking"], scored["false_alarms"], scored["unreadable"]) == (1, 1, 0, 0)
    assert scored["wrong"] == []


def test_verdicts_tell_flagged_passed_and_unreadable_apart() -> None:
    report = {"changes": [{"id": "a", "level": "WARN"}]}
    assert ours_verdict(0, json.dumps(report), "")[0] == "passed"
    report["changes"].append({"id": "path-removed", "level": "ERR"})
    assert ours_verdict(0, json.dumps(report), "") == ("flagged", "path-removed")
    assert ours_verdict(2, "", "error: x.yaml: not valid YAML")[0] == "unreadable"
    assert optic_verdict(0, '{"operations": []}', "") == ("passed", "")
    assert optic_verdict(1, '{"operations": []}', "") == ("flagged", "")
    assert optic_verdict(1, "", "invalid openapi: info must have required property 'version'")[0] == "unreadable"


def test_a_missing_optic_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(diff_peers, "OPTIC_BIN", diff_peers.ROOT / "node_modules" / ".bin" / "no-such-optic")
    why = diff_peers.optic_unavailable()
    assert why is not None
    assert "missing" in why
    diff_peers.print_scores([{"tool": "optic", "unavailable": why}], PAIRS)
    assert f"optic: unavailable ({why})" in capsys.readouterr().out
