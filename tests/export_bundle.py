"""A synthetic export bundle for the renderer tests and the export benchmark: the demo's indicator system and
clusters (services/indicators/demo), further city–industry clusters, scored by the engine's fixed-reference TOPSIS.

The whole chain (ranking, recommendations, export through the services) is tested in tests/api/scoring; this
bundle only has to look like a real one, so its advice is a short stand-in, not the recommendation service's."""

from __future__ import annotations

import dataclasses
from typing import get_args

import numpy as np
from numpy.typing import NDArray

from services.indicators.demo.load import read_clusters, read_indicator_system
from services.recommendations.diagnosis import normalise
from services.scoring.engine.mcda import competition_ranks
from services.scoring.engine.reference import criterion_scores, score_fixed_reference
from services.scoring.exports.model import (
    Action,
    AuditInfo,
    ClusterAdvice,
    ClusterGap,
    CoherenceInfo,
    CriterionInfo,
    ExportBundle,
    IndicatorInfo,
    Mover,
    OutlierInfo,
    PairFlag,
    ProfileInfo,
    RankingRow,
    RankInterval,
    SourceIndex,
    UncertaintyInfo,
    Weakness,
    tier_of,
)
from shared.schemas.indicators import IndicatorRead
from shared.schemas.vocabulary import Category, Lang

FloatArray = NDArray[np.float64]

# Starting criterion weights by category (DOMAIN.md); the demo profile is their mean.
_CATEGORY_WEIGHTS: dict[Category, tuple[float, ...]] = {
    "basic": (0.12, 0.10, 0.10, 0.22, 0.22, 0.14, 0.10),
    "strategic": (0.14, 0.20, 0.14, 0.10, 0.10, 0.22, 0.10),
    "cutting_edge": (0.18, 0.12, 0.18, 0.06, 0.08, 0.10, 0.28),
}

# Further synthetic clusters are a city and an industry: city, city_zh, province.
_CITIES: tuple[tuple[str, str, str], ...] = (
    ("Tianjin", "天津市", "Tianjin"),
    ("Zhengzhou", "郑州市", "Henan"),
    ("Jinan", "济南市", "Shandong"),
    ("Yantai", "烟台市", "Shandong"),
    ("Wuhu", "芜湖市", "Anhui"),
    ("Xiamen", "厦门市", "Fujian"),
    ("Fuzhou", "福州市", "Fujian"),
    ("Quanzhou", "泉州市", "Fujian"),
    ("Shenyang", "沈阳市", "Liaoning"),
    ("Dalian", "大连市", "Liaoning"),
    ("Changchun", "长春市", "Jilin"),
    ("Harbin", "哈尔滨市", "Heilongjiang"),
    ("Chongqing", "重庆市", "Chongqing"),
    ("Guiyang", "贵阳市", "Guizhou"),
    ("Nanchang", "南昌市", "Jiangxi"),
    ("Ganzhou", "赣州市", "Jiangxi"),
    ("Luoyang", "洛阳市", "Henan"),
    ("Taiyuan", "太原市", "Shanxi"),
    ("Baotou", "包头市", "Inner Mongolia"),
    ("Wenzhou", "温州市", "Zhejiang"),
    ("Shaoxing", "绍兴市", "Zhejiang"),
    ("Zhuhai", "珠海市", "Guangdong"),
    ("Weifang", "潍坊市", "Shandong"),
    ("Zibo", "淄博市", "Shandong"),
    ("Kunming", "昆明市", "Yunnan"),
)

# industry, industry_zh, category, field
_INDUSTRIES: tuple[tuple[str, str, Category, str], ...] = (
    ("new-energy vehicles", "新能源汽车", "strategic", "new-energy and connected vehicles"),
    ("advanced petrochemicals", "先进石化", "basic", "new materials"),
    ("high-end textiles", "高端纺织", "basic", "consumer goods"),
    ("smart home appliances", "智能家电", "basic", "consumer goods"),
    ("rare-earth new materials", "稀土新材料", "strategic", "new materials"),
    ("CNC machine tools", "数控机床", "basic", "high-end equipment"),
    ("power equipment", "电力装备", "strategic", "high-end equipment"),
    ("biomedicine", "生物医药", "strategic", "biomedicine"),
    ("artificial intelligence", "人工智能", "cutting_edge", "information technology"),
    ("industrial internet", "工业互联网", "cutting_edge", "information technology"),
    ("advanced steel materials", "先进钢铁材料", "basic", "new materials"),
    ("agricultural machinery", "农机装备", "basic", "high-end equipment"),
    ("new display", "新型显示", "strategic", "information technology"),
    ("photovoltaics", "光伏", "strategic", "new materials"),
    ("robotics", "机器人", "cutting_edge", "high-end equipment"),
    ("furniture", "家具", "basic", "consumer goods"),
)

