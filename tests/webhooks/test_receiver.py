"""The ASGI receiver and the copyable example app, driven through httpx's ASGI transport."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import httpx
import pytest

from amplemarket import webhooks

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver.py"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _post(app: Any, body: bytes, *, path: str = "/hooks", method: str = "POST") -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver.test") as client:
        return await client.request(method, path, content=body)


@pytest.mark.anyio
async def test_each_event_reaches_the_handler_typed() -> None:
    seen: list[object] = []
    app = webhooks.receiver(seen.append, path="/hooks")
    for name in ("reply_email.json", "stage_call.json", "workflow_out_of_office.json"):
        response = await _post(app, (FIXTURES / name).read_bytes())
        assert response.status_code == 204
    assert [type(event) for event in seen] == [webhooks.EmailReply, webhooks.CallStage, webhooks.OutOfOfficeWorkflow]


@pytest.mark.anyio
async def test_an_async_handler_is_awaited() -> None:
    seen: list[object] = []

    async def handler(event: webhooks.Event) -> None:
        seen.append(event)

    response = await _post(webhooks.receiver(handler, path="/hooks"), b'{"something": "new"}')
    assert response.status_code == 204
    assert isinstance(seen[0], webhooks.GenericEvent)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "path", "method", "status", "text"),
    [
        (b"{not json", "/hooks", "POST", 400, "not JSON: Expecting property name"),
        (b"[]", "/hooks", "POST", 400, "JSON list where an object was expected"),
        (b"{}", "/elsewhere", "POST", 404, "not found"),
        (b"", "/hooks", "GET", 405, "POST only"),
        (b"{" + b" " * 2_000 + b"}", "/hooks", "POST", 413, "body larger than 1000 bytes"),
    ],
)
async def test_bad_requests_are_answered_without_calling_the_handler(
    body: bytes, path: str, method: str, status: int, text: str
) -> None:
    seen: list[object] = []
    app = webhooks.receiver(seen.append, path="/hooks", max_body=1_000)
    response = await _post(app, body, path=path, method=method)
    assert response.status_code == status
    assert response.text.startswith(text)
    assert seen == []


@pytest.mark.anyio
async def test_a_failing_handler_gives_500_so_the_event_is_delivered_again() -> None:
    def handler(event: webhooks.Event) -> None:
        raise RuntimeError("database down")

    response = await _post(webhooks.receiver(handler, path="/hooks"), (FIXTURES / "reply_email.json").read_bytes())
    assert response.status_code == 500
    assert "database down" not in response.text


@pytest.mark.anyio
async def test_the_copyable_example_app_handles_every_fixture(caplog: pytest.LogCaptureFixture) -> None:
    spec = importlib.util.spec_from_file_location("webhook_receiver_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    caplog.set_level("INFO", logger="webhooks")
    for path in sorted(FIXTURES.glob("*.json")):
        response = await _post(module.app, path.read_bytes(), path="/webhooks/amplemarket")
        assert response.status_code == 204, path.name
    messages = [record.getMessage() for record in caplog.records]
    assert "out of office until 2025-04-01" in messages
    assert "workflow action for tag not_the_right_person" in messages
    assert "call logged: interested" in messages
    assert len(messages) == 12
