"""Bring the specs and the client in step with the vendors' live documentation, as a pull request.

The scheduled ``docs-update`` workflow (``.github/workflows/docs-update.yml``) runs this script;
a person can run it too: ``.venv/bin/python tools/docs_update.py [--vendor V] [--mirror URL]``.
For each vendor (every ``spec/<vendor>/docs-sources.txt``, or only ``--vendor``):

1. read the documentation URLs listed in ``spec/<vendor>/docs-sources.txt`` (one a line, ``#``
   comments); ``--mirror BASE_URL`` (or ``DOCS_MIRROR``) fetches each from BASE_URL instead,
   replacing its scheme and host, so the pages can be served from elsewhere (a test's loopback
   server);
2. run ``python -m generator update-spec URL... --vendor V --changelog FILE`` (what
   ``make update-spec`` runs): it brings ``spec/<vendor>/upstream.yaml`` up to date with the docs,
   rebuilds the curated spec, regenerates ``generated/<package>`` and writes the changelog; it is
   atomic and exits 1 when the new spec cannot be built, 2 when the docs cannot be read.

Then, when ``git status --porcelain -- spec generated`` shows changes, they are committed on the
branch ``docs-update/<vendor>`` (``docs-update/all`` for every vendor), force-pushed, and a pull
request against the branch that was checked out is opened with ``gh pr create`` (or the open one
is updated with ``gh pr edit``); its body is the changelogs, with the Python API impact.  When
nothing changed the script says the docs have not drifted.

Exit status: 0 when it ran (a pull request opened or updated, or no drift); 1 or 2 as update-spec
when an update failed, 2 on bad input (unknown vendor, bad mirror, uncommitted changes under spec/
or generated/), 3 when git or gh failed.  A failure is one line on standard error.  A failed
update changes nothing: spec/ and generated/ are put back as they were (an earlier vendor's
update too) and nothing is committed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TRACKED = ("spec", "generated")
BRANCH_PREFIX = "docs-update/"
MIRROR_ENV = "DOCS_MIRROR"
BODY_LIMIT = 65_536  # GitHub refuses a longer pull-request body
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
WHY = {1: "the new spec cannot be built", 2: "the documentation cannot be read"}


class Failure(Exception):
    """The run stops: ``message`` is the one line to print, ``status`` the exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Update:
    """One vendor's update-spec run: the URLs read, the changelog, and whether spec/ or generated/ changed."""

    vendor: str
    urls: list[str]
    changelog: str
    changed: bool


# --------------------------------------------------------------------------- sources


def vendors(root: Path = ROOT) -> list[str]:
    """The vendors whose spec lists its documentation sources."""
    return sorted(path.parent.name for path in (root / "spec").glob("*/docs-sources.txt"))


def documentation_sources(listing: Path) -> list[str]:
    """The sources in a ``docs-sources.txt``: one a line, blank lines and ``#`` comments skipped."""
    try:
        text = listing.read_text(encoding="utf-8")
    except OSError as exc:
        raise Failure(f"{listing}: {exc.strerror or exc}", 2) from None
    found = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    sources = [line for line in found if line]
    if not sources:
        raise Failure(f"{listing}: lists no documentation source", 2)
    return sources


def mirrored(source: str, mirror: str | None) -> str:
    """``source`` fetched from ``mirror``: its scheme and host replaced (a path in ``mirror`` is prepended)."""
    parts = urlsplit(source)
    if not mirror or parts.scheme.lower() not in {"http", "https"}:
        return source  # no mirror, or a local file or folder
    base = urlsplit(mirror)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, parts.fragment))


def _check_mirror(mirror: str | None) -> None:
    if mirror is None:
        return
    parts = urlsplit(mirror)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise Failure(f"--mirror {mirror!r}: not an http(s) URL with a host (http://127.0.0.1:8000)", 2)


# --------------------------------------------------------------------------- running the commands


