"""Weight profiles: published group weights of the whole tree, immutable once stored; one of them is the default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

from services.indicators.audit.service import record
from services.indicators.indicator_tree.service import load_tree
from services.indicators.models import CategoryDefault, Panel, WeightProfile
from services.indicators.state.service import mark_changed
from shared.auth import Principal
from shared.errors import Conflict, InvalidInput, NotFound
from shared.schemas.panels import WeightProfileCreate, profile_body

# The key of the PostgreSQL advisory lock that writers of the default take in turn (the import lock has another).
DEFAULT_PROFILE_LOCK_ID = 7_311_2025

SUMMARY_COLUMNS = (
    WeightProfile.id,
    WeightProfile.name,
    WeightProfile.name_zh,
    WeightProfile.panel_id,
    WeightProfile.category,
    WeightProfile.method,
    WeightProfile.aggregation,
    WeightProfile.ri_table,
    WeightProfile.consensus,
    WeightProfile.is_default,
    WeightProfile.published_at,
    WeightProfile.published_by,
)


def list_profiles(session: Session, *, category: str | None = None, panel_id: int | None = None) -> list[WeightProfile]:
    """Every profile without its weights and judgments, newest first."""
    query = (
        select(WeightProfile)
        .options(load_only(*SUMMARY_COLUMNS))
        .order_by(WeightProfile.published_at.desc(), WeightProfile.id.desc())
    )
    if category is not None:
        query = query.where(WeightProfile.category == category)
    if panel_id is not None:
        query = query.where(WeightProfile.panel_id == panel_id)
    return list(session.scalars(query))


def get_profile(session: Session, *, profile_id: int) -> WeightProfile:
    """One profile in full."""
    profile = session.get(WeightProfile, profile_id)
    if profile is None:
        raise NotFound(f"no weight profile with id {profile_id}")
    return profile


def default_profile(session: Session, *, category: str | None = None) -> WeightProfile:
    """The category's default profile when it has one, else the default, the one rankings use unless told otherwise."""
    if category is not None:
        chosen = session.get(CategoryDefault, category)
        if chosen is not None:
            return chosen.profile
    profile = session.scalars(select(WeightProfile).where(WeightProfile.is_default.is_(True))).first()
    if profile is None:
        raise NotFound("no default weight profile has been published yet")
    return profile


def publish_profile(session: Session, *, data: WeightProfileCreate, actor: Principal) -> WeightProfile:
    """Store a new profile (it never changes afterwards); the default when asked or when there is none; audited."""
    _check_against_tree(session, data)
    if data.panel_id is not None and session.get(Panel, data.panel_id) is None:
        msg = f"no panel with id {data.panel_id}"
        raise InvalidInput(msg, errors=[{"loc": ["body", "panel_id"], "msg": msg}])
    _serialise_default_changes(session)
    has_default = session.scalars(select(WeightProfile.id).where(WeightProfile.is_default.is_(True))).first()
    make_default = data.make_default or data.default_for == "all" or has_default is None
    if make_default:
        _clear_default(session)
    profile = WeightProfile(**profile_body(data), is_default=make_default, published_by=actor.actor)
    session.add(profile)
    if data.default_for not in (None, "all"):
        _point_category_default(session, category=data.default_for, profile=profile)
    _flush_default_change(session)
    record(
        session,
        actor=actor.actor,
        action="weight_profile.publish",
        entity="weight_profile",
        entity_id=str(profile.id),
        after=_audit_view(profile),
    )
    return profile


def set_default(session: Session, *, profile_id: int, actor: Principal, category: str | None = None) -> WeightProfile:
    """Make a profile the default and no other (the one thing about a profile that may change), or the default of
    one category; audited."""
    _serialise_default_changes(session)
    profile = get_profile(session, profile_id=profile_id)
    if category is not None:
        return _set_category_default(session, profile=profile, category=category, actor=actor)
    previous = session.scalars(select(WeightProfile.id).where(WeightProfile.is_default.is_(True))).first()
    if previous != profile.id:
        _clear_default(session)
        profile.is_default = True
        _flush_default_change(session)
    record(
        session,
        actor=actor.actor,
        action="weight_profile.default",
        entity="weight_profile",
        entity_id=str(profile.id),
        before={"default_profile_id": previous},
        after={"default_profile_id": profile.id},
    )
    return profile


