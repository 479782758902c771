"""Where the command line's messages go: results on stdout, messages and errors on stderr; plain or JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any

__all__ = ["Output"]


class Output:
    """``info`` (stderr; not with --quiet), ``error`` (stderr, always) and ``result`` (stdout)."""

    def __init__(
        self,
        *,
        as_json: bool = False,
        quiet: bool = False,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.as_json = as_json
        self.quiet = quiet
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr

    def info(self, message: str) -> None:
        if not self.quiet:
            self._line(self.stderr, message, "info")

    def error(self, message: str) -> None:
        self._line(self.stderr, message, "error")

    def result(self, lines: Iterable[str], data: Mapping[str, Any]) -> None:
        """The command's outcome: ``lines`` as text, or ``data`` as one JSON line with --json."""
        if self.as_json:
            print(json.dumps(dict(data), default=str), file=self.stdout, flush=True)
        else:
            for line in lines:
                print(line, file=self.stdout, flush=True)

    def _line(self, stream: IO[str], message: str, level: str) -> None:
        if self.as_json:
            print(json.dumps({"event": level, "message": message}), file=stream, flush=True)
        else:
            print(message if level == "info" else f"amplemarket: {message}", file=stream, flush=True)
