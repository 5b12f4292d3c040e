"""``portico plugin new NAME``: a complete, working plugin package to start from."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")

FILES: dict[str, str] = {
    "pyproject.toml": """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "portico-$name"
version = "0.1.0"
description = "$label for Portico"
requires-python = ">=3.11"
dependencies = ["portico"]

[project.entry-points."portico.plugins"]
$name = "$package"

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
"*" = ["templates/**/*", "migrations/**/*", "translations/*.json"]

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "session"
asyncio_default_test_loop_scope = "session"
""",
    "$package/__init__.py": '''\
"""$label: a Portico module."""

from typing import Any

from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    Manifest,
    MenuItem,
    Permission,
    RequestContext,
    SeedContext,
    Widget,
    hookimpl,
)
from sqlalchemy import func, select

from $package.pages import ${model}Controller
from $package.models import $model

manifest = Manifest(name="$name", label="$label", version="0.1.0", description="$label for your customers.")


@hookimpl
def portico_permissions() -> list[Permission]:
    return [Permission("$name.view", "See $lower", default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN))]


async def count_items(ctx: RequestContext) -> int | None:
    return await ctx.db.scalar(select(func.count($model.id))) or None


async def load_widget(ctx: RequestContext) -> dict[str, Any]:
    return {"count": await ctx.db.scalar(select(func.count($model.id)))}


@hookimpl
def portico_menu_items() -> list[MenuItem]:
    return [MenuItem("$name", "$label", "/$name", "$name.view", order=100, badge=count_items)]


@hookimpl
def portico_widgets() -> list[Widget]:
    return [Widget("$name", "$label", "$name/widget.html", load_widget, "$name.view")]


@hookimpl
def portico_routes() -> list[Any]:
    return [${model}Controller]


@hookimpl
async def portico_seed_demo(db: Any, seed: SeedContext) -> None:
    for site_id in seed.site_customer_ids:
        db.add($model(customer_id=site_id, title=f"Demo $lower for site {site_id}"))
''',
    "$package/models.py": '''\
"""$label tables. Visibility per tenant and customer site is applied by the kernel."""

import datetime as dt

from core import Base, CustomerOwned, utcnow
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class $model(CustomerOwned, Base):
    __tablename__ = "${name}_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
''',
    "$package/pages.py": '''\
"""$label pages. Every handler declares its permission."""

from core import Ctx, Page, record_recent, render
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import select

from $package.models import $model


class ${model}Controller(Controller):
    path = "/$name"

    @get("/", opt={"permission": "$name.view"})
    async def index(self, ctx: Ctx) -> Page:
        items = (await ctx.db.execute(select($model).order_by($model.id.desc()).limit(200))).scalars().all()
        return await render(ctx, "$name/list.html", items=items)

    @get("/{item_id:int}", opt={"permission": "$name.view"})
    async def detail(self, ctx: Ctx, item_id: FromPath[int]) -> Page:
        item = await ctx.db.get($model, item_id)
        if item is None:
            raise NotFoundException()
        await record_recent(ctx, title=item.title, url=f"/$name/{item.id}", kind="$label")
        return await render(ctx, "$name/detail.html", item=item)
''',
    "$package/templates/$name/list.html": """\
{% extends "core/base.html" %}
{% block title %}$label{% endblock %}
{% block content %}
<h1>$label</h1>
{% if items %}
<table class="list">
  <thead><tr><th>Title</th><th>Created</th></tr></thead>
  <tbody>{% for item in items %}
    <tr><td><a href="/$name/{{ item.id }}">{{ item.title }}</a></td><td>{{ item.created_at|datetime(ctx) }}</td></tr>
  {% endfor %}</tbody>
</table>
{% else %}<p class="empty">Nothing here yet.</p>{% endif %}
{% endblock %}
""",
    "$package/templates/$name/detail.html": """\
{% extends "core/base.html" %}
{% block title %}{{ item.title }}{% endblock %}
{% block content %}
<p><a href="/$name">&larr; $label</a></p>
<h1>{{ item.title }}</h1>
<p class="muted">Created {{ item.created_at|datetime(ctx) }}</p>
{% endblock %}
""",
    "$package/templates/$name/widget.html": """\
<p><a href="/$name">{{ data.count }} $lower</a></p>
""",
    "$package/migrations/__init__.py": "",
    "$package/migrations/versions/__init__.py": "",
    "$package/migrations/versions/0001_${name}_tables.py": '''\
"""$name tables

Revision ID: ${name}_0001
Revises:

This creates the scaffold's example table. While nothing is deployed, edit it to create your own
tables instead (keep the revision id and branch label); once it has run anywhere, leave it as it
is and add a new revision: `portico db revision --plugin $name -m "what changed"`.
"""

import sqlalchemy as sa
from alembic import op

from core import enable_row_security

revision = "${name}_0001"
down_revision = None
branch_labels = ("$name",)
depends_on = "core"


def upgrade() -> None:
    op.create_table(
        "${name}_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["core_customer.id"], name=op.f("fk_${name}_item_customer_id_core_customer")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["core_tenant.id"], name=op.f("fk_${name}_item_tenant_id_core_tenant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_${name}_item")),
    )
    op.create_index(op.f("ix_${name}_item_customer_id"), "${name}_item", ["customer_id"])
    op.create_index(op.f("ix_${name}_item_tenant_id"), "${name}_item", ["tenant_id"])
    # PostgreSQL: the vendor's rows only, even for SQL that bypasses the ORM (core.row_security).
    enable_row_security(op, "${name}_item")


def downgrade() -> None:
    op.drop_table("${name}_item")
''',
    "tests/test_$name.py": """\
from core import CUSTOMER_USER, Scope, scoped

from $package.models import $model


async def test_contact_sees_their_sites_$name(tenant, customer_factory, user_factory, login_as, db):
    site = await customer_factory(tenant, "North site")
    other = await customer_factory(tenant, "South site")
    async with scoped(db, Scope(tenant.id)):
        db.add_all([$model(customer_id=site.id, title="Ours"), $model(customer_id=other.id, title="Theirs")])
        await db.commit()
    client = await login_as(await user_factory(tenant, CUSTOMER_USER, site))
    page = await client.get("/$name")
    assert page.status_code == 200
    assert "Ours" in page.text and "Theirs" not in page.text
""",
}


def scaffold(name: str, path: Path, label: str | None = None) -> list[Path]:
    """Write a new plugin package for ``name`` into ``path``; return the files written."""
    if not NAME.match(name):
        raise ValueError("A plugin name is lowercase letters, digits and underscores, starting with a letter.")
    if path.exists() and any(path.iterdir()):
        raise ValueError(f"{path} is not empty.")
    label = label or name.replace("_", " ").title()
    values = {
        "name": name,
        "label": label,
        "lower": label.lower(),
        "package": f"portico_{name}",
        "model": "".join(part.title() for part in name.split("_")) + "Item",
    }
    written = []
    for relative, content in FILES.items():
        target = path / Template(relative).substitute(values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(Template(content).substitute(values))
        written.append(target)
    return written
