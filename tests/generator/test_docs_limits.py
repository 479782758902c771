"""Limits and credit costs read from the vendor's real pages, compared with a spec, and generated as constants."""

from __future__ import annotations

import copy
import importlib
import re
import shutil
import sys
import types
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator._yamlio import load_document
from generator.docs import DocSet, load_docs
from generator.docs._limits import (
    LIMIT_FINDING_KINDS,
    CreditCost,
    RateLimit,
    UsageLimit,
    compare_limits,
    read_limits,
)
from generator.docs.edits import Edit, apply_edits
from generator.limits_module import limits_source
from generator.packaging import GenerationError
from generator.vendors import VENDORS, get_vendor

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
FLAT = "003_d50cae6f574d688e.txt"  # the whole docs on one line
FRAGMENT = "002_5cfbc9725c8692c3.txt"  # the enrichment-request reference page, with newlines
INTRODUCTION = "https://docs.amplemarket.com/api-reference/introduction"
FIND_PAGE = "https://docs.amplemarket.com/api-reference/people-enrichment/single-person-enrichment"


PERSON_COSTS = (
    CreditCost(0.5, "email", "person_found", once_per_seconds=86_400),
    CreditCost(1, "email", "email_revealed", once=True),
    CreditCost(1, "phone", "phone_number_revealed", once=True),
)


@cache
def _seed_docs() -> DocSet:
    return load_docs(str(SEEDS))


@cache
def _upstream() -> dict[str, Any]:
    document: dict[str, Any] = load_document(get_vendor("amplemarket").upstream)
    return document


def _drifted(tmp_path: Path, old: str, new: str, name: str = FLAT) -> DocSet:
    """The seed folder with one edit made to one page (``old`` must occur exactly once)."""
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    page = folder / name
    page.chmod(0o644)
    text = page.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    page.write_text(text.replace(old, new), encoding="utf-8")
    return load_docs(str(folder))


def _patch(edits: tuple[Edit, ...]) -> list[tuple[str, str, Any]]:
    return [(edit.op, edit.pointer, edit.value) for edit in edits]


# --------------------------------------------------------------------------- reading


def test_the_limits_page_gives_the_default_and_per_endpoint_rate_limits_and_the_usage_limits() -> None:
    limits = read_limits(_seed_docs())
    assert limits.rate_limits == {
        "default": RateLimit(500, 60),
        "/people/search": RateLimit(300, 60),
        "/people/find": RateLimit(350, 60),
    }
    assert limits.usage_limits == {
        "Max Email Validations": UsageLimit(100_000, per="request"),
        "Email Validations": UsageLimit(15_000, period_seconds=3_600),
    }
    assert limits.limits_page == INTRODUCTION
    assert limits.notes == []


def test_credit_costs_are_read_per_operation_from_lists_and_sentences() -> None:
    limits = read_limits(_seed_docs())
    assert limits.credit_costs == {
        ("get", "/people/find"): PERSON_COSTS,  # the index entry of the flattened docs
        ("post", "/people/enrichment-requests"): PERSON_COSTS,  # the <Check> block above the fragment
        ("post", "/email-validations"): (CreditCost(1, "email", "each_email"),),  # "For each email ..."
    }
    assert limits.credit_pages[("get", "/people/find")] == FIND_PAGE
    assert limits.credit_pages[("post", "/people/enrichment-requests")] == FRAGMENT


def test_the_structured_form_is_what_upstream_holds() -> None:
    limits = read_limits(_seed_docs())
    upstream = _upstream()
    info = limits.info_extensions()
    assert info == {key: upstream["info"][key] for key in ("x-rate-limit", "x-usage-limits")}
    for path, method in [("/people/search", "post"), ("/people/find", "get"), ("/people/enrichment-requests", "post")]:
        documented = limits.operation_extensions(method, path)
        assert documented == {key: upstream["paths"][path][method][key] for key in documented}
    assert limits.operation_extensions("get", "/people/find")["x-credit-cost"][0] == {
        "credits": 0.5,
        "credit_type": "email",
        "event": "person_found",
        "once_per_seconds": 86_400,
    }


def _with_newlines(text: str) -> str:
    """The flattened page laid out as Markdown again: headings, table rows and bullets on lines of their own."""
    text = re.sub(r" (#{1,6} )", r"\n\n\1", text)
    text = text.replace(" | | ", " |\n| ")
    return re.sub(r" ([*] )(?=\d)", r"\n\1", text)


