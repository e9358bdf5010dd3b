"""Expert panels, their members and each member's pairwise judgments per node of the indicator tree."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from services.indicators.audit.service import record
from services.indicators.indicator_tree.service import load_tree
from services.indicators.models import ApiKey, Expert, Judgment, Panel, PanelRound, utcnow
from shared import pairwise
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.schemas.panels import (
    ExpertCreate,
    ExpertProgress,
    ExpertRead,
    ExpertUpdate,
    JudgmentRead,
    JudgmentWrite,
    PanelCreate,
    RoundRead,
)

GOAL = "goal"


def tree_nodes(session: Session) -> dict[str, list[str]]:
    """The nodes experts judge: `goal` over the criterion codes, and each criterion over its indicator codes."""
    criteria = load_tree(session)
    return {GOAL: [c.code for c in criteria], **{c.code: [i.code for i in c.indicators] for c in criteria}}


def list_panels(session: Session) -> list[Panel]:
    """Every panel with its experts, by code."""
    return list(session.scalars(select(Panel).options(selectinload(Panel.experts)).order_by(Panel.code)))


def get_panel(session: Session, *, panel_id: int) -> Panel:
    """One panel with its experts."""
    panel = session.get(Panel, panel_id, options=[selectinload(Panel.experts)])
    if panel is None:
        raise NotFound(f"no panel with id {panel_id}")
    return panel


def create_panel(session: Session, *, data: PanelCreate, actor: Principal) -> Panel:
    """Create a panel with its first experts (admin); audited."""
    if session.scalars(select(Panel.id).where(Panel.code == data.code)).first() is not None:
        raise Conflict(f"a panel with code {data.code!r} exists already")
    for k, expert in enumerate(data.experts):
        _check_api_key(session, expert.api_key_id, loc=["body", "experts", k, "api_key_id"])
    panel = Panel(code=data.code, name=data.name, name_zh=data.name_zh, category=data.category)
    panel.experts = [Expert(**expert.model_dump()) for expert in data.experts]
    session.add(panel)
    session.flush()
    session.add(PanelRound(panel_id=panel.id, number=1, opened_by=actor.actor))
    record(
        session,
        actor=actor.actor,
        action="panel.create",
        entity="panel",
        entity_id=str(panel.id),
        after=data.model_dump(mode="json"),
    )
    return panel


def add_expert(session: Session, *, panel_id: int, data: ExpertCreate, actor: Principal) -> Expert:
    """Add a member to a panel (admin); audited."""
    panel = get_panel(session, panel_id=panel_id)
    if any(expert.code == data.code for expert in panel.experts):
        raise Conflict(f"panel {panel.code!r} has an expert with code {data.code!r} already")
    _check_api_key(session, data.api_key_id, loc=["body", "api_key_id"])
    expert = Expert(panel_id=panel.id, **data.model_dump())
    session.add(expert)
    session.flush()
    record(
        session,
        actor=actor.actor,
        action="expert.create",
        entity="expert",
        entity_id=f"{panel.code}/{data.code}",
        after=ExpertRead.model_validate(expert).model_dump(mode="json"),
    )
    return expert


def update_expert(session: Session, *, panel_id: int, expert_code: str, data: ExpertUpdate, actor: Principal) -> Expert:
    """Change an expert's names, weight or linked API key (admin); audited with before and after."""
    panel = get_panel(session, panel_id=panel_id)
    expert = _expert(session, panel_id=panel.id, expert_code=expert_code)
    changes = data.model_dump(exclude_unset=True)
    for field in ("name", "name_zh", "weight"):
        if changes.get(field, "") is None:
            raise InvalidInput(f"{field} cannot be null", errors=[{"loc": ["body", field], "msg": "cannot be null"}])
    if "api_key_id" in changes:
        _check_api_key(session, changes["api_key_id"], loc=["body", "api_key_id"])
    before = ExpertRead.model_validate(expert).model_dump(mode="json")
    for field, value in changes.items():
        setattr(expert, field, value)
    session.flush()
    record(
        session,
        actor=actor.actor,
        action="expert.update",
        entity="expert",
        entity_id=f"{panel.code}/{expert.code}",
        before=before,
        after=ExpertRead.model_validate(expert).model_dump(mode="json"),
    )
    return expert


