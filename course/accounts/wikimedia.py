"""Sign in with Wikimedia: OAuth 2.0 (authorization code with PKCE) against Meta-Wiki.

Authlib's Flask client does the protocol: it makes the ``state`` and the PKCE verifier,
keeps them in this browser's session and drops them once used, and exchanges the code for a
token. This module adds what the course asks on top: one flow at a time per browser (its
purpose, sign-in or link, is kept with its state), a refusal with a translated message for
everything that is not exactly right, and a profile read once with the token forgotten at
once. What a profile does to accounts is :mod:`course.accounts.identities`.

Off unless ``WIKIMEDIA_CLIENT_ID`` and ``WIKIMEDIA_CLIENT_SECRET`` are set: then nothing here
is registered and the server behaves as without it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from ..config import wikimedia_configured
from ..security import CONTENT_SECURITY_POLICY
from .models import WIKIMEDIA_USERNAME_MAX, User
from .services import AccountError

EXTENSION = "course_wikimedia"
_NAME = "wikimedia"
_FLOW = "wikimedia_flow"
_TIMEOUT = 10  # seconds, for each request to the provider


class WikimediaRefused(AccountError):
    """The callback cannot be trusted or completed; nothing was changed."""


@dataclass(frozen=True)
class Profile:
    """What we read of a Wikimedia profile: all the rest of it is ignored."""

    sub: str
    username: str
    blocked: bool


def init_wikimedia(app: Flask) -> None:
    """Register Authlib's client when configured, and tell templates whether it is."""
    if wikimedia_configured(app.config):
        # Imported here: Authlib (~70 ms with requests) is loaded only where it is configured.
        from authlib.integrations.flask_client import OAuth

        base = app.config["WIKIMEDIA_OAUTH_BASE"]
        oauth = OAuth(app)
        app.extensions[EXTENSION] = oauth.register(
            _NAME,
            client_id=app.config["WIKIMEDIA_CLIENT_ID"],
            client_secret=app.config["WIKIMEDIA_CLIENT_SECRET"],
            authorize_url=base + "authorize",
            access_token_url=base + "access_token",
            api_base_url=base,
            client_kwargs={
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_post",
                "default_timeout": _TIMEOUT,
            },
        )
        _allow_form_posts_to_provider(app, base)

    @app.context_processor
    def inject_wikimedia() -> dict[str, Any]:
        return {"wikimedia_enabled": EXTENSION in app.extensions}


#: Pages whose Wikimedia button posts a form that the course answers with a redirect to the
#: provider: browsers apply CSP's form-action to that redirect too.
_BUTTON_PAGES = {"accounts.login", "accounts.settings"}


def _allow_form_posts_to_provider(app: Flask, base: str) -> None:
    parts = urlsplit(base)
    policy = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}"
    )

    @app.after_request
    def widen_form_action(response: Response) -> Response:
        if request.endpoint in _BUTTON_PAGES:
            response.headers["Content-Security-Policy"] = policy
        return response


def is_enabled(app: Flask) -> bool:
    """Whether "Sign in with Wikimedia" is configured on ``app``."""
    return EXTENSION in app.extensions


def user_page_url(username: str) -> str:
    """The user page of ``username`` on the wiki that runs the provider (Meta-Wiki)."""
    base = urlsplit(current_app.config["WIKIMEDIA_OAUTH_BASE"])
    title = quote("User:" + username.replace(" ", "_"), safe="/:@!$'()*,;~._-")
    return f"{base.scheme}://{base.netloc}/wiki/{title}"


# --- the protocol ----------------------------------------------------------------------------


def _forget_flows() -> None:
    for key in [key for key in session if key.startswith(f"_state_{_NAME}_")]:
        session.pop(key, None)
    session.pop(_FLOW, None)


def start(purpose: str, user: User | None = None, next_url: str | None = None) -> Response:
    """Send the browser to Wikimedia; only the newest flow of a browser can come back."""
    client = current_app.extensions[EXTENSION]
    _forget_flows()
    # The callback URL registered on Meta-Wiki: BASE_URL's, whatever host the request named.
    callback = current_app.config["BASE_URL"].rstrip("/") + url_for("wikimedia.callback")
    data = client.create_authorization_url(callback)
    client.save_authorize_data(redirect_uri=callback, **data)
    session[_FLOW] = {
        "state": data["state"],
        "purpose": purpose,
        "user": user.id if user else None,
        "next": next_url,
    }
    return redirect(data["url"], code=303)


def finish() -> tuple[dict[str, Any], Profile]:
    """The flow this callback ends and the profile it proves, else :class:`WikimediaRefused`.

    The flow is spent whatever happens: a second use of the same callback is refused.
    """
    flow = session.get(_FLOW)
    state = request.args.get("state", "")
    try:
        if not isinstance(flow, dict) or not secrets.compare_digest(
            str(flow.get("state", "")).encode(), state.encode()
        ):
            raise WikimediaRefused(stale_message())
        return flow, _profile(_token())
    finally:
        _forget_flows()
        g.pop(f"_oauth_token_{_NAME}", None)  # the token is never kept


def stale_message() -> str:
    return gettext(
        "This sign-in with Wikimedia was not started in this browser, or was already used. "
        "Nothing was changed: please start again."
    )


def _token() -> dict[str, Any]:
    # Imported here, as in init_wikimedia: only a configured server gets this far.
    import requests
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError

    client = current_app.extensions[EXTENSION]
    try:
        token = client.authorize_access_token()
    except MismatchingStateError:
        raise WikimediaRefused(stale_message()) from None
    except OAuthError as error:
        if request.args.get("error") == "access_denied":
            message = gettext("You did not allow this course on Wikimedia. Nothing was changed.")
        elif request.args.get("error"):
            message = gettext("Wikimedia refused the sign-in. Nothing was changed.")
        else:
            message = gettext(
                "Wikimedia did not accept this sign-in (its code may have been used "
                "already). Nothing was changed: please start again."
            )
        current_app.logger.info("Wikimedia sign-in refused: %r", str(error.error)[:40])
        raise WikimediaRefused(message) from None
    except (requests.RequestException, ValueError):
        raise WikimediaRefused(_unreachable()) from None
    access = token.get("access_token") if isinstance(token, dict) else None
    kind = token.get("token_type") if isinstance(token, dict) else None
    if not isinstance(access, str) or not access or str(kind).lower() != "bearer":
        raise WikimediaRefused(_incomplete())
    return token


def _unreachable() -> str:
    return gettext("Wikimedia could not be reached. Nothing was changed: please try later.")


def _incomplete() -> str:
    return gettext("Wikimedia's answer was incomplete. Nothing was changed: please try again.")


def _profile(token: dict[str, Any]) -> Profile:
    import requests  # here, as in init_wikimedia: only a configured server gets this far

    client = current_app.extensions[EXTENSION]
    try:
        response = client.get("resource/profile", token=token)
        data = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        raise WikimediaRefused(_unreachable()) from None
    sub = data.get("sub") if isinstance(data, dict) else None
    username = data.get("username") if isinstance(data, dict) else None
    if isinstance(sub, int) and not isinstance(sub, bool):
        sub = str(sub)
    if (
        not isinstance(sub, str)
        or not 0 < len(sub) <= 64
        or not isinstance(username, str)
        or not 0 < len(username.strip()) <= WIKIMEDIA_USERNAME_MAX
    ):
        raise WikimediaRefused(_incomplete())
    return Profile(sub=sub, username=username.strip(), blocked=data.get("blocked") is True)
