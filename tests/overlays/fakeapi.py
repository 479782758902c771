"""A small scripted stand-in for the API, served through ``httpx.MockTransport``.

Routes are plain functions; tests add or replace them and queue faults.  Every request
is recorded (method, path, query, JSON body) so that tests can count what was sent.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

API_KEY = "sk-test-0123456789abcdef"
BASE = "https://api.amplemarket.com"

Handler = Callable[[httpx.Request, "FakeAPI"], httpx.Response]


@dataclass
class Sent:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: httpx.Headers

    @property
    def url(self) -> str:
        return self.path


def error_body(code: str, detail: str = "detail") -> dict[str, Any]:
    return {"_errors": [{"code": code, "title": code.replace("_", " ").title(), "detail": detail}], "object": "error"}


def person(index: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"p-{index}",
        "object": "person",
        "name": f"Person {index}",
        "linkedin_url": f"https://www.linkedin.com/in/person-{index}",
        **extra,
    }


@dataclass
class FakeAPI:
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    faults: deque[Callable[[httpx.Request], httpx.Response | None]] = field(default_factory=deque)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 1

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[(method.upper(), path)] = handler
            return handler

        return register

    def fail_next(self, *responses: httpx.Response | type[Exception] | Exception) -> None:
        """Answer the next requests with these responses (or raise these transport errors)."""
        for item in responses:

            def fault(request: httpx.Request, item: Any = item) -> httpx.Response | None:
                if isinstance(item, httpx.Response):
                    return item
                error = item("scripted failure", request=request) if isinstance(item, type) else item
                raise error

            self.faults.append(fault)

    def count(self, method: str, path: str) -> int:
        return sum(1 for s in self.sent if s.method == method and s.path == path)

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.sent.append(
            Sent(request.method, request.url.path, dict(_multi(request.url.params)), body, request.headers)
        )
        if self.faults:
            response = self.faults.popleft()(request)
            if response is not None:
                return response
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            for (method, pattern), candidate in self.routes.items():
                if method == request.method and _matches(pattern, request.url.path):
                    handler = candidate
                    break
        if handler is None:
            return httpx.Response(404, json=error_body("not_found", f"no route {request.method} {request.url.path}"))
        return handler(request, self)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def _multi(params: httpx.QueryParams) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in params.multi_items():
        found.setdefault(key, []).append(value)
    return found


def _matches(pattern: str, path: str) -> bool:
    left, right = pattern.strip("/").split("/"), path.strip("/").split("/")
    return len(left) == len(right) and all(a == b or a.startswith("{") for a, b in zip(left, right, strict=True))
