"""A vendor's theme folder overrides templates for that vendor only."""

from __future__ import annotations


async def test_theme_overrides_one_vendors_pages_only(portal_factory, tmp_path, db):
    (tmp_path / "themed" / "core").mkdir(parents=True)
    (tmp_path / "themed" / "core" / "login.html").write_text(
        '{% extends "core/base.html" %}{% block shell %}<main id="themed">Themed sign-in {{ csrf_input }}'
        "</main>{% endblock %}"
    )
    themed = await portal_factory(slug="themed", theme_dir=tmp_path)
    plain_tenant = await _second_tenant(db, themed)
    page = await (await themed.client()).get("/login")
    assert 'id="themed"' in page.text and 'name="_csrf_token"' in page.text
    plain = await themed.client()
    plain.inner.base_url = f"http://{plain_tenant.host}"
    other = await plain.get("/login")
    assert other.status_code == 200 and 'id="themed"' not in other.text and 'id="email"' in other.text


async def _second_tenant(db, portal):
    from core.accounts import create_tenant

    tenant = await create_tenant(db, portal.portico.plugins, "plain", "Plain", "plain.portal.test")
    await db.commit()
    return tenant
