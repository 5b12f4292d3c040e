"""The documents service's part of the kernel plugin: permissions, routes and the email it sends."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Litestar
from litestar.types import ControllerRouterHandler

from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF, EmailTemplate, Permission
from core.documents.pages import DocumentsController, SendDocumentController
from core.documents.publishing import DEFAULT_EMAIL
from core.documents.render import warm_up
from core.documents.status import SEND_PERMISSION
from core.i18n import N_


def portico_permissions() -> Sequence[Permission]:
    return [
        Permission(
            "core.documents.view",
            N_("Download the documents sent to you"),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF),
        ),
        Permission(
            SEND_PERMISSION,
            N_("Send documents to customers"),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        ),
    ]


def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [DocumentsController, SendDocumentController]


def portico_email_templates() -> Sequence[EmailTemplate]:
    return [
        EmailTemplate(
            DEFAULT_EMAIL,
            N_("A document was sent to a customer"),
            subject=N_("{{ document_label }}: {{ record_title }} — {{ vendor_name }}"),
            body=(
                'Hello,\n\n{{ vendor_name }} sent you {{ document_label }} "{{ record_title }}"; '
                "the PDF is attached.\n{% if message %}\n{{ message }}\n{% endif %}\n"
                "You can also open it in the portal: {{ link }}\n\n{{ portal_name }}\n"
            ),
            variables=(
                ("document_label", N_("The kind of document, such as Quote")),
                ("record_title", N_("The record's name, such as its number")),
                ("message", N_("The sender's message, if they wrote one")),
                ("link", N_("The link to the record in the portal")),
                ("version", N_("How many times it has been sent, this time included")),
                ("filename", N_("The attached PDF's file name")),
            ),
        )
    ]


async def portico_startup(app: Litestar) -> None:
    if app.state.portico.plugins.document_types:  # nothing to render without document types
        warm_up()
