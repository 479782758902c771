"""``make update-spec`` on the vendor's real documentation pages, in scratch copies of the project.

Two properties make "regenerate when the docs change" trustworthy, and both are checked here on
the seed pages the specs were built from: unchanged docs are a fixed point (nothing under spec/
or generated/ changes), and each kind of documentation edit reaches upstream.yaml, the curated
spec, the generated package and the changelog as exactly that edit.  A failed run changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import load_document

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
AMPLEMARKET_PAGES = (
    "000_c5f25da7a8faebb8.txt",
    "001_b36bf10d9a022e7b.txt",
    "002_5cfbc9725c8692c3.txt",
    "003_d50cae6f574d688e.txt",
)
APOLLO_PAGE = "004_19d795b5f67a37d9.txt"
COPIED = ("Makefile", "pyproject.toml", "package.json", "package-lock.json", ".spectral.yaml", "redocly.yaml")
UPSTREAM = "spec/amplemarket/upstream.yaml"
CURATED = "spec/amplemarket/openapi.yaml"
PACKAGE = "generated/amplemarket_api"

# --------------------------------------------------------------------------- helpers


def _scratch(root: Path) -> Path:
    """A copy of what the pipeline reads and writes; the installed tools are linked, not copied."""
    for name in COPIED:
        shutil.copy2(ROOT / name, root / name)
    for name in ("generator", "spec", "generated", "overlays"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".venv", "node_modules"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    return root


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _docs(folder: Path, pages: tuple[str, ...] = AMPLEMARKET_PAGES) -> Path:
    folder.mkdir()
    for name in pages:
        shutil.copy2(SEEDS / name, folder / name)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{name} no longer contains {old!r}: the test's edit needs updating"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _update(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    command = [str(root / ".venv/bin/python"), "-m", "generator", "update-spec", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, timeout=600, check=False)


def _tree(root: Path, *folders: str) -> dict[str, str]:
    """Every file under ``folders`` and its hash."""
    found = {}
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _places(old: Any, new: Any, at: str = "") -> Iterator[str]:
    """JSON pointers of the innermost places where two documents differ."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            yield from _places(old.get(key), new.get(key), f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            yield from _places(before, after, f"{at}/{index}")
    else:
        yield at


@dataclass
class Run:
    """One update-spec run in a scratch project, and what the project held before it."""

    root: Path
    done: subprocess.CompletedProcess[str]
    before: dict[str, str]
    specs: dict[str, Any]

    def changed_files(self, *folders: str) -> set[str]:
        before = {name: digest for name, digest in self.before.items() if name.startswith(folders)}
        return _changed(before, _tree(self.root, *folders))

    def places(self, relative: str) -> set[str]:
        """JSON pointers where a spec file now differs from what it was."""
        return set(_places(self.specs[relative], load_document(self.root / relative)))

    def generated(self) -> set[str]:
        return self.changed_files(PACKAGE) - {f"{PACKAGE}/manifest.json"}

    @property
    def changelog(self) -> str:
        return (self.root.parent / "changelog.md").read_text(encoding="utf-8")


Scenario = Callable[..., Run]


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    """Run update-spec on the seed pages with ``edits`` applied ((file, old text, new text) triples)."""

    def run(*edits: tuple[str, str, str], extra: tuple[str, ...] = ("--no-lint",)) -> Run:
        root = _scratch(_folder(tmp_path / "project"))
        before = _tree(root, "spec", "generated")
        specs = {name: load_document(root / name) for name in (UPSTREAM, CURATED)}
        docs = _docs(tmp_path / "docs")
        for name, old, new in edits:
            _edit(docs, name, old, new)
        done = _update(root, str(docs), "--changelog", str(tmp_path / "changelog.md"), *extra)
        return Run(root, done, before, specs)

    return run


# --------------------------------------------------------------------------- the fixed point


def test_unchanged_amplemarket_docs_change_nothing(scenario: Scenario) -> None:
    run = scenario(extra=())
    assert run.done.returncode == 0, run.done.stderr
    assert run.changed_files("spec", "generated") == set()
    assert "0 differences from spec/amplemarket/upstream.yaml" in run.done.stdout
    assert "## API changes: none" in run.changelog
    assert "### Fixes that no longer apply (0)" in run.done.stdout


