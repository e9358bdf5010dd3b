"""The indicator system: goal → criteria → indicators, with units, directions and ranges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from services.indicators.audit.service import record
from services.indicators.models import Criterion, Indicator, Observation, ObservationHistory
from services.indicators.state.service import renew_catalog_version
from shared.auth import Principal
from shared.errors import Conflict, InvalidInput
from shared.schemas.indicators import GOAL_NODE, CriterionNode, CriterionWrite, IndicatorRead


def load_tree(session: Session) -> list[Criterion]:
    query = select(Criterion).options(selectinload(Criterion.indicators)).order_by(Criterion.position)
    return list(session.scalars(query))


def tree_as_nodes(session: Session) -> list[CriterionNode]:
    return _as_nodes(load_tree(session))


def _as_nodes(criteria: Sequence[Criterion]) -> list[CriterionNode]:
    return [
        CriterionNode(
            code=c.code,
            name=c.name,
            name_zh=c.name_zh,
            children=[IndicatorRead.model_validate(i) for i in c.indicators],
        )
        for c in criteria
    ]


def indicators_by_code(session: Session) -> dict[str, Indicator]:
    return {i.code: i for i in session.scalars(select(Indicator))}


def _check_tree(nodes: Sequence[CriterionWrite]) -> None:
    """What the schema cannot see in one node: codes unique across the tree, `goal` kept free, sane ranges."""
    errors: list[dict[str, Any]] = []
    if not nodes:
        errors.append({"loc": ["body"], "msg": "the tree needs one criterion at least"})
    seen: set[str] = set()
    for ci, node in enumerate(nodes):
        if node.code == GOAL_NODE:
            msg = f"{GOAL_NODE!r} is the panels' node for comparing the criteria; a criterion cannot take that code"
            errors.append({"loc": ["body", ci, "code"], "msg": msg})
        if node.code in seen:
            errors.append({"loc": ["body", ci, "code"], "msg": f"duplicate code {node.code!r}"})
        seen.add(node.code)
        for ii, ind in enumerate(node.children):
            loc = ["body", ci, "children", ii]
            if ind.code in seen:
                errors.append({"loc": [*loc, "code"], "msg": f"duplicate code {ind.code!r}"})
            seen.add(ind.code)
            if not ind.ref_min < ind.ref_max:
                errors.append({"loc": [*loc, "ref_max"], "msg": "ref_max must exceed ref_min"})
            if ind.valid_min is not None and ind.valid_min > ind.ref_min:
                errors.append({"loc": [*loc, "valid_min"], "msg": "must not exceed ref_min"})
            if ind.valid_max is not None and ind.valid_max < ind.ref_max:
                errors.append({"loc": [*loc, "valid_max"], "msg": "must not be below ref_max"})
    if errors:
        raise InvalidInput("the indicator tree is not valid", errors=errors)


def _refuse_losing_observations(
    session: Session, *, nodes: Sequence[CriterionWrite], removed: Sequence[Indicator]
) -> None:
    """A removed indicator would take its observations and their history with it (the foreign keys cascade)."""
    if not removed:
        return
    ids = [indicator.id for indicator in removed]
    stored: Counter[int] = Counter()
    replaced: Counter[int] = Counter()
    for model, counts in ((Observation, stored), (ObservationHistory, replaced)):
        query = select(model.indicator_id, func.count()).where(model.indicator_id.in_(ids)).group_by(model.indicator_id)
        counts.update({indicator_id: count for indicator_id, count in session.execute(query)})
    position = {node.code: ci for ci, node in enumerate(nodes)}
    errors: list[dict[str, Any]] = []
    for indicator in removed:
        if stored[indicator.id] or replaced[indicator.id]:
            criterion = indicator.criterion.code
            loc: list[str | int] = ["body", position[criterion], "children"] if criterion in position else ["body"]
            msg = (
                f"indicator {indicator.code!r} (criterion {criterion!r}) has {stored[indicator.id]} observations and "
                f"{replaced[indicator.id]} replaced values in their history; removing it would delete them"
            )
            errors.append({"loc": loc, "msg": msg})
    if errors:
        raise Conflict("the tree leaves out indicators that have data; keep them (they may move)", errors=errors)


def replace_tree(session: Session, *, nodes: Sequence[CriterionWrite], actor: Principal) -> None:
    """Make the stored tree the one written, in its order; audited with before and after.

    Criteria and indicators are matched by code: one that is written again keeps its identity and its data, even
    under another criterion; one left out is deleted, except an indicator that has observations or history, which
    makes the whole write a 409 that names it (its values would go with it). A tree equal to the stored one changes
    nothing and is not logged.
    """
    _check_tree(nodes)
    current = load_tree(session)
    before = [n.model_dump() for n in _as_nodes(current)]
    after = [n.model_dump() for n in nodes]
    if before == after:
        return
    criteria = {c.code: c for c in current}
    indicators = {i.code: i for c in current for i in c.indicators}
    written = {child.code for node in nodes for child in node.children}
    removed = [indicator for code, indicator in indicators.items() if code not in written]
    _refuse_losing_observations(session, nodes=nodes, removed=removed)
    for indicator in removed:
        session.delete(indicator)
    for position, node in enumerate(nodes):
        criterion = criteria.pop(node.code, None) or Criterion(code=node.code)
        criterion.name, criterion.name_zh, criterion.position = node.name, node.name_zh, position
        children = []
        for ind_position, child in enumerate(node.children):
            indicator = indicators.get(child.code) or Indicator()
            for field, value in child.model_dump().items():
                setattr(indicator, field, value)
            indicator.position = ind_position
            children.append(indicator)
        # Through the relationship, so that an indicator moved here leaves its old criterion's list in memory too.
        criterion.indicators = children
        session.add(criterion)
    for criterion in criteria.values():
        session.delete(criterion)
    session.flush()
    renew_catalog_version(session)
    record(
        session,
        actor=actor.actor,
        action="indicator_tree.update",
        entity="indicator_tree",
        before=before,
        after=after,
    )


def upsert_tree(session: Session, *, nodes: Sequence[CriterionNode], actor: Principal) -> None:
    """The demo loader's entry: a tree in its read shape, checked and written as PUT /v1/indicators writes it."""
    replace_tree(session, nodes=[CriterionWrite.model_validate(node.model_dump()) for node in nodes], actor=actor)
