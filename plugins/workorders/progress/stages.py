"""The progress bar of a part, built from the stages a customer sees.

A vendor tags process steps ("Machining", "Paint") and lists stages, each built from a tag. The
tenant's list (``customer_id`` None) applies to every customer; an account may have a list of its
own, which replaces the tenant's for that account and every site below it that has none.

The bar follows the part's routing (step order). A step whose tag has a stage belongs to it: a
stage with ``show_multiple`` gives one segment per such step, otherwise one segment for all of
them (placed at its first step). Steps whose tag has no stage are not in the bar. A step's own
name is shown under its segment only when ``name_visible``; the stage name is always shown.

The part's position is its first step that is not done (as in the models). A segment is *done*
when all its steps come before that position, *current* when its steps span it, *to come* when
all its steps come after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from plugins.workorders.models import ProcessStep, Stage

SegmentState = Literal["done", "current", "todo"]


@dataclass(frozen=True)
class StageDef:
    """One stage of a list: its name, the tag it is built from, whether it repeats per step."""

    name: str
    tag_id: int
    show_multiple: bool = False
    position: int = 0

    @classmethod
    def of(cls, row: Stage) -> StageDef:
        return cls(name=row.name, tag_id=row.tag_id, show_multiple=row.show_multiple, position=row.position)


@dataclass(frozen=True)
class StepView:
    """What the bar needs of a process step."""

    position: int
    name: str
    tag_id: int | None
    name_visible: bool = True
    status: str = "pending"
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: ProcessStep) -> StepView:
        return cls(
            position=row.position,
            name=row.name,
            tag_id=row.tag_id,
            name_visible=row.name_visible,
            status=row.status,
            started_at=row.started_at,
            completed_at=row.completed_at,
        )


@dataclass
class Segment:
    """One box of the bar."""

    label: str
    state: SegmentState = "todo"
    #: The names of its steps customers may see (hidden names are never here).
    step_names: list[str] = field(default_factory=list)
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    #: Indexes of its steps in the routing (not shown; used to place and judge the segment).
    indexes: list[int] = field(default_factory=list)


@dataclass
class PartProgress:
    segments: list[Segment]
    #: Every step of the part is done.
    finished: bool
    #: The segment the part is in now (its step, or steps on both sides of it), else None.
    current: Segment | None = None
    #: The next segment to come when the part is between stages.
    upcoming: Segment | None = None
    #: The visible name of the step the part is at (None when hidden or outside the bar).
    current_step_name: str | None = None

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.segments if s.state == "done")


def progress_of(steps: Sequence[StepView], stages: Sequence[StageDef]) -> PartProgress:
    """The bar for a part's ``steps`` (any order; sorted by position) under one stage list."""
    ordered = sorted(steps, key=lambda s: s.position)
    stage_of_tag: dict[int, StageDef] = {}
    for defined in sorted(stages, key=lambda s: s.position):
        stage_of_tag.setdefault(defined.tag_id, defined)  # two stages on one tag: the first in the list wins
    segments: list[Segment] = []
    grouped: dict[int, Segment] = {}
    for index, step in enumerate(ordered):
        stage = stage_of_tag.get(step.tag_id) if step.tag_id is not None else None
        if stage is None:
            continue
        if stage.show_multiple or stage.tag_id not in grouped:
            segment = Segment(label=stage.name)
            segments.append(segment)
            if not stage.show_multiple:
                grouped[stage.tag_id] = segment
        else:
            segment = grouped[stage.tag_id]
        segment.indexes.append(index)
        if step.name_visible and step.name and step.name not in segment.step_names:
            segment.step_names.append(step.name)
        if step.started_at and (segment.started_at is None or step.started_at < segment.started_at):
            segment.started_at = step.started_at
        if step.completed_at and (segment.completed_at is None or step.completed_at > segment.completed_at):
            segment.completed_at = step.completed_at

    position = next((i for i, step in enumerate(ordered) if step.status != "done"), len(ordered))
    progress = PartProgress(segments=segments, finished=position == len(ordered) and bool(ordered))
    for segment in segments:
        if segment.indexes[-1] < position:
            segment.state = "done"
        elif segment.indexes[0] > position:
            segment.state = "todo"
        else:
            segment.state = "current"
        if position in segment.indexes:
            progress.current = segment
    at_step = progress.current is not None
    if progress.current is None:
        # At a step outside the bar: a stage whose steps surround it is still the one in progress.
        progress.current = next((s for s in segments if s.state == "current"), None)
    if not progress.finished and progress.current is None:
        progress.upcoming = next((s for s in segments if s.indexes[0] > position), None)
    if at_step and position < len(ordered) and ordered[position].name_visible:
        progress.current_step_name = ordered[position].name
    return progress


# --- which list applies --------------------------------------------------------------------


def ancestry(customer_path: str) -> list[int]:
    """The account ids of a materialised path, nearest first: ``/3/7/`` → ``[7, 3]``."""
    return [int(part) for part in reversed(customer_path.strip("/").split("/")) if part.isdigit()]


def list_for(customer_path: str, lists: Mapping[int | None, Sequence[StageDef]]) -> Sequence[StageDef]:
    """The stage list of the account at ``customer_path``: its own, else the nearest account
    above it that has one (a site's parent), else the tenant's."""
    for customer_id in ancestry(customer_path):
        if lists.get(customer_id):
            return lists[customer_id]
    return lists.get(None, ())


async def load_stage_lists(db: AsyncSession, customer_paths: Iterable[str]) -> dict[int | None, list[StageDef]]:
    """The tenant's list and the lists of every account on ``customer_paths``, in one query."""
    ids = sorted({customer_id for path in customer_paths for customer_id in ancestry(path)})
    condition: ColumnElement[bool] = Stage.customer_id.is_(None)
    if ids:
        condition = or_(condition, Stage.customer_id.in_(ids))
    rows = await db.scalars(select(Stage).where(condition).order_by(Stage.position, Stage.id))
    lists: dict[int | None, list[StageDef]] = {}
    for row in rows:
        lists.setdefault(row.customer_id, []).append(StageDef.of(row))
    return lists