def test_unchanged_apollo_page_changes_nothing(tmp_path: Path) -> None:
    root = _scratch(_folder(tmp_path / "project"))
    before = _tree(root, "spec", "generated")
    docs = _docs(tmp_path / "docs", (APOLLO_PAGE,))
    done = _update(root, str(docs), "--vendor", "apollo", "--no-lint")
    assert done.returncode == 0, done.stderr
    assert "0 differences from spec/apollo/upstream.yaml" in done.stdout
    assert _tree(root, "spec", "generated") == before


def test_drift_on_the_unchanged_docs_reports_nothing_unexplained() -> None:
    for vendor, pages in (("amplemarket", AMPLEMARKET_PAGES), ("apollo", (APOLLO_PAGE,))):
        sources = [str(SEEDS / name) for name in pages]
        command = [str(ROOT / ".venv/bin/python"), "-m", "generator", "drift", *sources, "--vendor", vendor]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        summaries = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("summary:")]
        assert len(summaries) == 2, done.stdout
        assert all(line.startswith("summary: no drift") for line in summaries), done.stdout


# --------------------------------------------------------------------------- each kind of edit, exactly


# A model's fields are also in the strict decoder (_fast.py), which changes with them.
FAST = f"{PACKAGE}/_fast.py"

PERSON_ROW = "| `headline`                     | string         | Headline of the Person                       |"


def test_a_field_added_to_a_guide_table(scenario: Scenario) -> None:
    run = scenario(
        ("000_c5f25da7a8faebb8.txt", PERSON_ROW, PERSON_ROW + "\n| `nickname` | string | Nickname of the Person |")
    )
    assert run.done.returncode == 0, run.done.stderr
    added = "/components/schemas/response_person_object/properties/nickname"
    assert run.places(UPSTREAM) == {added}
    assert run.places(CURATED) == {added}
    assert run.generated() == {f"{PACKAGE}/models/person.py", FAST}
    assert "nickname" in (run.root / PACKAGE / "models/person.py").read_text(encoding="utf-8")
    assert '"nickname"' in (run.root / FAST).read_text(encoding="utf-8")
    log = run.changelog
    assert "added field amplemarket_api.models.person.Person.nickname" in log
    assert "add field nickname to response_person_object" in log


EDUCATION_FIELD = "        field_of_study:\n          nullable: true\n          type: string\n"


def test_a_field_removed_from_a_schema_of_the_embedded_openapi(scenario: Scenario) -> None:
    run = scenario(("002_5cfbc9725c8692c3.txt", EDUCATION_FIELD, ""))
    assert run.done.returncode == 0, run.done.stderr
    gone = "/components/schemas/response_education_object/properties/field_of_study"
    # The fragment lists the field as required; its entry in the required list goes with it.
    assert run.places(UPSTREAM) == {gone, "/components/schemas/response_education_object/required"}
    assert gone in run.places(CURATED)
    assert run.generated() == {f"{PACKAGE}/models/education.py", FAST}
    log = run.changelog
    assert "removed field amplemarket_api.models.education.Education.field_of_study" in log
    assert "remove field field_of_study from response_education_object" in log


def test_a_field_added_to_a_schema_of_the_embedded_openapi(scenario: Scenario) -> None:
    school = "        school_name:\n          type: string\n"
    run = scenario(("002_5cfbc9725c8692c3.txt", school, school + "        school_country:\n          type: string\n"))
    assert run.done.returncode == 0, run.done.stderr
    added = "/components/schemas/response_education_object/properties/school_country"
    assert run.places(UPSTREAM) == {added}
    assert run.places(CURATED) == {added}
    assert run.generated() == {f"{PACKAGE}/models/education.py", FAST}
    assert "added field amplemarket_api.models.education.Education.school_country" in run.changelog


REVEAL_PHONE = "                reveal_phone_numbers:\n                  type: boolean\n"
BODY = "/paths/~1people~1enrichment-requests/post/requestBody/content/application~1json/schema/properties"


