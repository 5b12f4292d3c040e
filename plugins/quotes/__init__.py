"""Quotes: estimates and sales orders a customer reviews, approves, questions and reorders.

The module is made of parts, each a ``feature.py`` of plain hook-named functions (like the
kernel's services): ``portal`` is what customers see and do, ``admin`` the vendor's pages and the
ERP's JSON API.
"""

from __future__ import annotations

from core import Manifest, Parts
from plugins.quotes import models as models  # noqa: F401  (the tables, for Alembic and create_all)
from plugins.quotes.admin import feature as admin
from plugins.quotes.portal import feature as portal

manifest = Manifest(
    name="quotes",
    label="Quotes",
    version="1.0.0",
    description="Estimates and sales orders your customers review, approve, question and reorder.",
)
PARTS = Parts(portal, admin)
# Every hook some part defines, handed to each part in turn (see core.Parts).
globals().update(PARTS.hooks())
