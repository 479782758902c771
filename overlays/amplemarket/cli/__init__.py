"""The ``amplemarket`` command line (``amplemarket --help``; also ``python -m amplemarket``)."""

from __future__ import annotations

from ._main import main

__all__ = ["main"]