def test_a_request_property_added(scenario: Scenario) -> None:
    run = scenario(
        (
            "002_5cfbc9725c8692c3.txt",
            REVEAL_PHONE,
            REVEAL_PHONE + "                reveal_birthday:\n                  type: boolean\n",
        )
    )
    assert run.done.returncode == 0, run.done.stderr
    assert run.places(UPSTREAM) == {f"{BODY}/reveal_birthday"}
    assert run.places(CURATED) == {f"{BODY}/reveal_birthday"}
    assert run.generated() == {f"{PACKAGE}/models/start_batch_of_person_enrichments_request.py", FAST}
    log = run.changelog
    assert "reveal_birthday" in log
    assert "add request-body property reveal_birthday to POST /people/enrichment-requests" in log


def test_a_request_property_removed_from_every_page_that_documents_it(scenario: Scenario) -> None:
    explained = "Whether to reveal email addresses for the enriched people (consumes additional credits)"
    run = scenario(
        ("002_5cfbc9725c8692c3.txt", "                reveal_email:\n                  type: boolean\n", ""),
        ("000_c5f25da7a8faebb8.txt", f"| `reveal_email`         | boolean | No       | {explained} |\n", ""),
        ("001_b36bf10d9a022e7b.txt", f"reveal_emailbooleanNo{explained}\n", ""),
    )
    assert run.done.returncode == 0, run.done.stderr
    assert run.places(UPSTREAM) == {f"{BODY}/reveal_email"}
    assert f"{BODY}/reveal_email" in run.places(CURATED)
    log = run.changelog
    assert "remove request-body property reveal_email of POST /people/enrichment-requests" in log


def test_an_enum_value_added(scenario: Scenario) -> None:
    statuses = "            - not_found\n            - gdpr_removed\n"
    run = scenario(("002_5cfbc9725c8692c3.txt", statuses, statuses + "            - pending\n"))
    assert run.done.returncode == 0, run.done.stderr
    enum = "/components/schemas/response_person_enrichment_result_object/properties/status/enum"
    assert run.places(UPSTREAM) == {enum}
    assert (
        "pending"
        in load_document(run.root / UPSTREAM)["components"]["schemas"]["response_person_enrichment_result_object"][
            "properties"
        ]["status"]["enum"]
    )
    assert "add enum value 'pending' to status" in run.changelog


def test_an_enum_value_added_to_a_guide_table(scenario: Scenario) -> None:
    canceled = "`canceled`: The validation operation terminated due to being canceled | | `shared`"
    paused = canceled.replace(" | | `shared`", " | | | | `paused`: The list is on hold | | `shared`")
    run = scenario(("003_d50cae6f574d688e.txt", canceled, paused))
    assert run.done.returncode == 0, run.done.stderr
    enum = "/components/schemas/response_lead_list_object/properties/status/enum"
    assert run.places(UPSTREAM) == {enum}
    status = load_document(run.root / UPSTREAM)["components"]["schemas"]["response_lead_list_object"]["properties"]
    assert status["status"]["enum"] == ["queued", "processing", "completed", "canceled", "paused"]
    assert "add enum value 'paused' to status" in run.changelog


def test_a_type_changed_in_a_guide_table(scenario: Scenario) -> None:
    run = scenario(
        (
            "003_d50cae6f574d688e.txt",
            "| `catch_all` | boolean | Whether the domain",
            "| `catch_all` | string | Whether the domain",
        )
    )
    assert run.done.returncode == 0, run.done.stderr
    field = "/components/schemas/response_email_validation_result_object/properties/catch_all/type"
    assert run.places(UPSTREAM) == {field}
    assert field in run.places(CURATED)
    log = run.changelog
    assert "change the type of field catch_all of response_email_validation_result_object to string" in log
    assert "catch_all" in log


SAVED_SEARCHES = (
    "# List saved searches Source: https://docs.amplemarket.com/api-reference/searcher/list-saved-searches "
    "get /people/saved-searches List saved searches "
)