def test_the_collapsed_and_the_newline_forms_read_alike(tmp_path: Path) -> None:
    flat = (SEEDS / FLAT).read_text(encoding="utf-8")
    fragment = (SEEDS / FRAGMENT).read_text(encoding="utf-8")
    (tmp_path / "lines").mkdir()
    (tmp_path / "lines" / FLAT).write_text(_with_newlines(flat), encoding="utf-8")
    (tmp_path / "lines" / FRAGMENT).write_text(fragment, encoding="utf-8")
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / FLAT).write_text(flat, encoding="utf-8")
    (tmp_path / "flat" / FRAGMENT).write_text(re.sub(r"\s+", " ", fragment), encoding="utf-8")
    lines, collapsed = read_limits(load_docs(str(tmp_path / "lines"))), read_limits(load_docs(str(tmp_path / "flat")))
    assert "\n| /people/find | 350/minute |" in (tmp_path / "lines" / FLAT).read_text(encoding="utf-8")
    for limits in (lines, collapsed):
        assert limits.rate_limits == read_limits(_seed_docs()).rate_limits
        assert limits.usage_limits == read_limits(_seed_docs()).usage_limits
        assert limits.costs_of("get", "/people/find") == PERSON_COSTS
        assert limits.costs_of("post", "/people/enrichment-requests") == PERSON_COSTS
        assert limits.costs_of("post", "/email-validations") == (CreditCost(1, "email", "each_email"),)


# --------------------------------------------------------------------------- comparing


def test_unchanged_docs_give_no_finding_against_upstream_or_the_curated_spec() -> None:
    assert compare_limits(_seed_docs(), _upstream(), "upstream.yaml") == []
    curated = load_document(get_vendor("amplemarket").curated)
    assert compare_limits(_seed_docs(), curated, "openapi.yaml") == []


def test_a_lower_rate_limit_is_one_finding_whose_edits_lower_it_in_the_spec(tmp_path: Path) -> None:
    docs = _drifted(tmp_path, "| /people/search | 300/minute |", "| /people/search | 200/minute |")
    [finding] = compare_limits(docs, _upstream(), "upstream.yaml")
    assert (finding.kind, finding.operation, finding.page) == (
        "rate-limit-mismatch",
        "POST /people/search",
        INTRODUCTION,
    )
    lowered = {"requests": 200, "period_seconds": 60}
    assert _patch(finding.edits) == [
        ("replace", "/info/x-rate-limit/~1people~1search", lowered),
        ("replace", "/paths/~1people~1search/post/x-rate-limit", lowered),
    ]
    assert "200 requests per minute" in finding.message
    assert compare_limits(docs, apply_edits(_upstream(), finding.edits), "upstream.yaml") == []


def test_a_changed_credit_cost_is_one_finding_that_replaces_that_cost(tmp_path: Path) -> None:
    docs = _drifted(
        tmp_path, "* 0.5 email credits when a person is found", "* 0.25 email credits when a person is found"
    )
    [finding] = compare_limits(docs, _upstream(), "upstream.yaml")
    assert (finding.kind, finding.operation, finding.page) == ("credit-cost-mismatch", "GET /people/find", FIND_PAGE)
    assert _patch(finding.edits) == [
        (
            "replace",
            "/paths/~1people~1find/get/x-credit-cost/0",
            {"credits": 0.25, "credit_type": "email", "event": "person_found", "once_per_seconds": 86_400},
        )
    ]
    assert compare_limits(docs, apply_edits(_upstream(), finding.edits), "upstream.yaml") == []


# Each edit of the flattened docs and the one finding it causes: (kind, operation or None).
CASES: dict[str, tuple[str, str, str | None]] = {
    "rate-limit-mismatch": ("| 350/minute |", "| 35/minute |", "GET /people/find"),
    "rate-limit-missing-from-spec": (
        "| /people/find | 350/minute |",
        "| /people/find | 350/minute | | /companies/find | 100/minute |",
        "GET /companies/find",
    ),
    "rate-limit-no-longer-documented": ("| /people/find | 350/minute |", "", "GET /people/find"),
    "usage-limit-mismatch": ("| 15000/hour |", "| 12000/hour |", None),
    "usage-limit-missing-from-spec": (
        "| Email Validations | 15000/hour |",
        "| Email Validations | 15000/hour | | Lead List Leads | 10k/request |",
        None,
    ),
    "usage-limit-no-longer-documented": ("| Email Validations | 15000/hour |", "", None),
    "credit-cost-mismatch": (
        "only charged once * 1 phone credit",
        "only charged once * 2 phone credit",
        "GET /people/find",
    ),
    "credit-cost-missing-from-spec": (
        "only charged once # Review phone number",
        "only charged once * 1 email credit when a company is found, only charged once # Review phone number",
        "GET /people/find",
    ),
    "credit-cost-no-longer-documented": (
        "* 1 phone credit when a phone number is revealed, only charged once # Review",
        "# Review",
        "GET /people/find",
    ),
}


