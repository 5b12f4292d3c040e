"""Records that belong to no customer account: their comments and files are for staff only."""

from __future__ import annotations

import pytest
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core import CUSTOMER_ADMIN, VENDOR_ADMIN, Base, Permission, RecordType, TenantOwned
from core.accounts import scoped
from core.db import Scope


class Memo(TenantOwned, Base):
    """A vendor-internal record, with no customer_id."""

    __tablename__ = "staffonly_memo"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


@pytest.fixture
def portico_extra_plugins(throwaway_plugin):
    return [
        throwaway_plugin(
            "staffonly",
            # Even a contact who may see memos gets no comments on them: they carry no account.
            portico_permissions=lambda: [
                Permission("staffonly.view", "See memos", default_roles=(VENDOR_ADMIN, CUSTOMER_ADMIN))
            ],
            portico_record_types=lambda: [
                RecordType("staffonly.memo", "Memo", Memo, "staffonly.view", url=lambda m: "/", title=lambda m: m.title)
            ],
        )
    ]


async def test_comments_on_a_record_without_an_account_are_staff_only(
    tenant, customer_factory, user_factory, login_as, db
):
    async with scoped(db, Scope(tenant.id)):
        memo = Memo(title="Price review")
        db.add(memo)
        await db.commit()
    staff = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    url = f"/records/staffonly.memo/{memo.id}/comments"
    added = await staff.post(url, {"body": "Raise prices in May"}, headers={"hx-request": "true"})
    assert added.status_code == 200 and "Raise prices in May" in added.text
    contact = await login_as(await user_factory(tenant, CUSTOMER_ADMIN, await customer_factory(tenant, "Globex")))
    assert (await contact.get(url)).status_code == 404
    assert (await contact.post(url, {"body": "Hello"})).status_code == 404