def test_an_endpoint_page_added_to_the_index(scenario: Scenario) -> None:
    anchor = "# Review phone number Source:"
    run = scenario(("003_d50cae6f574d688e.txt", anchor, SAVED_SEARCHES + anchor))
    assert run.done.returncode == 0, run.done.stderr
    assert run.places(UPSTREAM) == {"/paths/~1people~1saved-searches"}
    assert run.places(CURATED) == {"/paths/~1people~1saved-searches"}
    new_modules = run.generated()
    assert f"{PACKAGE}/api/searcher/list_saved_searches.py" in new_modules
    log = run.changelog
    assert "`GET /people/saved-searches`" in log
    assert "add operation GET /people/saved-searches" in log


DISPOSITIONS = (
    "# List dispositions Source: https://docs.amplemarket.com/api-reference/calls/get-call-dispositions "
    "get /calls/dispositions List dispositions "
)


def test_an_endpoint_page_removed_from_the_index(scenario: Scenario) -> None:
    run = scenario(("003_d50cae6f574d688e.txt", DISPOSITIONS, ""))
    assert run.done.returncode == 0, run.done.stderr
    removed = {
        "/paths/~1calls~1dispositions",
        "/components/schemas/response_call_disposition_object",
        "/components/schemas/response_call_dispositions_object",
    }
    assert run.places(UPSTREAM) == removed
    assert "/paths/~1calls~1dispositions" in run.places(CURATED)
    assert not (run.root / PACKAGE / "api/calls/get_call_dispositions.py").exists()
    log = run.changelog
    assert "path /calls/dispositions removed without being deprecated first" in log
    assert "removed function amplemarket_api.api.calls.get_call_dispositions.sync" in log
    assert "remove operation GET /calls/dispositions" in log


def test_a_field_removed_from_a_guide_table(scenario: Scenario) -> None:
    row = "| `_errors` | array of errors | Contains the errors if the operation fails |"
    run = scenario(("003_d50cae6f574d688e.txt", row + " ", ""))
    assert run.done.returncode == 0, run.done.stderr
    gone = "/components/schemas/response_email_validation_object/properties/_errors"
    assert run.places(UPSTREAM) == {gone}
    assert run.places(CURATED) == {gone}
    assert run.generated() == {f"{PACKAGE}/models/email_validation.py", FAST}
    log = run.changelog
    assert "removed field amplemarket_api.models.email_validation.EmailValidation.errors" in log
    assert "remove field _errors from response_email_validation_object" in log


def test_a_query_parameter_added_to_apollos_page(tmp_path: Path) -> None:
    root = _scratch(_folder(tmp_path / "project"))
    before = _tree(root, "spec", "generated")
    docs = _docs(tmp_path / "docs", (APOLLO_PAGE,))
    _edit(docs, APOLLO_PAGE, "\nResponses\n", "\nseniority\nstring\nOur words.\n\nExample: founder\n\nResponses\n")
    done = _update(root, str(docs), "--vendor", "apollo", "--no-lint", "--changelog", str(tmp_path / "log.md"))
    assert done.returncode == 0, done.stderr
    changed = _changed(before, _tree(root, "spec", "generated"))
    assert changed == {
        "spec/apollo/upstream.yaml",
        "spec/apollo/openapi.yaml",
        "generated/apollo_api/api/people_enrichment/people_match.py",
        "generated/apollo_api/manifest.json",
    }
    parameters = load_document(root / "spec/apollo/upstream.yaml")["paths"]["/api/v1/people/match"]["post"][
        "parameters"
    ]
    assert parameters[-1] == {"name": "seniority", "in": "query", "schema": {"type": "string"}}
    log = (tmp_path / "log.md").read_text(encoding="utf-8")
    assert "add query parameter seniority to POST /api/v1/people/match" in log
    assert "seniority" in (root / "generated/apollo_api/api/people_enrichment/people_match.py").read_text(
        encoding="utf-8"
    )


SEARCH_LIMIT = "| /people/search | 300/minute |"


