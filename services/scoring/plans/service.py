"""Plans of a published ranking: a target turned into a score to reach, the fewest peer-bounded changes, re-scored.

On the fixed reference a cluster's score depends on its own values only, so the other clusters keep the scores the
model gives them (their imputed values included: the imputation is part of the published model) and every target
is a score threshold for the cluster: `rank:K` the K-th best score of the others ranked with it, `top_quartile` the
ceil(n/4)-th best of the other clusters of its category, `next_tier` the score whose ratio to the field's mean (the
mean recomputed with that score) is the next tier's bound. The plan is re-scored with the model's scoring function
and its rank and tier taken as the ranking takes them (competition ranks, the tier rule of the whole field).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import get_args

import numpy as np

from services.scoring.analyses.service import ResolvedModel
from services.scoring.engine import plans
from services.scoring.engine.mcda import FloatArray, competition_ranks
from services.scoring.engine.ranking_model import RankingModel
from services.scoring.engine.reference import criterion_scores
from services.scoring.rankings.compute import field_tiers_of
from shared.errors import InvalidInput, NotFound
from shared.schemas.plans import (
    PlanChange,
    PlanCriterionScore,
    PlanPeer,
    PlanRequest,
    PlanResponse,
    PlansRequest,
    PlansResponse,
    PlanStanding,
    PlanTarget,
    parse_target,
)
from shared.schemas.rankings import TIER_THRESHOLDS
from shared.schemas.vocabulary import Tier

TIERS: tuple[Tier, ...] = get_args(Tier)
TIER_BOUND: dict[Tier, float] = dict(TIER_THRESHOLDS)


def _invalid(msg: str, field: str) -> InvalidInput:
    return InvalidInput(msg, errors=[{"loc": ["body", field], "msg": msg}])


class _Field:
    """The year's scores with one cluster's score replaced: its rank in the model's scope and its tier."""

    def __init__(self, resolved: ResolvedModel, row: int) -> None:
        model = resolved.model
        self.model = model
        self.row = row
        self.scores: FloatArray = model.scores(model.global_weights(model.criterion_weights)[np.newaxis, :])[0]
        self.position = int(np.count_nonzero(model.scope[:row]))

    def with_score(self, score: float) -> FloatArray:
        field = self.scores.copy()
        field[self.row] = score
        return field

    def standing(self, score: float) -> PlanStanding:
        field = self.with_score(score)
        rank = int(self.model.ranks(field[np.newaxis, :])[0][self.position])
        tier = field_tiers_of(field, higher_is_better=True)[self.row]
        return PlanStanding(rank=rank, score=score, tier=tier)

    def others(self, mask: np.ndarray) -> FloatArray:
        """Scores of the clusters in `mask` other than this one, best first."""
        keep = mask.copy()
        keep[self.row] = False
        return np.sort(self.scores[keep])[::-1]


def _threshold(
    target: PlanTarget, field: _Field, category_mask: np.ndarray
) -> tuple[float, Callable[[float], bool], str]:
    """The score that reaches `target`, the check of the target on a re-scored field, and the rule in words."""
    model, row = field.model, field.row
    if target.kind is None:
        k = target.rank or 1
        ranked = int(model.scope.sum())
        if k > ranked:
            raise _invalid(
                f"rank:{k} is out of range: the ranking has {ranked} clusters, so K goes from 1 to {ranked}", "target"
            )
        others = field.others(model.scope)
        threshold = float(others[k - 1]) if k - 1 < others.size else -math.inf
        rule = f"rank {k} or better among the {ranked} ranked clusters"
        return threshold, lambda s: field.standing(s).rank <= k, rule
    if target.kind == "top_quartile":
        members = int(category_mask.sum())
        places = math.ceil(members / 4)
        others = field.others(category_mask)
        threshold = float(others[places - 1]) if places - 1 < others.size else -math.inf
        category = model.categories[row]
        rule = (
            f"among the best {places} of the {members} {category} clusters by score (the top quartile: ceil(n/4) "
            "places, ties sharing a place)"
        )

        def in_top_quartile(score: float) -> bool:
            scores = field.with_score(score)[category_mask]
            own = int(np.count_nonzero(category_mask[:row]))
            return int(competition_ranks(scores)[own]) <= places

        return threshold, in_top_quartile, rule
    current = field.standing(float(field.scores[row])).tier
    goal = TIERS[max(TIERS.index(current) - 1, 0)]
    bound = TIER_BOUND[goal]
    n = field.scores.size
    others_sum = float(field.scores.sum() - field.scores[row])
    # score / ((others + score) / n) ≥ bound  ⇔  score ≥ bound × others / (n − bound), when n > bound.
    threshold = bound * others_sum / (n - bound) if n > bound else math.inf
    rule = (
        f"tier {goal} or better: a score of at least {bound:.0%} of the mean score of the {n} clusters of the year "
        "(the mean taken with the new score)"
    )
    return threshold, lambda s: TIERS.index(field.standing(s).tier) <= TIERS.index(goal), rule


