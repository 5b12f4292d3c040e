"""Documents: the PDFs a vendor sends to its customers, and what customers see because of them.

A plugin declares a :class:`core.DocumentType` per kind of record it sends. Staff send one with
:func:`publish` (or the kernel's send dialog); customers see a record only once it has been
sent (:func:`published_filter`) and download the snapshot that went out.
"""

from core.documents.models import Publication
from core.documents.publishing import DocumentError, clean_filename, document_type, eligible_contacts, publish
from core.documents.render import RenderedPdf, html_to_pdf, render_document, render_html
from core.documents.status import DocumentStatus, document_status, pdf_url, send_url
from core.documents.visibility import (
    is_published,
    latest_publication,
    latest_publications,
    publication_history,
    published_filter,
)

__all__ = [
    "DocumentError",
    "DocumentStatus",
    "Publication",
    "RenderedPdf",
    "clean_filename",
    "document_status",
    "document_type",
    "eligible_contacts",
    "html_to_pdf",
    "is_published",
    "latest_publication",
    "latest_publications",
    "pdf_url",
    "publication_history",
    "publish",
    "published_filter",
    "render_document",
    "render_html",
    "send_url",
]