def _client_limits(root: Path) -> str:
    """What a client built from the scratch project's packages (default settings) limits /people/search to."""
    code = (
        "from amplemarket import Amplemarket\n"
        "limiter = Amplemarket(api_key='test-key').rate_limiter\n"
        "print(limiter.routes['/people/search'].requests if limiter else 'no limiter')\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{root / 'overlays'}{os.pathsep}{root / 'generated'}"}
    done = subprocess.run(
        [str(root / ".venv/bin/python"), "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_lowered_rate_limit_lowers_what_the_client_sends(scenario: Scenario) -> None:
    run = scenario(("003_d50cae6f574d688e.txt", SEARCH_LIMIT, SEARCH_LIMIT.replace("300", "200")))
    assert run.done.returncode == 0, run.done.stderr
    requests = {"/info/x-rate-limit/~1people~1search/requests", "/paths/~1people~1search/post/x-rate-limit/requests"}
    assert run.places(UPSTREAM) == requests
    assert run.places(CURATED) == requests
    assert run.generated() == {f"{PACKAGE}/limits.py"}
    limits = (run.root / PACKAGE / "limits.py").read_text(encoding="utf-8")
    assert '"/people/search": RateLimit(requests=200, period_seconds=60)' in limits
    assert _client_limits(run.root) == "200"
    assert "set info.x-rate-limit./people/search to 200" in run.changelog


def test_a_changed_credit_cost_reaches_the_generated_table(scenario: Scenario) -> None:
    found = "* 0.5 email credits when a person is found, charged at most once per 24 hours * 1 email credit"
    run = scenario(("003_d50cae6f574d688e.txt", found, found.replace("0.5", "0.25", 1)))
    assert run.done.returncode == 0, run.done.stderr
    assert run.places(UPSTREAM) == {"/paths/~1people~1find/get/x-credit-cost/0/credits"}
    assert run.places(CURATED) == {"/paths/~1people~1find/get/x-credit-cost/0/credits"}
    assert run.generated() == {f"{PACKAGE}/limits.py"}
    assert "CreditCost(credits=0.25" in (run.root / PACKAGE / "limits.py").read_text(encoding="utf-8")
    assert "GET /people/find" in run.changelog


# --------------------------------------------------------------------------- safe to run


def test_a_partial_set_of_pages_warns_that_its_removals_come_from_those_pages_alone(tmp_path: Path) -> None:
    """Only the Markdown guide: fields other pages document (logo_url, from the flattened docs) look gone."""
    root = _scratch(_folder(tmp_path / "project"))
    docs = _docs(tmp_path / "docs", (AMPLEMARKET_PAGES[0],))
    done = _update(root, str(docs), "--no-lint", "--changelog", str(tmp_path / "log.md"))
    assert done.returncode == 0, done.stderr
    assert "note: these docs list no index of every operation" in done.stdout
    assert "remove field logo_url from response_person_object" in (tmp_path / "log.md").read_text(encoding="utf-8")


def test_a_failed_build_leaves_spec_and_generated_as_they_were(tmp_path: Path) -> None:
    """A docs edit lands in upstream.yaml, then the curated build fails: everything is put back."""
    root = _scratch(_folder(tmp_path / "project"))
    fixes_file = root / "spec/amplemarket/fixes.yaml"
    fixes_file.write_text(
        fixes_file.read_text(encoding="utf-8")
        + "  - x-id: broken\n    target: $.paths[\n    description: x\n    remove: true\n",
        encoding="utf-8",
    )
    before = _tree(root, "spec", "generated")
    docs = _docs(tmp_path / "docs")
    _edit(docs, "000_c5f25da7a8faebb8.txt", PERSON_ROW, PERSON_ROW + "\n| `nickname` | string | Nickname |")
    done = _update(root, str(docs), "--no-lint")
    assert done.returncode == 1
    assert done.stderr.startswith("error: the curated spec cannot be built")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert _tree(root, "spec", "generated") == before


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing-folder", "no such file or folder"),
        ("empty.txt", "nothing recognisable"),
        ("http://127.0.0.1:9/llms-full.txt", "http://127.0.0.1:9/llms-full.txt"),
    ],
)
def test_unreadable_docs_are_one_line_exit_2_and_change_nothing(tmp_path: Path, source: str, message: str) -> None:
    root = _scratch(_folder(tmp_path / "project"))
    (tmp_path / "empty.txt").write_text("Nothing about any API here.\n", encoding="utf-8")
    before = _tree(root, "spec", "generated")
    target = source if source.startswith("http") else str(tmp_path / source)
    done = _update(root, target, "--no-lint")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert _tree(root, "spec", "generated") == before
