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
    # Uncertainty and audit annexes
    "uncertainty_heading": ("Uncertainty of the ranks", "排名不确定性分析"),
    "audit_heading": ("Statistical audit of the data", "数据统计审计"),
    "uncertainty_annex": ("Annex A: uncertainty of the ranks", "附录A：排名不确定性分析"),
    "audit_annex": ("Annex B: statistical audit of the data", "附录B：数据统计审计"),
    "rank_intervals": ("Rank intervals (5th–95th percentile)", "排名区间（第5–95百分位）"),
    "median_rank": ("Median rank", "中位排名"),
    "rank_p05": ("Rank, 5th percentile", "排名第5百分位"),
    "rank_p95": ("Rank, 95th percentile", "排名第95百分位"),
    "sensitivity_indices": ("Sensitivity indices of the ranks (Sobol)", "排名的敏感性指数（Sobol）"),
    "source": ("Source", "来源"),
    "first_order": ("First-order index (S1)", "一阶指数（S1）"),
    "total_effect": ("Total-effect index (ST)", "总效应指数（ST）"),
    "sources_used": ("Sources of uncertainty", "不确定性来源"),
    "samples": ("Model runs", "模型运行次数"),
    "base_samples": ("Base samples (Saltelli)", "基础样本数（Saltelli）"),
    "seed": ("Seed", "随机种子"),
    "concentration": ("Dirichlet concentration", "狄利克雷集中度"),
    "notes": ("Notes", "说明"),
    "src_weights": ("weights: criterion weights drawn around the profile's", "权重：围绕方案权重抽样的准则权重"),
    "src_panel": ("panel: the experts resampled and re-aggregated", "专家组：专家重抽样并重新集结"),
    "src_imputation": ("imputation: a rule drawn for each missing value", "插补：为每个缺失值随机选取插补规则"),
    "src_method": ("method: the scoring method drawn", "方法：随机选取评价方法"),
    "uncertainty_text": (
        "The ranking's own model was run {samples} times (Saltelli's design, {base} base samples, seed {seed}) "
        "with these sources varying: {sources}. In the chart the dot is a cluster's median rank, the bar its "
        "5th–95th percentile interval and the diamond its published rank.",
        "按本排名所用模型运行{samples}次（Saltelli抽样设计，基础样本{base}个，随机种子{seed}），"
        "变化的不确定性来源为：{sources}。图中圆点为集群的中位排名，横条为第5–95百分位区间，菱形为发布排名。",
    ),
    "audit_text": (
        "The statistical audit of the {year} data behind the ranking (JRC/OECD practice, on the fixed-reference "
        "TOPSIS model): coverage of the values, outliers by skewness and kurtosis, and the coherence of each "
        "criterion's indicators.",
        "对本排名所依据的{year}年数据进行统计审计（依照JRC/OECD做法，基于固定参照TOPSIS模型）："
        "数据覆盖率、基于偏度与峰度的异常值检验，以及各准则下指标的内部一致性。",
    ),
    "chart_uncertainty": ("Rank intervals", "排名区间"),
    "median_dot": ("median rank", "中位排名"),
    "interval_bar": ("5th–95th percentile", "第5–95百分位区间"),
    "published_marker": ("published rank", "发布排名"),
    "published_rank": ("Published rank", "发布排名"),
    "coverage_heading": ("Coverage", "数据覆盖率"),
    "coverage_share": ("Share of values present", "数据完整率"),
    "coverage_threshold": ("Coverage threshold", "覆盖率阈值"),
    "clusters_below": ("Clusters with criteria below the threshold", "存在低于阈值准则的集群"),
    "criteria_below": ("Criteria below the threshold", "低于阈值的准则"),
    "outliers_heading": ("Outliers", "异常值检验"),
    "skewness": ("Skewness", "偏度"),
    "kurtosis": ("Excess kurtosis", "超额峰度"),
    "flagged": ("Flagged", "是否标记"),
    "flagged_values": ("Flagged values (cluster: value)", "被标记的值（集群：数值）"),
    "coherence_heading": ("Coherence", "内部一致性"),
    "clusters_used": ("Clusters used", "参与计算的集群数"),
    "alpha": ("Cronbach's alpha", "克隆巴赫α系数"),
    "first_component_share": ("First component share", "第一主成分方差占比"),
    "components_over_1": ("Components over 1", "特征值大于1的成分数"),
    "flagged_pairs": ("Flagged pairs of indicators", "被标记的指标对"),
    "indicator_a": ("Indicator", "指标"),
    "indicator_b": ("Indicator", "指标"),
    "correlation": ("r", "相关系数r"),
    "flag": ("Flag", "标记"),
    "negative": ("negative (r < −0.3)", "负相关（r < −0.3）"),
    "collinear": ("collinear (r > 0.92)", "共线（r > 0.92）"),
    "decomposition_heading": (
        "Year-over-year decomposition of the largest movers",
        "排名变化最大集群的年度得分变化分解",
    ),
    "decomposition_note": (
        "Each criterion's part of the score change (Shapley values, fixed reference); the parts add up to the change.",
        "各准则对得分变化的贡献（Shapley值，固定参照），各部分之和等于得分变化。",
    ),
    "score_change": ("Score change", "得分变化"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "not_computed": ("Not computed for this export.", "本次导出未计算此项。"),
    # Plans: what it takes to reach a target
    "plans_heading": ("Plans: what it takes to reach {target}", "提升方案：{target}所需的调整"),
    "plans_annex": ("Annex C: plans to reach {target}", "附录C：{target}的提升方案"),
    "target_next_tier": ("the next tier", "升入上一梯队"),
    "target_top_quartile": ("the top quartile of the category", "进入同类前四分之一"),
    "target_rank": ("rank {k} or better", "名次达到第{k}位或更好"),
    "plans_text": (
        "For each cluster, the fewest indicator changes that bring it to {target} on the ranking's own model "
        "(fixed reference), each change moving one indicator to a value a cluster of the same category reached "
        "that year (the peer named), then the least total effort; every plan is re-scored with the model, not "
        "estimated, and dropping any one of its changes misses the target. Effort is the change as a share of "
        "the indicator's reference range.",
        "对每个集群，给出在本排名所用模型（固定参照）上使其{target}所需的最少指标调整：每项调整把一项指标提高到"
        "当年某个同类集群实际达到的数值（即所列的标杆集群），在此前提下总调整幅度最小；每个方案都由模型重新计算"
        "得分，而非估算，去掉其中任何一项调整都达不到目标。调整幅度为调整量占该指标参考区间的比例。",
    ),
    "target": ("Target", "目标"),
    "reachable": ("Reachable", "可达到"),
    "now": ("Now", "当前"),
    "with_plan": ("With the plan", "实施方案后"),
    "step": ("Step", "序号"),
    "from": ("From", "现值"),
    "to": ("To", "目标值"),
    "from_to": ("From → to", "现值 → 目标值"),
    "peer": ("Peer that reached it", "已达到该值的同类集群"),
    "peer_code": ("Peer code", "标杆集群代码"),
    "effort": ("Effort (share of range)", "调整幅度（占参考区间）"),
    "total_effort": ("Total effort", "总调整幅度"),
    "standing": ("rank {rank} · {tier}", "第{rank}位 · {tier}"),
    "plan_met": ("Meets the target already: no change is needed.", "已达到目标，无需调整。"),
    "plan_unreachable": (
        "Not reachable: no set of changes within the values its peers reached brings it to the target; with "
        "every indicator at its peers' best it would reach rank {rank} ({tier}).",
        "无法达到：在同类集群当年达到的数值范围内，没有任何调整组合能使其达到目标；即使每项指标都达到同类最好水平，"
        "也只能排第{rank}位（{tier}）。",
    ),
    "plan_imputed": (
        "* value missing, taken as the category's median: collect the real value first.",
        "* 数值缺失，按同类中位数计：应先采集实际数值。",
    ),
    "plan_line": ("Plan to reach {target}: {outcome} (Annex C).", "{target}的提升方案：{outcome}（见附录C）。"),
    "plan_changes_line": (
        "{n} indicator change(s) bring it to rank {rank} ({tier})",
        "调整{n}项指标可升至第{rank}位（{tier}）",
    ),
    "plan_met_line": ("met already, no change needed", "已达到，无需调整"),
    "plan_none_line": ("not reachable within its peers' values", "在同类集群达到的数值范围内无法达到"),
    "criteria_before_after": ("Criterion scores, before → after", "准则层得分：调整前 → 调整后"),
    "plans_fixed_only": (
        "Plans are made on the fixed reference only, where a cluster's score depends on its own values.",
        "提升方案仅在固定参照下计算（此时集群得分只取决于其自身指标值）。",
    ),
    # Portfolio: what recurs across the year's recommendations
    "portfolio_heading": (
        "Portfolio: what recurs across the year's recommendations",
        "对策组合：本年度建议中反复出现的内容",
    ),
    "portfolio_text": (
        "Across every cluster's recommendations of {year}, by category (the three policy paths of each category "
        "in the analysis behind the platform, and its general actions): how many of the category's clusters each "
        "path reaches, which actions recur, and the indicators behind them. Counted by the recommendation service.",
        "汇总{year}年全部集群的对策建议，按集群类型（每类三条政策路径及通用对策）统计：每条路径覆盖同类集群的数量、"
        "反复出现的对策及其涉及的指标。由建议服务统计。",
    ),
    "policy_paths": ("Policy paths by category", "各类型的政策路径"),
    "policy_path": ("Policy path", "政策路径"),
    "path_clusters": ("Clusters reached", "覆盖集群数"),
    "category_clusters": ("Clusters of the category", "同类集群数"),
    "path_share": ("Share of the category", "占同类比例"),
    "path_actions": ("Actions", "对策数"),
    "recurring_actions": ("Recurring actions", "反复出现的对策"),
    "clusters_given": ("Clusters given it", "涉及集群"),
    "portfolio_indicators": ("Indicators behind the advice", "建议涉及的指标"),
    "weak_in": ("Weak in", "为短板的集群数"),
    "actions_on": ("Actions on it", "对策数"),
    "not_reported": ("Not reported by", "未报送的集群数"),
    "chart_portfolio": ("Share of each category's clusters reached by a policy path", "各政策路径覆盖同类集群的比例"),
    "fixed_short": ("fixed reference", "固定参照"),
    "relative_short": ("relative reference", "相对参照"),
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


_METHOD_NAMES_ZH: dict[str, str] = {
    "topsis": "逼近理想解排序法",
    "vikor": "多准则妥协解排序法",
    "promethee_ii": "偏好顺序结构评估法",
    "wsm": "加权和法",
    "waspas": "加权聚合和积评估法",
    "edas": "基于平均解距离的评估法",
    "mabac": "边界近似区域比较法",
}


def label(key: str, lang: Lang) -> str:
    """The wording of `key` in `lang`; an unknown key is shown as itself, so new codes still render."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "en" else pair[1]


def method_name(method: str, lang: Lang = "en") -> str:
    """The usual written name of a scoring method (`promethee_ii` → `PROMETHEE II`); in Chinese its Chinese name
    with the acronym (`逼近理想解排序法（TOPSIS）`)."""
    name = _METHOD_NAMES.get(method, method.replace("_", " ").upper())
    chinese = _METHOD_NAMES_ZH.get(method)
    return f"{chinese}（{name}）" if lang == "zh" and chinese else name


def model_line(method: str, normalization: str, reference: str, lang: Lang) -> str:
    """Method, normalisation and reference in one short line, as a footer names them (`TOPSIS · min–max · fixed
    reference`; `逼近理想解排序法（TOPSIS）· 极差标准化 · 固定参照`)."""
    return " · ".join([method_name(method, lang), label(normalization, lang), label(f"{reference}_short", lang)])


def target_name(target: str, lang: Lang) -> str:
    """A plan's target in words: `next_tier` → "the next tier", `rank:5` → "rank 5 or better"."""
    if target.startswith("rank:"):
        return label("target_rank", lang).format(k=target.split(":", 1)[1])
    return label(f"target_{target}", lang)
