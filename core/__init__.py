"""Portico's kernel. Plugins import only the names exported here.

See docs/plugins.md for the guide to writing a plugin.
"""

from core.access import password_problem, send_invitation
from core.accounts import AccountError, create_customer, create_user, hash_password, scoped
from core.app import Portico, create_app
from core.context import Ctx, RequestContext
from core.db import Base, CustomerOwned, Scope, TenantOwned, set_scope, utcnow
from core.declarations import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    ActionItem,
    ActionSource,
    ActivityCounter,
    EmailTemplate,
    Manifest,
    MenuItem,
    Permission,
    RecordType,
    SeedContext,
    SettingsField,
    Widget,
)
from core.hookimpl import hookimpl
from core.i18n import N_, load_catalogs
from core.mail import Attachment, MailError, send_email
from core.models import Customer, Tenant, User
from core.people import open_activity
from core.recent import record_recent
from core.records import load_record
from core.settings import Settings
from core.version import __version__
from core.web.forms import form_data, form_lists, safe_next
from core.web.rendering import Page, render
from core.web.sessions import flash

__all__ = [
    "CUSTOMER_ADMIN",
    "CUSTOMER_USER",
    "VENDOR_ADMIN",
    "VENDOR_STAFF",
    "AccountError",
    "ActionItem",
    "ActionSource",
    "ActivityCounter",
    "Attachment",
    "Base",
    "Ctx",
    "Customer",
    "EmailTemplate",
    "CustomerOwned",
    "MailError",
    "Manifest",
    "MenuItem",
    "N_",
    "Page",
    "Permission",
    "Portico",
    "RecordType",
    "RequestContext",
    "Scope",
    "SeedContext",
    "Settings",
    "SettingsField",
    "Tenant",
    "TenantOwned",
    "User",
    "Widget",
    "__version__",
    "create_app",
    "create_customer",
    "create_user",
    "flash",
    "form_data",
    "form_lists",
    "hash_password",
    "hookimpl",
    "load_catalogs",
    "load_record",
    "open_activity",
    "password_problem",
    "record_recent",
    "render",
    "safe_next",
    "scoped",
    "send_email",
    "send_invitation",
    "set_scope",
    "utcnow",
]
