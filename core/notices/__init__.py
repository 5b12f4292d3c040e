"""Notices: messages the vendor posts to a customer account, and announcements (news) to many.

Plugins notify an account with :func:`post_message`; the pages live in :mod:`core.notices.pages`.
"""

from __future__ import annotations

from core.notices.messages import NoticeError, post_message

__all__ = ["NoticeError", "post_message"]
