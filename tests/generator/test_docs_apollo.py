"""Apollo's real People Enrichment page (a readme.io reference page) read, harvested and compared for drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import load_document
from generator.docs import DocsError, DocSet, Page, drift, harvest, load_docs
from generator.docs._schemas import resolve
from generator.docs.cli import run
from generator.validation import structural_errors
from generator.vendors import get_vendor

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PAGE = SEEDS / "004_19d795b5f67a37d9.txt"
TEXT = PAGE.read_text(encoding="utf-8")
UPSTREAM: dict[str, Any] = load_document(get_vendor("apollo").upstream)
MATCH = "/api/v1/people/match"

# Every query parameter the page documents, in page order: its schema (type and default) and its example.
STRING = {"type": "string"}
QUERY_PARAMETERS: dict[str, tuple[dict[str, Any], str | None]] = {
    "first_name": (STRING, "tim"),
    "last_name": (STRING, "zheng"),
    "name": (STRING, "tim zheng"),
    "email": (STRING, "example@email.com"),
    "hashed_email": (
        STRING,
        "8d935115b9ff4489f2d1f9249503cadf (MD5) or "
        "97817c0c49994eb500ad0a5e7e2d8aed51977b26424d508f66e4e8887746a152 (SHA-256)",
    ),
    "organization_name": (STRING, "apollo"),
    "domain": (STRING, "apollo.io or microsoft.com"),
    "id": (STRING, "587cf802f65125cad923a266"),
    "linkedin_url": (STRING, "http://www.linkedin.com/in/tim-zheng-677ba010"),
    "reveal_personal_emails": ({"type": "boolean", "default": False}, None),
    "reveal_phone_number": ({"type": "boolean", "default": False}, None),
    "webhook_url": (
        STRING,
        "https://webhook.site/cc4cf44e-e047-4774-8dac-473d28474e40; "
        "https%3A%2F%2Fwebhook.site%2Fcc4cf44e-e047-4774-8dac-473d28474e40",
    ),
}


def _page(docs: DocSet) -> Page:
    [page] = docs.pages
    return page


def _operation(page: Page) -> dict[str, Any]:
    [fragment] = page.fragments
    operation: dict[str, Any] = fragment.document["paths"][fragment.path][fragment.method]
    return operation


def _copy(tmp_path: Path, text: str, name: str = "people-enrichment.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _docs_or_error(source: str) -> DocSet | str:
    """The docs read from ``source``, or the message of the :class:`DocsError` reading it raised."""
    try:
        return load_docs(source)
    except DocsError as error:
        return str(error)


def _edited(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, f"the page no longer holds {old!r} once"
    return TEXT.replace(old, new)


def _facts(parameter: dict[str, Any]) -> dict[str, Any]:
    """A parameter without its description: what the page and a faithful transcription must agree on."""
    return {key: value for key, value in parameter.items() if key != "description"}


# --------------------------------------------------------------------------- reading the real page


def test_the_page_is_read_as_one_operation_under_the_url_origin() -> None:
    page = _page(load_docs(str(PAGE)))
    assert page.title == "People Enrichment"
    assert page.notes == []
    [fragment] = page.fragments
    assert (fragment.method, fragment.path) == ("post", MATCH)
    assert fragment.document["servers"] == UPSTREAM["servers"] == [{"url": "https://api.apollo.io"}]
    assert _operation(page)["summary"] == "People Enrichment"


def test_every_query_parameter_is_read_with_its_type_default_and_example() -> None:
    parameters = _operation(_page(load_docs(str(PAGE))))["parameters"]
    assert [parameter["name"] for parameter in parameters] == list(QUERY_PARAMETERS)
    for parameter in parameters:
        schema, example = QUERY_PARAMETERS[parameter["name"]]
        assert (parameter["in"], parameter["required"]) == ("query", False)
        assert parameter["schema"] == schema
        assert parameter.get("example") == example


def test_the_statuses_and_the_example_body_are_read() -> None:
    responses = _operation(_page(load_docs(str(PAGE))))["responses"]
    assert list(responses) == ["200", "401", "429"]
    body = responses["200"]["content"]["application/json"]["example"]
    assert body == json.loads(TEXT[TEXT.rindex("Response:") + len("Response:") :])
    assert body["person"]["id"] == "66b8a5d38d90c000011cce51"
    assert "content" not in responses["401"]
    assert "content" not in responses["429"]


def test_none_of_the_page_prose_is_kept() -> None:
    page = _page(load_docs(str(PAGE)))
    operation = _operation(page)
    assert all("description" not in parameter for parameter in operation["parameters"])
    assert all(response["description"] == "" for response in operation["responses"].values())
    kept = json.dumps(harvest(load_docs(str(PAGE))).document)
    for sentence in ("Use the People Enrichment endpoint", "The first name of the person", "Set to true if"):
        assert sentence not in kept


def test_the_harvested_document_is_valid_openapi() -> None:
    document = harvest(load_docs(str(PAGE))).document
    assert structural_errors(document) == []
    assert document["servers"] == UPSTREAM["servers"]
    assert list(document["paths"]) == [MATCH]


def test_upstream_transcribes_every_fact_the_page_gives() -> None:
    """What drift does not compare (defaults, parameter examples, statuses without a body) is checked here."""
    operation = _operation(_page(load_docs(str(PAGE))))
    transcribed = UPSTREAM["paths"][MATCH]["post"]
    declared = [_facts(resolve(UPSTREAM, parameter)) for parameter in transcribed["parameters"]]
    assert declared == operation["parameters"]
    assert list(transcribed["responses"]) == list(operation["responses"])
    held = transcribed["responses"]["200"]["content"]["application/json"]["examples"]
    page_body = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert page_body in [example["value"] for example in held.values()]


# --------------------------------------------------------------------------- drift


def test_the_page_has_no_drift_from_upstream() -> None:
    assert drift(load_docs(str(PAGE)), UPSTREAM, spec_name="upstream.yaml") == []


def test_the_drift_command_reports_no_drift_against_upstream(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["drift", str(PAGE), "--vendor", "apollo", "--spec", "upstream"]) == 0
    assert "summary: no drift" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("old", "new", "kind", "subject"),
    [
        pytest.param(
            "\nResponses\n",
            "\nseniority\nstring\nA new parameter.\n\nExample: founder\n\nResponses\n",
            "parameter-missing-from-spec",
            "query parameter seniority",
            id="new-query-parameter",
        ),
        pytest.param(
            "\nlinkedin_url\nstring\n",
            "\nlinkedin_url\ninteger\n",
            "parameter-type-mismatch",
            "linkedin_url is documented as integer",
            id="changed-type",
        ),
    ],
)
def test_an_edit_to_the_page_is_exactly_one_finding(
    tmp_path: Path, old: str, new: str, kind: str, subject: str
) -> None:
    [finding] = drift(load_docs(_copy(tmp_path, _edited(old, new))), UPSTREAM, spec_name="upstream.yaml")
    assert (finding.kind, finding.operation) == (kind, f"POST {MATCH}")
    assert subject in finding.message
    [edit] = finding.edits
    assert "/parameters/" in edit.pointer, "a query parameter is edited as one, not as a request-body property"


# --------------------------------------------------------------------------- other locations and formats


def test_path_header_and_body_params_are_read_by_their_heading(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "Update Thing",
            "PATCH",
            "https://api.example.com/v2/things/{thing_id}",
            "Path Params",
            "thing_id",
            "string",
            "required",
            "Header Params",
            "X-Request-Id",
            "string",
            "Body Params",
            "labels",
            "array of strings",
            "required",
            "limit",
            "int32",
            "Defaults to 25",
            "Example: 10",
            "Responses",
            "204",
            "Updated 2 days ago",
            "",
        ]
    )
    page = _page(load_docs(_copy(tmp_path, text, "update-thing.md")))
    [fragment] = page.fragments
    assert (fragment.method, fragment.path) == ("patch", "/v2/things/{thing_id}")
    operation = _operation(page)
    assert [(p["name"], p["in"], p["required"]) for p in operation["parameters"]] == [
        ("thing_id", "path", True),
        ("X-Request-Id", "header", False),
    ]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"] == {
        "labels": {"type": "array", "items": {"type": "string"}},
        "limit": {"type": "integer", "format": "int32", "default": 25, "example": 10},
    }
    assert body["required"] == ["labels"]
    assert operation["responses"] == {"204": {"description": ""}}


def test_the_page_is_recognised_by_its_content_not_its_name(tmp_path: Path) -> None:
    page = _page(load_docs(_copy(tmp_path, TEXT, "reference.md")))
    assert [(f.method, f.path) for f in page.fragments] == [("post", MATCH)]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("cut", range(0, len(TEXT), len(TEXT) // 40))
def test_a_truncated_copy_is_a_partial_page_or_one_docs_error(tmp_path: Path, cut: int) -> None:
    docs = _docs_or_error(_copy(tmp_path, TEXT[:cut]))
    if isinstance(docs, str):
        assert docs.startswith("people-enrichment.txt: ")
        assert "\n" not in docs
        return
    [fragment] = _page(docs).fragments
    assert (fragment.method, fragment.path) == ("post", MATCH)
    drift(docs, UPSTREAM, spec_name="upstream.yaml")


def test_a_copy_cut_on_its_url_line_is_not_read_as_another_path(tmp_path: Path) -> None:
    source = _copy(tmp_path, TEXT[: TEXT.index("/match") + len("/ma")])
    with pytest.raises(DocsError, match="nothing recognisable"):
        load_docs(source)


def test_a_copy_cut_inside_the_example_keeps_the_rest_and_says_why(tmp_path: Path) -> None:
    page = _page(load_docs(_copy(tmp_path, TEXT[: TEXT.index('"employment_history"')])))
    operation = _operation(page)
    assert [parameter["name"] for parameter in operation["parameters"]] == list(QUERY_PARAMETERS)
    assert list(operation["responses"]) == ["200", "401", "429"]
    assert "content" not in operation["responses"]["200"]
    [note] = page.notes
    assert "not valid JSON" in note


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("\npost\n", "\n", id="method-line-lost"),
        pytest.param("\npost\n", "\npots\n", id="method-garbled"),
        pytest.param("\nhttps://api.apollo.io", "\nhttps//api.apollo.io", id="url-garbled"),
    ],
)
def test_a_garbled_head_is_one_docs_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    source = _copy(tmp_path, _edited(old, new))
    assert run(["drift", source, "--vendor", "apollo", "--spec", "upstream"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("error: people-enrichment.txt: nothing recognisable")


def test_a_garbled_type_line_drops_only_that_parameter(tmp_path: Path) -> None:
    page = _page(load_docs(_copy(tmp_path, _edited("\nemail\nstring\n", "\nemail\nstrnig\n"))))
    names = [parameter["name"] for parameter in _operation(page)["parameters"]]
    assert names == [name for name in QUERY_PARAMETERS if name != "email"]
