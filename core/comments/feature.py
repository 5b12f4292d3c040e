"""The comments and files service's part of the kernel plugin: its permissions and routes."""

from __future__ import annotations

from typing import Any

from core.comments.pages import CommentsController, FilesController, RecordFilesController
from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, Permission
from core.i18n import N_

EVERYONE = (CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF)


def portico_permissions() -> list[Permission]:
    return [
        Permission(
            "core.comments",
            N_("Read and add comments, see attached files"),
            N_("On the records the role may see."),
            default_roles=EVERYONE,
        ),
        Permission("core.files.upload", N_("Attach files to records"), default_roles=EVERYONE),
        Permission(
            "core.files.manage",
            N_("Show attached files in the portal, or delete them"),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        ),
    ]


def portico_routes() -> list[Any]:
    return [CommentsController, RecordFilesController, FilesController]
