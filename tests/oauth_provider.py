"""A real OAuth 2.0 provider shaped like Wikimedia's, served on a loopback port for the tests.

Built with Authlib's server components: an ``AuthorizationServer`` with the authorization
code grant and PKCE (``CodeChallenge``, required), a bearer ``ResourceProtector``, and the
endpoints of ``https://meta.wikimedia.org/w/rest.php/oauth2/``: ``authorize`` (a consent
page with Allow and Cancel), ``access_token`` and ``resource/profile`` (the fields
Wikimedia's profile has: ``sub``, ``username``, ``editcount``, ``confirmed_email``, ``email``
when granted, ``blocked``, ``registered``, ``groups``, ``grants``).

Tests say who is signed in on the "wiki" (:attr:`Provider.signed_in`), and can make the token
endpoint answer without its fields (:attr:`Provider.token_fault`). Nothing here talks to any
other host.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, jsonify, request
from markupsafe import escape
from werkzeug.serving import make_server

BASE_PATH = "/w/rest.php/oauth2/"


@dataclass
class WikiUser:
    """An account on the test wiki, with the fields Wikimedia's profile endpoint gives."""

    sub: str
    username: str
    editcount: int = 42
    confirmed_email: bool = True
    email: str | None = None
    blocked: bool = False
    registered: str = "20190301120000"
    groups: tuple[str, ...] = ("*", "user", "autoconfirmed")

    def profile(self, email_granted: bool) -> dict[str, Any]:
        data = {
            "sub": self.sub,
            "username": self.username,
            "editcount": self.editcount,
            "confirmed_email": self.confirmed_email,
            "blocked": self.blocked,
            "registered": self.registered,
            "groups": list(self.groups),
            "rights": ["read", "edit"],
            "grants": ["mwoauth-authonly"] + (["mwoauth-authonlyprivate"] if email_granted else []),
        }
        if email_granted and self.email:
            data["email"] = self.email
        return data


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uri: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_post" if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    sub: str
    code_challenge: str | None
    code_challenge_method: str | None
    created: float = field(default_factory=time.time)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return ""


@dataclass
class Token:
    access_token: str
    sub: str
    expires_at: float

    def get_scope(self) -> str:
        return ""

    def is_expired(self) -> bool:
        return time.time() > self.expires_at

    def is_revoked(self) -> bool:
        return False


@dataclass
class Provider:
    """The running provider: its base URL, its one registered client, its wiki accounts."""

    url: str = ""
    client: Client | None = None
    users: dict[str, WikiUser] = field(default_factory=dict)
    #: The sub of whoever is signed in on the wiki (who the consent page grants as).
    signed_in: str | None = None
    #: "no_access_token" or "wrong_type": the token endpoint leaves out or spoils a field.
    token_fault: str | None = None
    email_granted: bool = False
    codes: dict[str, Code] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    #: How many token requests and profile reads it answered.
    calls: list[str] = field(default_factory=list)

    def add_user(self, sub: str, username: str, **fields: Any) -> WikiUser:
        user = WikiUser(sub, username, **fields)
        self.users[sub] = user
        return user

    def consent(self, authorize_url: str, allow: bool = True) -> str:
        """Play the browser on the consent page; return where the provider sends it back."""
        assert authorize_url.startswith(self.url), authorize_url
        with requests.Session() as browser:
            page = browser.get(authorize_url, timeout=10)
            assert page.status_code == 200, page.text
            answer = browser.post(
                authorize_url,
                data={"confirm": "allow" if allow else "cancel"},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        provider: Provider = self.server.provider
        provider.codes[code] = Code(
            code=code,
            client_id=request.payload.client_id,
            redirect_uri=request.payload.redirect_uri,
            sub=request.user.sub,
            code_challenge=request.payload.data.get("code_challenge"),
            code_challenge_method=request.payload.data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.server.provider.codes.get(code)
        if found and found.client_id == client.client_id and time.time() - found.created < 600:
            return found
        return None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)  # a code works once

    def authenticate_user(self, authorization_code: Code) -> WikiUser | None:
        return self.server.provider.users.get(authorization_code.sub)


class _Validator(BearerTokenValidator):
    def __init__(self, provider: Provider) -> None:
        super().__init__()
        self.provider = provider

    def authenticate_token(self, token_string: str) -> Token | None:
        return self.provider.tokens.get(token_string)


def _consent_page(user: WikiUser) -> str:
    return (
        "<!doctype html><html lang='en'><head><title>Wikimedia test provider</title></head>"
        f"<body><main><h1>Allow the course?</h1><p>Signed in as {escape(user.username)}.</p>"
        "<form method='post'><button name='confirm' value='allow'>Allow</button>"
        "<button name='confirm' value='cancel'>Cancel</button></form></main></body></html>"
    )


def build(provider: Provider) -> Flask:
    """The provider's Flask app (Authlib's server components, in-memory storage)."""
    app = Flask("oauth_provider")
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 3600}

    def save_token(token: dict[str, Any], request: Any) -> None:
        provider.tokens[token["access_token"]] = Token(
            token["access_token"], request.user.sub, time.time() + token["expires_in"]
        )

    server = AuthorizationServer(
        app,
        query_client=lambda client_id: (
            provider.client if provider.client and client_id == provider.client.client_id else None
        ),
        save_token=save_token,
    )
    server.provider = provider
    server.register_grant(_CodeGrant, [CodeChallenge(required=True)])
    protect = ResourceProtector()
    protect.register_token_validator(_Validator(provider))

    @app.route(BASE_PATH + "authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        user = provider.users.get(provider.signed_in or "")
        if user is None:
            return "Not signed in on the wiki", 403
        grant = server.get_consent_grant(end_user=user)  # checks client, redirect URI, PKCE
        if request.method == "GET":
            return _consent_page(user)
        grant_user = user if request.form.get("confirm") == "allow" else None
        return server.create_authorization_response(grant_user=grant_user, grant=grant)

    @app.post(BASE_PATH + "access_token")
    def access_token() -> Any:
        provider.calls.append("token")
        response = server.create_token_response()
        if provider.token_fault and response.status_code == 200:
            body = response.get_json()
            if provider.token_fault == "no_access_token":
                body.pop("access_token")
            else:
                body["token_type"] = "mac"
            return jsonify(body)
        return response

    @app.get(BASE_PATH + "resource/profile")
    @protect()
    def profile() -> Any:
        provider.calls.append("profile")
        user = provider.users[current_token.sub]
        return jsonify(user.profile(provider.email_granted))

    return app


class Running:
    """A provider served on a loopback port in a thread, until :meth:`stop`."""

    def __init__(self, port: int) -> None:
        self.provider = Provider(url=f"http://127.0.0.1:{port}{BASE_PATH}")
        self._server = make_server("127.0.0.1", port, build(self.provider), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def register_client(self, callback: str) -> Client:
        """Register the course as a consumer, as on Meta-Wiki's consumer registration."""
        client = Client(secrets.token_hex(16), secrets.token_urlsafe(32), callback)
        self.provider.client = client
        return client

    def course_settings(self) -> dict[str, str]:
        """The course's settings for this provider, as an operator would write them."""
        client = self.provider.client
        assert client is not None, "register_client first"
        return {
            "WIKIMEDIA_CLIENT_ID": client.client_id,
            "WIKIMEDIA_CLIENT_SECRET": client.client_secret,
            "WIKIMEDIA_OAUTH_BASE": self.provider.url,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


def origin(provider: Provider) -> str:
    """The test wiki's origin (where user pages live)."""
    return urljoin(provider.url, "/")
