"""A local, stateful, spec-validated stand-in for the Amplemarket API.

    from amplemarket.testing import Simulator

    sim = Simulator(seed=7, time_scale=60)          # a simulated minute passes in a real second
    am = sim.client()                               # an Amplemarket wired to the simulator in-process
    am.people.find(email=sim.people.email_of(3))
    sim.faults.rate_limit_burst(3)                  # the next three requests get 429 + Retry-After
    print(sim.log[-1])                              # every request, with its status

    with sim.serve(port=0) as url:                  # or on loopback, for any HTTP client
        ...

``python -m amplemarket.testing serve --port 8000`` serves it from the command line.
Needs the ``testing`` extra (``pip install 'amplemarket-client[testing]'``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from .._async_client import AsyncAmplemarket
from .._client import Amplemarket
from ._sim import DEFAULT_API_KEY, Faults, LoggedRequest, Reply, SimulatorCore

__all__ = ["DEFAULT_API_KEY", "Faults", "LoggedRequest", "Simulator", "make_server"]

BASE_URL = "https://api.amplemarket.com"


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


class Simulator(SimulatorCore):
    """The simulator with its transports: in-process (httpx) and served on loopback."""

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

    def client(self, **options: Any) -> Amplemarket:
        """A ready ``Amplemarket`` talking to this simulator in-process."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("base_url", BASE_URL)
        return Amplemarket(http_client=httpx.Client(transport=self.transport()), **options)

    def async_client(self, **options: Any) -> AsyncAmplemarket:
        """A ready ``AsyncAmplemarket`` talking to this simulator in-process."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("base_url", BASE_URL)
        return AsyncAmplemarket(http_client=httpx.AsyncClient(transport=self.async_transport()), **options)

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


def make_server(simulator: Simulator, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
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
                reply = Reply(500, {"_errors": [{"code": "internal_server_error", "title": "Internal Server Error",
                                                 "detail": "The simulator failed."}], "object": "error"})  # fmt: skip
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
