"""A realistic synthetic export bundle (reference indicator system, demo clusters) for tests and benches."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from services.scoring.exports.model import (
    CATEGORIES,
    Action,
    Category,
    ClusterAdvice,
    CriterionInfo,
    Direction,
    ExportBundle,
    IndicatorInfo,
    Lang,
    ProfileInfo,
    RankingRow,
    Weakness,
    tier_of,
)

FloatArray = NDArray[np.float64]

# code, name, name_zh (DOMAIN.md reference indicator system)
_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("C1", "Innovation input and talent", "创新投入与人才"),
    ("C2", "Innovation platforms", "创新平台"),
    ("C3", "Innovation output", "创新产出"),
    ("C4", "Industrial concentration and scale", "产业集聚与规模"),
    ("C5", "Intelligent and green level", "智能化与绿色化"),
    ("C6", "Leading firms and industrial chain", "领军企业与产业链"),
    ("C7", "University–research integration and openness", "产学研融合与开放合作"),
)

# code, name, name_zh, unit, direction, low, high
_INDICATORS: tuple[tuple[str, str, str, str, Direction, float, float], ...] = (
    ("C1.1", "R&D intensity of above-scale firms", "规上企业R&D经费投入强度", "%", "benefit", 1, 6),
    ("C1.2", "R&D personnel per 10k employees", "每万名从业人员R&D人员", "FTE", "benefit", 200, 1500),
    ("C1.3", "High-level talent", "高层次人才", "persons", "benefit", 10, 2000),
    ("C1.4", "Share of government spending on S&T", "财政科技支出占比", "%", "benefit", 2, 10),
    ("C2.1", "National technology-innovation carriers", "国家级技术创新载体", "count", "benefit", 5, 150),
    ("C2.2", "Manufacturing innovation centres", "制造业创新中心", "count", "benefit", 0, 5),
    ("C2.3", "Pilot-test platforms", "中试验证平台", "count", "benefit", 0, 20),
    ("C2.4", "Common-technology public service platforms", "共性技术公共服务平台", "count", "benefit", 1, 30),
    ("C3.1", "Invention patents per 10k employees", "每万名从业人员发明专利授权", "count", "benefit", 5, 300),
    ("C3.2", "PCT applications", "PCT国际专利申请", "count", "benefit", 0, 5000),
    ("C3.3", "New-product share of sales", "新产品销售收入占比", "%", "benefit", 10, 60),
    ("C3.4", "National and international standards led", "主导制定国家/国际标准", "count", "benefit", 0, 200),
    ("C3.5", "First-of-kind equipment certifications", "首台套认定", "count", "benefit", 0, 150),
    ("C4.1", "Output of the leading industry", "主导产业产值", "100m yuan", "benefit", 300, 20000),
    ("C4.2", "Location quotient", "区位熵", "ratio", "benefit", 0.5, 5),
    ("C4.3", "Above-scale firms", "规上企业数", "count", "benefit", 100, 3000),
    ("C4.4", "Share of the national industry", "占全国同行业比重", "%", "benefit", 1, 30),
    ("C5.1", "Key-process CNC rate", "关键工序数控化率", "%", "benefit", 40, 85),
    ("C5.2", "Digital R&D design-tool adoption", "数字化研发设计工具普及率", "%", "benefit", 60, 95),
    ("C5.3", "Smart factories and digital workshops", "智能工厂与数字化车间", "count", "benefit", 0, 200),
    ("C5.4", "Energy per 10k yuan of value added", "万元工业增加值能耗", "tce", "cost", 0.1, 1.5),
    ("C6.1", "Single-product manufacturing champions", "制造业单项冠军", "count", "benefit", 0, 20),
    ("C6.2", "Specialised “little giant” firms", "专精特新“小巨人”", "count", "benefit", 5, 200),
    ("C6.3", "Chain-leader firms over 10bn yuan revenue", "营收超百亿链主企业", "count", "benefit", 0, 20),
    ("C6.4", "Local supply rate of key parts", "关键零部件本地配套率", "%", "benefit", 20, 80),
    ("C6.5", "External dependence for key components", "关键核心零部件对外依存度", "%", "cost", 10, 80),
    ("C7.1", "Universities and research institutes", "高校与科研院所", "count", "benefit", 2, 100),
    ("C7.2", "Technology-contract turnover", "技术合同成交额", "100m yuan", "benefit", 1, 500),
    (
        "C7.3",
        "Joint labs and university–industry alliances",
        "产学研联合实验室与联盟",
        "count",
        "benefit",
        0,
        100,
    ),
    ("C7.4", "Export share of sales", "出口交货值占比", "%", "benefit", 5, 60),
)

# Starting criterion weights by category (DOMAIN.md); the demo profile is their mean.
_CATEGORY_WEIGHTS: dict[Category, tuple[float, ...]] = {
    "basic": (0.12, 0.10, 0.10, 0.22, 0.22, 0.14, 0.10),
    "strategic": (0.14, 0.20, 0.14, 0.10, 0.10, 0.22, 0.10),
    "cutting_edge": (0.18, 0.12, 0.18, 0.06, 0.08, 0.10, 0.28),
}

# name, name_zh, category, province, field (DOMAIN.md demo clusters, 2021 and 2022 rounds)
_NAMED_CLUSTERS: tuple[tuple[str, str, Category, str, str], ...] = (
    (
        "Shenzhen next-generation ICT",
        "深圳市新一代信息通信",
        "strategic",
        "Guangdong",
        "information technology",
    ),
    ("Shenzhen advanced battery materials", "深圳市先进电池材料", "strategic", "Guangdong", "new materials"),
    (
        "Guangzhou–Shenzhen–Foshan–Dongguan intelligent equipment",
        "广深佛莞智能装备",
        "strategic",
        "Guangdong",
        "high-end equipment",
    ),
    (
        "Guangzhou–Foshan–Huizhou ultra-HD video and smart home appliances",
        "广佛惠超高清视频和智能家电",
        "basic",
        "Guangdong",
        "consumer goods",
    ),
    (
        "Shenzhen–Guangzhou high-end medical devices",
        "深广高端医疗器械",
        "strategic",
        "Guangdong",
        "biomedicine",
    ),
    (
        "Dongguan smart mobile terminals",
        "东莞市智能移动终端",
        "strategic",
        "Guangdong",
        "information technology",
    ),
    ("Foshan home furnishing", "佛山市泛家居", "basic", "Guangdong", "consumer goods"),
    ("Shanghai integrated circuits", "上海市集成电路", "strategic", "Shanghai", "information technology"),
    ("Shanghai Zhangjiang biomedicine", "上海市张江生物医药", "strategic", "Shanghai", "biomedicine"),
    (
        "Chengdu software and information services",
        "成都市软件和信息服务",
        "cutting_edge",
        "Sichuan",
        "information technology",
    ),
    (
        "Chengdu–Deyang high-end energy equipment",
        "成德高端能源装备",
        "strategic",
        "Sichuan",
        "high-end equipment",
    ),
    ("Qingdao smart home appliances", "青岛市智能家电", "basic", "Shandong", "consumer goods"),
    (
        "Nanjing software and information services",
        "南京市软件和信息服务",
        "cutting_edge",
        "Jiangsu",
        "information technology",
    ),
    (
        "Nanjing new power (smart-grid) equipment",
        "南京市新型电力（智能电网）装备",
        "strategic",
        "Jiangsu",
        "high-end equipment",
    ),
    ("Wuxi Internet of Things", "无锡市物联网", "cutting_edge", "Jiangsu", "information technology"),
    ("Suzhou nano new materials", "苏州市纳米新材料", "cutting_edge", "Jiangsu", "new materials"),
    ("Xuzhou construction machinery", "徐州市工程机械", "basic", "Jiangsu", "high-end equipment"),
    ("Changzhou new carbon materials", "常州市新型碳材料", "strategic", "Jiangsu", "new materials"),
    ("Changsha construction machinery", "长沙市工程机械", "basic", "Hunan", "high-end equipment"),
    ("Zhuzhou rail-transit equipment", "株洲市轨道交通装备", "strategic", "Hunan", "high-end equipment"),
    ("Xi'an aviation", "西安市航空", "strategic", "Shaanxi", "high-end equipment"),
    ("Hefei intelligent speech", "合肥市智能语音", "cutting_edge", "Anhui", "information technology"),
    ("Hangzhou digital security", "杭州市数字安防", "cutting_edge", "Zhejiang", "information technology"),
    ("Ningbo magnetic materials", "宁波市磁性材料", "strategic", "Zhejiang", "new materials"),
    (
        "Wuhan optoelectronic information",
        "武汉市光电子信息",
        "cutting_edge",
        "Hubei",
        "information technology",
    ),
    (
        "Nantong–Taizhou–Yangzhou offshore equipment and high-tech ships",
        "通泰扬海工装备和高技术船舶",
        "strategic",
        "Jiangsu",
        "high-end equipment",
    ),
    (
        "Suzhou biomedicine and high-end medical devices",
        "苏州市生物医药及高端医疗器械",
        "strategic",
        "Jiangsu",
        "biomedicine",
    ),
    ("Taizhou–Lianyungang–Wuxi biomedicine", "泰连锡生物医药", "strategic", "Jiangsu", "biomedicine"),
    ("Suzhou–Wuxi–Nantong high-end textiles", "苏锡通高端纺织", "basic", "Jiangsu", "consumer goods"),
    (
        "Wuhan–Xiangyang–Shiyan–Suizhou automobiles",
        "武襄十随汽车",
        "strategic",
        "Hubei",
        "new-energy and connected vehicles",
    ),
    (
        "Chengdu–Chongqing electronic information",
        "成渝地区电子信息",
        "strategic",
        "Sichuan",
        "information technology",
    ),
)

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

_INTEGER_UNITS = frozenset({"count", "persons", "FTE"})


def demo_bundle(n_clusters: int = 80, seed: int = 0, *, lang: Lang = "en", year: int = 2024) -> ExportBundle:
    """A synthetic bundle: named demo clusters, then city–industry ones, scored by fixed-reference TOPSIS."""
    if n_clusters < 1:
        raise ValueError("n_clusters must be at least 1")
    rng = np.random.default_rng(seed)
    criterion_weights = np.mean([_CATEGORY_WEIGHTS[c] for c in CATEGORIES], axis=0)
    criterion_weights = criterion_weights / criterion_weights.sum()
    criterion_codes = [code for code, _, _ in _CRITERIA]
    criterion_of = np.array([criterion_codes.index(ind[0].split(".")[0]) for ind in _INDICATORS])
    local = rng.dirichlet(np.full(len(_INDICATORS), 40.0))
    for c in range(len(criterion_codes)):
        local[criterion_of == c] /= local[criterion_of == c].sum()
    global_weights = local * criterion_weights[criterion_of]

    clusters = _cluster_identities(n_clusters, rng)
    categories = [cluster[2] for cluster in clusters]
    strength = rng.normal(0.0, 0.8, n_clusters)
    growth = rng.normal(0.08, 0.25, n_clusters)
    shape = np.array([_CATEGORY_SHAPE[c] for c in categories])[:, criterion_of]
    noise = rng.normal(0.0, 0.7, (n_clusters, len(_INDICATORS)))
    latent_now = strength[:, None] + shape + noise
    latent_before = latent_now - growth[:, None] + rng.normal(0.0, 0.15, latent_now.shape)
    values_now = _to_values(latent_now)
    values_before = _to_values(latent_before)
    imputed_mask = rng.random(values_now.shape) < 0.02

    scores_now, criteria_now = _fixed_topsis(values_now, local, global_weights, criterion_of)
    scores_before, _ = _fixed_topsis(values_before, local, global_weights, criterion_of)
    ranks_now = _competition_ranks(scores_now)
    ranks_before = _competition_ranks(scores_before)
    tiers = tier_of([float(s) for s in scores_now])

    criteria = [
        CriterionInfo(code=code, name=name, name_zh=name_zh, weight=round(float(w), 6))
        for (code, name, name_zh), w in zip(_CRITERIA, criterion_weights, strict=True)
    ]
    indicators = [
        IndicatorInfo(
            code=code,
            criterion=code.split(".")[0],
            name=name,
            name_zh=name_zh,
            unit=unit,
            direction=direction,
            weight=round(float(w), 6),
        )
        for (code, name, name_zh, unit, direction, _, _), w in zip(_INDICATORS, global_weights, strict=True)
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
    recommendations = {row.cluster_code: _advice(row, rows, criteria, indicators, lang) for row in rows}
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
    return ExportBundle(
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


def _cluster_identities(n_clusters: int, rng: np.random.Generator) -> list[tuple[str, str, Category, str, str]]:
    """Named demo clusters first, then distinct city–industry pairs drawn with the seed."""
    clusters = list(_NAMED_CLUSTERS[:n_clusters])
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


def _to_values(latent: FloatArray) -> FloatArray:
    """Map latent strengths to raw values inside each indicator's range (log scale for wide ranges)."""
    position = 1.0 / (1.0 + np.exp(-latent))
    values = np.empty_like(latent)
    for j, (_, _, _, unit, direction, low, high) in enumerate(_INDICATORS):
        p = position[:, j] if direction == "benefit" else 1.0 - position[:, j]
        wide = low > 0 and high / low >= 20
        column = low * (high / low) ** p if wide else low + p * (high - low)
        values[:, j] = np.round(column) if unit in _INTEGER_UNITS else np.round(column, 2)
    return values


