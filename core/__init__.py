"""Portico's kernel. Plugins import only the names exported here.

See docs/plugins.md for the guide to writing a plugin.
"""

from core.access import password_problem, send_invitation
from core.accounts import AccountError, create_customer, create_user, hash_password, scoped
from core.app import Portico, create_app
from core.comments import (
    InputError,
    RecordRef,
    add_comment,
    add_file,
    check_upload,
    list_comments,
    list_files,
    open_file,
    store_comment,
    store_file,
)
from core.context import Ctx, RequestContext, context_for
from core.db import Base, CustomerOwned, Scope, TenantOwned, set_scope, utcnow
from core.declarations import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    ActionItem,
    ActionSource,
    ActivityCounter,
    DocumentType,
    EmailTemplate,
    Manifest,
    MenuItem,
    Permission,
    RecordType,
    SeedContext,
    SettingsField,
    Widget,
)
from core.discussions.listing import threads_for_record
from core.discussions.seeding import seed_thread
from core.documents import (
    DocumentError,
    DocumentStatus,
    Publication,
    document_status,
    eligible_contacts,
    is_published,
    latest_publication,
    latest_publications,
    publication_history,
    publish,
    published_filter,
)
from core.hookimpl import hookimpl
from core.i18n import N_, load_catalogs
from core.integers import is_whole_number
from core.mail import Attachment, MailError, send_email
from core.models import Customer, Tenant, User
from core.money import AmountError, format_money, format_quantity, minor_digits, parse_money
from core.notices import NoticeError, post_message
from core.numbering import next_number
from core.parts import Parts
from core.people import open_activity
from core.recent import record_recent
from core.records import load_record
from core.row_security import disable_row_security, enable_row_security
from core.settings import Settings
from core.storage import StorageError
from core.uploads import FileKind, content_disposition, display_name, max_upload_bytes, sniff
from core.version import __version__
from core.web.forms import form_data, form_lists, new_submission_key, safe_next, submission_key
from core.web.inputs import IntegerInput, IntegerInputError
from core.web.rendering import Page, render
from core.web.sessions import flash

__all__ = [
    "CUSTOMER_ADMIN",
    "CUSTOMER_USER",
    "N_",
    "VENDOR_ADMIN",
    "VENDOR_STAFF",
    "AccountError",
    "ActionItem",
    "ActionSource",
    "ActivityCounter",
    "AmountError",
    "Attachment",
    "Base",
    "Ctx",
    "Customer",
    "CustomerOwned",
    "DocumentError",
    "DocumentStatus",
    "DocumentType",
    "EmailTemplate",
    "FileKind",
    "InputError",
    "IntegerInput",
    "IntegerInputError",
    "MailError",
    "Manifest",
    "MenuItem",
    "NoticeError",
    "Page",
    "Parts",
    "Permission",
    "Portico",
    "Publication",
    "RecordRef",
    "RecordType",
    "RequestContext",
    "Scope",
    "SeedContext",
    "Settings",
    "StorageError",
    "SettingsField",
    "Tenant",
    "TenantOwned",
    "User",
    "Widget",
    "__version__",
    "add_comment",
    "add_file",
    "check_upload",
    "content_disposition",
    "context_for",
    "create_app",
    "create_customer",
    "create_user",
    "disable_row_security",
    "display_name",
    "document_status",
    "eligible_contacts",
    "enable_row_security",
    "flash",
    "form_data",
    "format_money",
    "format_quantity",
    "form_lists",
    "hash_password",
    "hookimpl",
    "is_published",
    "is_whole_number",
    "latest_publication",
    "latest_publications",
    "list_comments",
    "list_files",
    "load_catalogs",
    "load_record",
    "minor_digits",
    "max_upload_bytes",
    "next_number",
    "open_activity",
    "open_file",
    "parse_money",
    "password_problem",
    "post_message",
    "publication_history",
    "publish",
    "published_filter",
    "record_recent",
    "render",
    "safe_next",
    "new_submission_key",
    "submission_key",
    "scoped",
    "seed_thread",
    "send_email",
    "send_invitation",
    "set_scope",
    "sniff",
    "store_comment",
    "store_file",
    "threads_for_record",
    "utcnow",
]