def plan(resolved: ResolvedModel, body: PlanRequest) -> PlanResponse:
    """The plan of `body.cluster_code` for `body.target` on the resolved model (fixed reference only)."""
    model = resolved.model
    if model.reference != "fixed":
        raise _invalid(
            "plans need reference=fixed: on the relative reference a change moves every other cluster's score too",
            "reference",
        )
    code = body.cluster_code
    if code not in model.codes:
        reason = "no such cluster" if code not in resolved.inputs.clusters else f"no observations in {body.year}"
        raise NotFound(
            f"no {body.year} data for {code} ({reason})", errors=[{"loc": ["body", "cluster_code"], "msg": reason}]
        )
    row = model.codes.index(code)
    if not model.scope[row]:
        raise _invalid(f"{code} is not a {body.category} cluster, so this ranking does not rank it", "cluster_code")
    target = parse_target(body.target)
    field = _Field(resolved, row)
    category = model.categories[row]
    same_category = np.array([c == category for c in model.categories], dtype=bool)
    threshold, reaches, rule = _threshold(target, field, same_category)

    weights = model.global_weights(model.criterion_weights)
    values = model.values[row]
    # Peers best first, so that of several peers with the same value the best-scoring one is named.
    peer_rows = np.array(
        sorted(np.flatnonzero(same_category & (np.arange(len(model.codes)) != row)), key=lambda k: -field.scores[k]),
        dtype=np.int64,
    )
    options = plans.candidates(
        values,
        model.values[peer_rows],
        ~model.missing[peer_rows],
        peer_rows,
        model.types,
        model.lower,
        model.upper,
    )
    current_score = float(field.scores[row])
    current = field.standing(current_score)
    if reaches(current_score):
        result = plans.Plan(reachable=True, changes=(), score=current_score, best_score=current_score)
    else:
        result = _reach(values, options, weights, model, threshold, reaches)
    best_row = values.copy()
    for option in options:
        best_row[option.indicator] = option.values[-1]
    best_score = plans.score_row(best_row, weights, model.types, model.lower, model.upper, model.method)
    notes = [
        f"peers: the other {int(same_category.sum()) - 1} {category} clusters of {body.year}; a change moves one "
        "indicator to a value one of them observed (never an imputed one), only in the better direction",
        "the other clusters keep the scores the published model gives them (their imputed values included)",
        "fewest changes first (exact), then the least total effort (sum of |to − from| / reference range)",
    ]
    if any(model.missing[row]):
        notes.append(
            "a missing value of the cluster counts at its imputed value (its category's median) and may be changed "
            "like any other; such a change is marked `imputed`: collect the real value first"
        )
    if not result.reachable:
        notes.append("no set of changes within the peers' values reaches the target")
    elif not result.least_effort_proven:
        notes.append("the number of changes is the minimum; the least effort among such plans was not proven in time")
    changed = values.copy()
    for change in result.changes:
        changed[change.indicator] = change.value_to
    return PlanResponse(
        cluster_code=code,
        year=body.year,
        model=resolved.echo,
        target=str(target),
        target_rule=rule,
        threshold=threshold if math.isfinite(threshold) else None,
        current=current,
        reachable=result.reachable,
        changes=[
            PlanChange(
                indicator=model.indicator_codes[c.indicator],
                criterion=model.criteria[int(model.group_of[c.indicator])],
                value_from=c.value_from,
                value_to=c.value_to,
                peer=PlanPeer(cluster_code=model.codes[c.peer], value=c.value_to),
                effort=c.effort,
                imputed=bool(model.missing[row, c.indicator]),
            )
            for c in result.changes
        ],
        reached=field.standing(result.score) if result.changes else current,
        best_possible=field.standing(best_score),
        effort=result.effort,
        criteria_scores=criteria_before_after(resolved, values, changed),
        notes=notes,
    )


def plans_for(resolved: ResolvedModel, body: PlansRequest) -> PlansResponse:
    """The plan of each asked cluster (default: every ranked one, in the ranking's order) on one resolved model."""
    codes = body.cluster_codes
    if codes is None:
        scoped = resolved.scoped_codes
        codes = [scoped[k] for k in resolved.published_order()]
    common = body.model_dump(exclude={"cluster_codes"})
    return PlansResponse(
        model=resolved.echo,
        target=str(parse_target(body.target)),
        plans=[plan(resolved, PlanRequest(**common, cluster_code=code)) for code in codes],
    )


def criteria_before_after(resolved: ResolvedModel, before: FloatArray, after: FloatArray) -> list[PlanCriterionScore]:
    """The cluster's criterion scores with its values `before` and `after` the changes, as the ranking computes
    them (services/scoring/rankings/compute.py): on the fixed reference each row is scored on its own, so the two
    rows need no field around them."""
    matrix = resolved.matrix
    scored = criterion_scores(
        np.vstack([before, after]),
        matrix.weights,
        matrix.types,
        matrix.groups,
        reference="fixed",
        lower=matrix.lower,
        upper=matrix.upper,
        criteria_names=matrix.indicator_codes,
    )
    return [
        PlanCriterionScore(criterion=code, before=float(scored.scores[0, c]), after=float(scored.scores[1, c]))
        for c, code in enumerate(scored.criteria)
    ]


def _reach(
    values: FloatArray,
    options: list[plans.Candidates],
    weights: FloatArray,
    model: RankingModel,
    threshold: float,
    reaches: Callable[[float], bool],
) -> plans.Plan:
    """The engine's plan for `threshold`, checked with the target's own rule; at a razor's edge where the rule's
    rounding (ranks tie to 12 digits, tiers to 1e-9) and the threshold disagree, the threshold is nudged up."""
    result = plans.Plan(reachable=False, changes=(), score=0.0, best_score=0.0)
    if not math.isfinite(threshold):
        return result
    for nudge in (0.0, 1e-12, 1e-9):
        result = plans.fewest_changes(
            row=values,
            options=options,
            weights=weights,
            types=model.types,
            lower=model.lower,
            upper=model.upper,
            method=model.method,
            threshold=threshold + nudge * max(abs(threshold), 1.0),
        )
        if not result.reachable or reaches(result.score):
            return result
    return plans.Plan(reachable=False, changes=(), score=result.score, best_score=result.best_score)
