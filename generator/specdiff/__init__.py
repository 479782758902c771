"""``python -m generator diff OLD NEW``: classify every change between two OpenAPI documents.

``diff_specs`` loads nothing itself; ``load_spec`` reads a file or a git ref.
The rules live in ``rules/`` (one module per family) and are listed in
``registry.RULES``.
"""

from __future__ import annotations

from .engine import Change, Differ
from .loader import Spec, SpecError, load_spec, load_spec_text
from .registry import LEVELS, RULES, Rule
from .rules import components, endpoints, parameters, request_body, responses, security, webhooks

__all__ = ["LEVELS", "RULES", "Change", "Rule", "Spec", "SpecError", "diff_specs", "load_spec", "load_spec_text"]


def diff_specs(old: Spec, new: Spec) -> list[Change]:
    """Every change from ``old`` to ``new``, most severe first."""
    differ = Differ(old, new)
    components.check(differ)
    security.check_api(differ)
    old_ops, new_ops = differ.operations("old"), differ.operations("new")
    endpoints.check_presence(differ, old_ops, new_ops)
    webhooks.check(differ)
    for key, new_op in new_ops.items():
        old_op = old_ops.get(key)
        if old_op is None:
            continue
        endpoints.check_operation(differ, old_op, new_op)
        security.check(differ, old_op, new_op)
        parameters.check(differ, old_op, new_op)
        request_body.check(differ, old_op, new_op)
        responses.check(differ, old_op, new_op)
    return differ.sorted_changes()
