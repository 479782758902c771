"""Typed webhook events: ``parse`` turns what Amplemarket pushes to your endpoint into a model.

Amplemarket sends three families of JSON payloads (see the README's webhook section):

* **replies** (JSON data integration, ``is_reply: true``): ``EmailReply``, ``LinkedInReply``,
  ``ReplySequenceReply``;
* **sequence stages** (the same integration, ``is_reply: false``): ``EmailStage``,
  ``LinkedInStage``, ``CallStage``, ``GenericTaskStage``, ``ReplySequenceEmailStage``;
* **workflow "Send JSON" actions**: ``OutOfOfficeWorkflow`` (tag ``ooo``), ``FollowUpWorkflow``
  (``asked_to_circle_back_later``), ``NotTheRightPersonWorkflow`` (``not_the_right_person``) and
  ``WorkflowReply`` for every other tag, known or not.  Each has ``.tag``.

The payloads carry no event name, so the kind is read from their shape (``classify``).  A
payload of no known shape, or one whose fields have types no model accepts, comes back as a
``GenericEvent`` holding the raw data and the reason: a receiver never fails on a new event.
Only a body that is not JSON, or JSON that is not an object, raises ``errors.InvalidWebhook``.

The models are generated from ``spec/amplemarket/webhooks/`` (pydantic; unknown fields are
kept, enum-like fields are plain strings so new values pass).  ``receiver`` wraps a handler in
a small ASGI app; ``examples/webhook_receiver.py`` shows it served by any ASGI server.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pydantic

from amplemarket_webhooks import (
    CallStage,
    EmailReply,
    EmailStage,
    GenericTaskStage,
    LinkedInReply,
    LinkedInStage,
    ReplySequenceEmailStage,
    ReplySequenceReply,
)
from amplemarket_webhooks import FollowUpWorkflow as _FollowUpWorkflow
from amplemarket_webhooks import NotTheRightPersonWorkflow as _NotTheRightPersonWorkflow
from amplemarket_webhooks import OutOfOfficeWorkflow as _OutOfOfficeWorkflow
from amplemarket_webhooks import WorkflowReply as _WorkflowReply

from .errors import InvalidWebhook

__all__ = [
    "CallStage",
    "EmailReply",
    "EmailStage",
    "Event",
    "FollowUpWorkflow",
    "GenericEvent",
    "GenericTaskStage",
    "InvalidWebhook",
    "LinkedInReply",
    "LinkedInStage",
    "NotTheRightPersonWorkflow",
    "OutOfOfficeWorkflow",
    "ReplySequenceEmailStage",
    "ReplySequenceReply",
    "WorkflowReply",
    "classify",
    "parse",
    "receiver",
]


class _Tagged:
    """What the workflow events add to their generated model: the tag that triggered the action."""

    email_message: Any

    @property
    def tags(self) -> list[str]:
        """Every tag on the message (the documented payloads carry one)."""
        raw = getattr(self.email_message, "tag", None)
        if isinstance(raw, str):
            return [raw]
        return [str(tag) for tag in raw or [] if tag is not None]

    @property
    def tag(self) -> str | None:
        """The first tag (``interested``, ``ooo``, ... or one Amplemarket added since)."""
        tags = self.tags
        return tags[0] if tags else None


class WorkflowReply(_Tagged, _WorkflowReply):
    """A workflow action for a tagged reply; ``tag`` says which (any tag, documented or not)."""


class OutOfOfficeWorkflow(_Tagged, _OutOfOfficeWorkflow):
    """Tag ``ooo``: ``additional_info.return_date`` says when the lead is back."""


class FollowUpWorkflow(_Tagged, _FollowUpWorkflow):
    """Tag ``asked_to_circle_back_later``: ``additional_info.follow_up_date``."""


class NotTheRightPersonWorkflow(_Tagged, _NotTheRightPersonWorkflow):
    """Tag ``not_the_right_person``: ``lead`` is the referred person, ``additional_info`` the one first contacted."""


@dataclass(frozen=True)
class GenericEvent:
    """A payload of no known shape: ``raw`` is the JSON object as received, ``reason`` why it was not typed."""

    raw: dict[str, Any] = field(repr=False)
    reason: str

    def __repr__(self) -> str:
        return f"GenericEvent(keys={sorted(self.raw)}, reason={self.reason!r})"


Event = (
    EmailReply
    | LinkedInReply
    | ReplySequenceReply
    | EmailStage
    | LinkedInStage
    | CallStage
    | GenericTaskStage
    | ReplySequenceEmailStage
    | WorkflowReply
    | OutOfOfficeWorkflow
    | FollowUpWorkflow
    | NotTheRightPersonWorkflow
    | GenericEvent
)

_WORKFLOW_BY_TAG: dict[str, type[pydantic.BaseModel]] = {
    "ooo": OutOfOfficeWorkflow,
    "asked_to_circle_back_later": FollowUpWorkflow,
    "not_the_right_person": NotTheRightPersonWorkflow,
}
_EMAIL_FIELDS = ("from", "subject", "body", "to")


def _has(data: Mapping[str, Any], *keys: str) -> bool:
    return any(data.get(key) is not None for key in keys)


def _first_tag(message: Mapping[str, Any]) -> str | None:
    raw = message.get("tag")
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and raw and isinstance(raw[0], str):
        return raw[0]
    return None


def classify(data: Mapping[str, Any]) -> type[pydantic.BaseModel] | None:
    """The event class for a payload's shape, or None when no known shape fits.

    * an ``email_message`` object: a workflow action, by its first tag;
    * ``is_reply: true``: a reply: ``linkedin`` -> LinkedIn, ``reply_sequence`` -> reply sequence,
      email fields -> email;
    * otherwise, with a ``sequence_stage`` or ``reply_sequence_stage``: a stage: ``call``, ``task``,
      ``linkedin``, ``reply_sequence``, or email fields, in that order.
    """
    message = data.get("email_message")
    if isinstance(message, Mapping):
        return _WORKFLOW_BY_TAG.get(_first_tag(message) or "", WorkflowReply)
    in_reply_sequence = _has(data, "reply_sequence", "reply_sequence_stage")
    if data.get("is_reply") is True:
        if _has(data, "linkedin"):
            return LinkedInReply
        if in_reply_sequence:
            return ReplySequenceReply
        return EmailReply if _has(data, *_EMAIL_FIELDS) else None
    if not _has(data, "sequence_stage", "reply_sequence_stage"):
        return None
    for key, kind in (("call", CallStage), ("task", GenericTaskStage), ("linkedin", LinkedInStage)):
        if _has(data, key):
            return kind
    if in_reply_sequence:
        return ReplySequenceEmailStage
    return EmailStage if _has(data, *_EMAIL_FIELDS) else None


def _decode(body: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(body, Mapping):
        return dict(body)
    if isinstance(body, (bytes, bytearray)):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidWebhook(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    elif isinstance(body, str):
        text = body
    else:
        raise InvalidWebhook(f"expected bytes, str or a mapping, got {type(body).__name__}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidWebhook(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict):
        raise InvalidWebhook(f"JSON {type(data).__name__} where an object was expected")
    return data


def parse(body: bytes | str | Mapping[str, Any]) -> Event:
    """The typed event for a webhook body (the raw bytes, their text, or the decoded object).

    Raises ``errors.InvalidWebhook`` only for a body that is not a JSON object; anything else
    that no model fits is a ``GenericEvent``.
    """
    data = _decode(body)
    kind = classify(data)
    if kind is None:
        return GenericEvent(data, "no known event has this shape")
    try:
        event = cast(Event, kind.model_validate(data))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        return GenericEvent(data, f"looks like {kind.__name__} but {where}: {first['msg']}")
    return event


# ----------------------------------------------------------------------------------------- receiving
Handler = Callable[[Event], Awaitable[None] | None]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


def receiver(handler: Handler, *, path: str = "/", max_body: int = 1_000_000) -> ASGIApp:
    """A minimal ASGI app that parses each POSTed webhook and hands the event to ``handler``.

    ``handler`` may be a function or a coroutine function.  Answers: 204 once the handler
    returned; 400 with the reason for a body that is not a JSON object; 413 above ``max_body``
    bytes; 404 for another path; 405 for another method.  A handler that raises gives a 500, so
    Amplemarket delivers the event again later.
    """

    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return

        async def answer(status: int, text: str = "") -> None:
            body = text.encode()
            headers = [(b"content-type", b"text/plain; charset=utf-8")] if body else []
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        if scope["path"] != path:
            return await answer(404, "not found")
        if scope["method"] != "POST":
            return await answer(405, "POST only")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_body:
                return await answer(413, f"body larger than {max_body} bytes")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        try:
            event = parse(b"".join(chunks))
        except InvalidWebhook as exc:
            return await answer(400, exc.reason)
        try:
            outcome = handler(event)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            await answer(500, "the handler failed")
            raise  # for the server's log
        return await answer(204)

    return app