def _set_category_default(
    session: Session, *, profile: WeightProfile, category: str, actor: Principal
) -> WeightProfile:
    current = session.get(CategoryDefault, category)
    previous = None if current is None else current.profile_id
    if previous != profile.id:
        _point_category_default(session, category=category, profile=profile)
        _flush_default_change(session)
    record(
        session,
        actor=actor.actor,
        action="weight_profile.category_default",
        entity="weight_profile",
        entity_id=str(profile.id),
        before={"category": category, "default_profile_id": previous},
        after={"category": category, "default_profile_id": profile.id},
    )
    return profile


def _point_category_default(session: Session, *, category: str, profile: WeightProfile) -> None:
    current = session.get(CategoryDefault, category)
    if current is None:
        session.add(CategoryDefault(category=category, profile=profile))
    else:
        current.profile = profile


def _serialise_default_changes(session: Session) -> None:
    """Writers of the default take turns on PostgreSQL, so each reads the default its predecessor committed and
    racing switches all succeed, the last one winning. The lock is held until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": DEFAULT_PROFILE_LOCK_ID})


def _clear_default(session: Session) -> None:
    # One statement before the new default is set, so the partial unique index never sees two defaults.
    session.execute(update(WeightProfile).where(WeightProfile.is_default.is_(True)).values(is_default=False))


def _flush_default_change(session: Session) -> None:
    """Write the change; a second default written meanwhile by a writer that took no lock (SQLite has none) is a 409.

    `mark_changed` reads the state row, and that read would autoflush the new default outside the `try`."""
    try:
        with session.no_autoflush:
            mark_changed(session)
        session.flush()
    except IntegrityError as exc:
        raise Conflict("another default profile was set at the same time; try again") from exc


def _check_against_tree(session: Session, data: WeightProfileCreate) -> None:
    """Every criterion and indicator of the stored tree, and nothing else, each under its own criterion."""
    criteria = load_tree(session)
    criterion_of = {i.code: c.code for c in criteria for i in c.indicators}
    errors: list[dict[str, Any]] = []
    given_criteria = {c.code for c in data.criteria}
    missing = [c.code for c in criteria if c.code not in given_criteria]
    unknown = sorted(given_criteria - {c.code for c in criteria})
    if missing or unknown:
        msg = f"the criteria must be those of the indicator tree; missing {missing}, unknown {unknown}"
        errors.append({"loc": ["body", "criteria"], "msg": msg})
    given_indicators = {i.code for i in data.indicators}
    missing = [code for code in criterion_of if code not in given_indicators]
    unknown = sorted(given_indicators - set(criterion_of))
    if missing or unknown:
        msg = f"the indicators must be those of the indicator tree; missing {missing}, unknown {unknown}"
        errors.append({"loc": ["body", "indicators"], "msg": msg})
    for k, indicator in enumerate(data.indicators):
        expected = criterion_of.get(indicator.code)
        if expected is not None and indicator.criterion != expected:
            msg = f"{indicator.code} stands under {expected}, not {indicator.criterion}"
            errors.append({"loc": ["body", "indicators", k, "criterion"], "msg": msg})
    if errors:
        raise InvalidInput("the profile does not fit the indicator tree", errors=errors)


def _audit_view(profile: WeightProfile) -> dict[str, Any]:
    """What the audit log keeps of a publication: everything but the judgment snapshot, which the profile holds."""
    return {
        "id": profile.id,
        "name": profile.name,
        "name_zh": profile.name_zh,
        "panel_id": profile.panel_id,
        "category": profile.category,
        "method": profile.method,
        "aggregation": profile.aggregation,
        "ri_table": profile.ri_table,
        "consensus": profile.consensus,
        "is_default": profile.is_default,
        "default_categories": profile.default_categories,
        "provenance": profile.provenance,
        "criteria": profile.criteria,
        "indicators": profile.indicators,
    }
