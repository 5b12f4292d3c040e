"""What plugins declare to the kernel: frozen dataclasses returned by registration hooks.

Registration hooks run once at start-up. Anything that needs the database per request is an
async callable carried by a declaration (a widget's ``loader``, a menu item's ``badge``); the
kernel filters declarations by the tenant's enabled modules and the user's permissions, then
awaits only what is left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from core.context import RequestContext
    from core.storage import Storage

CUSTOMER_ADMIN = "customer_admin"
CUSTOMER_USER = "customer_user"
VENDOR_ADMIN = "vendor_admin"
VENDOR_STAFF = "vendor_staff"


@dataclass(frozen=True)
class Manifest:
    """A plugin's metadata, in one place.

    ``name`` is the module key (lowercase, used as table prefix, permission prefix and template
    folder). ``depends`` names plugins that must be installed and are ordered before this one.
    ``core`` is the range of kernel versions the plugin supports, as a PEP 440 specifier.
    """

    name: str
    label: str
    version: str
    description: str = ""
    depends: tuple[str, ...] = ()
    core: str = ">=0.1"
    #: Whether a new tenant gets the module switched on.
    enabled_by_default: bool = True


@dataclass(frozen=True)
class Permission:
    """A right a role may hold, such as ``quotes.approve``.

    ``module`` groups it in the role editor and ties it to the module's enabled state; it is
    filled in by the kernel from the declaring plugin when left empty. ``default_roles`` are the
    seeded role keys that receive it for a new tenant.
    """

    key: str
    label: str
    description: str = ""
    default_roles: tuple[str, ...] = ()
    #: Who may hold it: "customer" contacts, vendor "staff", or "any" role.
    audience: Literal["any", "customer", "staff"] = "any"
    module: str = ""


MenuSection = Literal["portal", "admin"]


@dataclass(frozen=True)
class MenuItem:
    """An entry of the side menu.

    ``badge`` is an optional async callable returning a count (``None`` or 0 hides the badge).
    ``section`` is ``"portal"`` for the customer-facing menu or ``"admin"`` for the vendor's.
    ``parent`` names the entry this one sits under (same section): its key in the same module, or
    ``"module.key"`` (``"core.settings"``). A module's secondary pages form one group, unfolded
    while the user is on one of its pages. An entry whose parent the user may not see stands alone.
    """

    key: str
    label: str
    url: str
    permission: str
    order: int = 100
    icon: str = ""
    section: MenuSection = "portal"
    badge: Callable[[RequestContext], Awaitable[int | None]] | None = None
    module: str = ""
    parent: str = ""


@dataclass(frozen=True)
class Widget:
    """A dashboard card.

    ``loader`` is awaited per dashboard view and returns the template context (a dict) for
    ``template``. ``size`` is the card width in a 12-column grid.
    """

    key: str
    title: str
    template: str
    loader: Callable[[RequestContext], Awaitable[dict[str, Any]]]
    permission: str
    order: int = 100
    size: int = 4
    module: str = ""


@dataclass(frozen=True)
class ActionItem:
    """One record that needs the customer's action (approve a quote, answer a request)."""

    title: str
    url: str
    kind: str
    detail: str = ""
    due: Any = None


@dataclass(frozen=True)
class ActionSource:
    """A source of action items: ``loader`` returns the items the current user must act on."""

    key: str
    label: str
    loader: Callable[[RequestContext], Awaitable[list[ActionItem]]]
    permission: str
    order: int = 100
    module: str = ""


SettingsKind = Literal["bool", "text", "textarea", "int", "choice", "multichoice"]


