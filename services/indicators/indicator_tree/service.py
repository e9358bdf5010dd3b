"""The indicator system: goal → criteria → indicators, with units, directions and ranges."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.indicators.audit.service import record
from services.indicators.models import Criterion, Indicator
from services.indicators.state.service import renew_catalog_version
from shared.auth import Principal
from shared.errors import InvalidInput
from shared.schemas.indicators import CriterionNode, IndicatorRead


def load_tree(session: Session) -> list[Criterion]:
    query = select(Criterion).options(selectinload(Criterion.indicators)).order_by(Criterion.position)
    return list(session.scalars(query))


def tree_as_nodes(session: Session) -> list[CriterionNode]:
    return [
        CriterionNode(
            code=c.code,
            name=c.name,
            name_zh=c.name_zh,
            children=[IndicatorRead.model_validate(i) for i in c.indicators],
        )
        for c in load_tree(session)
    ]


def indicators_by_code(session: Session) -> dict[str, Indicator]:
    return {i.code: i for i in session.scalars(select(Indicator))}


def _check_tree(nodes: Sequence[CriterionNode]) -> None:
    errors: list[dict[str, object]] = []
    seen: set[str] = set()
    for ci, node in enumerate(nodes):
        if node.code in seen:
            errors.append({"loc": ["body", ci, "code"], "msg": f"duplicate code {node.code!r}"})
        seen.add(node.code)
        for ii, ind in enumerate(node.children):
            if ind.code in seen:
                errors.append({"loc": ["body", ci, "children", ii, "code"], "msg": f"duplicate code {ind.code!r}"})
            seen.add(ind.code)
            if not ind.ref_min < ind.ref_max:
                errors.append({"loc": ["body", ci, "children", ii, "ref_max"], "msg": "ref_max must exceed ref_min"})
            if ind.valid_min is not None and ind.valid_min > ind.ref_min:
                errors.append({"loc": ["body", ci, "children", ii, "valid_min"], "msg": "must not exceed ref_min"})
            if ind.valid_max is not None and ind.valid_max < ind.ref_max:
                errors.append({"loc": ["body", ci, "children", ii, "valid_max"], "msg": "must not be below ref_max"})
    if errors:
        raise InvalidInput("the indicator tree is not valid", errors=errors)


def upsert_tree(session: Session, *, nodes: Sequence[CriterionNode], actor: Principal) -> None:
    """Create or update criteria and indicators by code; nothing is deleted (observations refer to them)."""
    _check_tree(nodes)
    before = [n.model_dump() for n in tree_as_nodes(session)]
    criteria = {c.code: c for c in session.scalars(select(Criterion))}
    indicators = indicators_by_code(session)
    for position, node in enumerate(nodes):
        criterion = criteria.get(node.code) or Criterion(code=node.code)
        criterion.name, criterion.name_zh, criterion.position = node.name, node.name_zh, position
        session.add(criterion)
        session.flush()
        for ind_position, child in enumerate(node.children):
            indicator = indicators.get(child.code) or Indicator(code=child.code)
            for field, value in child.model_dump().items():
                setattr(indicator, field, value)
            indicator.criterion_id = criterion.id
            indicator.position = ind_position
            session.add(indicator)
    session.flush()
    renew_catalog_version(session)
    record(
        session,
        actor=actor.actor,
        action="indicator_tree.update",
        entity="indicator_tree",
        before=before,
        after=[n.model_dump() for n in nodes],
    )
