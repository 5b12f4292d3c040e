"""Work requests: the customer's request form, the vendor's inbox (turn into a work order or
decline), work types per customer, the notification emails and the "needs information" action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    N_,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    ActionSource,
    ActivityCounter,
    EmailTemplate,
    MenuItem,
    Permission,
    RecordType,
    SeedContext,
    SettingsField,
    load_catalogs,
)
from plugins.workorders.models import WorkRequest
from plugins.workorders.requests import demo, loaders, notify
from plugins.workorders.requests.admin_pages import RequestsInboxController
from plugins.workorders.requests.portal_pages import RequestsController
from plugins.workorders.requests.work_type_pages import WorkTypesController


def portico_permissions() -> list[Permission]:
    return [
        Permission(
            "workorders.request",
            N_("Request work"),
            N_("Send work requests and follow their status."),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER),
            audience="customer",
        ),
        Permission(
            "workorders.requests.manage",
            N_("Handle work requests"),
            N_("Answer, accept or decline work requests; edit the types of work customers may request."),
            default_roles=(VENDOR_ADMIN, VENDOR_STAFF),
            audience="staff",
        ),
    ]


def portico_routes() -> list[Any]:
    return [RequestsController, RequestsInboxController, WorkTypesController]


def portico_menu_items() -> list[MenuItem]:
    return [
        MenuItem(
            "requests",
            N_("Work requests"),
            "/workorders/requests",
            "workorders.request",
            order=32,
            badge=loaders.waiting_for_customer,
            parent="orders",
        ),
        MenuItem(
            "requests_inbox",
            N_("Work requests"),
            "/admin/workorders/requests",
            "workorders.requests.manage",
            order=32,
            section="admin",
            badge=loaders.new_requests,
            parent="manage",
        ),
        MenuItem(
            "work_types",
            N_("Types of work"),
            "/admin/workorders/work-types",
            "workorders.requests.manage",
            order=33,
            section="admin",
            parent="manage",
        ),
    ]


def portico_action_items() -> list[ActionSource]:
    return [
        ActionSource(
            "requests_needing_information",
            N_("Work requests that need more information"),
            loaders.needs_information,
            "workorders.request",
            order=30,
        )
    ]


def portico_activity_counters() -> list[ActivityCounter]:
    # One count, shown to each audience under its own permission (customers' job sites, the vendor's customers).
    return [
        ActivityCounter(
            "open_requests",
            N_("Open requests"),
            loaders.open_requests,
            "workorders.request",
            url=lambda site: f"/workorders/requests?site={site}",
        ),
        ActivityCounter(
            "open_requests_inbox", N_("Open requests"), loaders.open_requests, "workorders.requests.manage"
        ),
    ]


def portico_record_types() -> list[RecordType]:
    return [
        RecordType(
            "workorders.request",
            N_("Work request"),
            WorkRequest,
            "workorders.request",
            url=lambda r: f"/workorders/requests/{r.id}",
            title=lambda r: f"Work request {r.number}",
            # The vendor reads the customer's attachments and comments through its inbox permission.
            staff_permission="workorders.requests.manage",
        )
    ]


def portico_settings_fields() -> list[SettingsField]:
    return [
        SettingsField(
            "request_email",
            N_("Email new work requests to"),
            help=N_("Leave it empty to get no email; new requests always wait in the inbox."),
        ),
        SettingsField("description_required", N_("A work request needs a description"), kind="bool", default=True),
        SettingsField(
            "description_default",
            N_("Default description of a work request"),
            kind="textarea",
            default="",
            help=N_("Pre-fills the description on the request form, e.g. questions you always ask."),
        ),
        SettingsField(
            "terms_required", N_("Customers must accept terms to send a request"), kind="bool", default=False
        ),
        SettingsField(
            "terms_text",
            N_("Terms and conditions for work requests"),
            kind="textarea",
            default="",
            help=N_("Shown on the request form; the text the customer accepted is kept with the request."),
        ),
        SettingsField(
            "request_button_text",
            N_("Text of the button that sends a request"),
            default=N_("Send request"),
            required=True,
        ),
    ]


def portico_email_templates() -> list[EmailTemplate]:
    facts = (
        ("number", N_("The request's number")),
        ("site", N_("The customer site the work is for")),
        ("work_type", N_("The type of work")),
        ("requested_by", N_("Who sent the request")),
        ("description", N_("The description of the work")),
        ("preferred_date", N_("The preferred date, if any")),
        ("link", N_("The request's address in the portal (after portal_url)")),
    )
    return [
        EmailTemplate(
            notify.SUBMITTED,
            N_("New work request (to the vendor)"),
            subject=N_("New work request {{ number }} from {{ site }}"),
            body=N_(
                "{{ requested_by }} requested work for {{ site }}.\n\n"
                "Type of work: {{ work_type }}\n"
                "{% if preferred_date %}Preferred date: {{ preferred_date }}\n{% endif %}"
                "\n{{ description }}\n\n"
                "Open the request: {{ portal_url }}{{ link }}\n"
            ),
            variables=facts,
        ),
        EmailTemplate(
            notify.ANSWERED,
            N_("Customer answered a question about a work request (to the vendor)"),
            subject=N_("{{ site }} answered your question about request {{ number }}"),
            body=N_(
                "{{ requested_by }} answered your question about work request {{ number }}:\n\n"
                "{{ answer }}\n\n"
                "Open the request: {{ portal_url }}{{ link }}\n"
            ),
            variables=(*facts, ("answer", N_("The customer's answer"))),
        ),
        EmailTemplate(
            notify.STATUS_CHANGED,
            N_("Work request status changed (to the customer)"),
            subject=N_(
                "Your work request {{ number }}: {% if status == 'needs_info' %}we need more information"
                "{% elif status == 'accepted' %}accepted{% elif status == 'declined' %}declined"
                "{% else %}{{ status_label }}{% endif %}"
            ),
            body=N_(
                "Hello {{ name }},\n\n"
                "{% if status == 'needs_info' %}We need more information about your work request {{ number }}:\n\n"
                "{{ question }}\n\nPlease answer in the portal.\n"
                "{% elif status == 'accepted' %}We accepted your work request {{ number }}"
                "{% if work_order_number %}; it is now work order {{ work_order_number }}{% endif %}.\n"
                "{% elif status == 'declined' %}We are sorry: we declined your work request {{ number }}.\n\n"
                "{{ decline_reason }}\n"
                "{% else %}Your work request {{ number }} is now: {{ status_label }}.\n{% endif %}\n"
                "{{ portal_url }}{{ link }}\n\n{{ vendor_name }}\n"
            ),
            variables=(
                *facts,
                ("name", N_("The customer contact's first name")),
                ("status", N_("The new status: needs_info, accepted or declined")),
                ("status_label", N_("The new status, in words (in the language of the person who changed it)")),
                ("question", N_("What the vendor asked")),
                ("decline_reason", N_("Why the request was declined")),
                ("work_order_number", N_("The work order made from the request")),
            ),
        ),
    ]


def portico_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(Path(__file__).parent / "translations")


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await demo.seed_requests(db, seed)
