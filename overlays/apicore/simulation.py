"""The vendor-neutral half of a local API simulator: time, faults, the request log, rate-limit
windows, spec-validated dispatch to ``_op_<operationId>`` handlers, and the transports
(in-process httpx, sync and async, or an HTTP server on loopback).

A vendor's simulator subclasses ``SimulatorBase`` and supplies what differs: how a request
is authenticated (``authorized``), what its error bodies look like (``error``), how an
invalid request is answered (``invalid``), and one handler per operation.

Requests are answered concurrently: slow, state-free work (``prepare``: warming caches) runs
outside the simulator's lock; the lock is held only while shared state is read or changed
(faults, rate-limit windows, the handler itself, the log and the counters).  Every answer
carries an ``X-Request-Id``; ``GET /_simulator/stats`` (and ``stats()``) reports what happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import random
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml

from .contract import Contract, Operation, Problem

__all__ = ["FAULT_KINDS", "Faults", "LoggedRequest", "Reply", "SimulatorBase", "make_server", "packaged_spec"]

MINUTE = 60.0
#: The methods the API's operations use; any other method gets 405 (with ``Allow``) on a known path.
ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The simulator's own endpoints (never counted, faulted or rate-limited, no key needed).
CONTROL_PREFIX = "/_simulator"
#: What a random fault can be: a 500, a 429 with ``Retry-After``, a slow answer, a dropped connection.
FAULT_KINDS = ("server_error", "rate_limit", "slow", "drop")


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
    request_id: str = field(default="", compare=False)  # not compared: a log entry is about what happened


ErrorFactory = Callable[..., Reply]


@dataclass
class Faults:
    """Misbehaviour: queued faults that the next requests meet, in order, then random ones at ``rate``.

    ``at_rate`` turns random faults on: each request (never ``/_simulator/*``) is faulted with
    probability ``rate``, the kind drawn from ``kinds`` with an RNG seeded by ``seed``, so the
    same requests in the same order meet the same faults.  A 500, a 429 and a dropped connection
    happen before the request is processed (nothing is created or charged); a slow answer is
    processed, then sent ``delay`` seconds late.
    """

    error: ErrorFactory
    pending: deque[Reply] = field(default_factory=deque)
    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    delay: float = 1.0
    retry_after: int = 1
    #: Faults met so far, by kind (queued and random).
    injected: Counter[str] = field(default_factory=Counter)
    _rng: random.Random = field(default_factory=random.Random, init=False, repr=False)

    def rate_limit_burst(self, count: int, retry_after: int = 1) -> None:
        """The next ``count`` requests get 429 with ``Retry-After``."""
        for _ in range(count):
            self.pending.append(self._rate_limited(retry_after))

    def server_errors(self, count: int, status: int = 500) -> None:
        for _ in range(count):
            self.pending.append(self.error(status, "internal_server_error", "Something went wrong."))

    def drop_connections(self, count: int) -> None:
        for _ in range(count):
            self.pending.append(Reply(0, drop=True))

    def slow_responses(self, count: int, seconds: float) -> None:
        for _ in range(count):
            self.pending.append(Reply(0, delay=seconds))

    def at_rate(
        self,
        rate: float,
        *,
        seed: int | str = 0,
        kinds: Iterable[str] = FAULT_KINDS,
        delay: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Fault each later request with probability ``rate`` (0 turns random faults off)."""
        chosen = tuple(kinds)
        unknown = sorted(set(chosen) - set(FAULT_KINDS))
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"the fault rate must be between 0 and 1, not {rate}")
        if unknown or not chosen:
            raise ValueError(f"fault kinds must be some of {', '.join(FAULT_KINDS)}; got {', '.join(chosen) or 'none'}")
        self.rate, self.kinds = rate, chosen
        self.delay = self.delay if delay is None else max(0.0, delay)
        self.retry_after = self.retry_after if retry_after is None else max(0, retry_after)
        self._rng = random.Random(f"faults:{seed}")  # noqa: S311 - reproducible faults, not secrets

    def take(self) -> Reply | None:
        """The fault the next request meets, if any (the simulator calls this under its lock)."""
        if self.pending:
            fault = self.pending.popleft()
        elif self.rate and self._rng.random() < self.rate:
            fault = self._random(self._rng.choice(self.kinds))
        else:
            return None
        self.injected[_fault_kind(fault)] += 1
        return fault

    def _rate_limited(self, retry_after: int) -> Reply:
        return self.error(429, "too_many_requests", "Rate limit exceeded", {"Retry-After": str(retry_after)})

    def _random(self, kind: str) -> Reply:
        if kind == "server_error":
            return self.error(500, "internal_server_error", "Something went wrong.")
        if kind == "rate_limit":
            return self._rate_limited(self.retry_after)
        if kind == "slow":
            return Reply(0, delay=self.delay)
        return Reply(0, drop=True)


def _fault_kind(fault: Reply) -> str:
    if fault.drop:
        return "drop"
    if not fault.status:
        return "slow"
    return "rate_limit" if fault.status == 429 else "server_error"


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
    #: The credit types ``stats()`` reports (as 0 until some are used).
    credit_types: ClassVar[tuple[str, ...]] = ()

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
        seed: int = 0,
        fault_rate: float = 0.0,
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
        #: Guards shared state; held only for quick work (``prepare`` runs without it).
        self._lock = threading.RLock()
        self._started = time.monotonic()
        self._offset = 0.0
        self._windows: dict[str, deque[float]] = {}
        self._request_prefix = hashlib.blake2b(f"requests:{seed}".encode(), digest_size=4).hexdigest()
        self._request_count = 0
        self._operations: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._jobs_created: Counter[str] = Counter()
        self._credits_used: dict[str, float] = dict.fromkeys(self.credit_types, 0.0)
        self._object_bodies: dict[str, bool] = {}
        self.faults.server_errors(server_errors)
        if fault_rate:
            self.faults.at_rate(fault_rate, seed=seed)

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

    def prepare(self, operation_id: str, params: dict[str, str], query: dict[str, list[str]], body: Any) -> None:
        """Slow work a request needs that touches no shared state (warming caches): runs outside the lock.

        The handler (``_op_<operationId>``) runs next, under the lock, and should then be quick.
        """

    # ------------------------------------------------------------------ counters (for stats)
    def count_job(self, kind: str) -> None:
        """Record that a job of ``kind`` was created (``stats()["jobs_created"]``)."""
        with self._lock:
            self._jobs_created[kind] += 1

    def count_credits(self, used: Mapping[str, float]) -> None:
        """Record credits taken from the balances, by credit type (``stats()["credits_used"]``)."""
        with self._lock:
            for kind, amount in used.items():
                if amount:
                    self._credits_used[kind] = self._credits_used.get(kind, 0.0) + amount

    def stats(self) -> dict[str, Any]:
        """What the simulator has done: requests per operation and status, jobs, credits and faults.

        ``requests`` counts documented operations by operationId (``requests_total`` every request,
        unknown routes too); ``/_simulator/*`` requests are never counted.
        """
        with self._lock:
            return {
                "requests": dict(sorted(self._operations.items())),
                "requests_total": sum(self._statuses.values()),
                "statuses": dict(sorted(self._statuses.items())),
                "jobs_created": {**dict(sorted(self._jobs_created.items())), "total": sum(self._jobs_created.values())},
                "credits_used": dict(sorted(self._credits_used.items())),
                "faults_injected": dict(sorted(self.faults.injected.items())),
            }

    def request_id(self) -> str:
        """A new request id: unique per request, and the same sequence for the same seed."""
        with self._lock:
            self._request_count += 1
            return f"req_{self._request_prefix}{self._request_count:08x}"

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
        method = method.upper()
        request_id = self.request_id()
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            reply = self._control(method, path)
        else:
            reply, operation_id = self._handle(method, path, query, {k.lower(): v for k, v in headers.items()}, body)
            try:
                decoded = json.loads(body) if body else None
            except ValueError:
                decoded = body.decode("utf-8", errors="replace")
            with self._lock:
                if operation_id:
                    self._operations[operation_id] += 1
                self._statuses["dropped" if reply.drop else str(reply.status)] += 1
                self.log.append(LoggedRequest(method, path, query, decoded, reply.status, self.now(), request_id))
        reply.headers = {**reply.headers, "X-Request-Id": request_id}
        return reply

    def _control(self, method: str, path: str) -> Reply:
        """The simulator's own endpoints: ``GET /_simulator/stats``."""
        if path != CONTROL_PREFIX + "/stats":
            return self.error(404, "not_found", f"No route for {method} {path}.")
        if method not in {"GET", "HEAD"}:
            return self.error(405, "method_not_allowed", f"{method} is not allowed here.", {"Allow": "GET"})
        return Reply(200, self.stats())

    def _allowed_methods(self, path: str) -> list[str]:
        return [method for method in ROUTED_METHODS if self.contract.match(method, path) is not None]

    def _expects_object(self, operation: Operation) -> bool:
        """Whether ``operation`` documents a JSON object as its request body."""
        key = f"{operation.method} {operation.template}"
        if key not in self._object_bodies:
            spec = self.contract.resolve(operation.spec.get("requestBody")) or {}
            media = (spec.get("content") or {}).get("application/json") or {}
            schema = self.contract.resolve(media.get("schema")) or {}
            self._object_bodies[key] = schema.get("type") == "object" or "properties" in schema
        return self._object_bodies[key]

    def _handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> tuple[Reply, str]:
        """The reply and the operationId it was for ("" when no documented operation matched)."""
        if method not in ROUTED_METHODS:  # TRACE, OPTIONS, HEAD, CONNECT, ...: refused before anything else
            allowed = self._allowed_methods(path)
            if not allowed:
                return self.error(404, "not_found", f"No route for {method} {path}."), ""
            detail = f"{method} is not allowed; this path takes {', '.join(allowed)}."
            return self.error(405, "method_not_allowed", detail, {"Allow": ", ".join(allowed)}), ""
        found = self.contract.match(method, path)
        operation_id = found[0].operation_id if found else ""
        with self._lock:
            fault = self.faults.take()
        delay = 0.0
        if fault is not None:
            if fault.drop or fault.status:
                return fault, operation_id
            delay = fault.delay
        reply = self._answer_request(method, path, query, headers, body, found)
        reply.delay = max(reply.delay, delay)
        return reply, operation_id

    def _answer_request(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        found: tuple[Operation, dict[str, str]] | None,
    ) -> Reply:
        if not self.authorized(headers):
            return self.error(401, "unauthorized", "The API key is missing or invalid.")
        if found is None:
            allowed = self._allowed_methods(path)
            if allowed:  # a documented path, a method it does not take (PUT /account-info)
                detail = f"{method} is not allowed; this path takes {', '.join(allowed)}."
                return self.error(405, "method_not_allowed", detail, {"Allow": ", ".join(allowed)})
            return self.error(404, "not_found", f"No route for {method} {path}.")
        operation, params = found
        with self._lock:
            limited = self._rate_limit(operation.template)
        if limited is not None:
            return limited
        undecodable: ValueError | None = None
        try:
            data = json.loads(body) if body else {}
        except ValueError as exc:
            data, undecodable = None, exc
        else:
            if not isinstance(data, dict) and self._expects_object(operation):  # null, a list, a string...
                return self.invalid([Problem(f"the body must be a JSON object, not {_json_type(data)}", pointer="")])
        if self.validate:
            problems = self.contract.check_request(method, path, query, body, headers.get("content-type"))
            if problems:
                return self.invalid(problems)
        if undecodable is not None:  # an operation without a documented body, or validation off
            return self.invalid([Problem(f"the body is not valid JSON: {undecodable}", pointer="")])
        if not isinstance(data, dict):
            data = {}  # an operation that reads no body ignores one
        handler: Callable[..., Reply] = getattr(self, "_op_" + operation.operation_id)
        self.prepare(operation.operation_id, params, query, data)
        with self._lock:
            return handler(params=params, query=query, body=data)

    def _rate_limit(self, route: str) -> Reply | None:
        """429 when a window is full, else the request is counted in its windows (call under the lock)."""
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
        if request.method == "HEAD":
            content = b""
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


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else type(value).__name__


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


#: A client that went away: nothing to answer, and nothing worth a traceback.
_GONE = (ConnectionError, TimeoutError)


class _Server(ThreadingHTTPServer):
    """Threads per connection (daemons), quiet about clients that disconnect."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], _GONE):
            return
        super().handle_error(request, client_address)


def make_server(simulator: SimulatorBase, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for ``simulator``, on loopback only.

    Every method reaches the simulator (one it does not route gets 405 with ``Allow``); a client
    that disconnects before its answer is written is dropped without a traceback.
    """
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("the simulator serves on loopback only")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Answers go out at once: with Nagle's algorithm each keep-alive answer waited ~40 ms for the
        # client's delayed ACK.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                reply = simulator.error(400, "bad_request", "The Content-Length header is not a length.")
                reply.headers["X-Request-Id"] = simulator.request_id()
                self.close_connection = True
                self._send(reply)
                return
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            try:
                reply = simulator.handle(self.command, parts.path, _query(parts.query), dict(self.headers), body)
            except Exception:
                reply = simulator.error(500, "internal_server_error", "The simulator failed.")
                reply.headers["X-Request-Id"] = simulator.request_id()
            if reply.drop:
                self.close_connection = True
                return
            if reply.delay:
                time.sleep(reply.delay)
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            content, headers = _encode(reply)
            try:
                self.send_response(reply.status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)
            except _GONE:
                self.close_connection = True

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # every method, not only those http.server knows: TRACE, OPTIONS, ...
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return _Server((host, port), Handler)
