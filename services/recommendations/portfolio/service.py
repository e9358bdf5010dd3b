"""The portfolio of a year's recommendations: which actions, policy paths and indicators recur, by category.

It is read off the year's recommendations as `GET /v1/recommendations` gives them (the same cached answer), so the
review's portfolio and the per-cluster advice never disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import get_args

from pydantic import TypeAdapter

from services.recommendations.advice.rulebook import catalog_token
from services.recommendations.advice.service import AdviceRequest, Upstreams, advice_bytes
from services.recommendations.diagnosis import CATEGORY_NAMES
from services.recommendations.rules import PolicyPath
from shared.cache import Cache
from shared.schemas.recommendations import (
    ActionCount,
    CategoryPortfolio,
    ClusterRecommendations,
    IndicatorCount,
    PathCount,
    Portfolio,
)
from shared.schemas.vocabulary import Category, Lang

CATEGORIES: tuple[Category, ...] = get_args(Category)
_ANSWERS = TypeAdapter(list[ClusterRecommendations])


def portfolio(
    upstreams: Upstreams, cache: Cache, request: AdviceRequest, *, top_n: int, ttl_seconds: float
) -> Portfolio:
    """The year's recommendations for every cluster (rank order), counted by category."""
    answers = _ANSWERS.validate_json(advice_bytes(upstreams, cache, request, top_n=top_n, ttl_seconds=ttl_seconds))
    indicators = upstreams.indicators
    state = indicators.state()
    rule_base = upstreams.rule_book.for_request(indicators.indicator_tree(state=state), token=catalog_token(state))
    first = answers[0] if answers else None
    return Portfolio(
        year=request.year,
        dataset_version=first.dataset_version if first else state.version_of(request.year),
        profile=first.profile if first else state.profile_id(request.profile_id),
        lang=request.lang,
        clusters=len(answers),
        categories=[
            _category(category, [a for a in answers if a.category == category], rule_base.policy_paths, request.lang)
            for category in CATEGORIES
            if any(a.category == category for a in answers)
        ],
    )


def _category(
    category: Category,
    answers: list[ClusterRecommendations],
    paths: Mapping[Category, Mapping[str, PolicyPath]],
    lang: Lang,
) -> CategoryPortfolio:
    """One category's counts; every declared path is listed, those no action follows with zeros."""
    declared = paths.get(category, {})
    actions_on: Counter[str] = Counter()
    clusters_on: defaultdict[str, set[str]] = defaultdict(set)
    given: dict[str, ActionCount] = {}
    names: dict[str, str] = {}
    weak: Counter[str] = Counter()
    acted: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    for answer in answers:
        for weakness in answer.weaknesses:
            names[weakness.indicator] = weakness.name
            weak[weakness.indicator] += 1
        for gap in answer.data_gaps:
            names[gap.indicator] = gap.name
            missing[gap.indicator] += 1
        for rec in answer.recommendations:
            actions_on[rec.policy_path] += 1
            clusters_on[rec.policy_path].add(answer.cluster_code)
            acted[rec.indicator] += 1
            action = given.setdefault(
                rec.rule_id, ActionCount(rule_id=rec.rule_id, title=rec.title, policy_path=rec.policy_path, clusters=[])
            )
            action.clusters.append(answer.cluster_code)
    size = len(answers)
    path_counts = [
        PathCount(
            policy_path=key,
            name=path.text(lang),
            actions=actions_on[key],
            clusters=len(clusters_on[key]),
            share=len(clusters_on[key]) / size if size else 0.0,
        )
        for key, path in declared.items()
    ]
    path_counts.sort(key=lambda p: (-p.clusters, -p.actions, p.policy_path))
    codes = set(weak) | set(acted) | set(missing)
    return CategoryPortfolio(
        category=category,
        name=CATEGORY_NAMES.get(category, {}).get(lang, category),
        clusters=size,
        policy_paths=path_counts,
        actions=sorted(given.values(), key=lambda a: (-len(a.clusters), a.rule_id)),
        indicators=sorted(
            (
                IndicatorCount(
                    indicator=code,
                    name=names.get(code, code),
                    weaknesses=weak[code],
                    actions=acted[code],
                    data_gaps=missing[code],
                )
                for code in codes
            ),
            key=lambda i: (-i.actions, -i.weaknesses, i.indicator),
        ),
    )
