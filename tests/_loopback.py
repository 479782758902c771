"""A page server on loopback for the tests that read documentation over HTTP."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Answer", "serve"]

#: For a request path: (status, content type, body), or None for 404.
Answer = Callable[[str], tuple[int, str, bytes] | None]


@contextmanager
def serve(answer: Answer) -> Iterator[str]:
    """Serve ``answer`` on 127.0.0.1 (a free port, a thread, stopped on exit); yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = answer(self.path)
            if found is None:
                self.send_error(404)
                return
            status, content_type, body = found
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
