"""The progress bar of a part: which segments, in which order, named how, in which state."""

from __future__ import annotations

from core import CUSTOMER_ADMIN, CUSTOMER_USER
from plugins.workorders.progress.stages import StageDef, StepView, ancestry, list_for, progress_of
from tests.workorders.progress import helpers

MACHINING, INSPECTION, PLATING, SHIPPING = 1, 2, 3, 4


def steps(*specs: tuple[str, int | None, bool], done: int = 0, started: bool = True) -> list[StepView]:
    """Steps in routing order; the first ``done`` are done, the next one in progress."""
    found = []
    for i, (name, tag, visible) in enumerate(specs):
        status = "done" if i < done else ("in_progress" if i == done and started else "pending")
        found.append(StepView(position=i * 10, name=name, tag_id=tag, name_visible=visible, status=status))
    return found


ROUTE = (
    ("Mill 10", MACHINING, True),
    ("Inspect A", INSPECTION, True),
    ("Mill 20", MACHINING, True),
    ("Deburr", None, True),
    ("Inspect B", INSPECTION, True),
    ("Ship", SHIPPING, True),
)


def labels(progress) -> list[str]:
    return [s.label for s in progress.segments]


def states(progress) -> list[str]:
    return [s.state for s in progress.segments]


def test_show_multiple_gives_one_segment_per_tagged_step_in_routing_order():
    stages = [
        StageDef("Machining", MACHINING),
        StageDef("Inspection", INSPECTION, show_multiple=True),
        StageDef("Shipped", SHIPPING),
    ]
    progress = progress_of(steps(*ROUTE), stages)
    assert labels(progress) == ["Machining", "Inspection", "Inspection", "Shipped"]
    # Without show_multiple the stage is one segment for all its steps, placed at its first step.
    machining = progress.segments[0]
    assert machining.step_names == ["Mill 10", "Mill 20"]


def test_without_show_multiple_a_tag_is_one_segment():
    stages = [StageDef("Machining", MACHINING), StageDef("Inspection", INSPECTION), StageDef("Shipped", SHIPPING)]
    assert labels(progress_of(steps(*ROUTE), stages)) == ["Machining", "Inspection", "Shipped"]


def test_steps_without_a_stage_are_left_out():
    progress = progress_of(steps(*ROUTE), [StageDef("Shipped", SHIPPING)])
    assert labels(progress) == ["Shipped"]
    assert all("Deburr" not in s.step_names for s in progress.segments)


def test_hidden_step_names_never_appear_only_their_stage():
    route = (("Mill 10", MACHINING, True), ("Anodize at Brightline", PLATING, False), ("Ship", SHIPPING, True))
    stages = [StageDef("Machining", MACHINING), StageDef("Finishing", PLATING), StageDef("Shipped", SHIPPING)]
    progress = progress_of(steps(*route, done=1), stages)
    assert labels(progress) == ["Machining", "Finishing", "Shipped"]
    assert progress.segments[1].step_names == []
    assert progress.current is progress.segments[1]
    assert progress.current_step_name is None  # the part is at the hidden step: only "Finishing" is shown
    visible = progress_of(steps(*route, done=2), stages)
    assert visible.current_step_name == "Ship"


def test_states_follow_the_first_step_not_done():
    stages = [
        StageDef("Machining", MACHINING),
        StageDef("Inspection", INSPECTION, show_multiple=True),
        StageDef("Shipped", SHIPPING),
    ]
    # Mill 10 and Inspect A done, at Mill 20: Machining spans the position, so it is current.
    progress = progress_of(steps(*ROUTE, done=2), stages)
    assert states(progress) == ["current", "done", "todo", "todo"]
    assert progress.current is progress.segments[0]
    # At Inspect B (index 4): Machining done, first Inspection done, second current.
    progress = progress_of(steps(*ROUTE, done=4), stages)
    assert states(progress) == ["done", "done", "current", "todo"]
    assert progress.current_step_name == "Inspect B"


def test_between_stages_nothing_is_current_and_the_next_stage_is_named():
    stages = [StageDef("Machining", MACHINING), StageDef("Shipped", SHIPPING)]
    progress = progress_of(steps(*ROUTE, done=3), stages)  # at Deburr, which has no stage
    assert states(progress) == ["done", "todo"]
    assert progress.current is None and progress.upcoming is progress.segments[1]


