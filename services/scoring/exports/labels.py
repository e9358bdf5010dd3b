"""Headings, column names and method wording of the exports in English and Chinese."""

from __future__ import annotations

from shared.schemas.vocabulary import Lang

_LABELS: dict[str, tuple[str, str]] = {
    "report_title": (
        "Annual review: S&T support capability of advanced manufacturing clusters",
        "先进制造业集群科技支撑能力年度评估",
    ),
    "year": ("Year", "评估年份"),
    "previous_year": ("Compared with", "对比年份"),
    "dataset_version": ("Dataset version", "数据集版本"),
    "profile": ("Weight profile", "权重方案"),
    "profile_published": ("Profile published", "方案发布时间"),
    "ahp_method": ("AHP prioritisation", "AHP排序方法"),
    "ri_table": ("Random-index table", "随机一致性指标表"),
    "aggregation": ("Panel aggregation", "专家意见集结方式"),
    "consensus": ("Panel consensus", "专家共识度"),
    "method": ("Scoring method", "评价方法"),
    "normalization": ("Normalisation", "标准化方法"),
    "reference": ("Reference", "参照方式"),
    "clusters": ("Clusters ranked", "参评集群数"),
    "software_version": ("Software version", "软件版本"),
    "generated_at": ("Generated", "生成时间"),
    "data_notice": ("Data notice", "数据说明"),
    "synthetic_notice": (
        "Synthetic demo data: the indicator values are drawn with a fixed seed inside plausible ranges "
        "and are not official statistics. Not for official use.",
        "合成演示数据：指标值在合理区间内按固定随机种子生成，并非官方统计数据，不得用于正式用途。",
    ),
    "synthetic_short": ("SYNTHETIC DEMO DATA, not for official use", "合成演示数据，不得用于正式用途"),
    "observed_notice": ("Observed indicator values.", "指标值为实测数据。"),
    "method_summary": ("Method summary", "方法说明"),
    "weights_heading": ("How the weights were made", "权重的确定"),
    "scores_heading": ("How the scores were made", "得分的计算"),
    "tiers_heading": ("Tiers", "梯队划分"),
    "ranking": ("Ranking", "综合排名"),
    "ranking_note": (
        "Change = previous rank − current rank: positive (▲) moved up, negative (▼) moved down.",
        "变化 = 上年排名 − 本年排名：正值（▲）为上升，负值（▼）为下降。",
    ),
    "chart_scores": ("Scores and tiers", "综合得分与梯队"),
    "chart_movement": ("Year-over-year rank movement", "排名年度变化"),
    "chart_radar": ("Criterion scores of the category leaders", "各类别领先集群的准则层得分"),
    "no_previous": ("No previous year to compare with.", "无上年数据可供比较。"),
    "mean": ("mean", "均值"),
    "previous_rank_axis": ("Rank in {year}", "{year}年排名"),
    "current_rank_axis": ("Rank in {year}", "{year}年排名"),
    "biggest_movers": ("Biggest movers (ranks gained or lost)", "排名变化最大的集群（名次升降）"),
    "category_leader": ("Category leader", "类别领先集群"),
    "moved_up": ("above the line: moved up", "对角线上方：排名上升"),
    "moved_down": ("below the line: moved down", "对角线下方：排名下降"),
    "category_mean": ("Category mean", "同类均值"),
    "strengths": ("Strengths", "优势"),
    "weaknesses": ("Weaknesses against category peers", "相对同类集群的短板"),
    "actions": ("Actions", "建议举措"),
    "criterion_scores": ("Criterion scores", "准则层得分"),
    "imputed_note": ("Imputed (not observed) values", "插补值（非实测）"),
    "imputed_comment": ("Imputed value: filled in, not observed.", "插补值：非实测数据。"),
    "none": ("none", "无"),
    "new_entry": ("new", "新进"),
    "rank": ("Rank", "排名"),
    "change": ("Change", "变化"),
    "cluster": ("Cluster", "集群"),
    "code": ("Code", "代码"),
    "name": ("Name", "名称"),
    "name_zh": ("Chinese name", "中文名称"),
    "category": ("Category", "类别"),
    "province": ("Province", "省份"),
    "industry": ("Industry", "主导产业"),
    "score": ("Score", "得分"),
    "tier": ("Tier", "梯队"),
    "previous_rank": ("Previous rank", "上年排名"),
    "previous_score": ("Previous score", "上年得分"),
    "criterion": ("Criterion", "准则"),
    "indicator": ("Indicator", "指标"),
    "level": ("Level", "层级"),
    "parent": ("Parent", "上级"),
    "value": ("Value", "数值"),
    "benchmark": ("Benchmark", "标杆值"),
    "gap": ("Gap (share of range)", "差距（占参考区间比例）"),
    "unit": ("Unit", "单位"),
    "direction": ("Direction", "方向"),
    "weight": ("Weight", "权重"),
    "local_weight": ("Local weight", "局部权重"),
    "global_weight": ("Global weight", "全局权重"),
    "cr": ("CR", "一致性比率CR"),
    "goal": ("Goal (criteria)", "目标层（准则比较）"),
    "priority": ("Priority", "优先级"),
    "title": ("Title", "标题"),
    "action": ("Action", "举措"),
    "rationale": ("Rationale", "依据"),
    "kind": ("Type", "类型"),
    "text": ("Text", "内容"),
    "strength": ("Strength", "优势"),
    "weakness": ("Weakness", "短板"),
    "item": ("Item", "项目"),
    "benefit": ("benefit (+)", "正向（+）"),
    "cost": ("cost (−)", "负向（−）"),
    "basic": ("basic", "基础型"),
    "strategic": ("strategic", "战略型"),
    "cutting_edge": ("cutting-edge", "前沿型"),
    "leading": ("leading", "领先"),
    "strong": ("strong", "较强"),
    "moderate": ("moderate", "中等"),
    "emerging": ("emerging", "起步"),
    "fixed": ("fixed (reference ranges)", "固定参照（指标参考区间）"),
    "relative": ("relative (this year's best and worst)", "相对参照（当年最优与最差）"),
    "eigenvector": ("principal eigenvector", "特征向量法"),
    "geometric_mean": ("row geometric mean", "行几何平均法"),
    "aij": ("geometric mean of the experts' judgments (AIJ)", "专家判断的加权几何平均（AIJ）"),
    "aip": ("arithmetic mean of the experts' priorities (AIP)", "专家排序向量的加权算术平均（AIP）"),
    "vector": ("vector", "向量标准化"),
    "minmax": ("min–max", "极差标准化"),
    "weights_text": (
        "The criterion and indicator weights come from the published weight profile “{profile}” "
        "({profile_id}). "
        "Each expert of the panel made AHP pairwise comparisons on their own; the panel's judgments were "
        "combined by the {aggregation} and priorities derived by the {ahp_method}. Consistency ratios use "
        "the {ri_table} random-index table, and a matrix is acceptable at CR ≤ 0.10. The panel's consensus "
        "(Goepel's relative homogeneity, 1 = identical priorities) is {consensus}.",
        "准则与指标权重来自已发布的权重方案“{profile}”（{profile_id}）。专家组成员各自进行AHP两两比较，"
        "采用{aggregation}集结专家意见，以{ahp_method}求得权重。一致性比率采用{ri_table}随机一致性指标表，"
        "CR ≤ 0.10 视为通过一致性检验。专家组共识度（Goepel相对同质性，1表示完全一致）为{consensus}。",
    ),
    "scores_text": (
        "Clusters are scored by {method} on the {n_indicators} indicators with their global weights, after "
        "{normalization} normalisation. {reference_text} A score lies between 0 and 1, higher is better; a "
        "criterion score applies the same method to the indicators of that criterion with their local "
        "weights.",
        "以{method}方法、按{n_indicators}项指标的全局权重计算综合得分，标准化方法为{normalization}。"
        "{reference_text}得分介于0与1之间，越高越好；准则层得分对该准则下的指标按局部权重以同一方法计算。",
    ),
    "reference_fixed_text": (
        "With the fixed reference each indicator is scaled against its plausible range (values beyond it are "
        "clipped), so the ideal and anti-ideal are the ends of the ranges and scores compare across years.",
        "固定参照下，各指标按其合理区间缩放（超出区间的值被截断），理想解与负理想解为区间两端，因此得分可跨年度比较。",
    ),
    "reference_relative_text": (
        "With the relative reference the ideal and anti-ideal are this year's best and worst values, as in "
        "classical TOPSIS, so scores compare clusters within the year only.",
        "相对参照下，理想解与负理想解为当年最优值与最差值（经典TOPSIS），得分仅用于同年集群之间的比较。",
    ),
    "tiers_text": (
        "Tiers compare a cluster's score with the mean score of all ranked clusters ({mean}): leading at "
        "120 % of the mean or more, strong 90–120 %, moderate 50–90 %, emerging below 50 %.",
        "梯队按集群得分与全部参评集群平均得分（{mean}）之比划分：领先 ≥ 120%，较强 90%–120%，"
        "中等 50%–90%，起步 < 50%。",
    ),
}

_METHOD_NAMES: dict[str, str] = {
    "topsis": "TOPSIS",
    "vikor": "VIKOR",
    "promethee_ii": "PROMETHEE II",
    "wsm": "WSM",
    "waspas": "WASPAS",
    "edas": "EDAS",
    "mabac": "MABAC",
}


def label(key: str, lang: Lang) -> str:
    """The wording of `key` in `lang`; an unknown key is shown as itself, so new codes still render."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "en" else pair[1]


def method_name(method: str) -> str:
    """The usual written name of a scoring method (`promethee_ii` → `PROMETHEE II`)."""
    return _METHOD_NAMES.get(method, method.replace("_", " ").upper())