def _run(command: list[str], *, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


def git(*args: str, root: Path = ROOT) -> str:
    """Run git in ``root``; its standard output, or :class:`Failure` naming the command."""
    done = _run(["git", *args], root=root)
    if done.returncode != 0:
        raise Failure(f"git {' '.join(args)} failed: {_last_line(done.stderr or done.stdout)}", 3)
    return done.stdout


def gh(*args: str, root: Path = ROOT) -> str:
    """Run the GitHub CLI in ``root``; its standard output, or :class:`Failure` naming the command."""
    try:
        done = _run(["gh", *args], root=root)
    except FileNotFoundError:
        raise Failure("gh (the GitHub CLI) is not installed", 3) from None
    if done.returncode != 0:
        raise Failure(f"gh {' '.join(args[:2])} failed: {_last_line(done.stderr or done.stdout)}", 3)
    return done.stdout


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _changes(root: Path) -> str:
    return git("status", "--porcelain", "--", *TRACKED, root=root)


def update(vendor: str, *, mirror: str | None, lint: bool, root: Path, scratch: Path) -> Update:
    """Run update-spec for ``vendor`` on its documentation sources; :class:`Failure` when it fails."""
    urls = [mirrored(source, mirror) for source in documentation_sources(root / "spec" / vendor / "docs-sources.txt")]
    changelog_file = scratch / f"{vendor}.md"
    before = _changes(root)
    command = [sys.executable, "-m", "generator", "update-spec", *urls, "--vendor", vendor]
    command += ["--changelog", str(changelog_file)]
    command += [] if lint else ["--no-lint"]
    print(f"{vendor}: update-spec on {len(urls)} documentation source(s)", flush=True)
    done = _run(command, root=root)
    sys.stdout.write(done.stdout)
    sys.stdout.flush()
    if done.returncode != 0:
        message = _last_line(done.stderr).removeprefix("error: ")
        if done.returncode not in WHY:
            sys.stderr.write(done.stderr)  # not the one-line error of the interface: show all of it
        why = WHY.get(done.returncode, f"update-spec exited with status {done.returncode}")
        raise Failure(f"{vendor}: {why}: {message}", done.returncode if done.returncode in WHY else 1)
    text = changelog_file.read_text(encoding="utf-8") if changelog_file.exists() else done.stdout
    return Update(vendor, urls, text, changed=_changes(root) != before)


def _restore(root: Path) -> None:
    """Put spec/ and generated/ back as committed (they were clean when the run started)."""
    git("restore", "--source=HEAD", "--staged", "--worktree", "--", *TRACKED, root=root)
    git("clean", "-fdq", "--", *TRACKED, root=root)


# --------------------------------------------------------------------------- the pull request


def title(updates: list[Update]) -> str:
    changed = ", ".join(u.vendor for u in updates if u.changed)
    return f"Update the specs and client to the vendor documentation ({changed})"


def body(updates: list[Update]) -> str:
    """The pull request's body: what happened, then each changed vendor's changelog."""
    changed = [u for u in updates if u.changed]
    unchanged = [u.vendor for u in updates if not u.changed]
    parts = [
        "The vendor documentation has drifted from what the specs were built from. `tools/docs_update.py` "
        "(the scheduled `docs-update` workflow) re-read it, brought `spec/<vendor>/upstream.yaml` up to date, "
        "rebuilt the curated spec and regenerated `generated/`, as `make update-spec` does.\n\n"
        "Review the changes (a breaking one is marked **ERR**); merge, or curate a change the docs got wrong "
        "with a fix in `spec/<vendor>/fixes.yaml` and run `make spec generate`.\n"
    ]
    if unchanged:
        parts.append(f"No drift for: {', '.join(unchanged)}.\n")
    for each in changed:
        sources = "".join(f"- {url}\n" for url in each.urls)
        parts.append(f"# {each.vendor}\n\nRead from:\n\n{sources}\n{each.changelog.strip()}\n")
    text = "\n".join(parts)
    if len(text) > BODY_LIMIT:
        note = "\n\n**The changelog is cut short here**: run `make update-spec` to see all of it.\n"
        text = text[: BODY_LIMIT - len(note) - 1000] + note
    return text


def _commit_identity(root: Path) -> list[str]:
    """``-c user.name=… -c user.email=…`` when git has no identity of its own (a fresh CI runner)."""
    if os.environ.get("GIT_AUTHOR_EMAIL") or _run(["git", "config", "user.email"], root=root).stdout.strip():
        return []
    return ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]


