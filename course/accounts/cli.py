"""``course users …``: create accounts and change roles from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from . import services
from .models import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, Role

ROLE = click.Choice([role.value for role in Role])


@click.group()
def users() -> None:
    """Manage accounts."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=ROLE, default=Role.LEARNER.value, show_default=True)
@click.option("--name", "display_name", help="Display name (default: the part before @).")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create(email: str, role: str, display_name: str | None, password: str) -> None:
    """Create a confirmed account for EMAIL."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.BadParameter(
            f"use between {PASSWORD_MIN} and {PASSWORD_MAX} characters", param_hint="password"
        )
    name = (display_name or email.split("@")[0])[:DISPLAY_NAME_MAX]
    try:
        user = services.create_user(email, name, password, Role(role))
        db.session.commit()
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(f"{email} already has an account.") from None
    click.echo(f"Created {user.email} as {user.role.value}.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE)
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Give the account of EMAIL the role ROLE."""
    try:
        user = services.find_user(services.normalize_email(email))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    services.set_role(user, Role(role))
    db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}.")
