"""Reading vendor docs in every published form and harvesting them into one upstream spec."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import dump_yaml, load_document
from generator.docs import DocsError, DocSet, harvest, load_docs, write_upstream
from generator.docs.cli import run
from generator.docs.sources import display_source
from generator.validation import structural_errors
from tests._loopback import serve

FIXTURES = Path(__file__).parent / "docs_fixtures"
SITE = FIXTURES / "site"
FIND_PAGE = "api-reference/people-enrichment/single-person-enrichment.md"
BATCH_PAGE = "api-reference/people-enrichment/start-batch-of-person-enrichments.md"
GUIDE = "guides/people-search.md"
OLDER_GUIDE = "guides/people-search.previous.md"


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path][method]
    return operation


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method in item}


# --------------------------------------------------------------------------- reading every form


def test_a_whole_openapi_document_is_recognised_by_its_content(tmp_path: Path) -> None:
    renamed = tmp_path / "vendor-export.txt"  # the extension says text; the content says OpenAPI
    shutil.copy(FIXTURES / "openapi.json", renamed)
    docs = load_docs(str(renamed))
    assert len(docs.pages) == 1
    [page] = docs.pages
    assert page.title == "Amplemarket API"
    assert page.specs[0]["paths"]["/account-info"]["get"]["operationId"] == "account_info"
    assert not page.fragments
    assert not page.field_tables


def test_an_embedded_fragment_is_read_with_the_operation_its_fence_names() -> None:
    docs = load_docs(str(SITE / FIND_PAGE))
    [page] = docs.pages
    assert page.title == "Single person enrichment"
    assert page.url == "single-person-enrichment.md"
    [fragment] = page.fragments
    assert (fragment.method, fragment.path) == ("get", "/people/find")
    assert set(fragment.document["components"]["schemas"]) == {"response_person_object", "response_company_object"}
    assert not page.field_tables, "tables inside the fragment's YAML must not be read as guide tables"


def test_a_guide_yields_tables_requests_and_examples() -> None:
    [page] = load_docs(str(SITE / GUIDE)).pages
    tables = {table.heading: table for table in page.field_tables}
    assert set(tables) == {"Person Object", "Lead Result Object"}
    lead = tables["Lead Result Object"]
    assert lead.object_name == "Lead Result"
    assert [(row.name, row.type) for row in lead.rows] == [
        ("status", "string"),
        ("linkedin_url", "string"),
        ("person", "Person object"),
        ("tags", "array of strings"),
        ("owner", "Owner object"),
    ]
    assert "not_found" in lead.rows[0].description, "continuation rows belong to the row above"
    requests = [(line.method, line.path, line.query_names) for line in page.request_lines]
    assert requests == [
        ("get", "/people/find", ("linkedin_url", "reveal_phone_numbers")),
        ("get", "/people/enrichment-requests/7", ()),
    ]
    first, second = page.examples
    assert (first.status, first.request, first.body["name"]) == (200, page.request_lines[0], "Ana Lima")
    assert second.request == page.request_lines[1]
    assert ("Retry-After", "30") in second.headers


def test_llms_full_is_split_into_pages_with_index_lines_bullets_and_parameter_tables() -> None:
    docs = load_docs(str(FIXTURES / "llms-full.txt"))
    assert [page.title for page in docs.pages] == [
        "Get account details",
        "Single person enrichment",
        "Start batch of person enrichments",
        "Retrieve person enrichment results",
        "Errors",
        "People Search",
    ]
    index = [(line.method, line.path, line.summary) for page in docs.pages for line in page.index_lines]
    assert index[0] == ("get", "/account-info", "Get account details")
    assert index[3] == ("get", "/people/enrichment-requests/{id}", "Retrieve person enrichment results")
    errors = docs.pages[4]
    assert errors.url == "https://docs.amplemarket.com/api-reference/errors"
    [bullets] = errors.field_tables
    assert (bullets.object_name, [row.name for row in bullets.rows]) == ("Error", ["code", "title", "detail"])
    [parameters] = docs.pages[5].parameter_tables
    assert parameters.heading == "Request Parameters"
    assert [(row.name, row.type, row.required) for row in parameters.rows] == [
        ("leads", "array", True),
        ("reveal_email", "boolean", False),
    ]


def _shape(docs: DocSet) -> list[Any]:
    """Everything a reader extracts from a page, without offsets (which differ between layouts)."""
    return [
        (
            page.title,
            page.url,
            page.index_lines,
            [(table.heading, table.object_name, table.rows) for table in page.field_tables],
            [(table.heading, table.rows) for table in page.parameter_tables],
            [(line.method, line.path, line.query) for line in page.request_lines],
            [(example.status, example.body, example.headers) for example in page.examples],
        )
        for page in docs.pages
    ]


def test_the_whitespace_collapsed_llms_full_reads_exactly_like_the_one_with_newlines() -> None:
    collapsed = (FIXTURES / "llms-full-collapsed.txt").read_text(encoding="utf-8")
    assert collapsed.count("\n") <= 1, "the fixture really is collapsed"
    assert _shape(load_docs(str(FIXTURES / "llms-full-collapsed.txt"))) == _shape(
        load_docs(str(FIXTURES / "llms-full.txt"))
    )


def test_text_rendered_from_html_has_its_glued_table_cells_split(tmp_path: Path) -> None:
    rendered = tmp_path / "rendered.txt"
    rendered.write_text(
        "Lead Result Object\n\nWhat comes back for each lead:\nFieldTypeDescription\n"
        "statusstringOutcome of the lookup\nenriched: a match was found\n"
        "linkedin_idstringThe LinkedIn identifier sent in\npersonPerson objectThe match\n"
        "tagsarray of stringsLabels of the lead\nis_b2bbooleantrue when the company sells to businesses\n",
        encoding="utf-8",
    )
    [table] = load_docs(str(rendered)).pages[0].field_tables
    assert table.object_name == "Lead Result"
    assert [(row.name, row.type) for row in table.rows] == [
        ("status", "string"),
        ("linkedin_id", "string"),
        ("person", "Person object"),
        ("tags", "array of strings"),
        ("is_b2b", "boolean"),
    ]
    assert table.rows[0].description.endswith("enriched: a match was found")


def test_a_folder_is_read_recursively_in_sorted_order() -> None:
    docs = load_docs(str(SITE))
    assert docs.source.endswith("docs_fixtures/site")
    assert [page.url for page in docs.pages] == [FIND_PAGE, BATCH_PAGE, GUIDE, OLDER_GUIDE]


@pytest.fixture
def served() -> Iterator[str]:
    """The fixtures folder on a loopback HTTP server."""

    def answer(path: str) -> tuple[int, str, bytes] | None:
        file = FIXTURES / path.lstrip("/")
        return (200, "text/plain; charset=utf-8", file.read_bytes()) if file.is_file() else None

    with serve(answer) as url:
        yield url


def test_docs_fetched_from_a_url_read_like_the_same_file(served: str) -> None:
    from_url = load_docs(f"{served}/llms-full.txt")
    assert from_url.source == f"{served}/llms-full.txt"
    assert _shape(from_url) == _shape(load_docs(str(FIXTURES / "llms-full.txt")))
    assert dump_yaml(harvest(from_url).document) == dump_yaml(
        harvest(load_docs(str(FIXTURES / "llms-full.txt"))).document
    )


def test_a_url_that_fails_is_an_error_naming_the_url_and_the_status(served: str) -> None:
    with pytest.raises(DocsError, match=r"^http://127\.0\.0\.1:\d+/missing\.md: HTTP 404"):
        load_docs(f"{served}/missing.md")


def test_a_source_with_nothing_recognisable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n\nNothing about any API here.\n", encoding="utf-8")
    with pytest.raises(DocsError, match="nothing recognisable"):
        load_docs(str(tmp_path))
    with pytest.raises(DocsError, match="no such file or folder"):
        load_docs(str(tmp_path / "absent"))


# --------------------------------------------------------------------------- harvesting


def test_fragments_are_merged_one_operation_per_page() -> None:
    result = harvest(load_docs(str(SITE)))
    document = result.document
    assert ("post", "/people/search") not in _operations(document), "a fragment contributes only its own operation"
    find = _operation(document, "get", "/people/find")
    batch = _operation(document, "post", "/people/enrichment-requests")
    assert (find["operationId"], find["x-doc-page"], find["x-confidence"]) == (
        "single_person_enrichment",
        FIND_PAGE,
        "documented",
    )
    assert (batch["operationId"], batch["tags"]) == ("start_batch_of_person_enrichments", ["Person Enrichment"])
    schemas = document["components"]["schemas"]
    assert {"response_person_object", "response_company_object", "response_enrichment_request_object"} <= set(schemas)
    assert document["components"]["securitySchemes"] == {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    assert structural_errors(document) == []


def test_guide_tables_become_schemas_and_examples_attach_to_their_operation() -> None:
    document = harvest(load_docs(str(SITE))).document
    lead = document["components"]["schemas"]["response_lead_result_object"]
    assert (lead["x-doc-object"], lead["x-doc-page"]) == ("Lead Result", GUIDE)
    properties = lead["properties"]
    assert properties["person"] == {"$ref": "#/components/schemas/response_person_object"}
    assert properties["tags"]["items"] == {"type": "string"}
    assert properties["owner"] == {"type": "object"}, "an object no page describes cannot be referenced"
    examples = _operation(document, "get", "/people/find")["responses"]["200"]["content"]["application/json"]
    assert examples["examples"]["people_search"]["value"]["name"] == "Ana Lima"
    assert examples["examples"]["people_search"]["x-doc-page"] == GUIDE
    polled = _operation(document, "get", "/people/enrichment-requests/{id}")
    assert polled["x-confidence"] == "partial", "known only from a guide's request and example"
    assert polled["parameters"] == [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]


def test_index_lines_and_request_lines_fill_in_what_no_fragment_gives() -> None:
    document = harvest(load_docs(str(FIXTURES / "llms-full.txt"))).document
    account = _operation(document, "get", "/account-info")
    assert (account["operationId"], account["tags"], account["x-confidence"]) == (
        "account_info",
        ["Account Info"],
        "unverified",
    )
    assert list(account["responses"]) == ["default"]
    find = _operation(document, "get", "/people/find")
    assert (find["operationId"], find["tags"], find["x-confidence"]) == (
        "single_person_enrichment",
        ["People Enrichment"],
        "partial",
    )
    assert [(p["name"], p["schema"]["type"]) for p in find["parameters"]] == [
        ("linkedin_url", "string"),
        ("reveal_email", "boolean"),
    ]
    body = _operation(document, "post", "/people/enrichment-requests")["requestBody"]["content"]["application/json"]
    assert body["schema"]["required"] == ["leads"], "the parameter table of a POST describes its body"
    assert structural_errors(document) == []


def test_the_linkedin_url_and_linkedin_id_pages_are_a_recorded_conflict() -> None:
    result = harvest(load_docs(str(SITE)))
    location = "/components/schemas/response_lead_result_object/properties/linkedin_url"
    [conflict] = [c for c in result.conflicts if c.location == location]
    assert conflict.pages == (f"{GUIDE} (table)", f"{OLDER_GUIDE} (table)")
    assert [claim.says for claim in conflict.claims] == ["names it linkedin_url", "names it linkedin_id"]
    properties = result.document["components"]["schemas"]["response_lead_result_object"]["properties"]
    assert "linkedin_id" not in properties, "the first page by precedence is kept, not both"
    assert properties["linkedin_url"]["x-doc-conflicts"] == [conflict.text]


def test_a_request_using_a_parameter_the_fragment_lacks_is_a_conflict_on_the_operation() -> None:
    result = harvest(load_docs(str(SITE)))
    [conflict] = [c for c in result.conflicts if c.subject == "query parameter reveal_phone_numbers"]
    assert conflict.location == "/paths/~1people~1find/get/parameters/reveal_phone_numbers"
    find = _operation(result.document, "get", "/people/find")
    assert find["x-doc-conflicts"] == [conflict.text]
    assert "reveal_phone_numbers" not in {p["name"] for p in find["parameters"]}


def test_a_whole_spec_outranks_fragments_and_tables(tmp_path: Path) -> None:
    shutil.copytree(SITE, tmp_path / "docs")
    shutil.copy(FIXTURES / "openapi.json", tmp_path / "docs" / "openapi.json")
    result = harvest(load_docs(str(tmp_path / "docs")))
    person = result.document["components"]["schemas"]["response_person_object"]
    assert "headline" in person["properties"]
    assert "company" not in person["properties"]
    [missing_company] = [c for c in result.conflicts if c.subject == "field company"]
    assert missing_company.claims[0].page == "openapi.json (OpenAPI document)"
    assert len(missing_company.claims) == 4, "every page that disagrees is named"
    find = _operation(result.document, "get", "/people/find")
    assert find["x-doc-page"] == "openapi.json"
    assert structural_errors(result.document) == []


def test_an_example_that_contradicts_the_schema_is_kept_and_recorded(tmp_path: Path) -> None:
    shutil.copytree(SITE, tmp_path / "docs")
    guide = tmp_path / "docs" / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8").replace('"employees": 40', '"employees": "forty"'), "utf-8")
    result = harvest(load_docs(str(tmp_path / "docs")))
    [conflict] = [c for c in result.conflicts if c.subject == "200 response"]
    assert conflict.location == "/paths/~1people~1find/get/responses/200"
    assert conflict.claims[0].page == f"{FIND_PAGE} (embedded OpenAPI)"
    assert 'value["company"]["employees"]' in conflict.claims[1].says
    response = _operation(result.document, "get", "/people/find")["responses"]["200"]
    assert response["x-doc-conflicts"] == [conflict.text]
    assert response["content"]["application/json"]["examples"]["people_search"]["value"]["company"]["employees"] == (
        "forty"
    )


@pytest.mark.parametrize("source", ["site", "llms-full.txt", "llms-full-collapsed.txt", "openapi.json", "drifted"])
def test_harvest_is_deterministic_and_structurally_valid(source: str) -> None:
    first = harvest(load_docs(str(FIXTURES / source)))
    second = harvest(load_docs(str(FIXTURES / source)))
    assert dump_yaml(first.document) == dump_yaml(second.document)
    assert first.conflicts == second.conflicts
    assert structural_errors(first.document) == []
    assert list(first.document["paths"]) == sorted(first.document["paths"])
    assert list(first.document["components"]["schemas"]) == sorted(first.document["components"]["schemas"])


def test_file_creation_order_does_not_change_the_result(tmp_path: Path) -> None:
    for name, files in (("forward", sorted(SITE.rglob("*.md"))), ("backward", sorted(SITE.rglob("*.md"))[::-1])):
        for file in files:
            target = tmp_path / name / file.relative_to(SITE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(file, target)
    forward = harvest(load_docs(str(tmp_path / "forward")))
    backward = harvest(load_docs(str(tmp_path / "backward")))
    assert dump_yaml(forward.document) == dump_yaml(backward.document)


def test_write_upstream_names_the_source_and_round_trips(tmp_path: Path) -> None:
    result = harvest(load_docs(str(SITE)))
    out = tmp_path / "upstream.yaml"
    write_upstream(result, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Harvested from ")
    assert "docs_fixtures/site" in text.splitlines()[0]
    assert load_document(out) == result.document


# --------------------------------------------------------------------------- the harvest command


def test_harvest_command_writes_the_file_and_prints_counts_and_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "upstream.yaml"
    assert run(["harvest", str(SITE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"{display_source(str(SITE))}: 3 operations, 4 schemas, 2 conflicts -> {out}"
    conflicts = [line for line in printed if line.startswith("  conflict ")]
    assert len(conflicts) == 2
    assert any("linkedin_id" in line for line in conflicts)
    assert structural_errors(load_document(out)) == []


@pytest.mark.parametrize(
    ("make_source", "reason"),
    [
        (lambda tmp: str(tmp / "absent"), "no such file or folder"),
        (lambda tmp: _write(tmp / "empty", "notes.md", "# Notes\n\nJust prose.\n"), "nothing recognisable"),
        (lambda tmp: _write(tmp / "binary", "page.md", b"\xff\xfe\x00bad"), "not UTF-8 text"),
        (
            lambda tmp: _write(tmp / "broken", "openapi.json", '{"openapi": "3.0.1", "paths": {'),
            "openapi.json: not valid",
        ),
        (lambda tmp: f"http://127.0.0.1:{_closed_port()}/llms-full.txt", "http://127.0.0.1"),
    ],
)
def test_harvest_command_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_source: Any, reason: str
) -> None:
    source = make_source(tmp_path)
    assert run(["harvest", source, "--out", str(tmp_path / "out.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert reason in lines[0]
    assert not (tmp_path / "out.yaml").exists()


def _write(folder: Path, name: str, content: str | bytes) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        (folder / name).write_bytes(content)
    else:
        (folder / name).write_text(content, encoding="utf-8")
    return str(folder)


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
