"""A vendor's look: portal name, logo, colours, texts, links and custom CSS (checked in
:mod:`core.settings_admin.css`)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from core.i18n import LANGUAGES, Translator, english
from core.settings_admin.css import check_custom_css
from core.settings_admin.logo import logo_path

DATE_FORMATS = {
    "%Y-%m-%d": "2026-03-31",
    "%d/%m/%Y": "31/03/2026",
    "%m/%d/%Y": "03/31/2026",
    "%d.%m.%Y": "31.03.2026",
    "%b %d, %Y": "Mar 31, 2026",
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Branding:
    portal_name: str = ""
    logo_url: str = ""
    primary_color: str = "#1f5fa8"
    welcome_text: str = ""
    after_login_text: str = ""
    date_format: str = "%Y-%m-%d"
    language: str = "en"
    nav_links: tuple[tuple[str, str], ...] = ()
    custom_css: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    #: An uploaded logo: its storage key and content type (it wins over ``logo_url``).
    logo_key: str = ""
    logo_type: str = ""

    @property
    def logo_src(self) -> str:
        """The logo's address on pages: the uploaded one, else the address the vendor gave."""
        return logo_path(self.logo_key) if self.logo_key else self.logo_url

    @classmethod
    def from_dict(cls, data: dict[str, Any], default_name: str = "") -> Branding:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        values["nav_links"] = tuple(tuple(link) for link in values.get("nav_links", ()))
        # Saved CSS was checked, but "<" must never reach the <style> element, whatever the data says.
        values["custom_css"] = str(values.get("custom_css", "")).replace("<", "")
        branding = cls(**values)
        if not branding.portal_name and default_name:
            branding = cls(**{**asdict(branding), "portal_name": default_name, "nav_links": branding.nav_links})
        return branding

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["nav_links"] = [list(link) for link in self.nav_links]
        return data


def validate_branding(form: dict[str, str], _: Translator = english) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean submitted branding values; return (values, errors by field, translated with ``_``)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    name = form.get("portal_name", "").strip()
    if not name:
        errors["portal_name"] = _("Give the portal a name.")
    values["portal_name"] = name[:100]
    colour = form.get("primary_color", "").strip() or Branding.primary_color
    if not _COLOUR.match(colour):
        errors["primary_color"] = _("Use a colour like #1f5fa8.")
    values["primary_color"] = colour
    logo = form.get("logo_url", "").strip()
    if logo and not (logo.startswith("https://") or logo.startswith("/")):
        errors["logo_url"] = _("The logo address must start with https:// or /.")
    values["logo_url"] = logo
    fmt = form.get("date_format", Branding.date_format)
    if fmt not in DATE_FORMATS:
        errors["date_format"] = _("Choose one of the listed date formats.")
    values["date_format"] = fmt
    language = form.get("language", "en")
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the listed languages.")
    values["language"] = language
    for key in ("welcome_text", "after_login_text", "contact_email", "contact_phone", "contact_address"):
        values[key] = form.get(key, "").strip()[:4000]
    links: list[list[str]] = []
    for number, line in enumerate(form.get("nav_links", "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, url = line.partition("|")
        url = url.strip()
        if not sep or not label.strip() or not (url.startswith(("https://", "http://", "/"))):
            errors["nav_links"] = _("Line {number}: write a link as 'Label | https://address'.", number=number)
            break
        links.append([label.strip(), url])
    values["nav_links"] = links
    css, problem = check_custom_css(form.get("custom_css", ""), _)
    if problem:
        errors["custom_css"] = problem
    values["custom_css"] = css
    return values, errors
