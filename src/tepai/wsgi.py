"""WSGI entry point for production servers (``tepai serve`` runs it with waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")

application = get_wsgi_application()

from tepai.core.settling import settle_after_first_request  # noqa: E402 (needs the settings)

settle_after_first_request()
