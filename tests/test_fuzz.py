"""``tools/fuzz.py`` (``make fuzz``): schemathesis against a simulator, on a tiny budget.

Each run is restricted to one operation and one phase so the file stays fast; the full run is
``make fuzz``. The runs against a simulator made to misbehave show the fuzz step can fail.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from amplemarket.testing import Simulator as AmplemarketSimulator
from apicore.simulation import Reply
from apollo.testing import Simulator as ApolloSimulator

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_tools_{name}", ROOT / "tools" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load("fuzz")
hooks = _load("fuzz_hooks")


def _run(vendor: str, simulator: Any, operation_id: str, *, phases: tuple[str, ...] = ("fuzzing",)) -> Any:
    return fuzz.fuzz(
        vendor,
        simulator=simulator,
        max_examples=5,
        phases=phases,
        extra=["--include-operation-id", operation_id, "--no-shrink"],
        timeout=120,
    )


def _codes(outcome: Any) -> set[str]:
    assert outcome.report is not None, "schemathesis wrote no report"
    return {failure["code"] for failure in outcome.report["failures"]}


class OffSpecAccount(AmplemarketSimulator):
    """Answers GET /account-info with a body the spec does not allow."""

    def _op_account_info(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return Reply(200, {"account": "not an object", "users": 3})


class AlwaysUnprocessable(ApolloSimulator):
    """Rejects every people/match request with 422, the rule-based rejection's status."""

    def _op_people_match(self, params: dict[str, str], query: dict[str, list[str]], body: Any) -> Reply:
        return Reply(422, {"error": "webhook_url is required when reveal_phone_number is true"})


def test_the_simulator_passes_on_one_operation() -> None:
    outcome = _run("amplemarket", fuzz.make_simulator("amplemarket"), "account_info")
    assert outcome.passed, outcome.summary()
    assert outcome.report["operations"]["tested"] == 1
    assert outcome.report["test_cases"]["generated"] > 0


def test_an_off_spec_answer_fails_the_run() -> None:
    outcome = _run("amplemarket", OffSpecAccount(rate_limits=False), "account_info")
    assert outcome.status == 1, outcome.summary()
    assert "ST108" in _codes(outcome), outcome.summary()  # Response violates schema
    assert "FAILED" in outcome.summary()


def test_a_422_to_a_request_that_keeps_the_rules_still_fails() -> None:
    # The hook may drop a 422 only when the request breaks the documented x-requires rule; the
    # coverage phase also sends requests that keep it, and those 422s must be reported.
    outcome = _run("apollo", AlwaysUnprocessable(rate_limits=False), "people_match", phases=("coverage",))
    assert outcome.status == 1, outcome.summary()
    assert "ST202" in _codes(outcome), outcome.summary()  # Schema-valid request rejected


@pytest.mark.parametrize(
    ("query", "breaks"),
    [
        ({"reveal_phone_number": True}, True),
        ({"reveal_phone_number": "true", "webhook_url": ""}, True),
        ({"reveal_phone_number": ["true"]}, True),
        ({"reveal_phone_number": True, "webhook_url": "https://example.com/hook"}, False),
        ({"reveal_phone_number": False}, False),
        ({}, False),
        (None, False),
    ],
)
def test_the_x_requires_rule(query: dict[str, Any] | None, breaks: bool) -> None:
    operation = {"x-requires": [{"parameter": "webhook_url", "when": {"reveal_phone_number": True}}]}
    assert hooks.breaks_documented_requirement(operation, query) is breaks
    assert hooks.breaks_documented_requirement({}, query) is False


def test_the_key_is_sent_as_each_spec_says() -> None:
    bearer = {"security": [{"b": []}], "components": {"securitySchemes": {"b": {"type": "http", "scheme": "bearer"}}}}
    header = {
        "security": [{"k": []}],
        "components": {"securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
    }
    assert fuzz.auth_header(bearer, "s3") == ("Authorization", "Bearer s3")
    assert fuzz.auth_header(header, "s3") == ("X-Api-Key", "s3")
    with pytest.raises(ValueError, match="security"):
        fuzz.auth_header({}, "s3")


@pytest.mark.parametrize(
    ("body", "blames"),
    [
        ({"_errors": [{"code": "unsupported_value", "source": {"pointer": ""}}]}, True),
        ({"_errors": [{"code": "missing_field", "source": {"parameter": "id"}}]}, True),
        (
            {"_errors": [{"code": "unsupported_value", "detail": "Only manual tasks."}]},
            False,
        ),
        ({"validation_errors": [{"error_code": "invalid_sequence_status"}]}, False),
        (None, False),
        ("oops", False),
    ],
)
def test_a_state_rejection_is_one_that_points_at_nothing_in_the_request(body: Any, blames: bool) -> None:
    assert hooks.blames_the_request(body) is blames
