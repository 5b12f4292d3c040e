"""What customers see and do: the lists, the detail page, approvals, change requests, reorders,
menu entries, widgets, action items, the PDFs and the demo data.

This file only declares; the work is in the modules beside it.
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
    DocumentType,
    EmailTemplate,
    MenuItem,
    Permission,
    RecordType,
    SeedContext,
    SettingsField,
    Widget,
    load_catalogs,
)
from plugins.quotes.models import ORDER_STATUSES, QUOTE_STATUSES, Quote
from plugins.quotes.portal import dashboard, demo, documents, pages
from plugins.quotes.portal.visibility import visible_orders, visible_quotes

EVERYONE = (CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, VENDOR_STAFF)

DEFAULT_APPROVAL_TERMS = N_(
    "I have reviewed the lines I am approving, including quantities, prices, taxes and delivery terms, "
    "and I authorise the vendor to proceed with them on behalf of my company."
)


def portico_permissions() -> list[Permission]:
    return [
        Permission("quotes.view", N_("See quotes"), default_roles=EVERYONE),
        Permission("quotes.orders", N_("See sales orders"), default_roles=EVERYONE),
        Permission(
            "quotes.approve",
            N_("Approve quotes and orders"),
            N_("Approve single lines, several lines or a whole quote or order, accepting the approval terms."),
            default_roles=(CUSTOMER_ADMIN,),
            audience="customer",
        ),
        Permission(
            "quotes.request_change",
            N_("Request changes to quotes and orders"),
            default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER),
            audience="customer",
        ),
        Permission(
            "quotes.reorder",
            N_("Reorder from order history"),
            default_roles=(CUSTOMER_ADMIN,),
            audience="customer",
        ),
    ]


def portico_routes() -> list[Any]:
    return [pages.QuotesController, pages.OrdersController]


def portico_menu_items() -> list[MenuItem]:
    return [
        MenuItem("quotes", N_("Quotes"), "/quotes", "quotes.view", order=30, badge=dashboard.quotes_badge),
        MenuItem("orders", N_("Orders"), "/orders", "quotes.orders", order=31, badge=dashboard.orders_badge),
    ]


def portico_widgets() -> list[Widget]:
    return [
        Widget(
            "needs_approval",
            N_("Needs approval"),
            "quotes/portal/widget_needs_approval.html",
            dashboard.needs_approval_widget,
            "quotes.view",
            order=20,
            size=4,
        ),
        Widget(
            "open_quotes",
            N_("Open quotes"),
            "quotes/portal/widget_open_quotes.html",
            dashboard.open_quotes_widget,
            "quotes.view",
            order=21,
            size=4,
        ),
        Widget(
            "work_summary",
            N_("Work summary"),
            "quotes/portal/widget_work_summary.html",
            dashboard.work_summary_widget,
            "quotes.view",
            order=22,
            size=4,
        ),
    ]


def portico_action_items() -> list[ActionSource]:
    return [
        ActionSource(
            "awaiting_approval",
            N_("Quotes and orders awaiting your approval"),
            dashboard.awaiting_action_items,
            "quotes.approve",
            order=20,
        )
    ]


def portico_activity_counters() -> list[ActivityCounter]:
    return [ActivityCounter("open_quotes", N_("Open quotes"), dashboard.open_quotes_per_site, "quotes.view")]


def portico_settings_fields() -> list[SettingsField]:
    return [
        SettingsField(
            "approval_terms",
            N_("Approval terms"),
            kind="textarea",
            default=DEFAULT_APPROVAL_TERMS,
            required=True,
            help=N_("Customers tick that they accept this text when they approve; it is kept with each approval."),
        ),
        SettingsField(
            "reorder_enabled", N_("Customers may reorder from their order history"), kind="bool", default=True
        ),
        SettingsField(
            "customer_quote_statuses",
            N_("Quote statuses customers see"),
            kind="multichoice",
            default=["open", "approved", "declined", "expired", "ordered"],
            choices=tuple(QUOTE_STATUSES.items()),
            required=True,
            help=N_("A quote also reaches customers only once it was sent to them."),
        ),
        SettingsField(
            "customer_order_statuses",
            N_("Order statuses customers see"),
            kind="multichoice",
            default=list(ORDER_STATUSES),
            choices=tuple(ORDER_STATUSES.items()),
            required=True,
            help=N_("An order also reaches customers only once it was sent to them (their own reorders at once)."),
        ),
        SettingsField(
            "notify_email",
            N_("Email change requests, reorders and approvals to"),
            default="",
            help=N_("Empty: the record's sales rep, else the contact email of your branding."),
        ),
    ]


_COMMON = (
    ("number", N_("The quote or order number")),
    ("name", N_("The quote or order name")),
    ("kind", N_("Quote or Order")),
    ("customer", N_("The customer account")),
    ("contact", N_("The contact who acted")),
    ("contact_address", N_("The contact's email address")),
    ("link", N_("The record's address in the portal")),
)


def portico_email_templates() -> list[EmailTemplate]:
    return [
        EmailTemplate(
            "quotes.change_requested",
            N_("Change requested on a quote or order"),
            subject=N_("{{ contact }} requests a change to {{ kind }} {{ number }}"),
            body=N_(
                "{{ contact }} ({{ customer }}) asks for a change to {{ kind }} {{ number }} {{ name }}:\n\n"
                "{{ message }}\n\nOpen it: {{ link }}\nReply to {{ contact_address }}.\n"
            ),
            variables=(*_COMMON, ("message", N_("What the customer wrote"))),
        ),
        EmailTemplate(
            "quotes.reorder_requested",
            N_("Reorder requested"),
            subject=N_("{{ customer }} reorders {{ source_number }}: order request {{ number }}"),
            body=N_(
                "{{ contact }} ({{ customer }}) would like to order {{ source_number }} again.\n\n"
                "The new order request {{ number }} has {{ lines }} line(s) copied from it and waits for you "
                "to confirm prices and dates.\n\nOpen it: {{ link }}\nReply to {{ contact_address }}.\n"
            ),
            variables=(
                *_COMMON,
                ("source_number", N_("The number of the order copied")),
                ("lines", N_("How many lines were copied")),
            ),
        ),
        EmailTemplate(
            "quotes.approved",
            N_("Quote or order approved"),
            subject=N_("{{ contact }} approved {{ lines }} line(s) of {{ kind }} {{ number }}"),
            body=N_(
                "{{ contact }} ({{ customer }}) approved {{ lines }} line(s) worth {{ amount }} of "
                '{{ kind }} {{ number }} {{ name }}, signing as "{{ typed_name }}".\n'
                "{% if fully_approved %}Every line is approved now.{% endif %}\n\nOpen it: {{ link }}\n"
            ),
            variables=(
                *_COMMON,
                ("lines", N_("How many lines were approved")),
                ("amount", N_("The approved lines' amount")),
                ("typed_name", N_("The name the contact typed to sign")),
                ("fully_approved", N_("Whether every line is approved now")),
            ),
        ),
    ]


def portico_record_types() -> list[RecordType]:
    return [
        RecordType(
            "quotes.quote",
            N_("Quote"),
            Quote,
            "quotes.view",
            url=lambda q: f"/quotes/{q.id}",
            title=lambda q: f"{q.number} {q.name}".strip(),
            visible=visible_quotes,
        ),
        RecordType(
            "quotes.order",
            N_("Order"),
            Quote,
            "quotes.orders",
            url=lambda q: f"/orders/{q.id}",
            title=lambda q: f"{q.number} {q.name}".strip(),
            visible=visible_orders,
        ),
    ]


def portico_document_types() -> list[DocumentType]:
    return [
        DocumentType(
            "quotes.quote",
            N_("Quote"),
            record_type="quotes.quote",
            template="quotes/portal/pdf.html",
            context=documents.pdf_context,
            filename=documents.quote_filename,
            permission="quotes.view",
        ),
        DocumentType(
            "quotes.order",
            N_("Order"),
            record_type="quotes.order",
            template="quotes/portal/pdf.html",
            context=documents.pdf_context,
            filename=documents.order_filename,
            permission="quotes.orders",
        ),
    ]


def portico_translations() -> dict[str, dict[str, str]]:
    return load_catalogs(Path(__file__).parent / "translations")


async def portico_seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    await demo.seed_demo(db, seed)