def list_judgments(
    session: Session,
    *,
    panel_id: int,
    principal: Principal,
    node: str | None = None,
    expert_code: str | None = None,
    round_number: int | None = None,
) -> list[JudgmentRead]:
    """The panel's judgments in one round (default: the open one): all for analysts and admins, only their own for
    experts, none for viewers."""
    if not principal.allows("expert"):
        raise Forbidden("individual judgments are visible only to the expert who gave them and to analysts")
    panel = get_panel(session, panel_id=panel_id)
    number = _round_number(session, panel_id=panel.id, requested=round_number)
    experts = panel.experts
    if expert_code is not None:
        experts = [_expert(session, panel_id=panel.id, expert_code=expert_code)]
        _require_access(principal, experts[0])
    elif not principal.allows("analyst"):
        experts = [expert for expert in experts if _owns(principal, expert)]
    codes = {expert.id: expert.code for expert in experts}
    query = (
        select(Judgment)
        .where(Judgment.expert_id.in_(list(codes)), Judgment.round == number)
        .order_by(Judgment.expert_id, Judgment.id)
    )
    if node is not None:
        query = query.where(Judgment.node == node)
    return [_read(panel.id, codes[j.expert_id], j) for j in session.scalars(query)]


def get_judgment(
    session: Session,
    *,
    panel_id: int,
    expert_code: str,
    node: str,
    principal: Principal,
    round_number: int | None = None,
) -> JudgmentRead:
    """One expert's judgment for one node in one round (default: the open one), for that expert or an analyst."""
    if not principal.allows("expert"):
        raise Forbidden("individual judgments are visible only to the expert who gave them and to analysts")
    panel = get_panel(session, panel_id=panel_id)
    expert = _expert(session, panel_id=panel.id, expert_code=expert_code)
    _require_access(principal, expert)
    number = _round_number(session, panel_id=panel.id, requested=round_number)
    judgment = _judgment(session, expert_id=expert.id, node=node, round_number=number)
    if judgment is None:
        raise NotFound(f"expert {expert_code!r} has no judgment for node {node!r} in round {number}")
    return _read(panel.id, expert.code, judgment)


def write_judgment(
    session: Session,
    *,
    panel_id: int,
    expert_code: str,
    node: str,
    data: JudgmentWrite,
    actor: Principal,
) -> JudgmentRead:
    """Create (version 0) or replace (the version read) an expert's judgment for a node in the open round; audited.

    A write meant for a round that is closed (`data.round`) is a 409, as is one that loses a race with the closing.
    """
    panel = get_panel(session, panel_id=panel_id)
    expert = _expert(session, panel_id=panel.id, expert_code=expert_code)
    _require_access(actor, expert)
    # Held (FOR SHARE on PostgreSQL) until the transaction ends, so a round cannot close under a write in flight.
    current = _open_round(session, panel_id=panel.id, lock="share")
    if data.round is not None and data.round != current.number:
        raise Conflict(
            f"round {data.round} of panel {panel.code!r} is not open: judgments are written in round "
            f"{current.number}; read them again"
        )
    children = tree_nodes(session).get(node)
    if children is None:
        raise NotFound(f"no node {node!r} in the indicator tree; judge `goal` or a criterion code")
    if sorted(data.items) != sorted(children):
        msg = f"node {node!r} compares {children} (in any order), got {data.items}"
        raise InvalidInput(msg, errors=[{"loc": ["body", "items"], "msg": msg}])
    # Checked as the scoring engine checks a matrix, on Saaty's scale, so that no stored judgment can block a
    # panel's publication later (issue 16, item 9).
    _, problems = pairwise.matrix_errors(data.matrix, ("body", "matrix"), scale_max=pairwise.SAATY_SCALE_MAX)
    if problems:
        raise InvalidInput(f"the judgment matrix is not valid: {problems[0]['msg']}", errors=problems)
    judgment = _judgment(session, expert_id=expert.id, node=node, round_number=current.number)
    before: dict[str, Any] | None = None
    if judgment is None:
        if data.version != 0:
            raise Conflict(f"expert {expert_code!r} has no judgment for {node!r} yet; send version 0 to create it")
        judgment = Judgment(expert_id=expert.id, round=current.number, node=node)
        session.add(judgment)
    else:
        if data.version != judgment.version:
            raise Conflict(
                f"version {data.version} is stale: the judgment is at version {judgment.version}; read it again"
            )
        before = _content(judgment)
    judgment.items, judgment.matrix = list(data.items), [list(row) for row in data.matrix]
    judgment.updated_at, judgment.updated_by = utcnow(), actor.actor
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise Conflict(f"the judgment of {expert_code!r} for {node!r} changed meanwhile; read it again") from exc
    # SQLite takes no row lock: once this write holds the database's write lock, a closing that committed first
    # shows here, and this write is refused rather than change a closed round.
    if session.scalar(select(PanelRound.closed_at).where(PanelRound.id == current.id)) is not None:
        raise Conflict(f"round {current.number} of panel {panel.code!r} was closed meanwhile; read it again")
    record(
        session,
        actor=actor.actor,
        action="judgment.create" if before is None else "judgment.update",
        entity="judgment",
        entity_id=f"{panel.code}/{expert.code}/{node}",
        before=before,
        after={**_content(judgment), "round": current.number},
    )
    return _read(panel.id, expert.code, judgment)


