"""Settings every test module shares."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Hypothesis (which the Schemathesis tests drive) keeps a cache of constants, which records
# source paths of this machine; it belongs outside the repository.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "amplemarket-client-hypothesis")
)
