"""The kernel's services, each a module that declares its part of the kernel plugin.

A feature module defines plain functions named like the hooks it contributes to
(``portico_permissions``, ``portico_menu_items``, ``portico_widgets``, ``portico_routes``,
``portico_action_items``, ``portico_email_templates``, ``portico_activity_counters``; async
``portico_seed_demo(db, seed)`` and ``portico_startup(app)``); :mod:`core.builtin` registers
their declarations as the kernel's ("core") own.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from core.access import feature as access_feature
from core.comments import feature as comments_feature
from core.discussions import feature as discussions_feature
from core.documents import feature as documents_feature
from core.imports import feature as imports_feature
from core.mail import feature as mail_feature
from core.notices import feature as notices_feature
from core.parts import Parts
from core.people import feature as people_feature
from core.settings_admin import feature as settings_feature

FEATURES: tuple[ModuleType, ...] = (
    mail_feature,
    access_feature,
    settings_feature,
    documents_feature,
    notices_feature,
    discussions_feature,
    comments_feature,
    people_feature,
    imports_feature,
)


KERNEL_PARTS = Parts(*FEATURES)


def gather(hook: str) -> list[Any]:
    """Every feature's declarations for ``hook``, in the order of :data:`FEATURES`."""
    return KERNEL_PARTS.gather(hook)