def test_a_stage_around_a_step_outside_the_bar_stays_in_progress():
    stages = [StageDef("Machining", MACHINING), StageDef("Inspection", INSPECTION), StageDef("Shipped", SHIPPING)]
    progress = progress_of(steps(*ROUTE, done=3), stages)  # at Deburr, between Inspect A and Inspect B
    assert states(progress) == ["done", "current", "todo"]
    assert progress.current is progress.segments[1] and progress.upcoming is None
    assert progress.current_step_name is None  # Deburr is not in the bar, so not named


def test_all_done_is_finished_and_no_steps_is_not():
    stages = [StageDef("Machining", MACHINING), StageDef("Shipped", SHIPPING)]
    progress = progress_of(steps(*ROUTE, done=len(ROUTE)), stages)
    assert progress.finished and states(progress) == ["done", "done"]
    empty = progress_of([], stages)
    assert not empty.finished and empty.segments == []


def test_steps_are_taken_in_position_order_whatever_order_they_come_in():
    stages = [StageDef("Machining", MACHINING), StageDef("Shipped", SHIPPING)]
    assert labels(progress_of(list(reversed(steps(*ROUTE))), stages)) == ["Machining", "Shipped"]


def test_two_stages_on_one_tag_the_first_in_the_list_wins():
    stages = [StageDef("Later", MACHINING, position=2), StageDef("Earlier", MACHINING, position=1)]
    assert labels(progress_of(steps(*ROUTE), stages)) == ["Earlier"]


def test_the_customers_own_list_then_the_parents_then_the_tenants():
    tenant_list, parent_list, site_list = [StageDef("T", 1)], [StageDef("P", 1)], [StageDef("S", 1)]
    assert ancestry("/3/7/") == [7, 3]
    assert list_for("/3/7/", {None: tenant_list, 3: parent_list, 7: site_list}) == site_list
    assert list_for("/3/7/", {None: tenant_list, 3: parent_list}) == parent_list
    assert list_for("/3/8/", {None: tenant_list, 3: parent_list, 7: site_list}) == parent_list
    assert list_for("/4/9/", {None: tenant_list, 3: parent_list}) == tenant_list
    assert list_for("/4/9/", {}) == ()


async def test_the_page_uses_the_sites_list_else_the_parents_else_the_tenants(
    tenant, customer_factory, user_factory, login_as, db
):
    parent = await customer_factory(tenant, "Globex")
    own = await customer_factory(tenant, "Own list", parent)
    inherits = await customer_factory(tenant, "Inherits", parent)
    other_parent = await customer_factory(tenant, "Initech")
    plain = await customer_factory(tenant, "Plain", other_parent)
    await helpers.stages(db, tenant)  # the tenant's: Received, Machining, Inspection...
    await helpers.stages(db, tenant, (("Parent machining", "Machining", False),), customer=parent)
    await helpers.stages(db, tenant, (("Own machining", "Machining", False),), customer=own)
    orders = {
        site.name: await helpers.order(db, tenant, site, f"WO-{site.id}", reached=1) for site in (own, inherits, plain)
    }
    client = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, parent))
    own_page = (await client.get(f"/workorders/{orders['Own list'].id}")).text
    assert "Own machining" in own_page and "Parent machining" not in own_page and "Received" not in own_page
    inherited = (await client.get(f"/workorders/{orders['Inherits'].id}")).text
    assert "Parent machining" in inherited and "Own machining" not in inherited
    plain_client = await login_as(await user_factory(tenant, CUSTOMER_USER, plain))
    tenant_page = (await plain_client.get(f"/workorders/{orders['Plain'].id}")).text
    assert '<span class="stage">Received</span>' in tenant_page and "machining" not in tenant_page


async def test_hidden_names_stay_hidden_on_the_page(tenant, customer_factory, user_factory, login_as, db):
    site = await customer_factory(tenant, "North")
    await helpers.stages(db, tenant)
    wo = await helpers.order(db, tenant, site, "WO-7", reached=2)  # at "Mill op 20", whose name is hidden
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    page = (await client.get(f"/workorders/{wo.id}")).text
    assert "Mill op 10" in page and "Mill op 20" not in page
    assert "Now: Machining" in page
    assert "Deburr" not in page  # a step without a stage is not in the bar