def panel_progress(session: Session, *, panel_id: int) -> list[ExpertProgress]:
    """Per expert, in the open round, the nodes needing a judgment (more than one child) they have not judged, and
    those whose consistency ratio is above Saaty's threshold; a judgment over other items than the tree's counts as
    missing."""
    panel = get_panel(session, panel_id=panel_id)
    number = _open_round(session, panel_id=panel.id).number
    nodes = {node: children for node, children in tree_nodes(session).items() if len(children) > 1}
    query = select(Judgment).where(Judgment.expert_id.in_([e.id for e in panel.experts]), Judgment.round == number)
    stored: dict[tuple[int, str], Judgment] = {(j.expert_id, j.node): j for j in session.scalars(query)}
    progress: list[ExpertProgress] = []
    for expert in panel.experts:
        missing: list[str] = []
        inconsistent: list[str] = []
        for node, children in nodes.items():
            judgment = stored.get((expert.id, node))
            if judgment is None or sorted(judgment.items) != sorted(children):
                missing.append(node)
                continue
            matrix, problems = pairwise.matrix_errors(judgment.matrix, scale_max=pairwise.SAATY_SCALE_MAX)
            if matrix is None or problems or pairwise.consistency_ratio(matrix) > pairwise.CR_THRESHOLD:
                inconsistent.append(node)
        progress.append(
            ExpertProgress(
                expert_code=expert.code,
                nodes_done=len(nodes) - len(missing),
                nodes_total=len(nodes),
                missing=missing,
                inconsistent=inconsistent,
            )
        )
    return progress


def list_rounds(session: Session, *, panel_id: int) -> list[RoundRead]:
    """The panel's rounds, first to last; the last is the open one."""
    panel = get_panel(session, panel_id=panel_id)
    query = select(PanelRound).where(PanelRound.panel_id == panel.id).order_by(PanelRound.number)
    return [_round_read(r) for r in session.scalars(query)]


def close_round(session: Session, *, panel_id: int, actor: Principal) -> RoundRead:
    """Close the open round, whose judgments stay as they are, and open the next with a copy of them; audited.

    The copies keep who wrote each judgment and when, and start again at version 1.
    """
    panel = get_panel(session, panel_id=panel_id)
    current = _open_round(session, panel_id=panel.id, lock="update")
    # The UPDATE goes out first: on SQLite it takes the database's write lock before the judgments are read, so no
    # judgment can change between the copy and the closing; it matches no row when another closing came first.
    closing = session.execute(
        update(PanelRound)
        .where(PanelRound.id == current.id, PanelRound.closed_at.is_(None))
        .values(closed_at=utcnow(), closed_by=actor.actor)
    )
    if closing.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"round {current.number} of panel {panel.code!r} was closed meanwhile")
    following = PanelRound(panel_id=panel.id, number=current.number + 1, opened_by=actor.actor)
    session.add(following)
    experts = select(Expert.id).where(Expert.panel_id == panel.id)
    closed = list(
        session.scalars(
            select(Judgment)
            .where(Judgment.expert_id.in_(experts), Judgment.round == current.number)
            .order_by(Judgment.id)
        )
    )
    session.add_all(
        Judgment(
            expert_id=j.expert_id,
            round=following.number,
            node=j.node,
            items=list(j.items),
            matrix=[list(row) for row in j.matrix],
            updated_at=j.updated_at,
            updated_by=j.updated_by,
        )
        for j in closed
    )
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"round {current.number} of panel {panel.code!r} was closed meanwhile") from exc
    record(
        session,
        actor=actor.actor,
        action="panel_round.close",
        entity="panel_round",
        entity_id=f"{panel.code}/{current.number}",
        before={"round": current.number, "status": "open"},
        after={"round": current.number, "status": "closed", "judgments": len(closed)},
    )
    record(
        session,
        actor=actor.actor,
        action="panel_round.open",
        entity="panel_round",
        entity_id=f"{panel.code}/{following.number}",
        after={"round": following.number, "status": "open", "copied_from": current.number, "judgments": len(closed)},
    )
    return _round_read(following)