# Which criteria each category tends to be strong in (latent shift per criterion C1…C7).
_CATEGORY_SHAPE: dict[Category, tuple[float, ...]] = {
    "basic": (-0.3, -0.3, -0.4, 0.7, 0.5, 0.1, -0.4),
    "strategic": (0.1, 0.5, 0.2, 0.0, 0.0, 0.5, -0.1),
    "cutting_edge": (0.5, 0.0, 0.6, -0.6, -0.2, -0.2, 0.7),
}

# criterion → (title, action) in English and Chinese, for the demo recommendations.
_ACTIONS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "C1": (
        (
            "Raise R&D investment and attract talent",
            "Tie provincial R&D subsidies to firms' R&D intensity and recruit high-level talent "
            "through joint posts with universities.",
        ),
        ("加大研发投入与人才引育", "将省级研发补助与企业研发强度挂钩，通过校企双聘引进高层次人才。"),
    ),
    "C2": (
        (
            "Build shared innovation platforms",
            "Set up a provincial manufacturing innovation centre and a pilot-test platform open to "
            "every firm of the cluster.",
        ),
        ("建设共性创新平台", "建设省级制造业创新中心和面向集群企业开放的中试验证平台。"),
    ),
    "C3": (
        (
            "Turn research into products and standards",
            "Support PCT filings, lead national and international standards and fund first-of-kind equipment trials.",
        ),
        ("推动成果转化与标准引领", "支持PCT专利布局、主导制定国家和国际标准，支持首台套装备示范应用。"),
    ),
    "C4": (
        (
            "Increase industrial concentration",
            "Attract suppliers of the leading industry into the cluster's parks and help firms grow "
            "above the statistical threshold.",
        ),
        ("提升产业集聚水平", "围绕主导产业招引配套企业入园，推动企业升规入统。"),
    ),
    "C5": (
        (
            "Accelerate smart and green manufacturing",
            "Fund CNC upgrades of key processes, digital design tools and smart workshops, and cut "
            "energy use per unit of value added.",
        ),
        (
            "加快智能化绿色化改造",
            "支持关键工序数控化改造、数字化研发设计工具和智能车间建设，降低单位增加值能耗。",
        ),
    ),
    "C6": (
        (
            "Cultivate chain leaders and specialised firms",
            "Back chain-leader firms and “little giants”, and localise the supply of key components.",
        ),
        ("培育链主企业与专精特新企业", "支持链主企业和专精特新“小巨人”企业发展，提高关键零部件本地配套率。"),
    ),
    "C7": (
        (
            "Bind universities and research institutes to firms",
            "Form joint labs and industry–university–research alliances, and grow technology-contract "
            "trade and exports.",
        ),
        ("深化产学研融合与开放合作", "组建产学研联合实验室和创新联盟，扩大技术合同成交额和出口规模。"),
    ),
}


