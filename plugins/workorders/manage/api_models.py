"""The JSON shapes of the work order API, typed so that Litestar validates them and OpenAPI shows them.

Unknown fields are refused (a typo in an ERP's mapping should fail loudly, not be dropped).
In a write, a field left out (or null) keeps its current value; ``parts`` or ``steps`` left out
keep the existing parts or steps, and a list given replaces them (matched by ``external_ref``,
else by their place in the list, so their progress is kept).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from msgspec import Meta, Struct

from core.integers import MAX_INT

Kind = Literal["production", "service", "install"]
Status = Literal["planned", "in_progress", "on_hold", "completed", "cancelled"]
StepStatus = Literal["pending", "in_progress", "done"]
#: "started" is the same as "in_progress".
ReportedStatus = Literal["pending", "started", "in_progress", "done"]
#: Ids and 1-based places fit the INTEGER columns: 2**31 is a 400 naming the field, not a 500.
Id = Annotated[int, Meta(ge=1, le=MAX_INT, description="A record's id")]
Place = Annotated[int, Meta(ge=1, le=MAX_INT, description="1-based place in the list")]


class StepIn(Struct, forbid_unknown_fields=True, kw_only=True):
    name: str
    #: A tag's name, as listed by GET /api/v1/workorders/tags.
    tag: str | None = None
    #: False: customers see only the stage the step belongs to, not its name.
    name_visible: bool = True
    external_ref: str | None = None


class PartIn(Struct, forbid_unknown_fields=True, kw_only=True):
    part_number: str
    description: str | None = None
    quantity: Decimal | None = None
    external_ref: str | None = None
    steps: list[StepIn] | None = None


class WorkOrderIn(Struct, forbid_unknown_fields=True, kw_only=True):
    #: The customer site; required when the work order is created.
    customer_id: Id | None = None
    #: Default on creation: the next "WO-00001" number.
    number: str | None = None
    external_ref: str | None = None
    title: str | None = None
    kind: Kind | None = None
    status: Status | None = None
    customer_po: str | None = None
    due_on: dt.date | None = None
    notes: str | None = None
    #: A contact of the site or of an account above it.
    contact_id: Id | None = None
    parts: list[PartIn] | None = None


class ProgressIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """Which step (by id, by 1-based place in the routing, or by external_ref; none: the part's
    current step) and what happened to it, and/or how many pieces are done."""

    status: ReportedStatus | None = None
    step_id: Id | None = None
    step_position: Place | None = None
    step_external_ref: str | None = None
    quantity_done: Decimal | None = None


class ProgressByRefIn(ProgressIn, forbid_unknown_fields=True, kw_only=True):
    """Progress addressed by the ERP's keys: the work order by number or external_ref, the part
    by external_ref or 1-based place."""

    work_order_number: str | None = None
    work_order_ref: str | None = None
    part_ref: str | None = None
    part_position: Place | None = None


class StepOut(Struct, kw_only=True):
    id: int
    position: int
    name: str
    tag: str | None
    name_visible: bool
    status: StepStatus
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    external_ref: str | None


class PartOut(Struct, kw_only=True):
    id: int
    position: int
    part_number: str
    description: str
    quantity: Decimal
    quantity_done: Decimal
    external_ref: str | None
    #: 1-based place of the current step (the first not done); null when every step is done.
    current_step: int | None
    steps: list[StepOut]


class WorkOrderSummary(Struct, kw_only=True):
    id: int
    number: str
    external_ref: str | None
    customer_id: int
    title: str
    kind: Kind
    status: Status
    customer_po: str
    due_on: dt.date | None
    completed_on: dt.date | None
    updated_at: dt.datetime


class WorkOrderOut(WorkOrderSummary, kw_only=True):
    notes: str
    contact_id: int | None
    parts: list[PartOut]


class WorkOrderPage(Struct, kw_only=True):
    items: list[WorkOrderSummary]
    #: Pass as ``after`` for the next page; null on the last page.
    next_after: int | None


class ProgressOut(Struct, kw_only=True):
    work_order_id: int
    work_order_status: Status
    part: PartOut


class TagOut(Struct, kw_only=True):
    id: int
    name: str


class StageOut(Struct, kw_only=True):
    id: int
    customer_id: int | None
    position: int
    name: str
    tag_id: int
    tag: str
    show_multiple: bool
