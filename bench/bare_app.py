"""The baseline: a bare Litestar app serving a dashboard-like page from the Portico database.

Per request it runs the same queries as Portico's dashboard (tenant by host, session + user +
account by token hash, the "Recently opened" card's items and, for staff, the unhandled customer
messages badge) with plain SQLAlchemy Core on the kernel's engine factory, then renders a Jinja
page of the same shape as ``core/dashboard.html`` inside a base layout with a menu. No plugin
manager, no ORM, no guards, no CSRF, no dependency injection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape
from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig
from sqlalchemy import text

from core.db import make_engine

COOKIE_NAME = "portico_session"  # the kernel's cookie, so one signed-in token works for both
IDLE = dt.timedelta(minutes=120)
MAX_AGE = dt.timedelta(hours=24 * 7)

TENANT_SQL = text("SELECT id, slug, name, host, branding FROM core_tenant WHERE host = :host OR slug = :label")
SESSION_SQL = text(
    """
    SELECT s.created_at, s.last_seen_at, u.id, u.email, u.first_name, u.last_name, u.active,
           u.customer_id, u.role_id, u.language, c.active AS customer_active
    FROM core_web_session s
    JOIN core_user u ON u.id = s.user_id
    LEFT OUTER JOIN core_customer c ON c.id = u.customer_id
    WHERE s.id = :id AND s.tenant_id = :tenant_id
    """
)

RECENT_SQL = text(
    "SELECT url, title, kind FROM core_recent_item WHERE user_id = :user_id AND tenant_id = :tenant_id "
    "ORDER BY opened_at DESC LIMIT 5"
)
MESSAGES_SQL = text("SELECT count(id) FROM core_contact_request WHERE handled = false AND tenant_id = :tenant_id")

STAFF_MENU = [("Dashboard", "/"), ("Action required", "/actions"), ("Recent", "/recent")]
CUSTOMER_MENU = [*STAFF_MENU, ("Contact us", "/contact")]
ADMIN_MENU = [
    ("Modules", "/admin/modules"),
    ("Roles", "/admin/roles"),
    ("Branding", "/admin/branding"),
    ("Dashboard", "/admin/dashboard"),
    ("Customer messages", "/admin/messages"),
]

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="{{ user.language or 'en' }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{% endblock %} · {{ branding.portal_name }}</title>
  <link rel="stylesheet" href="/static/portico.css">
  <style>:root { --brand: {{ branding.primary_color or '#1f5fa8' }}; }</style>
  <script src="/static/htmx.min.js" defer></script>
  <script src="/static/portico.js" defer></script>
</head>
<body>
<header class="topbar">
  <button type="button" class="menu-toggle" aria-label="Show or hide the menu" data-menu-toggle>&#9776;</button>
  <a class="brand" href="/"><span>{{ branding.portal_name }}</span></a>
  <nav class="links">
    {% for label, url in branding.nav_links %}<a href="{{ url }}" rel="noopener">{{ label }}</a>{% endfor %}
  </nav>
  <div class="account">
    <a href="/profile" class="who" title="Your profile">{{ user.first_name }} {{ user.last_name }}</a>
    <form method="post" action="/logout" class="inline"><button type="submit" class="link">Sign out</button></form>
  </div>
</header>
<div class="shell">
  <nav id="sidemenu" class="sidemenu" aria-label="Main menu">
    <ul>
      {% for label, url in menu %}
      <li><a href="{{ url }}" class="{{ 'active' if url == path }}"><span class="label">{{ label }}</span></a></li>
      {% endfor %}
    </ul>
    {% if admin_menu %}
    <h2 class="menu-heading">Administration</h2>
    <ul>
      {% for label, url in admin_menu %}
      <li><a href="{{ url }}" class="{{ 'active' if url == path }}"><span class="label">{{ label }}</span>
        {% if url == "/admin/messages" and messages %}<span class="badge">{{ messages }}</span>{% endif %}</a></li>
      {% endfor %}
    </ul>
    {% endif %}
  </nav>
  <main class="content">{% block content %}{% endblock %}</main>
</div>
</body>
</html>
""",
    "dashboard.html": """{% extends "base.html" %}
{% block title %}Dashboard{% endblock %}
{% block content %}
<h1>Dashboard</h1>
<div class="cards">
  <section class="card span-8" data-widget="core.welcome">
    <h2>Welcome</h2>
    <p>Welcome, {{ user.first_name }}.</p>
    {% if branding.after_login_text %}<div class="after-login">{{ branding.after_login_text }}</div>{% endif %}
  </section>
  <section class="card span-4" data-widget="core.recent">
    <h2>Recently opened</h2>
    {% if recent %}<ul class="plain">
      {% for item in recent %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}
    </ul>
    {% else %}<p class="muted">Records you open show up here.</p>{% endif %}
  </section>
</div>
{% endblock %}
""",
}


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def create_bare_app(database_url: str) -> Litestar:
    engine = make_engine(database_url)  # the kernel's engine factory: same driver and pragmas
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]))

    @get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @get("/")
    async def dashboard(request: Request[Any, Any, Any]) -> Template | Redirect:
        host = request.headers.get("host", "").split(":", 1)[0].lower()
        label = host.split(".", 1)[0]
        token = request.cookies.get(COOKIE_NAME)
        async with engine.connect() as conn:
            rows = (await conn.execute(TENANT_SQL, {"host": host, "label": label})).all()
            tenant = next((r for r in rows if r.host == host), None) or next((r for r in rows if r.slug == label), None)
            if tenant is None:
                raise NotFoundException("No portal is served at this address.")
            user = None
            if token:
                token_hash = hashlib.sha256(token.encode()).hexdigest()
                user = (await conn.execute(SESSION_SQL, {"id": token_hash, "tenant_id": tenant.id})).first()
            recent, messages = [], 0
            if user is not None:
                recent = (await conn.execute(RECENT_SQL, {"user_id": user.id, "tenant_id": tenant.id})).all()
                if user.customer_id is None:
                    messages = (await conn.execute(MESSAGES_SQL, {"tenant_id": tenant.id})).scalar_one()
        now = dt.datetime.now(dt.UTC)
        if (
            user is None
            or now - _aware(user.last_seen_at) > IDLE
            or now - _aware(user.created_at) > MAX_AGE
            or not user.active
            or user.customer_active is False
        ):
            return Redirect("/login")
        raw = tenant.branding
        branding = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        branding.setdefault("portal_name", tenant.name)
        is_staff = user.customer_id is None
        return Template(
            template_name="dashboard.html",
            context={
                "user": user,
                "branding": branding,
                "path": request.url.path,
                "menu": STAFF_MENU if is_staff else CUSTOMER_MENU,
                "admin_menu": ADMIN_MENU if is_staff else [],
                "recent": recent,
                "messages": messages,
            },
        )

    async def dispose() -> None:
        await engine.dispose()

    return Litestar(
        route_handlers=[healthz, dashboard],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(env)),
        state=State({"bench_engine": engine}),
        on_shutdown=[dispose],
        openapi_config=None,
        debug=False,
    )