def demo_bundle(n_clusters: int = 80, seed: int = 0, *, lang: Lang = "en", year: int = 2024) -> ExportBundle:
    """A synthetic bundle: named demo clusters, then city–industry ones, scored by fixed-reference TOPSIS."""
    if n_clusters < 1:
        raise ValueError("n_clusters must be at least 1")
    rng = np.random.default_rng(seed)
    tree = read_indicator_system()
    tree_indicators = [i for c in tree for i in c.children]
    criterion_weights = np.mean([_CATEGORY_WEIGHTS[c] for c in get_args(Category)], axis=0)
    criterion_weights = criterion_weights / criterion_weights.sum()
    criterion_codes = [c.code for c in tree]
    criterion_of = np.array([k for k, c in enumerate(tree) for _ in c.children])
    local = rng.dirichlet(np.full(len(tree_indicators), 40.0))
    for c in range(len(criterion_codes)):
        local[criterion_of == c] /= local[criterion_of == c].sum()
    global_weights = local * criterion_weights[criterion_of]

    clusters = _cluster_identities(n_clusters, rng)
    categories = [cluster[2] for cluster in clusters]
    strength = rng.normal(0.0, 0.8, n_clusters)
    growth = rng.normal(0.08, 0.25, n_clusters)
    shape = np.array([_CATEGORY_SHAPE[c] for c in categories])[:, criterion_of]
    noise = rng.normal(0.0, 0.7, (n_clusters, len(tree_indicators)))
    latent_now = strength[:, None] + shape + noise
    latent_before = latent_now - growth[:, None] + rng.normal(0.0, 0.15, latent_now.shape)
    values_now = _to_values(latent_now, tree_indicators)
    values_before = _to_values(latent_before, tree_indicators)
    imputed_mask = rng.random(values_now.shape) < 0.02

    types = [i.direction for i in tree_indicators]
    lower = np.array([i.ref_min for i in tree_indicators])
    upper = np.array([i.ref_max for i in tree_indicators])
    groups = {code: [int(j) for j in np.flatnonzero(criterion_of == k)] for k, code in enumerate(criterion_codes)}
    scores_now = score_fixed_reference(values_now, global_weights, types, lower, upper).scores
    scores_before = score_fixed_reference(values_before, global_weights, types, lower, upper).scores
    criteria_now = criterion_scores(
        values_now, global_weights, types, groups, reference="fixed", lower=lower, upper=upper
    ).scores
    ranks_now = competition_ranks(scores_now)
    ranks_before = competition_ranks(scores_before)
    tiers = tier_of([float(s) for s in scores_now])

    criteria = [
        CriterionInfo(code=c.code, name=c.name, name_zh=c.name_zh, weight=round(float(w), 6))
        for c, w in zip(tree, criterion_weights, strict=True)
    ]
    indicators = [
        IndicatorInfo(
            code=i.code,
            criterion=criterion_codes[int(k)],
            name=i.name,
            name_zh=i.name_zh,
            unit=i.unit,
            direction=i.direction,
            weight=round(float(w), 6),
            unit_zh=i.unit_zh,
            integer=i.integer,
        )
        for i, k, w in zip(tree_indicators, criterion_of, global_weights, strict=True)
    ]
    indicator_codes = [ind.code for ind in indicators]
    rows: list[RankingRow] = []
    for i, (name, name_zh, category, province, industry) in enumerate(clusters):
        rows.append(
            RankingRow(
                cluster_code=f"AMC{i + 1:03d}",
                name=name,
                name_zh=name_zh,
                category=category,
                province=province,
                industry=industry,
                rank=int(ranks_now[i]),
                rank_change=int(ranks_before[i] - ranks_now[i]),
                score=round(float(scores_now[i]), 6),
                previous_rank=int(ranks_before[i]),
                previous_score=round(float(scores_before[i]), 6),
                tier=tiers[i],
                criteria_scores={code: round(float(criteria_now[i, c]), 6) for c, code in enumerate(criterion_codes)},
                values={code: float(values_now[i, j]) for j, code in enumerate(indicator_codes)},
                imputed=[code for j, code in enumerate(indicator_codes) if imputed_mask[i, j]],
            )
        )
    ranges = {i.code: (i.ref_min, i.ref_max) for i in tree_indicators}
    recommendations = {row.cluster_code: _advice(row, rows, criteria, indicators, ranges, lang) for row in rows}
    cr = {"goal": 0.042, **{code: round(0.01 + 0.011 * k, 3) for k, code in enumerate(criterion_codes)}}
    profile = ProfileInfo(
        id="demo-panel-2024",
        name="Demo expert panel 2024" if lang == "en" else "演示专家组2024",
        method="eigenvector",
        ri_table="saaty",
        aggregation="aij",
        consensus=0.812,
        criteria_cr=cr,
        published_at=f"{year}-03-15T09:00:00+08:00",
    )
    bundle = ExportBundle(
        year=year,
        previous_year=year - 1,
        dataset_version=f"{year}.3-demo-s{seed}",
        profile=profile,
        method="topsis",
        normalization="vector",
        reference="fixed",
        software_version="0.1.0",
        generated_at=f"{year + 1}-01-20T10:30:00+08:00",
        synthetic=True,
        criteria=criteria,
        indicators=indicators,
        rows=rows,
        recommendations=recommendations,
        lang=lang,
    )
    return dataclasses.replace(bundle, uncertainty=_demo_uncertainty(bundle, seed), audit=_demo_audit(bundle, seed))