@dataclass(frozen=True)
class SettingsField:
    """A per-tenant module setting, rendered in the module settings form and validated there.

    ``kind`` picks the input: "bool" (checkbox), "text", "textarea", "int" (whole number within
    ``minimum``/``maximum`` when given), "choice" (one of ``choices``, value/label pairs) or
    "multichoice" (any of them). Read the tenant's values with ``ctx.module_settings(module)``.
    """

    key: str
    label: str
    kind: SettingsKind = "text"
    default: Any = None
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    module: str = ""
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class SeedContext:
    """Handed to ``portico_seed_demo``: the demo tenant's people, by role, for a plugin to use."""

    tenant_id: int
    parent_customer_id: int
    site_customer_ids: tuple[int, ...]
    staff_user_ids: tuple[int, ...]
    contact_user_ids: tuple[int, ...]
    #: The portal being seeded (a :class:`core.Portico`), when there is one: services that make
    #: files, such as sending documents, need its storage and templates. Build a context for
    #: them with ``await core.context_for(seed.portico, db, seed.tenant_id, user_id)``.
    portico: Any = None

    @property
    def storage(self) -> Storage | None:
        """Where demo files go (attachments, documents); None when the caller keeps no files."""
        return self.portico.storage if self.portico is not None else None


@dataclass(frozen=True)
class EmailTemplate:
    """An email the module sends, with its default wording; vendors may reword it in the admin area.

    ``subject`` and ``body`` are Jinja sources (plain text), translated through the module's
    catalogs like any msgid (wrap them in ``N_()``). ``variables`` names what the sender passes,
    with a description for the vendor editing it, such as ``("link", "The link to set a password")``.
    Every template may also use ``portal_name``, ``portal_url``, ``vendor_name``,
    ``contact_email`` and ``contact_phone``.
    """

    key: str
    label: str
    subject: str
    body: str
    variables: tuple[tuple[str, str], ...] = ()
    module: str = ""


@dataclass(frozen=True)
class ActivityCounter:
    """Open work a module counts per customer site ("Open work orders: 3") for site lists.

    ``loader`` receives the customer ids to count for and returns ``{customer_id: count}``
    (ids without open work may be left out); it runs one query for all of them, never one per site.
    ``url(customer_id)``, when given, is the page listing those open records for that account, so
    that pages showing the counts (job sites, customers) can link each one.
    """

    key: str
    label: str
    loader: Callable[[RequestContext, Sequence[int]], Awaitable[Mapping[int, int]]]
    permission: str
    module: str = ""
    url: Callable[[int], str] | None = None


@dataclass(frozen=True)
class RecordType:
    """A kind of record the kernel's shared services can attach to: documents (PDFs sent to
    customers), comments and attachments, discussions.

    ``model`` is the mapped class (loaded through the scoped session, so another vendor's or a
    sibling site's row is never found); ``permission`` is what a user needs to see such a record;
    ``url`` and ``title`` give a record's detail page and display name. ``visible(ctx)``, when
    given, returns the WHERE clause a record must also pass for this user, the same one the
    plugin's own pages use (e.g. ``published_filter`` for records customers see once sent), so
    that comments, files and discussions never show a record the plugin itself would hide.
    """

    key: str
    label: str
    model: type[Any]
    permission: str
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    module: str = ""
    visible: Callable[[Any], Any] | None = None
    #: Lets vendor staff holding this permission (the module's "manage" one) reach the records too,
    #: so they need not hold the customers' ``permission`` to read a record's comments and files.
    staff_permission: str = ""


@dataclass(frozen=True)
class DocumentType:
    """A PDF the vendor sends to a customer for one kind of record (a quote, an invoice).

    Until it is sent, a customer does not see the record at all (see
    ``core.documents.published_filter``); sending renders ``template`` (a Jinja template that
    extends ``core/documents/base_pdf.html``) with the dict ``context`` returns, stores that PDF
    as a snapshot, emails it to the chosen contacts and from then on lets them open the record
    and download exactly that snapshot. Sending again makes a new version.

    ``record_type`` is the key of a :class:`RecordType` whose model is customer-owned.
    ``context`` is awaited as ``context(ctx, record)``; ``filename(record)`` names the PDF
    (``"quote-1042.pdf"``). ``permission`` is what a contact needs to see and download it.
    ``email_template`` is the key of an :class:`EmailTemplate` for the email that carries it
    (default: the kernel's ``"core.document_sent"``, given ``document_label``, ``record_title``,
    ``message`` and ``link``).
    """

    key: str
    label: str
    record_type: str
    template: str
    context: Callable[[RequestContext, Any], Awaitable[dict[str, Any]]]
    filename: Callable[[Any], str]
    permission: str
    email_template: str = ""
    module: str = ""
