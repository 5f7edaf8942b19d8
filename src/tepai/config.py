"""Typed reading of tepai's environment settings.

All configuration comes from ``TEPAI_*`` environment variables, read here and nowhere else, so
that a bad value stops the program at start-up with a message naming the variable instead of
failing later in the middle of a request or an import.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "ConfigError",
    "DatabaseConfig",
    "EmailConfig",
    "env_bool",
    "env_choice",
    "env_int",
    "env_list",
    "env_path",
    "parse_database_url",
    "parse_email_url",
    "secret_key",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A TEPAI_* setting has a value tepai cannot use."""


def env_bool(name: str, default: bool = False) -> bool:
    """Return the boolean in environment variable ``name`` (1/0, true/false, yes/no, on/off)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Return the value of ``name`` if it is one of ``choices`` (default when unset)."""
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise ConfigError(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return raw


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    """Return the whole number in ``name`` (``default`` when unset), within the bounds given."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={raw!r}: expected a number from {minimum} to {maximum}")
    return value


def env_list(name: str, default: tuple[str, ...]) -> list[str]:
    """Return the comma-separated values of ``name`` (``default`` when unset or blank)."""
    raw = os.environ.get(name, "")
    values = [part.strip() for part in raw.split(",") if part.strip()]
    return values or list(default)


def env_path(name: str, default: str) -> Path:
    """Return the absolute path in ``name`` (or ``default``), with ``~`` expanded."""
    raw = os.environ.get(name, "").strip() or default
    return Path(raw).expanduser().resolve()


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the database lives, in the shape Django's DATABASES entry needs."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @property
    def is_sqlite(self) -> bool:
        return self.engine == "django.db.backends.sqlite3"


_PG_SCHEMES = {"postgres", "postgresql", "pgsql"}


def parse_database_url(url: str, home: Path) -> DatabaseConfig:
    """Return the database described by ``url``.

    ``sqlite:///relative/or/absolute.db`` (three slashes, path relative to the working
    directory unless absolute; ``sqlite:////abs`` also works), ``sqlite://`` alone means
    ``$TEPAI_HOME/tepai.db``; ``postgresql://user:pass@host:port/dbname?sslmode=require``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path in ("", "/"):
            return DatabaseConfig("django.db.backends.sqlite3", str(home / "tepai.db"))
        # urlsplit keeps the leading "/" of "sqlite:///x.db"; strip exactly one so that
        # "sqlite:///x.db" is relative and "sqlite:////abs/x.db" is absolute.
        file_path = Path(path[1:]) if path.startswith("/") else Path(path)
        return DatabaseConfig("django.db.backends.sqlite3", str(file_path.expanduser().resolve()))
    if scheme in _PG_SCHEMES:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError(f"TEPAI_DATABASE_URL={url!r}: the database name is missing")
        try:
            port = str(parts.port or "")
        except ValueError as exc:
            raise ConfigError(f"TEPAI_DATABASE_URL={url!r}: bad port") from exc
        query = parse_qs(parts.query)
        options = tuple(sorted((key, values[-1]) for key, values in query.items()))
        return DatabaseConfig(
            "django.db.backends.postgresql",
            name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=port,
            options=options,
        )
    raise ConfigError(
        f"TEPAI_DATABASE_URL={url!r}: unsupported scheme {scheme!r}; "
        "use sqlite:///path/to/tepai.db or postgresql://user:password@host:port/name"
    )


_PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "insecure", "dev", "test"}


def secret_key(home: Path, *, debug: bool) -> str:
    """Return TEPAI_SECRET_KEY, or a key generated once and kept in ``home/secret_key``.

    A placeholder or short key is refused unless debugging, because it would let anyone forge
    sessions on a production server.
    """
    raw = os.environ.get("TEPAI_SECRET_KEY", "").strip()
    if raw:
        if not debug and (raw.lower() in _PLACEHOLDER_SECRETS or len(raw) < 32):
            raise ConfigError("TEPAI_SECRET_KEY is a placeholder or shorter than 32 characters")
        return raw
    key_file = home / "secret_key"
    if key_file.exists():
        stored = key_file.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    home.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(50)
    # Created with owner-only permissions: the key signs every session.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(generated + "\n")
    return generated


# ----- e-mail for reminders (issue 11) ---------------------------------------------------------
@dataclass(frozen=True)
class EmailConfig:
    """The SMTP server ``tepai remind`` sends through, in the shape Django's EMAIL_* need."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    from_address: str = ""
    timeout: int = 30


_EMAIL_OPTIONS = {"tls", "ssl", "from", "timeout"}


def _email_error(url: str, reason: str) -> ConfigError:
    # The password never appears in the message (it goes to logs and terminals).
    shown = urlsplit(url)
    if shown.password:
        netloc = shown.netloc.replace(f":{shown.password}@", ":***@")
        url = shown._replace(netloc=netloc).geturl()
    return ConfigError(f"TEPAI_EMAIL_URL={url!r}: {reason}")


def parse_email_url(url: str) -> EmailConfig | None:
    """Return the SMTP server of ``url``, or None for "" (no e-mail).

    ``smtp://user:password@host:587?tls=1&from=tepai@example.gov.cn`` (STARTTLS),
    ``smtps://user:password@host:465`` (TLS from the start, like ``?ssl=1``), ``smtp://host``
    (port 25, no login). User and password are percent-encoded (``@`` as ``%40``);
    ``timeout`` is in seconds (default 30).
    """
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise _email_error(url, f"unsupported scheme {scheme!r}; use smtp:// or smtps://")
    if not parts.hostname:
        raise _email_error(url, "the host name is missing (smtp://user:password@host:587)")
    try:
        port = parts.port
    except ValueError as exc:
        raise _email_error(url, "bad port (a number from 1 to 65535)") from exc
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - _EMAIL_OPTIONS)
    if unknown:
        raise _email_error(
            url, f"unknown option {unknown[0]!r}; known: {', '.join(sorted(_EMAIL_OPTIONS))}"
        )
    flags = {}
    for name in ("tls", "ssl"):
        value = query.get(name, [""])[-1].strip().lower()
        if value not in _TRUE | _FALSE:
            raise _email_error(url, f"{name}={value!r} is not a yes/no value (1/0, true/false)")
        flags[name] = value in _TRUE
    use_ssl = flags["ssl"] or scheme == "smtps"
    if use_ssl and flags["tls"]:
        raise _email_error(url, "tls (STARTTLS) and ssl/smtps exclude each other; choose one")
    sender = query.get("from", [""])[-1].strip()
    if sender and ("@" not in sender or any(c.isspace() for c in sender)):
        raise _email_error(url, f"from={sender!r} is not an e-mail address")
    timeout_text = query.get("timeout", ["30"])[-1].strip()
    if not timeout_text.isdigit() or not 1 <= int(timeout_text) <= 600:
        raise _email_error(url, f"timeout={timeout_text!r}: seconds from 1 to 600")
    return EmailConfig(
        host=parts.hostname,
        port=port or (465 if use_ssl else 25),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=flags["tls"],
        use_ssl=use_ssl,
        from_address=sender or f"tepai@{parts.hostname}",
        timeout=int(timeout_text),
    )
