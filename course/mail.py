"""Outgoing mail: SMTP when ``MAIL_SERVER`` is set, otherwise the server log.

Messages are queued during a request and sent only once its transaction has committed, so a
rolled-back sign-up never sends a confirmation link to an account that does not exist.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from .db import after_commit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """A plain-text email to one recipient."""

    to: str
    subject: str
    body: str


def queue(message: Message) -> None:
    """Send ``message`` after the current request commits."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def deliver() -> None:
        with app.app_context():
            send(message)

    after_commit(deliver)


def send(message: Message) -> None:
    """Send ``message`` now. Failures are logged, never shown: they must not reveal accounts."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # Development and first runs: the README tells operators to read links from here.
        log.warning(
            "MAIL_SERVER is not set; this email was not sent.\nSubject: %s\n\n%s",
            message.subject,
            message.body,
        )
        return
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid()
    email.set_content(message.body)
    timeout = config["MAIL_TIMEOUT"]
    try:
        if config["MAIL_USE_SSL"]:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                config["MAIL_SERVER"],
                config["MAIL_PORT"],
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        with client:
            if config["MAIL_USE_STARTTLS"]:
                client.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            client.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        # No address in the log: the error type and server are enough to act on. An SMTP
        # error's text can name the recipient (a refused address, or the server's echo of it),
        # so only its class and code are logged; a network error's text names no one.
        if isinstance(error, smtplib.SMTPException):
            reason = f"{type(error).__name__} {getattr(error, 'smtp_code', '')}".strip()
        else:
            reason = repr(error)
        log.error("Could not send email through %s: %s", config["MAIL_SERVER"], reason)
