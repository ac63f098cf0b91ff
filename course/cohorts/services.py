"""Hub and cohort services: create and change hubs and cohorts, and who may see what.

Services flush; the request (or the CLI command) commits. Access is decided here, once, by
:func:`leads`, :func:`coordinates` and :func:`member_of`, and every view asks them: a lead of
one cohort, a coordinator of one hub or a member is never shown another's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..accounts import services as accounts
from ..accounts.models import User
from ..clock import aware, now
from ..extensions import db
from . import codes
from .models import NAME_MAX, Cohort, CohortLead, Hub, HubCoordinator, HubKind, Membership


class CohortError(Exception):
    """A request about a hub or cohort that cannot be carried out, with a message for people."""


# --- names -------------------------------------------------------------------------------


def clean_text(raw: str | None, limit: int, *, one_line: bool = True) -> str:
    """``raw`` made safe to show: NFC, trimmed, no control, format or bidi-override characters
    (zero-width joiners excepted), at most ``limit`` characters; ValueError otherwise."""
    text = unicodedata.normalize("NFC", (raw or "").replace("\r\n", "\n").strip())
    allowed = "\u200c\u200d\n\t"  # zero-width (non-)joiners write some languages
    if any(unicodedata.category(ch) in {"Cc", "Cf"} and ch not in allowed for ch in text):
        raise ValueError(gettext("Use only visible characters."))
    if one_line:
        text = " ".join(text.split())
    if not text:
        raise ValueError(gettext("This cannot be empty."))
    if len(text) > limit:
        raise ValueError(gettext("Use at most %(max)d characters.", max=limit))
    return text


def slugify(name: str) -> str:
    """An address-friendly form of ``name``: ``Iberocoop`` → ``iberocoop``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "hub"


# --- hubs --------------------------------------------------------------------------------


def create_hub(
    name: str,
    kind: HubKind,
    languages: list[str],
    area: str = "",
    descriptions: dict[str, str] | None = None,
    slug: str | None = None,
) -> Hub:
    """Create a hub; :class:`CohortError` if its address is taken."""
    hub = Hub(
        slug=slugify(slug or name),
        name=clean_text(name, NAME_MAX),
        kind=HubKind(kind),
        languages=list(languages),
        area=clean_text(area, NAME_MAX) if area.strip() else "",
        descriptions={k: v for k, v in (descriptions or {}).items() if v},
        created_at=now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(hub)
    except IntegrityError:
        raise CohortError(gettext("A hub with this address already exists.")) from None
    return hub


def find_hub(slug: str) -> Hub | None:
    """The hub at ``/hubs/<slug>``, if any."""
    return db.session.scalar(select(Hub).where(Hub.slug == slug[:64]))


def all_hubs() -> list[Hub]:
    """Every hub, by name."""
    return list(db.session.scalars(select(Hub).order_by(Hub.name)))


def add_coordinator(hub: Hub, user: User) -> None:
    """Make ``user`` a coordinator of ``hub`` (nothing changes if they already are)."""
    if not coordinates(user, hub):
        db.session.add(HubCoordinator(hub_id=hub.id, user_id=user.id))
        db.session.flush()


def remove_coordinator(hub: Hub, user: User) -> None:
    """``user`` no longer coordinates ``hub``."""
    db.session.execute(
        delete(HubCoordinator).where(
            HubCoordinator.hub_id == hub.id, HubCoordinator.user_id == user.id
        )
    )


def coordinators(hub: Hub) -> list[User]:
    """The people who coordinate ``hub``."""
    return list(
        db.session.scalars(
            select(User)
            .join(HubCoordinator, HubCoordinator.user_id == User.id)
            .where(HubCoordinator.hub_id == hub.id)
            .order_by(User.display_name)
        )
    )


def coordinates(user: User | None, hub: Hub) -> bool:
    """Whether ``user`` coordinates ``hub``."""
    return user is not None and bool(
        db.session.scalar(
            select(HubCoordinator.id).where(
                HubCoordinator.hub_id == hub.id, HubCoordinator.user_id == user.id
            )
        )
    )


def hubs_coordinated(user: User) -> list[Hub]:
    """The hubs ``user`` coordinates."""
    return list(
        db.session.scalars(
            select(Hub)
            .join(HubCoordinator, HubCoordinator.hub_id == Hub.id)
            .where(HubCoordinator.user_id == user.id)
            .order_by(Hub.name)
        )
    )


# --- cohorts -----------------------------------------------------------------------------


def may_create_cohort(user: User | None) -> bool:
    """Trainers, admins and hub coordinators may start cohorts."""
    return user is not None and (user.is_trainer or bool(hubs_coordinated(user)))


def create_cohort(  # noqa: PLR0913 - the fields of the creation form
    lead: User,
    name: str,
    language: str,
    modules: list[str],
    starts_on: date,
    ends_on: date,
    hub: Hub | None = None,
    due_dates: dict[str, date] | None = None,
    max_size: int | None = None,
) -> Cohort:
    """Create a cohort led by ``lead``, with a fresh join code, open for joining."""
    if hub is not None and not (lead.is_admin or coordinates(lead, hub)):
        raise CohortError(gettext("Only the hub's coordinators can add cohorts to it."))
    if ends_on < starts_on:
        raise CohortError(gettext("The cohort cannot end before it starts."))
    cohort = Cohort(
        name=clean_text(name, NAME_MAX),
        hub_id=hub.id if hub else None,
        language=language,
        modules=list(modules),
        starts_on=starts_on,
        ends_on=ends_on,
        due_dates={m: d.isoformat() for m, d in (due_dates or {}).items() if d and m in modules},
        max_size=max_size,
        code=codes.new_code(),
        joining_open=True,
        created_at=now(),
    )
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortLead(cohort_id=cohort.id, user_id=lead.id))
    db.session.flush()
    return cohort


