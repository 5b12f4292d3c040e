"""Which addresses the portal answers, and the address its links point to.

A request's ``Host`` header is the visitor's to choose, so it only ever *selects* a vendor among
the hosts the deployment knows (see :func:`core.tenancy.resolve_tenant`); the absolute links the
portal hands out (emails, PDFs, API answers) are built from configuration alone, by
:func:`portal_origin`, so that a forged ``Host`` cannot send a password reset link elsewhere.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from core.models import Tenant
from core.settings import Settings

#: Host names that reach the machine itself: the default (or only) vendor is served there, so
#: that ``portico demo`` and a developer's ``portico serve`` work without configuration.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

_HOST = re.compile(r"(?:\[(?P<ip6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::(?P<port>[0-9]{1,5}))?")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def parse_host(value: str) -> str | None:
    """The host name of a ``Host`` header (lower case, port dropped), or None when it is not one.

    Refused: anything but a DNS name, an IPv4 address or a bracketed IPv6 address with an optional
    port from 1 to 65535, so ``acme.localhost:@attacker.example`` or ``acme.test:abc`` never pass
    as ``acme.localhost`` or ``acme.test``.
    """
    found = _HOST.fullmatch(value.strip().lower())
    if found is None:
        return None
    port = found["port"]
    if port is not None and not 1 <= int(port) <= 65535:
        return None
    if found["ip6"] is not None:
        try:
            return str(ipaddress.IPv6Address(found["ip6"]))
        except ValueError:
            return None
    name = found["name"].removesuffix(".")  # "acme.example." is the same host, fully qualified
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return None
    return name


def base_url_host(settings: Settings) -> str | None:
    """The host of ``PORTICO_BASE_URL``, where the default or only vendor is served."""
    return urlsplit(settings.base_url).hostname if settings.base_url else None


def portal_origin(settings: Settings, tenant: Tenant) -> str:
    """``scheme://host[:port]`` of ``tenant``'s portal, from configuration only.

    The scheme and port are ``PORTICO_BASE_URL``'s (without it: https when cookies are secure,
    else http, on the default port). The host is the vendor's own (``portico tenant create
    --host``), else ``<slug>.<PORTICO_BASE_DOMAIN>``, else ``PORTICO_BASE_URL``'s, else
    ``<slug>.localhost``, which serves it on the machine itself (a deployment that links elsewhere
    must configure one of the others).
    """
    base = urlsplit(settings.base_url) if settings.base_url else None
    scheme = base.scheme if base else ("https" if settings.secure_cookies else "http")
    port = f":{base.port}" if base and base.port else ""
    if tenant.host:
        host = tenant.host
    elif settings.base_domain:
        host = f"{tenant.slug}.{settings.base_domain.strip('.').lower()}"
    elif base and base.hostname:
        host = base.hostname if ":" not in base.hostname else f"[{base.hostname}]"
    else:
        host = f"{tenant.slug}.localhost"
    return f"{scheme}://{host}{port}"
