"""Assembling the dashboard and the "Action required" page from every module's declarations."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from markupsafe import Markup

from core.context import RequestContext
from core.declarations import ActionItem, ActionSource, Widget
from core.i18n import N_

log = logging.getLogger("portico.dashboard")


@dataclass(frozen=True)
class Card:
    widget: Widget
    html: Markup | None
    error: str | None = None


def visible_widgets(ctx: RequestContext, *, include_hidden: bool = False) -> list[Widget]:
    return [
        w
        for w in ctx.portico.plugins.widgets
        if ctx.state.is_enabled(w.module)
        and ctx.can(w.permission)
        and (include_hidden or w.key not in ctx.state.hidden_widgets)
    ]


def in_tenant_order(ctx: RequestContext, widgets: list[Widget]) -> list[Widget]:
    """Widgets in the order the vendor chose, then by their declared order."""
    order = ctx.tenant.settings.get("widget_order") or []
    rank = {key: i for i, key in enumerate(order)}
    return sorted(widgets, key=lambda w: (rank.get(w.key, len(rank)), w.order, w.title))


def move_item(keys: list[str], key: str, step: int) -> list[str]:
    """``keys`` with ``key`` moved ``step`` places (-1: up, 1: down), staying within the list."""
    keys = list(keys)
    here = keys.index(key)
    there = min(max(here + step, 0), len(keys) - 1)
    keys.insert(there, keys.pop(here))
    return keys


async def load_cards(ctx: RequestContext) -> list[Card]:
    """Await each visible widget's loader; a failing widget becomes an error card, logged."""
    cards = []
    for widget in in_tenant_order(ctx, visible_widgets(ctx)):
        try:
            data = await ctx.isolated(widget.loader)
            template = ctx.templates.get_template(widget.template)
            cards.append(Card(widget, Markup(template.render(data=data, ctx=ctx, widget=widget))))
        except Exception:
            log.exception("widget %r of plugin %r failed", widget.key, widget.module)
            cards.append(Card(widget, None, error=N_("This card could not be loaded right now.")))
    return cards


@dataclass(frozen=True)
class ActionGroup:
    source: ActionSource
    items: list[ActionItem]
    error: str | None = None


def visible_action_sources(ctx: RequestContext) -> list[ActionSource]:
    return [s for s in ctx.portico.plugins.action_sources if ctx.state.is_enabled(s.module) and ctx.can(s.permission)]


async def load_action_items(ctx: RequestContext) -> list[ActionGroup]:
    """Every permitted source's items, loaded once per request (the menu badge and the
    "Action required" page both need them)."""
    if "action_groups" in ctx.extras:
        return ctx.extras["action_groups"]  # type: ignore[no-any-return]
    groups = []
    for source in visible_action_sources(ctx):
        try:
            groups.append(ActionGroup(source, list(await ctx.isolated(source.loader))))
        except Exception:
            log.exception("action items %r of plugin %r failed", source.key, source.module)
            groups.append(ActionGroup(source, [], error=N_("These items could not be loaded right now.")))
    ctx.extras["action_groups"] = groups
    return groups


async def count_action_items(ctx: RequestContext) -> int | None:
    total = sum(len(g.items) for g in await load_action_items(ctx))
    return total or None
