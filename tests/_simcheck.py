"""A wrapper that holds every reply of a simulator (any vendor's) against that simulator's curated spec."""

from __future__ import annotations

import json
from collections.abc import Mapping

from apicore.simulation import Reply, SimulatorBase


class ReplyChecker:
    """Wraps ``sim.handle``: every reply it gives is checked with ``sim.contract.check_response``.

    ``answers`` lists ``(operation id or path, status)`` per reply; ``problems`` every mismatch
    (a dropped connection counts as one).
    """

    def __init__(self, sim: SimulatorBase) -> None:
        self.sim = sim
        self.problems: list[str] = []
        self.answers: list[tuple[str, int]] = []
        self._handle = sim.handle
        sim.handle = self.handle  # type: ignore[method-assign]

    @property
    def checked(self) -> int:
        return len(self.answers)

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
    ) -> Reply:
        reply = self._handle(method, path, query, headers, body)
        found = self.sim.contract.match(method, path)
        self.answers.append((found[0].operation_id if found else path, reply.status))
        if reply.drop:
            self.problems.append(f"{method} {path}: the connection was dropped")
            return reply
        content = b"" if reply.body is None else json.dumps(reply.body).encode()
        for problem in self.sim.contract.check_response(method, path, reply.status, content, reply.headers):
            self.problems.append(f"{method} {path} -> {reply.status}: {problem}")
        return reply