def _demo_uncertainty(bundle: ExportBundle, seed: int) -> UncertaintyInfo:
    """Rank intervals around the ranks, widening down the field, and Sobol-like indices: a stand-in for the
    scoring service's uncertainty analysis, drawn with its own generator so the rest of the bundle is unchanged."""
    rng = np.random.default_rng(seed + 7919)
    n = len(bundle.rows)
    intervals = []
    for row in bundle.ranked_rows():
        spread = 1 + int(rng.integers(0, 2 + n // 6))
        median = int(np.clip(row.rank + rng.integers(-1, 2), 1, n))
        intervals.append(
            RankInterval(
                cluster_code=row.cluster_code,
                rank=row.rank,
                median_rank=median,
                rank_p05=max(1, min(median, row.rank) - spread // 2),
                rank_p95=min(n, max(median, row.rank) + spread),
            )
        )
    return UncertaintyInfo(
        sources=["weights", "panel", "imputation"],
        samples=25_000,
        base_samples=5_000,
        seed=42,
        concentration=50.0,
        intervals=intervals,
        indices=[
            SourceIndex("weights", 0.61, 0.68),
            SourceIndex("panel", 0.22, 0.27),
            SourceIndex("imputation", 0.04, 0.06),
        ],
        notes=["panel: 15 experts drawn with replacement, aggregated by aij"],
    )


def _demo_audit(bundle: ExportBundle, seed: int) -> AuditInfo:
    """Coverage from the imputed cells, skewness and kurtosis of the values, coherence and movers: a stand-in for
    the scoring service's audit, with its own generator."""
    rng = np.random.default_rng(seed + 104_729)
    rows = bundle.ranked_rows()
    n = len(rows)
    coverage = [(ind.code, 1.0 - sum(ind.code in row.imputed for row in rows) / n) for ind in bundle.indicators]
    below = [
        ClusterGap(row.cluster_code, 1.0 - len(row.imputed) / len(bundle.indicators), [bundle.indicators[0].criterion])
        for row in rows
        if len(row.imputed) >= 2
    ]
    outliers = []
    for ind in bundle.indicators:
        values = np.array([v for row in rows if (v := row.values.get(ind.code)) is not None])
        spread = float(values.std()) or 1.0
        skew = float(np.mean((values - values.mean()) ** 3) / spread**3)
        kurt = float(np.mean((values - values.mean()) ** 4) / spread**4 - 3.0)
        flagged = abs(skew) > 2 and kurt > 3.5
        high = [(row.cluster_code, float(v)) for row in rows if (v := row.values.get(ind.code)) is not None]
        extremes = sorted(high, key=lambda x: -x[1])[:2] if flagged else []
        outliers.append(OutlierInfo(ind.code, skew, kurt, flagged, extremes))
    coherence = [
        CoherenceInfo(c.code, n, float(rng.uniform(0.55, 0.9)), float(rng.uniform(0.4, 0.8)), int(rng.integers(1, 3)))
        for c in bundle.criteria
    ]
    first = [ind for ind in bundle.indicators if ind.criterion == bundle.criteria[0].code]
    pairs = [PairFlag(first[0].code, first[1].code, -0.41, "negative")] if len(first) > 1 else []
    movers = []
    moved = sorted((r for r in rows if r.rank_change), key=lambda r: (-abs(r.rank_change or 0), r.rank))[:6]
    for row in moved:
        change = row.score - (row.previous_score or row.score)
        parts = rng.dirichlet(np.ones(len(bundle.criteria)))
        movers.append(
            Mover(
                cluster_code=row.cluster_code,
                previous_rank=row.previous_rank,
                rank=row.rank,
                rank_change=row.rank_change or 0,
                score_change=change,
                contributions={c.code: float(change * p) for c, p in zip(bundle.criteria, parts, strict=True)},
            )
        )
    return AuditInfo(0.65, coverage, below, outliers, coherence, pairs, movers)


def _cluster_identities(n_clusters: int, rng: np.random.Generator) -> list[tuple[str, str, Category, str, str]]:
    """Named demo clusters first, then distinct city–industry pairs drawn with the seed."""
    clusters: list[tuple[str, str, Category, str, str]] = [
        (c.name, c.name_zh, c.category, c.province, c.industry) for c in read_clusters()[:n_clusters]
    ]
    pairs = [(c, i) for c in range(len(_CITIES)) for i in range(len(_INDUSTRIES))]
    order = rng.permutation(len(pairs))
    used_cities: dict[int, int] = {}
    for k in order:
        if len(clusters) >= n_clusters:
            break
        city_index, industry_index = pairs[int(k)]
        if used_cities.get(city_index, 0) >= 3:
            continue
        used_cities[city_index] = used_cities.get(city_index, 0) + 1
        city, city_zh, province = _CITIES[city_index]
        industry, industry_zh, category, field = _INDUSTRIES[industry_index]
        clusters.append((f"{city} {industry}", f"{city_zh}{industry_zh}", category, province, field))
    if len(clusters) < n_clusters:
        raise ValueError(f"the demo can name at most {len(clusters)} clusters")
    return clusters


def _to_values(latent: FloatArray, indicators: list[IndicatorRead]) -> FloatArray:
    """Map latent strengths to raw values inside each indicator's reference range (log scale for wide ranges)."""
    position = 1.0 / (1.0 + np.exp(-latent))
    values = np.empty_like(latent)
    for j, indicator in enumerate(indicators):
        low, high = indicator.ref_min, indicator.ref_max
        p = position[:, j] if indicator.direction == "benefit" else 1.0 - position[:, j]
        wide = low > 0 and high / low >= 20
        column = low * (high / low) ** p if wide else low + p * (high - low)
        values[:, j] = np.round(column) if indicator.integer else np.round(column, 2)
    return values


def _advice(
    row: RankingRow,
    rows: list[RankingRow],
    criteria: list[CriterionInfo],
    indicators: list[IndicatorInfo],
    ranges: dict[str, tuple[float, float]],
    lang: Lang,
) -> ClusterAdvice:
    """Strengths and weaknesses against the cluster's category peers, and one action per weak criterion.

    A weakness's gap is what the recommendation service calls one: the shortfall to the category's top-quartile
    value as a share of the indicator's reference range (`ranges`: code → (ref_min, ref_max)), direction-aware.
    """
    peers = [other for other in rows if other.category == row.category]
    criterion_by_code = {c.code: c for c in criteria}
    lead = sorted(
        criteria,
        key=lambda c: row.criteria_scores[c.code] - float(np.mean([p.criteria_scores[c.code] for p in peers])),
        reverse=True,
    )
    strengths: list[str] = []
    for criterion in lead[:2]:
        mean = float(np.mean([p.criteria_scores[criterion.code] for p in peers]))
        score = row.criteria_scores[criterion.code]
        if lang == "en":
            strengths.append(f"{criterion.name} ({criterion.code}): {score:.3f} against a category mean of {mean:.3f}")
        else:
            strengths.append(f"{criterion.name_zh}（{criterion.code}）：{score:.3f}，同类均值{mean:.3f}")

    shortfalls: list[tuple[float, Weakness]] = []
    for ind in indicators:
        value = row.values.get(ind.code)
        peer_values = [v for p in peers if (v := p.values.get(ind.code)) is not None]
        if value is None or not peer_values:
            continue
        benchmark = float(np.percentile(peer_values, 75 if ind.direction == "benefit" else 25))
        low, high = (np.array([end]) for end in ranges[ind.code])
        at_benchmark, at_value = (
            float(normalise(np.array([x]), [ind.direction], low, high)[0]) for x in (benchmark, value)
        )
        gap = max(at_benchmark - at_value, 0.0)
        if gap > 0:
            weakness = Weakness(ind.criterion, ind.code, value, round(benchmark, 2), round(gap, 4))
            shortfalls.append((gap * ind.weight, weakness))
    shortfalls.sort(key=lambda item: (-item[0], item[1].indicator))
    weaknesses = [weakness for _, weakness in shortfalls[:4]]

    actions: list[Action] = []
    indicator_by_code = {ind.code: ind for ind in indicators}
    for weakness in weaknesses:
        if any(a.criterion == weakness.criterion for a in actions):
            continue
        (title_en, action_en), (title_zh, action_zh) = _ACTIONS[weakness.criterion]
        ind = indicator_by_code[weakness.indicator]
        criterion = criterion_by_code[weakness.criterion]
        unit = "" if ind.unit == "count" else ind.unit
        value_en = f"{weakness.value:g} {unit}".rstrip()
        value_zh = f"{weakness.value:g}（{unit}）" if unit else f"{weakness.value:g}"
        if lang == "en":
            rationale = (
                f"{ind.code} {ind.name}: {value_en} against a category benchmark of "
                f"{weakness.benchmark:g} (normalised gap {weakness.gap:.0%}); {criterion.name} weighs "
                f"{criterion.weight:.0%}."
            )
            actions.append(Action(len(actions) + 1, weakness.criterion, title_en, action_en, rationale))
        else:
            rationale = (
                f"{ind.code} {ind.name_zh}：{value_zh}，同类标杆值{weakness.benchmark:g}，"
                f"标准化差距{weakness.gap:.0%}；{criterion.name_zh}权重{criterion.weight:.0%}。"
            )
            actions.append(Action(len(actions) + 1, weakness.criterion, title_zh, action_zh, rationale))
    return ClusterAdvice(strengths=strengths, weaknesses=weaknesses, actions=actions)
