"""Work orders: progress a customer can follow, work they can request, and what was shipped.

The module is made of parts, each a ``feature.py`` of plain hook-named functions (like the
kernel's services): ``progress`` (work orders and the parts' progress bars as customers see
them), ``manage`` (the vendor's pages for work orders, steps, tags and stages, and the ERP's JSON
API), ``requests`` (work requests) and ``shipping`` (purchase orders, packing slips, bills of
lading and the job sites view).
"""

from __future__ import annotations

from core import Manifest, Parts
from plugins.workorders import models as models  # noqa: F401  (the tables, for Alembic and create_all)
from plugins.workorders.manage import feature as manage
from plugins.workorders.progress import feature as progress
from plugins.workorders.requests import feature as requests
from plugins.workorders.shipping import feature as shipping

manifest = Manifest(
    name="workorders",
    label="Work orders",
    version="1.0.0",
    description="Work orders with progress per part, work requests, purchase orders and shipping papers.",
)
PARTS = Parts(progress, manage, requests, shipping)
# Every hook some part defines, handed to each part in turn (see core.Parts).
globals().update(PARTS.hooks())
