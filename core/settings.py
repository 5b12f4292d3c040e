"""Deployment settings, read from ``PORTICO_*`` environment variables."""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_DATA_DIR = Path(".portico")
SMTP_SECURITY = ("none", "starttls", "ssl")
MAIL_WORKER = ("app", "off")


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _is_origin(url: str) -> bool:
    """``http(s)://host[:port]``, optionally with a trailing slash: no user, path, query or fragment."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is no number from 0 to 65535
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
    )


@dataclass(frozen=True)
class Settings:
    """Every setting, with its environment variable in the comment."""

    #: PORTICO_DATABASE_URL: SQLAlchemy async URL (sqlite+aiosqlite:///... or postgresql+asyncpg://...).
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'portico.sqlite3'}"
    #: PORTICO_SECRET_KEY: signs CSRF tokens. Generated into the data dir when unset.
    secret_key: str = ""
    #: PORTICO_DATA_DIR: where the SQLite file, generated secret and stored files live.
    data_dir: Path = DEFAULT_DATA_DIR
    #: PORTICO_FILES_DIR: where stored files (PDF snapshots, uploads, logos) go; default <data dir>/files.
    files_dir: Path | None = None
    #: PORTICO_PLUGINS: comma-separated names; only these discovered plugins are installed.
    plugins: tuple[str, ...] | None = None
    #: PORTICO_SKIP_BROKEN_PLUGINS: log and skip a plugin that fails to import instead of stopping.
    skip_broken_plugins: bool = False
    #: PORTICO_DEFAULT_TENANT: slug served for hosts that match no tenant (one-vendor deployments
    #: need nothing: with a single tenant, every host serves it).
    default_tenant: str | None = None
    #: PORTICO_BASE_DOMAIN: vendors are also served at <slug>.<base domain> (e.g. portal.example);
    #: <slug>.localhost always works, for development.
    base_domain: str | None = None
    #: PORTICO_BASE_URL: where people reach this deployment (https://portal.example.com). Emailed
    #: links take their scheme and port from it, and their host when the vendor has no host of its
    #: own; the default (or only) vendor is served at its host.
    base_url: str | None = None
    #: PORTICO_TRUSTED_PROXIES: addresses or networks of the reverse proxies whose X-Forwarded-For
    #: and X-Forwarded-Proto are believed; none by default.
    trusted_proxies: tuple[str, ...] = ()
    #: PORTICO_THEME_DIR: per-vendor template overrides in <dir>/<tenant slug>/ (e.g.
    #: themes/acme/core/login.html replaces the sign-in page for the vendor "acme" only).
    theme_dir: Path | None = None
    #: PORTICO_SECURE_COOKIES: mark cookies Secure (set it behind HTTPS).
    secure_cookies: bool = False
    #: PORTICO_SESSION_IDLE_MINUTES / PORTICO_SESSION_MAX_HOURS: session idle timeout and lifetime.
    session_idle_minutes: int = 120
    session_max_hours: int = 24 * 7
    #: PORTICO_LOGIN_MAX_FAILURES_ACCOUNT / _ADDRESS within PORTICO_LOGIN_WINDOW_MINUTES.
    login_max_failures_account: int = 5
    login_max_failures_address: int = 20
    login_window_minutes: int = 15
    #: PORTICO_PASSWORD_MIN_LENGTH: the shortest password accepted when one is set.
    password_min_length: int = 10
    #: PORTICO_SMTP_HOST / PORTICO_SMTP_PORT: the SMTP server that delivers the outbox.
    smtp_host: str = "localhost"
    smtp_port: int = 25
    #: PORTICO_SMTP_USERNAME / PORTICO_SMTP_PASSWORD: sign in to the SMTP server when set.
    smtp_username: str = ""
    smtp_password: str = ""
    #: PORTICO_SMTP_SECURITY: none, starttls or ssl (TLS from the first byte, usually port 465).
    smtp_security: str = "none"
    #: PORTICO_MAIL_FROM: the sender address; the vendor's portal name is its display name.
    mail_from: str = "portal@localhost"
    #: PORTICO_MAIL_WORKER: "app" (each web process delivers email too) or "off" (run `portico worker`).
    mail_worker: str = "app"
    #: PORTICO_MAX_UPLOAD_MB: the largest file a person may upload (comments' attachments and the like).
    max_upload_mb: int = 20

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        text = {
            "PORTICO_DATABASE_URL": "database_url",
            "PORTICO_SECRET_KEY": "secret_key",
            "PORTICO_DEFAULT_TENANT": "default_tenant",
            "PORTICO_BASE_DOMAIN": "base_domain",
            "PORTICO_BASE_URL": "base_url",
            "PORTICO_SMTP_HOST": "smtp_host",
            "PORTICO_SMTP_USERNAME": "smtp_username",
            "PORTICO_SMTP_PASSWORD": "smtp_password",
            "PORTICO_SMTP_SECURITY": "smtp_security",
            "PORTICO_MAIL_FROM": "mail_from",
            "PORTICO_MAIL_WORKER": "mail_worker",
        }
        for var, name in text.items():
            if env.get(var):
                values[name] = env[var]
        if env.get("PORTICO_THEME_DIR"):
            values["theme_dir"] = Path(env["PORTICO_THEME_DIR"])
        if env.get("PORTICO_FILES_DIR"):
            values["files_dir"] = Path(env["PORTICO_FILES_DIR"])
        if env.get("PORTICO_DATA_DIR"):
            values["data_dir"] = Path(env["PORTICO_DATA_DIR"])
        if env.get("PORTICO_PLUGINS") is not None and env.get("PORTICO_PLUGINS", "").strip():
            values["plugins"] = _list(env["PORTICO_PLUGINS"])
        if env.get("PORTICO_TRUSTED_PROXIES"):
            values["trusted_proxies"] = _list(env["PORTICO_TRUSTED_PROXIES"])
        for var, name in {
            "PORTICO_SECURE_COOKIES": "secure_cookies",
            "PORTICO_SKIP_BROKEN_PLUGINS": "skip_broken_plugins",
        }.items():
            if env.get(var):
                values[name] = _bool(env[var])
        for var, name in {
            "PORTICO_SESSION_IDLE_MINUTES": "session_idle_minutes",
            "PORTICO_SESSION_MAX_HOURS": "session_max_hours",
            "PORTICO_LOGIN_MAX_FAILURES_ACCOUNT": "login_max_failures_account",
            "PORTICO_LOGIN_MAX_FAILURES_ADDRESS": "login_max_failures_address",
            "PORTICO_LOGIN_WINDOW_MINUTES": "login_window_minutes",
            "PORTICO_PASSWORD_MIN_LENGTH": "password_min_length",
            "PORTICO_SMTP_PORT": "smtp_port",
            "PORTICO_MAX_UPLOAD_MB": "max_upload_mb",
        }.items():
            if env.get(var):
                values[name] = int(env[var])
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values and "database_url" not in values and not env.get("PORTICO_DATABASE_URL"):
            values["database_url"] = f"sqlite+aiosqlite:///{Path(values['data_dir']) / 'portico.sqlite3'}"
        return cls(**values)

    def __post_init__(self) -> None:
        # A typo here would otherwise only show as undelivered email, hours later.
        if self.smtp_security not in SMTP_SECURITY:
            raise ValueError(f"PORTICO_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")
        if self.mail_worker not in MAIL_WORKER:
            raise ValueError(f"PORTICO_MAIL_WORKER must be one of {', '.join(MAIL_WORKER)}")
        if self.base_url is not None and not _is_origin(self.base_url):
            raise ValueError("PORTICO_BASE_URL must be an origin such as https://portal.example.com (no path)")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"PORTICO_TRUSTED_PROXIES: {proxy!r} is not an address or network") from None

    @property
    def files_path(self) -> Path:
        return self.files_dir if self.files_dir is not None else self.data_dir / "files"

    def with_secret(self) -> Settings:
        """Fill in a secret key, generating one into the data dir on first use."""
        if self.secret_key:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret_key"
        try:  # O_EXCL: of several workers starting at once, exactly one writes the secret
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        for _ in range(50):  # another worker may still be writing it
            secret = path.read_text().strip()
            if secret:
                return replace(self, secret_key=secret)
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty: delete it or set PORTICO_SECRET_KEY")