def _fixed_topsis(
    values: FloatArray, local: FloatArray, global_weights: FloatArray, criterion_of: NDArray[np.int_]
) -> tuple[FloatArray, FloatArray]:
    """TOPSIS against the reference ranges: overall closeness and closeness per criterion."""
    low = np.array([ind[5] for ind in _INDICATORS])
    high = np.array([ind[6] for ind in _INDICATORS])
    benefit = np.array([ind[4] == "benefit" for ind in _INDICATORS])
    scaled = np.clip((values - low) / (high - low), 0.0, 1.0)
    scaled = np.where(benefit, scaled, 1.0 - scaled)

    def closeness(weights: FloatArray, columns: NDArray[np.bool_]) -> FloatArray:
        weighted = scaled[:, columns] * weights[columns]
        to_ideal = np.sqrt(((weights[columns] - weighted) ** 2).sum(axis=1))
        to_anti = np.sqrt((weighted**2).sum(axis=1))
        result: FloatArray = to_anti / (to_ideal + to_anti)
        return result

    overall = closeness(global_weights, np.ones(len(_INDICATORS), dtype=bool))
    per_criterion = np.column_stack([closeness(local, criterion_of == c) for c in range(len(_CRITERIA))])
    return overall, per_criterion


def _competition_ranks(scores: FloatArray) -> NDArray[np.int_]:
    """Rank 1 for the best score; equal scores share the better rank."""
    ranks: NDArray[np.int_] = 1 + (scores[None, :] > scores[:, None]).sum(axis=1)
    return ranks


def _advice(
    row: RankingRow,
    rows: list[RankingRow],
    criteria: list[CriterionInfo],
    indicators: list[IndicatorInfo],
    lang: Lang,
) -> ClusterAdvice:
    """Strengths and weaknesses against the cluster's category peers, and one action per weak criterion."""
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
        if benchmark <= 0:
            continue
        gap = (benchmark - value) / benchmark if ind.direction == "benefit" else (value - benchmark) / benchmark
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
                f"{weakness.benchmark:g} ({weakness.gap:.0%} behind); {criterion.name} weighs "
                f"{criterion.weight:.0%}."
            )
            actions.append(Action(len(actions) + 1, weakness.criterion, title_en, action_en, rationale))
        else:
            rationale = (
                f"{ind.code} {ind.name_zh}：{value_zh}，同类标杆值{weakness.benchmark:g}，"
                f"差距{weakness.gap:.0%}；{criterion.name_zh}权重{criterion.weight:.0%}。"
            )
            actions.append(Action(len(actions) + 1, weakness.criterion, title_zh, action_zh, rationale))
    return ClusterAdvice(strengths=strengths, weaknesses=weaknesses, actions=actions)