def panel_snapshot(session: Session, *, panel_ids: list[int]) -> list[dict[str, Any]]:
    """Every judgment of the panels' open rounds as `{expert, weight, node, items, matrix, version}`, as profiles
    record them."""
    query = (
        select(Judgment, Expert)
        .join(Expert, Expert.id == Judgment.expert_id)
        .join(PanelRound, PanelRound.panel_id == Expert.panel_id)
        .where(Expert.panel_id.in_(panel_ids), PanelRound.closed_at.is_(None), PanelRound.number == Judgment.round)
        .order_by(Expert.panel_id, Expert.id, Judgment.id)
    )
    return [
        {
            "expert": expert.code,
            "weight": expert.weight,
            "node": judgment.node,
            "items": list(judgment.items),
            "matrix": [list(row) for row in judgment.matrix],
            "version": judgment.version,
        }
        for judgment, expert in session.execute(query)
    ]


def _open_round(session: Session, *, panel_id: int, lock: Literal["share", "update"] | None = None) -> PanelRound:
    """The panel's open round; `lock`: held FOR SHARE (writers of judgments) or FOR UPDATE (the closer) on
    PostgreSQL until the transaction ends (SQLite ignores it and serialises writers instead)."""
    query = select(PanelRound).where(PanelRound.panel_id == panel_id, PanelRound.closed_at.is_(None))
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    current = session.scalars(query).first()
    if current is None:
        # Only a closing that committed while this transaction waited for its lock leaves none in sight.
        raise Conflict(f"the open round of panel {panel_id} was closed meanwhile; read it again")
    return current


def _round_number(session: Session, *, panel_id: int, requested: int | None) -> int:
    """The round asked for (404 when the panel has no such round), else the open one."""
    if requested is None:
        return _open_round(session, panel_id=panel_id).number
    last = session.scalar(select(func.max(PanelRound.number)).where(PanelRound.panel_id == panel_id))
    if last is None or not 1 <= requested <= last:
        raise NotFound(f"panel {panel_id} has no round {requested}; its rounds are 1 to {last}")
    return requested


def _round_read(row: PanelRound) -> RoundRead:
    return RoundRead(
        round=row.number,
        status="open" if row.closed_at is None else "closed",
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        opened_by=row.opened_by,
        closed_by=row.closed_by,
    )


def _owns(principal: Principal, expert: Expert) -> bool:
    return principal.key_id is not None and expert.api_key_id == principal.key_id


def _require_access(principal: Principal, expert: Expert) -> None:
    """Analysts and admins reach every expert's judgments; an expert's key only the expert it is linked to."""
    if principal.allows("analyst") or (principal.role == "expert" and _owns(principal, expert)):
        return
    raise Forbidden(f"your key may read and change only its own expert's judgments, not those of {expert.code!r}")


def _expert(session: Session, *, panel_id: int, expert_code: str) -> Expert:
    expert = session.scalars(select(Expert).where(Expert.panel_id == panel_id, Expert.code == expert_code)).first()
    if expert is None:
        raise NotFound(f"panel {panel_id} has no expert with code {expert_code!r}")
    return expert


def _judgment(session: Session, *, expert_id: int, node: str, round_number: int) -> Judgment | None:
    query = select(Judgment).where(
        Judgment.expert_id == expert_id, Judgment.round == round_number, Judgment.node == node
    )
    return session.scalars(query).first()


def _check_api_key(session: Session, api_key_id: int | None, *, loc: list[str | int]) -> None:
    if api_key_id is None:
        return
    key = session.get(ApiKey, api_key_id)
    if key is None or key.revoked_at is not None:
        msg = f"no active API key with id {api_key_id}"
        raise InvalidInput(msg, errors=[{"loc": loc, "msg": msg}])


def _content(judgment: Judgment) -> dict[str, Any]:
    return {
        "items": list(judgment.items),
        "matrix": [list(row) for row in judgment.matrix],
        "version": judgment.version,
    }


def _read(panel_id: int, expert_code: str, judgment: Judgment) -> JudgmentRead:
    return JudgmentRead(
        panel_id=panel_id,
        expert_code=expert_code,
        node=judgment.node,
        round=judgment.round,
        items=list(judgment.items),
        matrix=[list(row) for row in judgment.matrix],
        version=judgment.version,
        updated_at=judgment.updated_at,
        updated_by=judgment.updated_by,
    )
