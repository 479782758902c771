"""Drift between the vendor's documentation and a spec: every finding kind, and silence when they agree."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import load_document
from generator.docs import FINDING_KINDS, Finding, drift, drift_report, harvest, load_docs, render
from generator.docs._limits import LIMIT_FINDING_KINDS
from generator.docs.cli import run

FIXTURES = Path(__file__).parent / "docs_fixtures"
SPEC: dict[str, Any] = load_document(FIXTURES / "spec.yaml")
GUIDE_URL = "https://docs.amplemarket.com/guides/people-search"
RETRIEVE_URL = "retrieve-person-enrichment-results.md"

# Each edit in drifted/llms-full.txt and the one finding it must cause: (kind, operation or schema, page).
EXPECTED = {
    "operation-undocumented-in-spec": (
        "operation GET /people/saved-searches",
        "https://docs.amplemarket.com/api-reference/searcher/list-saved-searches",
    ),
    "operation-no-longer-documented": (
        "operation GET /account-info",
        "https://docs.amplemarket.com/api-reference/account-info",
    ),
    "parameter-missing-from-spec": ("operation GET /people/find", GUIDE_URL),
    "parameter-no-longer-documented": ("operation POST /people/enrichment-requests", GUIDE_URL),
    "parameter-type-mismatch": ("operation POST /people/enrichment-requests", GUIDE_URL),
    "field-missing-from-spec": ("schema response_person_object", GUIDE_URL),
    "field-no-longer-documented": ("schema response_person_object", GUIDE_URL),
    "field-type-mismatch": ("schema response_company_object", GUIDE_URL),
    "enum-value-missing-from-spec": ("schema response_enrichment_request_object", RETRIEVE_URL),
    "enum-value-no-longer-documented": ("schema response_enrichment_request_object", RETRIEVE_URL),
    "example-contradicts-spec": ("operation GET /people/find", GUIDE_URL),
}


def _drifted() -> list[Finding]:
    return drift(load_docs(str(FIXTURES / "drifted")), SPEC, spec_name="spec.yaml")


@pytest.mark.parametrize("source", ["llms-full.txt", "llms-full-collapsed.txt"])
def test_docs_that_agree_with_the_spec_produce_no_findings(source: str) -> None:
    assert drift(load_docs(str(FIXTURES / source)), SPEC, spec_name="spec.yaml") == []


def test_every_finding_kind_has_a_message_and_is_triggered_by_the_drifted_fixture() -> None:
    # The limit and credit-cost kinds are each triggered by their own edit of the real pages (test_docs_limits).
    page_kinds = set(FINDING_KINDS) - set(LIMIT_FINDING_KINDS)
    assert set(LIMIT_FINDING_KINDS) <= set(FINDING_KINDS)
    assert set(EXPECTED) == page_kinds
    assert all(description.strip() for description in FINDING_KINDS.values())
    assert {finding.kind for finding in _drifted()} == page_kinds


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_drifted_edit_is_reported_once_where_it_happened(kind: str) -> None:
    group, page = EXPECTED[kind]
    [finding] = [f for f in _drifted() if f.kind == kind]
    assert (finding.group, finding.page) == (group, page)
    assert finding.message
    assert "\n" not in finding.message


def test_the_messages_say_what_differs() -> None:
    messages = {finding.kind: finding.message for finding in _drifted()}
    assert "reveal_phone" in messages["parameter-missing-from-spec"]
    assert "reveal_email" in messages["parameter-no-longer-documented"]
    assert "leads" in messages["parameter-type-mismatch"]
    assert "object" in messages["parameter-type-mismatch"]
    assert "seniority" in messages["field-missing-from-spec"]
    assert "title" in messages["field-no-longer-documented"]
    assert "employees" in messages["field-type-mismatch"]
    assert 'value["company"]["employees"]' in messages["example-contradicts-spec"]


def test_missing_operations_are_not_reported_when_the_docs_do_not_list_every_operation() -> None:
    site = load_docs(str(FIXTURES / "site"))  # per-page Markdown: no operation index
    assert not site.lists_every_operation
    findings = drift(site, SPEC, spec_name="spec.yaml")
    assert "operation-no-longer-documented" not in {f.kind for f in findings}
    with_index = load_docs(str(FIXTURES / "drifted"))
    assert with_index.lists_every_operation


def test_request_lines_alone_do_not_make_spec_parameters_undocumented() -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/people/find"]["get"]["parameters"].append(
        {"name": "company_domain", "in": "query", "schema": {"type": "string"}}
    )
    assert drift(load_docs(str(FIXTURES / "llms-full.txt")), spec, spec_name="spec.yaml") == []


def test_a_table_maps_to_its_schema_through_x_doc_object() -> None:
    docs = load_docs(str(FIXTURES / "llms-full.txt"))
    spec = copy.deepcopy(SPEC)
    del spec["components"]["schemas"]["response_person_enrichment_result_object"]["properties"]["person"]
    [finding] = drift(docs, spec, spec_name="spec.yaml")
    assert (finding.kind, finding.schema) == ("field-missing-from-spec", "response_person_enrichment_result_object")
    assert "Lead Result Object" in finding.message

    del spec["components"]["schemas"]["response_person_enrichment_result_object"]["x-doc-object"]
    report = drift_report(docs, spec, spec_name="spec.yaml")
    assert report.findings == [], "without the mapping the table is not compared with anything"
    assert any("'Lead Result'" in note and "x-doc-object" in note for note in report.notes)


def test_x_doc_object_may_list_several_names() -> None:
    spec = copy.deepcopy(SPEC)
    schema = spec["components"]["schemas"]["response_person_enrichment_result_object"]
    schema["x-doc-object"] = ["Enrichment Result", "Lead Result"]
    del schema["properties"]["status"]
    [finding] = drift(load_docs(str(FIXTURES / "llms-full.txt")), spec, spec_name="spec.yaml")
    assert (finding.kind, finding.schema) == ("field-missing-from-spec", "response_person_enrichment_result_object")


def test_a_spec_harvested_from_consistent_docs_has_no_drift_from_them() -> None:
    docs = load_docs(str(FIXTURES / "llms-full.txt"))
    assert drift(docs, harvest(docs).document, spec_name="harvested") == []


def test_an_example_status_the_spec_does_not_declare_contradicts_it() -> None:
    spec = copy.deepcopy(SPEC)
    responses = spec["paths"]["/people/enrichment-requests"]["post"]["responses"]
    responses["201"] = responses.pop("202")
    findings = drift(load_docs(str(FIXTURES / "llms-full.txt")), spec, spec_name="spec.yaml")
    assert [(f.kind, f.operation) for f in findings] == [
        ("example-contradicts-spec", "POST /people/enrichment-requests")
    ]
    assert "202" in findings[0].message


def test_the_report_is_grouped_per_operation_then_per_schema_with_a_summary() -> None:
    report = drift_report(load_docs(str(FIXTURES / "drifted")), SPEC, spec_name="spec.yaml")
    text = render(report)
    lines = text.splitlines()
    groups = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert groups[:-1] == [
        "operation GET /account-info",
        "operation POST /people/enrichment-requests",
        "operation GET /people/find",
        "operation GET /people/saved-searches",
        "schema response_company_object",
        "schema response_enrichment_request_object",
        "schema response_person_object",
    ]
    assert groups[-1].startswith("summary: 11 findings in 4 operations and 3 schemas")
    person = lines.index("  schema response_person_object")
    assert lines[person + 1].startswith("    field-missing-from-spec: field seniority")


# --------------------------------------------------------------------------- the drift command


def test_drift_command_exits_0_without_drift(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["drift", str(FIXTURES / "llms-full.txt"), "--spec-file", str(FIXTURES / "spec.yaml")])
    assert status == 0
    assert "summary: no drift" in capsys.readouterr().out


def test_drift_command_exits_1_and_prints_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["drift", str(FIXTURES / "drifted"), "--spec-file", str(FIXTURES / "spec.yaml")])
    assert status == 1
    out = capsys.readouterr().out
    for kind in EXPECTED:
        assert f"    {kind}: " in out


def test_drift_command_compares_both_vendor_specs_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["drift", str(FIXTURES / "llms-full.txt")])
    out = capsys.readouterr().out
    assert "spec/amplemarket/upstream.yaml: compared with" in out
    assert "spec/amplemarket/openapi.yaml: compared with" in out
    assert status == 1, "the small fixture docs do not describe the whole vendor spec"
    run(["drift", str(FIXTURES / "llms-full.txt"), "--spec", "curated"])
    only_curated = capsys.readouterr().out
    assert "openapi.yaml: compared with" in only_curated
    assert "upstream.yaml" not in only_curated


def _bad_spec(tmp: Path) -> list[str]:
    (tmp / "broken.yaml").write_text("openapi: 3.0.1\npaths: {unclosed\n", encoding="utf-8")
    return [str(FIXTURES / "llms-full.txt"), "--spec-file", str(tmp / "broken.yaml")]


def _not_openapi(tmp: Path) -> list[str]:
    (tmp / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    return [str(FIXTURES / "llms-full.txt"), "--spec-file", str(tmp / "list.yaml")]


def _empty_folder(tmp: Path) -> list[str]:
    (tmp / "docs").mkdir()
    (tmp / "docs" / "readme.txt").write_text("Nothing to see.\n", encoding="utf-8")
    return [str(tmp / "docs"), "--spec-file", str(FIXTURES / "spec.yaml")]


@pytest.mark.parametrize(
    ("arguments", "names", "reason"),
    [
        (lambda tmp: [str(tmp / "absent.md")], "absent.md", "no such file or folder"),
        (lambda tmp: [str(FIXTURES / "llms-full.txt"), "--spec-file", str(tmp / "gone.yaml")], "gone.yaml", "No such"),
        (_bad_spec, "broken.yaml", "not valid YAML or JSON"),
        (_not_openapi, "list.yaml", "not an OpenAPI document"),
        (_empty_folder, "docs", "nothing recognisable"),
    ],
)
def test_drift_command_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: Any, names: str, reason: str
) -> None:
    assert run(["drift", *arguments(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("error: ")
    assert names in line
    assert reason in line


def test_drift_reads_a_folder_with_a_whole_spec_as_complete_docs(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "openapi.json", tmp_path / "openapi.json")
    docs = load_docs(str(tmp_path))
    assert docs.lists_every_operation
    kinds = {(f.kind, f.operation) for f in drift(docs, SPEC, spec_name="spec.yaml")}
    assert ("operation-no-longer-documented", "POST /people/enrichment-requests") in kinds
    assert ("parameter-no-longer-documented", "GET /people/find") in kinds  # reveal_email, per the whole spec
