"""What happens to a request after it was sent: the vendor asks, accepts or declines; the customer answers.

Each decision first claims the request with one conditional UPDATE (``status`` still open): of
two clicks on "Accept" at the same instant, only one finds the request open, so only one work
order is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from core import N_, RequestContext, User, add_comment, next_number, utcnow
from plugins.workorders.models import WORK_ORDER_KINDS, WorkOrder, WorkRequest, WorkType
from plugins.workorders.requests import concurrency

OPEN = ("submitted", "needs_info")
ANSWER_MAX = 10_000
REASON_MAX = 5_000
TITLE_MAX = 200


class DecisionError(ValueError):
    """A decision refused, with the field it concerns and a message (msgid) for the person."""

    def __init__(self, message: str, field: str = "", status_code: int = 400, **values: str) -> None:
        super().__init__(message)
        self.message, self.field, self.status_code, self.values = message, field, status_code, values

    def translated(self, ctx: RequestContext) -> str:
        return ctx._(self.message, **self.values)


@dataclass(frozen=True)
class Acceptance:
    title: str
    kind: str


def guess_kind(work_type: WorkType | None) -> str:
    """A work order kind from the type's name, where it says so ("Installation" → install)."""
    name = (work_type.name if work_type else "").lower()
    if "install" in name:
        return "install"
    if any(word in name for word in ("service", "repair", "maint", "inspect", "calibrat")):
        return "service"
    return "production"


def default_title(request: WorkRequest, work_type: WorkType | None) -> str:
    first_line = next((line.strip() for line in request.description.splitlines() if line.strip()), "")
    title = f"{work_type.name}: {first_line}" if work_type and first_line else (work_type.name if work_type else "")
    return (title or first_line or request.number)[:TITLE_MAX]


def _closed(request: WorkRequest) -> DecisionError:
    if request.status == "accepted":
        return DecisionError(N_("This request was already accepted."), status_code=409)
    return DecisionError(N_("This request was declined; it can no longer change."), status_code=409)


async def _claim(ctx: RequestContext, request: WorkRequest, allowed: tuple[str, ...], **values: object) -> None:
    """Move the request on only if it is still in one of ``allowed`` states (409 otherwise)."""
    claim = (
        update(WorkRequest)
        .where(WorkRequest.id == request.id, WorkRequest.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    try:
        result = await ctx.db.execute(claim)
    except OperationalError as clash:
        # Inside accept's savepoint the caller starts afresh; here nothing is written yet, so we may.
        if ctx.db.in_nested_transaction() or not concurrency.stale_sqlite_snapshot(ctx, clash):
            raise
        await concurrency.start_afresh(ctx)
        result = await ctx.db.execute(claim)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await ctx.db.refresh(request)
        raise (
            _closed(request)
            if request.status not in OPEN
            else DecisionError(N_("This request changed in the meantime; look at it again."), status_code=409)
        )
    await ctx.db.refresh(request)


async def ask_for_information(ctx: RequestContext, request: WorkRequest, question: str) -> None:
    question = question.strip()
    if not question:
        raise DecisionError(N_("Write the question the customer should answer."), "question")
    if len(question) > ANSWER_MAX:
        raise DecisionError(N_("Enter at most {count} characters."), "question", count=str(ANSWER_MAX))
    if request.status not in OPEN:
        raise _closed(request)
    await _claim(ctx, request, OPEN, status="needs_info", question=question)
    # The conversation stays on the request: the question is its first comment, the answer the next.
    await add_comment(ctx, "workorders.request", request.id, question)


async def answer(ctx: RequestContext, request: WorkRequest, text: str) -> None:
    text = text.strip()
    if not text:
        raise DecisionError(N_("Write your answer first."), "answer")
    if len(text) > ANSWER_MAX:
        raise DecisionError(N_("Enter at most {count} characters."), "answer", count=str(ANSWER_MAX))
    if request.status != "needs_info":
        raise DecisionError(N_("This request does not wait for an answer."), status_code=409)
    await _claim(ctx, request, ("needs_info",), status="submitted")
    await add_comment(ctx, "workorders.request", request.id, text)


async def decline(ctx: RequestContext, request: WorkRequest, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise DecisionError(N_("Give the customer a reason for declining."), "decline_reason")
    if len(reason) > REASON_MAX:
        raise DecisionError(N_("Enter at most {count} characters."), "decline_reason", count=str(REASON_MAX))
    if request.status not in OPEN:
        raise _closed(request)
    await _claim(ctx, request, OPEN, status="declined", decline_reason=reason, decided_at=utcnow())


def read_acceptance(values: dict[str, str], request: WorkRequest, work_type: WorkType | None) -> Acceptance:
    title = values.get("title", "").strip() or default_title(request, work_type)
    if len(title) > TITLE_MAX:
        raise DecisionError(N_("Enter at most {count} characters."), "title", count=str(TITLE_MAX))
    kind = values.get("kind") or guess_kind(work_type)
    if kind not in WORK_ORDER_KINDS:
        raise DecisionError(N_("Choose one of the listed options."), "kind")
    return Acceptance(title, kind)


async def accept(ctx: RequestContext, request: WorkRequest, acceptance: Acceptance) -> WorkOrder:
    """Claim the request, make its work order (for the request's site) and link it, all or nothing.

    Not committed. Another work order may take the same number at the same instant: the
    savepoint is undone and the whole step tried again with the next number.
    """
    if request.status not in OPEN:
        raise _closed(request)
    requester = await ctx.db.get(User, request.requested_by_id) if request.requested_by_id else None
    for _attempt in range(5):
        try:
            async with ctx.db.begin_nested():
                await _claim(ctx, request, OPEN, status="accepted", decided_at=utcnow())
                order = WorkOrder(
                    customer_id=request.customer_id,
                    number=await next_number(ctx.db, WorkOrder.number, "WO-", ctx.tenant.id),
                    title=acceptance.title,
                    kind=acceptance.kind,
                    status="planned",
                    due_on=request.preferred_on,
                    notes=request.description,
                    contact_id=requester.id if requester is not None and not requester.is_staff else None,
                )
                ctx.db.add(order)
                await ctx.db.flush()
                request.work_order_id = order.id
                await ctx.db.flush()
            return order
        except IntegrityError:
            continue
        except OperationalError as clash:
            if not concurrency.stale_sqlite_snapshot(ctx, clash):
                raise
            await concurrency.start_afresh(ctx)
            await ctx.db.refresh(request)
            if request.status not in OPEN:
                raise _closed(request) from clash
    raise DecisionError(N_("No work order number was free; try again."), status_code=409)
