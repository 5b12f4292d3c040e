"""The portal speaks the reader's language: the user's choice, else the portal's, else English."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

from markupsafe import Markup

import core
from core import CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, MenuItem, Permission, Widget
from core.i18n import LANGUAGES, TRANSLATIONS_DIR, Catalogs, interpolate
from core.models import Tenant, User
from core.tenancy import bump_config_version

CORE = Path(core.__file__).resolve().parent
# _("...") in templates and ctx._("...") / N_("...") in Python, with either kind of quotes.
MSGID = re.compile(r"""(?<!\w)(?:N_|_)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")


async def set_portal_language(db, tenant: Tenant, language: str) -> None:
    row = await db.get(Tenant, tenant.id, populate_existing=True)
    row.branding = {**(row.branding or {}), "language": language}
    await bump_config_version(db, tenant.id)  # every worker reloads the branding on its next request
    await db.commit()


async def test_a_german_portal_shows_german_sign_in_and_dashboard(client, tenant, user_factory, db):
    await set_portal_language(db, tenant, "de")
    user = await user_factory(tenant, VENDOR_STAFF, first_name="Greta")
    login = (await client.get("/login")).text
    assert 'lang="de"' in login and "Anmelden" in login and "Passwort" in login
    assert "Sign in" not in login and "Password" not in login
    refused = await client.post("/login", {"email": user.email, "password": "wrong", "next": "/"})
    assert refused.status_code == 400
    assert "E-Mail-Adresse oder Passwort stimmen nicht." in refused.text
    await client.login(user.email)
    dashboard = (await client.get("/")).text
    assert 'lang="de"' in dashboard
    for german in ("<h1>Übersicht</h1>", "Willkommen, Greta.", "Abmelden", "Zuletzt geöffnet", "Aktion erforderlich"):
        assert german in dashboard, german
    assert "Sign out" not in dashboard and "Welcome, Greta." not in dashboard


async def test_the_users_own_language_wins_over_the_portals(client, tenant, user_factory, db):
    await set_portal_language(db, tenant, "de")
    user = await user_factory(tenant, VENDOR_STAFF, first_name="Fleur")
    await client.login(user.email)
    saved = await client.post(
        "/profile", {"first_name": "Fleur", "last_name": "Martin", "timezone": "Europe/Paris", "language": "fr"}
    )
    assert saved.status_code == 302
    page = (await client.get("/")).text
    assert 'lang="fr"' in page and "Tableau de bord" in page and "Se déconnecter" in page
    assert "Bienvenue, Fleur." in page and "Abmelden" not in page
    assert "Votre profil est enregistré." in page  # the message after saving is in the new language
    bad = await client.post("/profile", {"first_name": "", "last_name": "Martin", "language": "fr"})
    assert bad.status_code == 400 and "Votre prénom est obligatoire." in bad.text
    assert "Veuillez corriger le champ signalé ci-dessous." in bad.text  # the macros follow the page


async def test_a_user_without_a_choice_follows_the_portal(client, tenant, user_factory, db):
    user = await user_factory(tenant, VENDOR_STAFF)
    assert user.language == ""  # nobody chose for them
    await set_portal_language(db, tenant, "nl")
    await client.login(user.email)
    profile = (await client.get("/profile")).text
    assert 'lang="nl"' in profile and "Uw profiel" in profile
    assert '<option value="" selected>Taal van het portaal (Nederlands)</option>' in profile
    await set_portal_language(db, tenant, "es")
    page = (await client.get("/")).text
    assert 'lang="es"' in page and "Cerrar sesión" in page
    await client.post("/profile", {"first_name": "Ana", "last_name": "Ruiz", "timezone": "UTC", "language": ""})
    assert (await db.get(User, user.id, populate_existing=True)).language == ""


async def test_error_pages_and_validation_messages_are_translated(client, client_factory, tenant, user_factory, db):
    await set_portal_language(db, tenant, "de")
    staff = await user_factory(tenant, VENDOR_STAFF)
    await client.login(staff.email)
    forbidden = await client.get("/admin/roles")
    assert forbidden.status_code == 403
    assert "Nicht erlaubt" in forbidden.text and "Ihre Rolle erlaubt dies nicht." in forbidden.text
    admin = await client_factory(tenant.host)
    await admin.login((await user_factory(tenant, VENDOR_ADMIN)).email)
    bad = await admin.post("/admin/branding", {"portal_name": "", "nav_links": "just text", "language": "de"})
    assert bad.status_code == 400
    assert "Geben Sie dem Portal einen Namen." in bad.text and "Zeile 1: Schreiben Sie einen Link" in bad.text
    roles = (await admin.get("/admin/roles")).text
    assert "Rollen und Berechtigungen" in roles and "Kunden-Benutzer" in roles and "Übersicht ansehen" in roles
    api = await admin.get("/api/v1/nothing")
    assert api.json()["detail"] == "There is nothing here."  # integrations get English
    switched = await admin.post("/admin/branding", {"portal_name": "Acme", "language": "fr"})
    assert switched.status_code == 302
    assert "Image de marque enregistrée." in (await admin.get("/admin/branding")).text  # said in the new language


