"""Account access: invitations, password resets, the password policy.

Plugins and the admin pages call :func:`send_invitation`; the links it sends are single-use,
expire, and are stored only as hashes.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# core.models imports core.access.models, and the functions below need core.models: resolving
# them on first use keeps ``import core.access.models`` free of that cycle.
_EXPORTS = {
    "may_sign_in": "core.access.links",
    "request_password_reset": "core.access.links",
    "send_invitation": "core.access.links",
    "set_password": "core.access.links",
    "password_problem": "core.access.passwords",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'core.access' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
