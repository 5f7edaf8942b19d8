from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory, override_settings

from tepai.audit.context import client_ip


def _request(forwarded: str | None = None) -> WSGIRequest:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy() -> None:
    assert client_ip(_request("203.0.113.9")) == "10.0.0.5"


@override_settings(TEPAI_TRUSTED_PROXY=True)
def test_behind_a_trusted_proxy_the_address_it_appended_counts() -> None:
    # The client may claim any address first; the proxy appends the one it saw.
    assert client_ip(_request("1.2.3.4, 198.51.100.7")) == "198.51.100.7"


@override_settings(TEPAI_TRUSTED_PROXY=True)
def test_a_malformed_forwarded_address_falls_back_to_the_peer() -> None:
    assert client_ip(_request("not-an-address")) == "10.0.0.5"
    assert client_ip(_request("")) == "10.0.0.5"