async def test_a_plugins_catalog_translates_its_labels_and_templates(portal_factory, throwaway_plugin, db):
    async def load(ctx):
        return {"count": 3}

    plugin = throwaway_plugin(
        "service",
        label="Service",
        templates={"service/card.html": "<p>{{ _('Open requests: {count}', count=data.count) }}</p>"},
        portico_permissions=lambda: [
            Permission("service.view", "See service requests", default_roles=(VENDOR_ADMIN, CUSTOMER_USER))
        ],
        portico_menu_items=lambda: [MenuItem("requests", "Service requests", "/service", "service.view", order=5)],
        portico_widgets=lambda: [Widget("open", "Open requests", "service/card.html", load, "service.view")],
        portico_translations=lambda: {
            "de": {
                "Service requests": "Serviceanfragen",
                "See service requests": "Serviceanfragen ansehen",
                "Open requests": "Offene Anfragen",
                "Open requests: {count}": "Offene Anfragen: {count}",
                "Dashboard": "Armaturenbrett",  # the kernel's text: never on the kernel's pages
            }
        },
    )
    portal = await portal_factory([plugin])
    await set_portal_language(db, portal.tenant, "de")
    client = await portal.client(await portal.user(VENDOR_ADMIN))
    page = (await client.get("/")).text
    assert '<span class="label">Serviceanfragen</span>' in page
    assert "<h2>Offene Anfragen</h2>" in page and "Offene Anfragen: 3" in page
    assert "Armaturenbrett" not in page
    assert "Übersicht" in page and "Armaturenbrett" not in page
    assert "Serviceanfragen ansehen" in (await client.get("/admin/roles")).text


def test_interpolation_keeps_placeholders_safe():
    assert interpolate("Hallo {name}.", "Hello {name}.", {"name": "Ann"}) == "Hallo Ann."
    # a translation with a broken placeholder falls back to English instead of breaking the page
    assert interpolate("Hallo {nom}.", "Hello {name}.", {"name": "Ann"}) == "Hello Ann."
    html = interpolate("Hallo {name} & co.", "Hello {name} & co.", {"name": "<b>"}, markup=True)
    assert html == Markup("Hallo &lt;b&gt; &amp; co.")
    kept = interpolate("Als {who}.", "As {who}.", {"who": Markup("<strong>x</strong>")}, markup=True)
    assert kept == Markup("Als <strong>x</strong>.")
    catalogs = Catalogs()
    catalogs.add("core", {"de": {"Save": "Speichern"}})
    catalogs.add("other", {"de": {"Save": "Sichern", "Tickets": "Tickets"}})
    assert catalogs.gettext("de", "Save") == "Speichern" and catalogs.gettext("fr", "Save") == "Save"
    # the plugin's own pages use its own wording; the kernel's keep the kernel's
    assert catalogs.lookup("de", "Save", "other") == "Sichern" and catalogs.lookup("de", "Save", "core") == "Speichern"
    assert catalogs.lookup("de", "Tickets", "third") == "Tickets" and catalogs.lookup("nl", "Save", "other") == "Save"


def python_msgids(source: str) -> list[str]:
    """Literal first arguments of ``N_(...)``, ``_(...)`` and ``ctx._(...)``, as Python reads them
    (adjacent literals joined, escapes such as \\n resolved): long email texts span lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ("N_", "_") and isinstance(node.args[0].value, str):
                found.append(node.args[0].value)
    return found


def kernel_msgids() -> dict[str, str]:
    """Every literal msgid in the kernel's templates and Python code, with a file it is in."""
    found: dict[str, str] = {}
    for path in sorted(CORE.rglob("*")):
        if path.suffix in (".py", ".html") and "migrations" not in path.parts:
            source = path.read_text("utf-8")
            if path.suffix == ".py":
                msgids = python_msgids(source)
            else:
                msgids = [m.group(1) if m.group(1) is not None else m.group(2) for m in MSGID.finditer(source)]
            for msgid in msgids:
                found.setdefault(msgid, str(path.relative_to(CORE)))
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_kernel_text_is_translated_into_every_language():
    msgids = kernel_msgids()
    assert len(msgids) > 150 and "Sign in" in msgids and "Dashboard" in msgids  # the scan finds them
    for language in sorted(set(LANGUAGES) - {"en"}):
        catalog = json.loads((TRANSLATIONS_DIR / f"{language}.json").read_text("utf-8"))
        missing = {msgid: where for msgid, where in msgids.items() if not catalog.get(msgid, "").strip()}
        assert missing == {}, f"{language}.json lacks translations"
        broken = {m: t for m, t in catalog.items() if placeholders(t) != placeholders(m)}
        assert broken == {}, f"{language}.json changes placeholders"
        unused = sorted(set(catalog) - set(msgids))
        assert unused == [], f"{language}.json translates texts the kernel no longer has"