def test_every_finding_kind_has_a_meaning_and_a_case() -> None:
    assert set(CASES) == set(LIMIT_FINDING_KINDS)
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)+", kind) for kind in LIMIT_FINDING_KINDS)
    assert all(meaning.strip() for meaning in LIMIT_FINDING_KINDS.values())


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_edit_of_the_docs_is_one_finding_whose_edits_make_the_spec_agree(kind: str, tmp_path: Path) -> None:
    old, new, operation = CASES[kind]
    docs = _drifted(tmp_path, old, new)
    [finding] = compare_limits(docs, _upstream(), "upstream.yaml")
    assert (finding.kind, finding.operation) == (kind, operation)
    assert finding.message
    assert finding.edits
    assert all(edit.summary for edit in finding.edits)
    assert compare_limits(docs, apply_edits(_upstream(), finding.edits), "upstream.yaml") == []


def test_docs_without_the_limits_page_or_a_credit_list_say_nothing_about_them(tmp_path: Path) -> None:
    for name in ("000_c5f25da7a8faebb8.txt", "001_b36bf10d9a022e7b.txt"):
        shutil.copy(SEEDS / name, tmp_path / name)
    docs = load_docs(str(tmp_path))
    assert not read_limits(docs).documents_limits
    assert not read_limits(docs).documents_credit_costs
    assert compare_limits(docs, _upstream(), "upstream.yaml") == []
    shutil.copy(SEEDS / FRAGMENT, tmp_path / FRAGMENT)  # one credit list, for one operation
    assert compare_limits(load_docs(str(tmp_path)), _upstream(), "upstream.yaml") == []


def test_a_spec_with_prose_limits_gets_the_structured_form(tmp_path: Path) -> None:
    spec = copy.deepcopy(_upstream())
    spec["info"]["x-rate-limit"] = "500 requests per minute"
    spec["paths"]["/people/find"]["get"]["x-credit-cost"] = "0.5 email credits per person"
    del spec["info"]["x-usage-limits"]
    findings = compare_limits(_seed_docs(), spec, "spec.yaml")
    assert {f.kind for f in findings} == {
        "rate-limit-mismatch",
        "usage-limit-missing-from-spec",
        "credit-cost-mismatch",
    }
    edits = [edit for finding in findings for edit in finding.edits]
    assert compare_limits(_seed_docs(), apply_edits(spec, edits), "spec.yaml") == []


# --------------------------------------------------------------------------- the generated constants


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_the_generated_limits_module_holds_the_curated_spec_numbers(name: str) -> None:
    vendor = VENDORS[name]
    document = load_document(vendor.curated)
    module = importlib.import_module(f"{vendor.package}.limits")
    info = document["info"]
    assert {k: {"requests": v.requests, "period_seconds": v.period_seconds} for k, v in module.RATE_LIMITS.items()} == (
        info.get("x-rate-limit", {})
    )
    usage = {key: {k: v for k, v in vars(value).items() if v is not None} for key, value in module.USAGE_LIMITS.items()}
    assert usage == info.get("x-usage-limits", {})
    costs = {
        (method.lower(), path): [
            {k: v for k, v in vars(cost).items() if v is not None and v is not False} for cost in listed
        ]
        for (method, path), listed in module.CREDIT_COSTS.items()
    }
    documented = {
        (method, path): operation["x-credit-cost"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "x-credit-cost" in operation
    }
    assert costs == documented


def test_the_amplemarket_module_has_every_documented_number() -> None:
    from amplemarket_api import limits

    assert limits.RATE_LIMITS["/people/search"] == limits.RateLimit(requests=300, period_seconds=60)
    assert limits.USAGE_LIMITS["Max Email Validations"] == limits.UsageLimit(limit=100_000, per="request")
    assert [cost.credits for cost in limits.CREDIT_COSTS[("GET", "/people/find")]] == [0.5, 1, 1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["info"].__setitem__("x-rate-limit", {"default": "500 per minute"}), "info.x-rate-limit.default"),
        (lambda d: d["info"]["x-usage-limits"]["Email Validations"].pop("period_seconds"), "Email Validations"),
        (
            lambda d: d["paths"]["/people/find"]["get"].__setitem__("x-credit-cost", "0.5 per person"),
            "paths./people/find.get.x-credit-cost",
        ),
        (
            lambda d: d["paths"]["/people/find"]["get"]["x-rate-limit"].__setitem__("requests", 1),
            "disagrees with info.x-rate-limit./people/find",
        ),
    ],
)
def test_limits_in_another_shape_stop_generation_naming_the_place(change: Any, message: str) -> None:
    document = copy.deepcopy(load_document(get_vendor("amplemarket").curated))
    change(document)
    with pytest.raises(GenerationError, match=re.escape(message)):
        limits_source(document, "spec.yaml")


def test_a_spec_without_limits_gives_empty_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    source = limits_source({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}, "spec.yaml")
    module = types.ModuleType("empty_limits")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # dataclasses look their module up
    exec(compile(source, "limits.py", "exec"), module.__dict__)  # noqa: S102 - our own generated source
    assert (dict(module.RATE_LIMITS), dict(module.USAGE_LIMITS), dict(module.CREDIT_COSTS)) == ({}, {}, {})