def find_cohort(cohort_id: int) -> Cohort | None:
    """The cohort with this id, if any."""
    return db.session.get(Cohort, cohort_id) if 0 < cohort_id < 2**31 else None


def leads(user: User | None, cohort: Cohort) -> bool:
    """Whether ``user`` is one of ``cohort``'s leads."""
    return user is not None and bool(
        db.session.scalar(
            select(CohortLead.id).where(
                CohortLead.cohort_id == cohort.id, CohortLead.user_id == user.id
            )
        )
    )


def member_of(user: User | None, cohort: Cohort) -> Membership | None:
    """``user``'s membership of ``cohort``, if they are in it."""
    if user is None:
        return None
    return db.session.scalar(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
    )


def lead_names(cohort: Cohort) -> list[str]:
    """The display names of ``cohort``'s leads."""
    return list(
        db.session.scalars(
            select(User.display_name)
            .join(CohortLead, CohortLead.user_id == User.id)
            .where(CohortLead.cohort_id == cohort.id)
            .order_by(User.display_name)
        )
    )


def add_lead(cohort: Cohort, user: User) -> None:
    """Make ``user`` a co-lead of ``cohort`` (nothing changes if they already are)."""
    if not leads(user, cohort):
        db.session.add(CohortLead(cohort_id=cohort.id, user_id=user.id))
        db.session.flush()


def led_by(user: User) -> list[Cohort]:
    """The cohorts ``user`` leads, newest first."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortLead, CohortLead.cohort_id == Cohort.id)
            .where(CohortLead.user_id == user.id)
            .order_by(Cohort.id.desc())
        )
    )


def cohorts_of_hub(hub: Hub, *, open_only: bool = False) -> list[Cohort]:
    """``hub``'s cohorts, newest first; with ``open_only``, those one can join today."""
    cohorts = db.session.scalars(
        select(Cohort).where(Cohort.hub_id == hub.id).order_by(Cohort.starts_on.desc())
    )
    return [c for c in cohorts if not open_only or is_joinable(c)]


def is_joinable(cohort: Cohort, today: date | None = None) -> bool:
    """Open for joining, not archived, not over."""
    today = today or now().date()
    return cohort.joining_open and cohort.archived_at is None and cohort.ends_on >= today


def set_joining(cohort: Cohort, open_: bool) -> None:
    """Open or close joining."""
    cohort.joining_open = open_
    db.session.flush()


def regenerate_code(cohort: Cohort) -> str:
    """Give ``cohort`` a new join code; the old one stops working at once."""
    cohort.code = codes.new_code()
    db.session.flush()
    return cohort.code


def retention() -> timedelta:
    """How long an archived cohort keeps its member views (``COHORT_RETENTION_DAYS``)."""
    return timedelta(days=int(current_app.config["COHORT_RETENTION_DAYS"]))


def member_views_gone(cohort: Cohort, moment: datetime | None = None) -> bool:
    """Whether ``cohort`` was archived longer ago than the retention period."""
    archived = aware(cohort.archived_at)
    return archived is not None and (moment or now()) >= archived + retention()


def account_at(address: str) -> User | None:
    """The account of a typed address (to name a co-lead or a coordinator), or None."""
    try:
        return accounts.find_user(accounts.normalize_email(address))
    except ValueError:
        return None
