"""Open activity per customer account, summed over every module's declared counters."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from core.context import RequestContext
from core.declarations import ActivityCounter

log = logging.getLogger("portico.people")


@dataclass
class Activity:
    """What is open for one account: the total, each counter's share (label -> count) and, for
    counters that declare a ``url``, where those records are listed (label -> address)."""

    total: int = 0
    parts: dict[str, int] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)


async def open_activity(ctx: RequestContext, customer_ids: Sequence[int]) -> dict[int, Activity]:
    """Each counter the user may see (module on, permission held) is asked once for all ids."""
    result = {customer_id: Activity() for customer_id in customer_ids}
    if not customer_ids:
        return result
    for counter in ctx.portico.plugins.activity_counters:
        if not ctx.state.is_enabled(counter.module) or not ctx.can(counter.permission):
            continue
        try:
            counts = await ctx.isolated(partial(_count, counter, list(customer_ids)))
        except Exception:  # one broken module must not take the customer list down with it
            log.exception("activity counter %r of module %r failed", counter.key, counter.module)
            continue
        for customer_id, count in counts.items():
            if customer_id in result and count:
                result[customer_id].total += int(count)
                result[customer_id].parts[counter.label] = int(count)
                if counter.url is not None:
                    result[customer_id].links[counter.label] = counter.url(customer_id)
    return result


async def _count(counter: ActivityCounter, ids: list[int], ctx: RequestContext) -> Mapping[int, int]:
    return await counter.loader(ctx, ids)
