"""OpenID Connect sign-in: providers the owner adds in the admin, on allauth's `openid_connect`.

allauth runs the protocol (discovery, PKCE, `state`, the token exchange, the id_token's `iss`, `aud` and `exp`);
this module adds what Sampan needs around it:
- every request allauth makes goes through core's fetcher (`FetcherAdapter`): address-checked, size- and
  time-limited, and on the outbound ledger;
- a `nonce` in every authorization request, checked against the id_token (allauth 65 sends none);
- each sign-in ends in `sign_in_identity`, which keeps issuer, subject, display name, profile URL and avatar:
  no tokens, no other claims.
"""

import hmac
import logging
import secrets
from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest, HttpResponse
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from sampan.core.outbound import DEFAULT_TIMEOUT, OutboundError, fetch

from .services import refused, sign_in_identity

logger = logging.getLogger(__name__)

PURPOSE = "OpenID Connect"
METHOD = "openid_connect"
# The fetcher says who is asking and how the body is framed itself; requests' defaults would override it.
_FETCHER_OWN_HEADERS = {"user-agent", "accept-encoding", "connection", "content-length"}


class FetcherAdapter(BaseAdapter):
    """A `requests` transport that sends each request through `sampan.core.outbound.fetch`."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        body = _body_bytes(request.body)
        headers = {
            k: v.decode("latin-1") if isinstance(v, bytes) else v
            for k, v in request.headers.items()
            if k.lower() not in _FETCHER_OWN_HEADERS
        }
        # The fetcher's own time limit covers the whole exchange; a shorter one asked for here is kept.
        limit = min(DEFAULT_TIMEOUT, timeout) if isinstance(timeout, int | float) else DEFAULT_TIMEOUT
        try:
            fetched = fetch(
                request.url or "", purpose=PURPOSE, method=request.method or "GET", data=body, headers=headers,
                timeout=float(limit),
            )  # fmt: skip
        except OutboundError as exc:
            # A RequestException is what allauth turns into its "could not sign you in" page.
            raise requests.ConnectionError(str(exc), request=request) from exc
        response = requests.Response()
        response.status_code = fetched.status
        response.headers = CaseInsensitiveDict(dict(fetched.headers.items()))
        response._content = fetched.body
        response.url = fetched.url
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


def _body_bytes(body: object) -> bytes | None:
    # allauth sends forms and JSON, which requests has already encoded to str or bytes; never a stream.
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    raise TypeError(f"an OpenID Connect request body of type {type(body).__name__} is not sent")


def fetcher_session() -> requests.Session:
    """A `requests.Session` whose every http(s) request is made by core's fetcher."""
    session = requests.Session()
    session.trust_env = (
        False  # no proxies or .netrc from the environment: the fetcher decides where to connect
    )
    session.headers.clear()
    session.mount("http://", FetcherAdapter())
    session.mount("https://", FetcherAdapter())
    return session


class ReaderOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with a nonce per sign-in and a clear page when discovery fails.

    Installed through `SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]`."""

    package = "allauth.socialaccount.providers.openid_connect"  # its URLs and templates stay allauth's

    def redirect(
        self, request: HttpRequest, process: Any, next_url: Any = None, data: Any = None, **kwargs: Any
    ) -> HttpResponse:
        nonce = secrets.token_urlsafe(32)
        auth_params = dict(kwargs.pop("auth_params", None) or self.get_auth_params())
        auth_params["nonce"] = nonce
        try:
            # allauth keeps the extra keyword in the sign-in's stashed state, next to the PKCE verifier.
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, oidc_nonce=nonce, **kwargs
            )
        except (requests.RequestException, KeyError, ValueError) as exc:
            # Discovery failed (refused, unreachable, or no usable configuration): say so, do not crash.
            return render_authentication_error(request, self, exception=exc)


class OpenIDConnectAdapterMixin:
    """For the site's SocialAccountAdapter: allauth's HTTP through the fetcher, OIDC sign-ins into readers.

    Listed before allauth's adapter; an adapter's own `pre_social_login` ends with `super()` to reach this one."""

    def get_requests_session(self) -> requests.Session:
        return fetcher_session()

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if isinstance(sociallogin.provider, OpenIDConnectProvider):
            raise ImmediateHttpResponse(finish_sign_in(request, sociallogin))
        super().pre_social_login(request, sociallogin)  # type: ignore[misc]

    def on_authentication_error(
        self, request: HttpRequest, provider: Any, error: Any = None, exception: Any = None, **kwargs: Any
    ) -> None:
        if isinstance(provider, OpenIDConnectProvider):
            # The blog's own page, saying what went wrong, instead of allauth's "Third-Party Login Failure".
            raise ImmediateHttpResponse(refused(request, failure_message(provider.name, error, exception)))
        super().on_authentication_error(request, provider, error=error, exception=exception, **kwargs)  # type: ignore[misc]


def failure_message(name: str, error: object, exception: BaseException | None) -> str:
    """Why a sign-in with provider `name` signed nobody in, in the reader's words."""
    if error == AuthError.CANCELLED:
        return f"You cancelled signing in with {name}."
    if exception is None:
        return (
            f"This sign-in with {name} was not started in this browser, was used already, or took too long. "
            "Start again from the sign-in page."
        )
    if isinstance(exception, requests.RequestException):
        return f"{name} could not be asked who you are: {exception}."
    logger.info("Sign-in with %s refused: %s", name, exception)
    return f"{name}'s answer did not check out, so nobody was signed in. Start again from the sign-in page."


def finish_sign_in(request: HttpRequest, sociallogin: SocialLogin) -> HttpResponse:
    """The reader for a verified OpenID Connect login, signed in; or the error page, nobody signed in."""
    provider = sociallogin.provider
    claims = sociallogin.account.extra_data or {}
    id_token = claims.get("id_token") or {}
    userinfo = claims.get("userinfo") or {}
    try:
        check_nonce(expected=sociallogin.state.get("oidc_nonce"), id_token=id_token)
        if userinfo and str(userinfo.get("sub")) != str(id_token.get("sub")):
            # OpenID Connect Core 5.3.2: the userinfo must be about the same person as the id_token.
            raise OAuth2Error("the userinfo is about someone other than the id_token")
    except OAuth2Error as exc:
        return render_authentication_error(request, provider, exception=exc)
    profile = {**id_token, **userinfo}
    return sign_in_identity(
        request,
        method=METHOD,
        issuer=str(id_token["iss"]),
        subject=str(id_token["sub"]),
        display_name=_text(profile.get("name")) or _text(profile.get("preferred_username")),
        profile_url=_text(profile.get("profile")) or _text(profile.get("website")),
        avatar_url=_text(profile.get("picture")),
        next_url=sociallogin.state.get("next") or "/",
    )


def check_nonce(*, expected: object, id_token: dict) -> None:
    """The id_token must carry the nonce this browser's sign-in sent: else it was made for another sign-in."""
    nonce = id_token.get("nonce")
    if not isinstance(expected, str) or not isinstance(nonce, str):
        raise OAuth2Error("the id_token carries no nonce of this sign-in")
    if not hmac.compare_digest(expected.encode(), nonce.encode()):
        raise OAuth2Error("the id_token's nonce is not this sign-in's")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