def publish(updates: list[Update], *, branch: str, base: str, remote: str, root: Path, scratch: Path) -> None:
    """Commit spec/ and generated/ on ``branch``, force-push it, and open or update its pull request."""
    subject = title(updates)
    git("checkout", "-B", branch, root=root)
    git("add", "-A", "--", *TRACKED, root=root)
    message = f"{subject}\n\nMade by tools/docs_update.py from the documentation listed in spec/*/docs-sources.txt."
    git(*_commit_identity(root), "commit", "--quiet", "--no-verify", "-m", message, root=root)
    git("push", "--force", "--quiet", remote, f"HEAD:refs/heads/{branch}", root=root)
    print(f"pushed {branch} to {remote}", flush=True)
    body_file = scratch / "pull-request.md"
    body_file.write_text(body(updates), encoding="utf-8")
    found = gh(
        "pr",
        "list",
        "--head",
        branch,
        "--base",
        base,
        "--state",
        "open",
        "--json",
        "number",
        "--jq",
        ".[].number",
        root=root,
    )
    numbers = found.split()
    if numbers:
        gh("pr", "edit", numbers[0], "--title", subject, "--body-file", str(body_file), root=root)
        print(f"updated pull request #{numbers[0]}", flush=True)
    else:
        url = gh(
            "pr",
            "create",
            "--base",
            base,
            "--head",
            branch,
            "--title",
            subject,
            "--body-file",
            str(body_file),
            root=root,
        )
        print(f"opened a pull request: {url.strip() or '(gh printed no address)'}", flush=True)


def _summary(text: str) -> None:
    """Add ``text`` to the GitHub Actions job summary, when there is one."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(text + "\n")


# --------------------------------------------------------------------------- main


def run(args: argparse.Namespace, root: Path = ROOT) -> int:
    known = vendors(root)
    if args.vendor != "all" and args.vendor not in known:
        raise Failure(f"--vendor {args.vendor}: no spec/{args.vendor}/docs-sources.txt (known: {', '.join(known)})", 2)
    chosen = known if args.vendor == "all" else [args.vendor]
    _check_mirror(args.mirror)
    dirty = _changes(root)
    if dirty:
        first = dirty.splitlines()[0].strip()
        raise Failure(f"spec/ or generated/ has uncommitted changes ({first}, ...): commit or discard them first", 2)
    base = args.base or _run(["git", "symbolic-ref", "--quiet", "--short", "HEAD"], root=root).stdout.strip()
    if not base:
        raise Failure("HEAD is not on a branch: pass --base BRANCH for the pull request", 2)
    branch = BRANCH_PREFIX + args.vendor
    with tempfile.TemporaryDirectory(prefix="docs-update-") as tmp:
        updates: list[Update] = []
        try:
            for vendor in chosen:
                updates.append(update(vendor, mirror=args.mirror, lint=args.lint, root=root, scratch=Path(tmp)))
        except Failure:
            _restore(root)  # an earlier vendor's update is not committed alone
            raise
        if not _changes(root):
            message = f"the docs have not drifted: nothing under spec/ or generated/ changed ({', '.join(chosen)})"
            print(message)
            _summary(message)
            return 0
        publish(updates, branch=branch, base=base, remote=args.remote, root=root, scratch=Path(tmp))
        _summary(body(updates))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/docs_update.py",
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
    )
    parser.add_argument("--vendor", default="all", help="one vendor (default: all, every spec/*/docs-sources.txt)")
    parser.add_argument(
        "--mirror",
        default=os.environ.get(MIRROR_ENV) or None,
        metavar="BASE_URL",
        help=f"fetch every documentation URL from BASE_URL instead of its own host (default: ${MIRROR_ENV})",
    )
    parser.add_argument("--base", help="the pull request's base branch (default: the branch checked out)")
    parser.add_argument("--remote", default="origin", help="the git remote to push the branch to (default: origin)")
    parser.add_argument("--no-lint", dest="lint", action="store_false", help="pass --no-lint to update-spec")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except Failure as exc:
        line = "docs-update: " + " ".join(str(exc).split())
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(f"::error title=docs-update::{line}", flush=True)
        print(line, file=sys.stderr)
        return exc.status


if __name__ == "__main__":
    sys.exit(main())
