"""The access service's part of the kernel plugin: its pages and the emails it sends."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler

from core.access.pages import ChangePasswordController, ForgotPasswordController, PasswordLinkController
from core.declarations import EmailTemplate
from core.i18n import N_


def portico_routes() -> Sequence[ControllerRouterHandler]:
    return [PasswordLinkController, ForgotPasswordController, ChangePasswordController]


def portico_email_templates() -> Sequence[EmailTemplate]:
    return [
        EmailTemplate(
            "core.invitation",
            N_("Invitation to the portal"),
            N_("You are invited to {{ portal_name }}"),
            N_(
                "Hello {{ first_name }},\n\n"
                "{{ inviter }} has invited you to {{ portal_name }}, the customer portal of {{ vendor_name }}.\n\n"
                "Choose your password here (the link works once and expires in {{ valid_days }} days):\n"
                "{{ link }}\n\n"
                "You will sign in with {{ email }}.\n"
            ),
            variables=(
                ("first_name", N_("The contact's first name")),
                ("email", N_("The email they sign in with")),
                ("inviter", N_("Who sent the invitation")),
                ("link", N_("The link to choose a password")),
                ("valid_days", N_("How many days the link works")),
            ),
        ),
        EmailTemplate(
            "core.password_reset",
            N_("Password reset"),
            N_("Reset your password for {{ portal_name }}"),
            N_(
                "Hello {{ first_name }},\n\n"
                "someone, hopefully you, asked to reset the password of {{ email }} on {{ portal_name }}.\n\n"
                "Choose a new password here (the link works once and expires in {{ valid_hours }} hours):\n"
                "{{ link }}\n\n"
                "If you did not ask for this, ignore this email: your password stays as it is.\n"
            ),
            variables=(
                ("first_name", N_("The user's first name")),
                ("email", N_("The email they sign in with")),
                ("link", N_("The link to choose a new password")),
                ("valid_hours", N_("How many hours the link works")),
            ),
        ),
    ]
