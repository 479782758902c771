"""``sleep`` for the async clients, with asyncio imported when first awaited: a program that only uses the
synchronous clients never imports asyncio (``from amplemarket import Amplemarket`` stays cheap)."""

from __future__ import annotations

__all__ = ["sleep"]


async def sleep(seconds: float) -> None:
    """``await asyncio.sleep(seconds)``."""
    import asyncio

    await asyncio.sleep(seconds)
