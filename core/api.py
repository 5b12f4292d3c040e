"""API tokens: how an integration (an ERP) signs its requests to ``/api/``.

A token belongs to one tenant and holds an explicit list of permissions; the secret is shown once,
and only its SHA-256 is stored. API requests authenticate by token only: a browser's session
cookie is ignored there, so the API's exemption from CSRF cannot be abused from a web page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import AccountError
from core.db import utcnow
from core.i18n import N_
from core.models import ApiToken

TOKEN_PREFIX = "ptk_"
TOUCH_AFTER = dt.timedelta(seconds=60)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_api_token(
    db: AsyncSession, *, name: str, permissions: Iterable[str], allowed: Iterable[str], created_by: int | None
) -> tuple[ApiToken, str]:
    """A new token with ``permissions`` (each must be in ``allowed``); returns it and its secret."""
    name = name.strip()
    wanted = sorted(set(permissions))
    if not name:
        raise AccountError(N_("Give the token a name, such as the system that will use it."))
    if not wanted:
        raise AccountError(N_("Choose at least one permission for the token."))
    unknown = set(wanted) - set(allowed)
    if unknown:
        raise AccountError(f"A token cannot hold: {', '.join(sorted(unknown))}.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:100], token_hash=hash_token(secret), prefix=secret[:12], permissions=wanted, created_by=created_by
    )
    db.add(token)
    await db.flush()
    return token, secret


async def find_api_token(db: AsyncSession, secret: str) -> ApiToken | None:
    """The live token with this secret in the session's tenant, noting when it was last used."""
    token = await db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None
    last = token.last_used_at
    if last is None or utcnow() - (last if last.tzinfo else last.replace(tzinfo=dt.UTC)) > TOUCH_AFTER:
        token.last_used_at = utcnow()
        await db.commit()
    return token
