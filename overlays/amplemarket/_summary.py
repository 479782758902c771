"""``AddLeadsSummary``: what ``sequences.add_leads`` returns (in its own module: imported on first use)."""

from __future__ import annotations

import attrs

from amplemarket_api.models import AddLeads
from apicore.batching import Skipped

__all__ = ["AddLeadsSummary"]


@attrs.define
class AddLeadsSummary(AddLeads):
    """The server's add-leads summary for every part sent, plus the rows the client did not send.

    ``skipped``: rows set aside by ``on_invalid="skip"``; ``duplicates``: position sent -> the later
    positions that repeated it exactly (sent once).  Neither is part of ``to_dict()``.
    """

    skipped: list[Skipped] = attrs.field(factory=list, kw_only=True)
    duplicates: dict[int, list[int]] = attrs.field(factory=dict, kw_only=True)
