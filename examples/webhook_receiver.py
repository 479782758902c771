"""Receive Amplemarket webhooks: copy this file, then serve it with any ASGI server.

    pip install uvicorn
    uvicorn webhook_receiver:app --port 8080

and point Amplemarket (Settings > Integrations > JSON data, or a workflow's "Send JSON to
endpoint" action) at ``https://<your host>/webhooks/amplemarket``.  Each POSTed payload is
parsed into a typed event; answer quickly and do slow work elsewhere (a queue), since the
sender waits for the response.
"""

from __future__ import annotations

import logging

from amplemarket import webhooks

log = logging.getLogger("webhooks")


def handle(event: webhooks.Event) -> None:
    match event:
        case webhooks.EmailReply() | webhooks.LinkedInReply() | webhooks.ReplySequenceReply():
            log.info("reply %s from %s", event.id, event.linkedin_url)
        case webhooks.CallStage():
            log.info("call logged: %s", event.call.disposition if event.call else None)
        case webhooks.OutOfOfficeWorkflow():
            log.info("out of office until %s", event.additional_info.return_date if event.additional_info else None)
        case webhooks.WorkflowReply() | webhooks.FollowUpWorkflow() | webhooks.NotTheRightPersonWorkflow():
            log.info("workflow action for tag %s", event.tag)
        case webhooks.GenericEvent():
            log.warning("unrecognised payload kept as is: %s", event.reason)
        case _:
            log.info("sequence stage: %s", type(event).__name__)


app = webhooks.receiver(handle, path="/webhooks/amplemarket")
