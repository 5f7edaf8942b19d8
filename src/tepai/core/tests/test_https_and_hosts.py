"""HTTPS, proxy and host settings (issue 9, finding 9).

Found: no HSTS and no Secure cookies even behind TLS (``X-Forwarded-Proto`` ignored), and
``TEPAI_ALLOWED_HOSTS`` defaulting to ``*`` so that a forged Host header came back in the API's
pagination links.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tepai.testing.factories import make_institution
from tepai.web.tests.conftest import make_user

SHOWN = [
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
]


def _settings_with(tmp_path: Path, **env: str) -> dict[str, Any]:
    """Return SHOWN as tepai.settings builds them in a fresh interpreter with ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TEPAI_")}
    clean.update({"TEPAI_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tepai.settings", **env})
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SHOWN!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )
    if done.returncode:
        return {"error": done.stderr}
    shown: dict[str, Any] = json.loads(done.stdout)
    return shown


def test_by_default_it_answers_only_to_this_machine_over_http(tmp_path: Path) -> None:
    shown = _settings_with(tmp_path)
    assert shown["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["SECURE_HSTS_SECONDS"] == 0
    # Without a trusted proxy, X-Forwarded-Proto means nothing (any client can send it).
    assert shown["SECURE_PROXY_SSL_HEADER"] is None
    assert shown["X_FRAME_OPTIONS"] == "DENY"
    assert shown["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert shown["SECURE_REFERRER_POLICY"] == "same-origin"


def test_allowed_hosts_come_from_the_environment(tmp_path: Path) -> None:
    shown = _settings_with(tmp_path, TEPAI_ALLOWED_HOSTS=" tepai.kjt.gov.cn, 10.1.2.3 ,")
    assert shown["ALLOWED_HOSTS"] == ["tepai.kjt.gov.cn", "10.1.2.3"]


def test_https_turns_on_secure_cookies_and_a_year_of_hsts(tmp_path: Path) -> None:
    shown = _settings_with(tmp_path, TEPAI_HTTPS="1", TEPAI_TRUSTED_PROXY="1")
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_SSL_REDIRECT"] is False  # only with TEPAI_HTTPS_REDIRECT
    redirect = _settings_with(
        tmp_path, TEPAI_HTTPS="1", TEPAI_TRUSTED_PROXY="1", TEPAI_HTTPS_REDIRECT="1"
    )
    assert redirect["SECURE_SSL_REDIRECT"] is True


def test_a_redirect_without_a_trusted_proxy_is_refused_at_start_up(tmp_path: Path) -> None:
    shown = _settings_with(tmp_path, TEPAI_HTTPS="1", TEPAI_HTTPS_REDIRECT="1")
    assert "TEPAI_HTTPS_REDIRECT=1 needs TEPAI_TRUSTED_PROXY=1" in shown["error"]


@pytest.mark.django_db
def test_the_proxy_header_counts_only_from_a_trusted_proxy() -> None:
    https = {"SECURE_HSTS_SECONDS": 31_536_000, "SESSION_COOKIE_SECURE": True}
    with override_settings(**https):
        untrusted = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in untrusted
    with override_settings(**https, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        trusted = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert trusted["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
def test_a_forged_host_gets_400_and_never_reaches_a_link() -> None:
    assert "*" not in settings.ALLOWED_HOSTS
    for index in range(3):
        make_institution(f"单位{index}")
    client = Client()
    client.force_login(make_user("admin", "admin"))
    honest = client.get("/api/institutions/?page_size=1")
    assert honest.status_code == 200 and honest.json()["next"].startswith("http://testserver/")
    forged = client.get("/api/institutions/?page_size=1", HTTP_HOST="evil.example")
    assert forged.status_code == 400
    assert b"evil.example" not in forged.content
    assert Client().get("/login/", HTTP_HOST="evil.example").status_code == 400


def test_the_readme_documents_these_settings_and_the_logs() -> None:
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    names = ("TEPAI_ALLOWED_HOSTS", "TEPAI_HTTPS", "TEPAI_TRUSTED_PROXY", "TEPAI_HTTPS_REDIRECT")
    for name in names:
        assert f"| `{name}` |" in readme, name
    for words in ("logs/", "tepai.log", "access.log", "X-Request-ID"):
        assert words in readme, words
