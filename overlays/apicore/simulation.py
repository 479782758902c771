"""The vendor-neutral half of a local API simulator: time, faults, the request log, rate-limit
windows, spec-validated dispatch to ``_op_<operationId>`` handlers, and the transports
(in-process httpx, sync and async, or an HTTP server on loopback).

A vendor's simulator subclasses ``SimulatorBase`` and supplies what differs: how a request
is authenticated (``authorized``), what its error bodies look like (``error``), how an
invalid request is answered (``invalid``), and one handler per operation.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml

from .contract import Contract, Problem

__all__ = ["Faults", "LoggedRequest", "Reply", "SimulatorBase", "make_server", "packaged_spec"]

MINUTE = 60.0


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without an answer
    delay: float = 0.0  # real seconds to wait before answering


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    at: float  # simulated time


ErrorFactory = Callable[..., Reply]


@dataclass
class Faults:
    """Queued misbehaviour: each call adds faults that the next requests meet, in order."""

    error: ErrorFactory
    pending: deque[Reply] = field(default_factory=deque)

    def rate_limit_burst(self, count: int, retry_after: int = 1) -> None:
        """The next ``count`` requests get 429 with ``Retry-After``."""
        for _ in range(count):
            self.pending.append(
                self.error(429, "too_many_requests", "Rate limit exceeded", {"Retry-After": str(retry_after)})
            )

    def server_errors(self, count: int, status: int = 500) -> None:
        for _ in range(count):
            self.pending.append(self.error(status, "internal_server_error", "Something went wrong."))

    def drop_connections(self, count: int) -> None:
        for _ in range(count):
            self.pending.append(Reply(0, drop=True))

    def slow_responses(self, count: int, seconds: float) -> None:
        for _ in range(count):
            self.pending.append(Reply(0, delay=seconds))


class _JSONLoader(yaml.SafeLoader):
    """Scalars as JSON would read them: timestamps stay strings."""


_JSONLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def packaged_spec(package: str, vendor: str) -> dict[str, Any]:
    """The curated spec a vendor's simulator validates against.

    Installed packages carry it as ``<package>/openapi.yaml`` (pyproject's force-include);
    in a checkout it is read from ``spec/<vendor>/openapi.yaml``.
    """
    packaged = resources.files(package).joinpath("openapi.yaml")
    if packaged.is_file():
        text = packaged.read_text(encoding="utf-8")
    else:
        found = (parent / "spec" / vendor / "openapi.yaml" for parent in Path(__file__).resolve().parents)
        path = next((candidate for candidate in found if candidate.is_file()), None)
        if path is None:
            raise FileNotFoundError(f"the curated {vendor} spec (openapi.yaml) is neither packaged nor in a checkout")
        text = path.read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.load(text, Loader=_JSONLoader)  # noqa: S506 - a SafeLoader
    return document


class SimulatorBase:
    """Answers requests for one API; subclasses add the vendor's rules and operation handlers."""

    #: Requests per simulated minute: "*" for the account as a whole, then per route template.
    default_limits: ClassVar[Mapping[str, int]] = {}

    def __init__(
        self,
        spec: dict[str, Any],
        *,
        api_key: str,
        auth_headers: Callable[[str], dict[str, str]],
        time_scale: float = 1.0,
        rate_limits: bool = True,
        limits: Mapping[str, int] | None = None,
        validate: bool = True,
        server_errors: int = 0,
    ) -> None:
        self.api_key = api_key
        self._credentials = {name.lower(): value for name, value in auth_headers(api_key).items()}
        self.time_scale = time_scale
        self.rate_limits = rate_limits
        self.validate = validate
        self.contract = Contract(spec)
        self.limits = {**self.default_limits, **(limits or {})}
        self.log: list[LoggedRequest] = []
        self.faults = self.make_faults()
        self._lock = threading.RLock()
        self._started = time.monotonic()
        self._offset = 0.0
        self._windows: dict[str, deque[float]] = {}
        self.faults.server_errors(server_errors)

    # ------------------------------------------------------------------ what a vendor supplies
    def make_faults(self) -> Faults:
        return Faults(self.error)

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries the key the way the vendor's client sends it (lower-case names)."""
        return all(headers.get(name) == value for name, value in self._credentials.items())

    def error_body(self, status: int, code: str, detail: str, source: Mapping[str, str] | None) -> Any:
        """The JSON body of an error answer, in the vendor's shape."""
        raise NotImplementedError

    def error(
        self,
        status: int,
        code: str,
        detail: str,
        headers: dict[str, str] | None = None,
        *,
        source: Mapping[str, str] | None = None,
    ) -> Reply:
        return Reply(status, self.error_body(status, code, detail, source), headers or {})

    def invalid(self, problems: list[Problem]) -> Reply:
        """The answer to a request that breaks the spec (the first problem decides the code)."""
        first = problems[0]
        code = "missing_field" if "required" in first.message else "unsupported_value"
        return self.error(400, code, "; ".join(str(p) for p in problems[:5]), source=first.source())

    def rate_limited(self, limit: int, retry_after: int) -> Reply:
        return self.error(
            429, "too_many_requests", f"More than {limit} requests per minute.", {"Retry-After": str(retry_after)}
        )

    # ------------------------------------------------------------------ time
    def now(self) -> float:
        """Simulated seconds since the simulator started (time scale and ``advance`` applied)."""
        return (time.monotonic() - self._started) * self.time_scale + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def _real(self, simulated: float) -> int:
        """A Retry-After value in real seconds for a simulated delay."""
        return max(0, math.ceil(simulated / self.time_scale - 1e-9))

    # ------------------------------------------------------------------ entry point
    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str], body: bytes
    ) -> Reply:
        with self._lock:
            reply = self._handle(method.upper(), path, query, {k.lower(): v for k, v in headers.items()}, body)
            try:
                decoded = json.loads(body) if body else None
            except ValueError:
                decoded = body.decode("utf-8", errors="replace")
            self.log.append(LoggedRequest(method.upper(), path, query, decoded, reply.status, self.now()))
            return reply

    def _handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        delay = 0.0
        if self.faults.pending:
            fault = self.faults.pending.popleft()
            if fault.drop or fault.status:
                return fault
            delay = fault.delay
        if not self.authorized(headers):
            return self.error(401, "unauthorized", "The API key is missing or invalid.")
        found = self.contract.match(method, path)
        if found is None:
            return self.error(404, "not_found", f"No route for {method} {path}.")
        operation, params = found
        limited = self._rate_limit(operation.template)
        if limited is not None:
            return limited
        if self.validate:
            problems = self.contract.check_request(method, path, query, body, headers.get("content-type"))
            if problems:
                return self.invalid(problems)
        try:
            data = json.loads(body) if body else {}
        except ValueError as exc:  # an operation without a documented body, or validation off
            return self.invalid([Problem(f"the body is not valid JSON: {exc}", pointer="")])
        handler: Callable[..., Reply] = getattr(self, "_op_" + operation.operation_id)
        reply = handler(params=params, query=query, body=data)
        reply.delay = max(reply.delay, delay)
        return reply

    def _rate_limit(self, route: str) -> Reply | None:
        if not self.rate_limits:
            return None
        now = self.now()
        limits = {bucket: limit for bucket, limit in self.limits.items() if bucket in {"*", route}}
        for bucket, limit in limits.items():
            window = self._windows.setdefault(bucket, deque())
            while window and window[0] <= now - MINUTE:
                window.popleft()
            if len(window) >= limit:
                wait = (window[0] if window else now) + MINUTE - now  # a limit of 0 has an empty window
                return self.rate_limited(limit, max(1, self._real(wait)))
        for bucket in limits:
            self._windows[bucket].append(now)
        return None

    # ------------------------------------------------------------------ transports
    def _answer(self, request: httpx.Request) -> Reply:
        parts = urlsplit(str(request.url))
        return self.handle(request.method, parts.path, _query(parts.query), dict(request.headers), request.content)

    def _to_httpx(self, reply: Reply, request: httpx.Request) -> httpx.Response:
        if reply.drop:
            raise httpx.RemoteProtocolError("the simulator dropped the connection", request=request)
        content, headers = _encode(reply)
        return httpx.Response(reply.status, content=content, headers=headers, request=request)

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport (sync) answering from this simulator in-process."""
        simulator = self

        class _Transport(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                request.read()
                reply = simulator._answer(request)
                if reply.delay:
                    time.sleep(reply.delay)
                return simulator._to_httpx(reply, request)

        return _Transport()

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport (async) answering from this simulator in-process."""
        simulator = self

        class _AsyncTransport(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                await request.aread()
                reply = simulator._answer(request)
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                return simulator._to_httpx(reply, request)

        return _AsyncTransport()

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on loopback in a background thread; yields the base URL (port 0 picks a free one)."""
        server = make_server(self, host, port)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://{host}:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _query(raw: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        found.setdefault(key, []).append(value)
    return found


def _encode(reply: Reply) -> tuple[bytes, dict[str, str]]:
    headers = dict(reply.headers)
    if reply.body is None:
        return b"", headers
    headers.setdefault("Content-Type", "application/json")
    return json.dumps(reply.body).encode(), headers


def make_server(simulator: SimulatorBase, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for ``simulator``, on loopback only."""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("the simulator serves on loopback only")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            try:
                reply = simulator.handle(self.command, parts.path, _query(parts.query), dict(self.headers), body)
            except Exception:
                reply = simulator.error(500, "internal_server_error", "The simulator failed.")
            if reply.drop:
                self.close_connection = True
                return
            if reply.delay:
                time.sleep(reply.delay)
            content, headers = _encode(reply)
            self.send_response(reply.status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ThreadingHTTPServer((host, port), Handler)
