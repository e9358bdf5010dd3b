"""English and Chinese text of the front end, and the sidebar switch between them.

Names of clusters, criteria and indicators come from the services (`name` / `name_zh`); everything else the pages
say is here, each entry as (English, Chinese).
"""

from __future__ import annotations

import streamlit as st

LANGUAGES = ("en", "zh")
SESSION_KEY = "lang"
SWITCH_KEY = "lang_switch"

STRINGS: dict[str, tuple[str, str]] = {
    # --- the app --------------------------------------------------------------------------------------------
    "app_title": ("Advanced manufacturing clusters — S&T support evaluation", "先进制造业集群科技支撑能力评价"),
    "app_subtitle": (
        "AHP expert panels, weights, TOPSIS rankings, sensitivity and recommendations",
        "AHP专家评判、权重、TOPSIS排名、敏感性分析与对策建议",
    ),
    "home_intro": (
        "Expert panels weigh the criteria with pairwise comparisons; the platform turns their judgments into "
        "group weights, ranks the clusters on those weights, tests how stable the ranking is, and suggests "
        "actions for each cluster against its category's peers.",
        "专家组通过两两比较对评价准则赋权；平台将专家判断汇总为群组权重，据此对集群排名，检验排名的稳定性，"
        "并对照同类集群为每个集群提出对策建议。",
    ),
    "language": ("Language / 语言", "语言 / Language"),
    "lang_en": ("English", "英文"),
    "lang_zh": ("Chinese", "中文"),
    "section_panel": ("Expert panel", "专家评判"),
    "section_analysis": ("Analysis", "分析"),
    "section_data": ("Data", "数据"),
    "page_home": ("Overview", "概览"),
    "page_judgments": ("Judgments", "两两比较判断"),
    "page_panel": ("Panel", "专家组汇总"),
    "page_weights": ("Weights", "权重"),
    "page_ranking": ("Ranking", "排名"),
    "page_compare": ("Compare", "集群对比"),
    "page_sensitivity": ("Sensitivity", "敏感性分析"),
    "page_recommendations": ("Recommendations", "对策建议"),
    "page_data": ("Data", "数据管理"),
    "page_export": ("Export", "导出"),
    "view": ("View", "视图"),
    "synthetic_note": (
        "The demo data is synthetic: indicator values and expert judgments are generated, not real statistics "
        "or opinions.",
        "演示数据为合成数据：指标数值与专家判断均为生成数据，并非真实统计或真实专家意见。",
    ),
    # --- sign-in and roles ----------------------------------------------------------------------------------
    "sign_in_first": (
        "Sign in with an API key in the sidebar to use the platform.",
        "请在侧边栏输入 API 密钥登录后使用本平台。",
    ),
    "signed_in_as": ("Signed in as", "当前用户"),
    "role": ("Role", "角色"),
    "role_viewer": ("viewer", "查看者"),
    "role_expert": ("expert", "专家"),
    "role_analyst": ("analyst", "分析员"),
    "role_admin": ("admin", "管理员"),
    "api_key": ("API key", "API 密钥"),
    "api_key_help": (
        "The key an administrator gave you; it decides what you may see and change.",
        "由管理员发放的密钥，决定您可以查看和修改的内容。",
    ),
    "sign_in": ("Sign in", "登录"),
    "sign_out": ("Sign out", "退出登录"),
    "use_other_key": ("Use another API key", "使用其他 API 密钥"),
    "needs_role": ("needs the {role} role", "需要“{role}”角色"),
    # --- errors ---------------------------------------------------------------------------------------------
    "err_unauthorized": ("This API key is unknown or has been revoked.", "该 API 密钥无效或已被吊销。"),
    "err_forbidden": ("Your role does not allow this.", "您的角色无权执行此操作。"),
    "err_conflict": (
        "Someone changed this meanwhile — reload to see their version, then make your change again.",
        "在此期间已有他人修改 — 请重新加载查看最新版本后再修改。",
    ),
    "err_too_many": (
        "Too many requests with this key; try again in {seconds} s.",
        "该密钥请求过于频繁，请在 {seconds} 秒后重试。",
    ),
    "err_unavailable": ("A service did not answer:", "服务未响应："),
    "err_missing_endpoint": (
        "This service does not offer that function yet.",
        "该服务暂未提供此功能。",
    ),
    "err_not_found": ("Not found:", "未找到："),
    "err_invalid": ("The input was not accepted:", "输入未被接受："),
    "err_request": ("The request failed:", "请求失败："),
    "col_row": ("Row", "行号"),
    "col_column": ("Column", "列"),
    "col_message": ("Problem", "问题"),
    # --- common ---------------------------------------------------------------------------------------------
    "year": ("Year", "年份"),
    "weight_profile": ("Weight profile", "权重方案"),
    "default": ("default", "默认"),
    "no_profile_yet": (
        "No weight profile has been published yet: publish one from the Panel page.",
        "尚未发布权重方案：请在“专家组汇总”页面发布。",
    ),
    "no_data_yet": ("No data has been imported yet.", "尚未导入数据。"),
    "goal": ("Goal", "目标"),
    "goal_node": ("Goal: the criteria C1–C7", "目标层：准则 C1–C7"),
    "node": ("Node of the tree", "层次节点"),
    "panel": ("Panel", "专家组"),
    "expert": ("Expert", "专家"),
    "experts": ("Experts", "专家人数"),
    "weight": ("Weight", "权重"),
    "score": ("Score", "得分"),
    "method": ("Method", "方法"),
    "reference": ("Reference", "参照方式"),
    "reference_fixed": ("fixed (reference ranges)", "固定参照（参考区间）"),
    "reference_relative": ("relative (this year's field)", "相对参照（当年样本）"),
    "reference_help": (
        "Fixed: each indicator is scaled against its plausible range, so scores compare across years. "
        "Relative: classical TOPSIS against this year's best and worst.",
        "固定参照：各指标按其合理区间标准化，得分可跨年比较；相对参照：以当年最优与最差为理想解的经典TOPSIS。",
    ),
    "method_topsis": ("TOPSIS", "TOPSIS 逼近理想解法"),
    "method_wsm": ("WSM (weighted sum)", "WSM 加权和法"),
    "method_vikor": ("VIKOR", "VIKOR 折衷排序法"),
    "method_promethee_ii": ("PROMETHEE II", "PROMETHEE II 偏好排序法"),
    "method_waspas": ("WASPAS", "WASPAS 加权聚合法"),
    "method_edas": ("EDAS", "EDAS 平均解距离法"),
    "method_mabac": ("MABAC", "MABAC 边界近似区域法"),
    "category_basic": ("basic", "基础型"),
    "category_strategic": ("strategic", "战略型"),
    "category_cutting_edge": ("cutting-edge", "前沿型"),
    "all_categories": ("all categories", "全部类型"),
    "tier_leading": ("leading", "领先"),
    "tier_strong": ("strong", "较强"),
    "tier_moderate": ("moderate", "中等"),
    "tier_emerging": ("emerging", "起步"),
    "direction_benefit": ("benefit (more is better)", "效益型（越大越好）"),
    "direction_cost": ("cost (less is better)", "成本型（越小越好）"),
    "col_rank": ("Rank", "排名"),
    "col_cluster": ("Cluster", "集群"),
    "col_tier": ("Tier", "梯队"),
    "col_category": ("Category", "类型"),
    "col_province": ("Province", "省份"),
    "col_industry": ("Industry", "产业领域"),
    "col_rank_change": ("Change vs last year", "较上年变化"),
    "col_shift": ("Shift vs profile", "较原方案变化"),
    "col_criterion": ("Criterion", "准则"),
    "col_indicator": ("Indicator", "指标"),
    "cluster": ("Cluster", "集群"),
    "unit": ("Unit", "单位"),
    "direction": ("Direction", "指标方向"),
    "consistent": ("Consistent", "一致性"),
    "consensus": ("Consensus", "共识度"),
    "computing": ("Computing ...", "计算中……"),
    "loading_ranking": ("Ranking the clusters ...", "正在计算排名……"),
    "loading_data": ("Loading the data ...", "正在加载数据……"),
    "loading_judgments": ("Loading the panel's judgments ...", "正在加载专家判断……"),
    "loading_recommendations": ("Diagnosing the cluster ...", "正在诊断集群……"),
    "profile_name": ("Name of the new profile", "新权重方案名称"),
    "make_default": (
        "Make it the default profile (used by rankings unless told otherwise)",
        "设为默认方案（排名默认使用）",
    ),
    "publish": ("Publish", "发布"),
    "publishing": ("Publishing ...", "正在发布……"),
    "published_ok": ("Published “{name}” as profile #{id}.", "已发布权重方案“{name}”（编号 {id}）。"),
    "published_by": ("Published by", "发布者"),
    "priority_method": ("Priority method", "排序向量方法"),
    "ahp_eigenvector": ("eigenvector", "特征向量法"),
    "ahp_geometric_mean": ("geometric mean", "几何平均法"),
    "aggregation": ("Group aggregation", "群组集结方式"),
    "group_aij": ("AIJ (aggregated judgments)", "AIJ（判断集结）"),
    "group_aip": ("AIP (aggregated priorities)", "AIP（权重集结）"),
    "ri_table": ("Random index table", "随机一致性指标表"),
    "ri_saaty": ("Saaty", "Saaty"),
    "ri_alonso_lamata": ("Alonso & Lamata", "Alonso & Lamata"),
    "ri_donegan_dodd": ("Donegan & Dodd", "Donegan & Dodd"),
    "ri_tummala_ling": ("Tummala & Ling", "Tummala & Ling"),
    # --- overview -------------------------------------------------------------------------------------------
    "metric_clusters": ("Clusters", "集群数"),
    "metric_indicators": ("Indicators", "指标数"),
    "metric_indicators_help": ("7 criteria, 30 indicators in the reference system", "参考体系：7个准则、30项指标"),
    "metric_years": ("Years of data", "数据年份"),
    "metric_consensus": ("Consensus of the default profile", "默认方案共识度"),
    "clusters_by_category": ("Clusters by category", "各类型集群数量"),
    "top_ten": ("Top ten in {year}", "{year}年前十名"),
    "panel_round": ("A panel round, step by step", "一轮专家评审的步骤"),
    "step_judgments": ("Each expert enters their pairwise judgments", "各位专家录入两两比较判断"),
    "step_panel": (
        "The facilitator checks the group result and publishes a profile",
        "主持人查看群组结果并发布权重方案",
    ),
    "step_weights": ("Tune the weights and see the ranking move", "调整权重并查看排名变化"),
    "step_ranking": ("Read the ranking", "查看排名"),
    "step_compare": ("Compare clusters side by side", "并列对比集群"),
    "step_sensitivity": ("Test how stable the ranking is", "检验排名稳定性"),
    "step_recommendations": ("Read each cluster's recommendations", "查看各集群对策建议"),
    "step_export": ("Export the results", "导出结果"),
    # --- judgments ------------------------------------------------------------------------------------------
    "judgments_intro": (
        "Compare each pair: move the slider towards the more important item; the weights and the consistency "
        "ratio follow at once.",
        "对每一对进行比较：将滑块移向更重要的一方；权重与一致性比率即时更新。",
    ),
    "no_linked_expert": (
        "Your key is not linked to an expert of any panel; ask an administrator to link it.",
        "您的密钥尚未关联任何专家组的专家，请联系管理员。",
    ),
    "no_panels": ("There is no panel yet.", "尚无专家组。"),
    "ahp_settings": ("AHP settings", "AHP 设置"),
    "pairwise_comparisons": ("Pairwise comparisons", "两两比较"),
    "slider_help": (
        "Left end: the left item is extremely more important (9); middle: equally important (1); right end: "
        "the right item is extremely more important (1/9).",
        "左端：左侧项极端重要（9）；中间：同等重要（1）；右端：右侧项极端重要（1/9）。",
    ),
    "saaty_1": ("equal", "同等重要"),
    "saaty_2": ("equal to moderate", "介于同等与稍微重要之间"),
    "saaty_3": ("moderate", "稍微重要"),
    "saaty_4": ("moderate to strong", "介于稍微与明显重要之间"),
    "saaty_5": ("strong", "明显重要"),
    "saaty_6": ("strong to very strong", "介于明显与强烈重要之间"),
    "saaty_7": ("very strong", "强烈重要"),
    "saaty_8": ("very strong to extreme", "介于强烈与极端重要之间"),
    "saaty_9": ("extreme", "极端重要"),
    "live_result": ("Weights and consistency", "权重与一致性"),
    "cr_help": (
        "Consistency ratio CR = CI / RI; up to 0.10 is acceptably consistent.",
        "一致性比率 CR = CI / RI；不超过 0.10 即可接受。",
    ),
    "consistent_ok": ("CR = {cr} ≤ 0.10: acceptably consistent.", "CR = {cr} ≤ 0.10：一致性可接受。"),
    "consistent_no": (
        "CR = {cr} > 0.10: revisit the highlighted judgments.",
        "CR = {cr} > 0.10：请复核下方标出的判断。",
    ),
    "weights_now": ("weights now", "当前权重"),
    "weights_saved": ("as saved", "已保存权重"),
    "most_inconsistent": ("Most inconsistent judgments", "最不一致的判断"),
    "no_inconsistency": ("The judgments are perfectly consistent.", "判断完全一致。"),
    "inconsistency_line": (
        "now {now}; the consistent value would be {consistent}, so try {suggested}.",
        "当前为 {now}；与权重一致的值约为 {consistent}，建议改为 {suggested}。",
    ),
    "apply_suggestion": ("Apply suggestion", "采用建议"),
    "save_judgments": ("Save judgments", "保存判断"),
    "reload": ("Reload", "重新加载"),
    "reload_theirs": ("Reload the current version", "加载最新版本"),
    "saved_ok": ("Saved (version {version}).", "已保存（版本 {version}）。"),
    "stored_version": (
        "Stored version {version}, by {by} at {at} (UTC).",
        "已存版本 {version}，由 {by} 于 {at}（UTC）保存。",
    ),
    "not_saved_yet": ("Not saved yet.", "尚未保存。"),
    # --- panel ----------------------------------------------------------------------------------------------
    "panel_intro": (
        "Each expert's weights and consistency, the group result by aggregated judgments (AIJ) and aggregated "
        "priorities (AIP), and how far the experts agree.",
        "各专家的权重与一致性、判断集结（AIJ）与权重集结（AIP）的群组结果，以及专家间的共识程度。",
    ),
    "tab_node": ("This node", "当前节点"),
    "tab_all_nodes": ("All nodes", "全部节点"),
    "tab_publish": ("Publish a profile", "发布权重方案"),
    "group_cr": ("Group CR", "群组CR"),
    "group_cr_help": (
        "Consistency ratio of the aggregated (AIJ) matrix.",
        "判断集结（AIJ）矩阵的一致性比率。",
    ),
    "consensus_help": (
        "Relative homogeneity of the experts' priorities (Goepel): 1 when all agree.",
        "专家权重向量的相对同质性（Goepel）：完全一致时为1。",
    ),
    "consistent_experts": ("Consistent experts", "一致性达标专家"),
    "group_weights": ("Group weights and each expert's", "群组权重与各专家权重"),
    "experts_and_group": ("Experts against the group", "专家与群组的差异"),
    "distance_from_group": ("Distance from group", "与群组的距离"),
    "furthest_experts": ("Furthest from the group: **{names}**.", "与群组差异最大：**{names}**。"),
    "weights_heatmap": ("Each expert's weights", "各专家权重"),
    "no_judgments_for_node": ("No judgments for this node yet.", "该节点尚无判断。"),
    "no_judgments_for_panel": ("No judgments in this panel yet.", "该专家组尚无判断。"),
    "inconsistent_experts": ("Inconsistent experts", "一致性未达标专家"),
    "publish_intro": (
        "Publish the panel's group weights on the whole tree as a new weight profile; a profile never changes "
        "afterwards.",
        "将该专家组在整个指标体系上的群组权重发布为新的权重方案；方案发布后不再更改。",
    ),
    "publish_missing": (
        "Publishing from a panel needs POST /v1/panels/{id}/publish on the scoring service, which it does not "
        "offer yet.",
        "从专家组发布需要评分服务的 POST /v1/panels/{id}/publish 接口，该接口尚未提供。",
    ),
    "see_weights": ("See the weights", "查看权重"),
    # --- weights --------------------------------------------------------------------------------------------
    "weights_intro": (
        "The published weights on the whole tree; tune them, blend in objective weights from the data, and "
        "watch the ranking follow.",
        "查看已发布的整体权重；可直接调整，或与基于数据的客观权重组合，并即时查看排名变化。",
    ),
    "tab_profile_weights": ("Profile weights", "方案权重"),
    "tab_tune": ("Tune and combine", "调整与组合"),
    "weights_tree": ("Weights on the tree", "层次权重"),
    "criterion_weights": ("Criterion weights", "准则权重"),
    "indicator_weights": ("Indicator weights", "指标权重"),
    "local_weight": ("Local weight", "局部权重"),
    "global_weight": ("Global weight", "全局权重"),
    "tune_intro": (
        "Move a criterion's slider: the weights are renormalised to sum 1, each indicator keeps its share "
        "within its criterion.",
        "拖动准则滑块：权重自动归一化，各指标在其准则内的占比保持不变。",
    ),
    "reset_weights": ("Back to the profile's weights", "恢复方案权重"),
    "weights_all_zero": ("All weights are 0; the profile's weights are used.", "权重全为0，使用方案原权重。"),
    "objective_method": ("Objective weights", "客观赋权方法"),
    "objective_entropy": ("entropy", "熵权法"),
    "objective_critic": ("CRITIC", "CRITIC法"),
    "objective_standard_deviation": ("standard deviation", "标准差法"),
    "objective_merec": ("MEREC", "MEREC法"),
    "alpha": ("α: share of the subjective (expert) weights", "α：主观（专家）权重占比"),
    "alpha_help": (
        "Combined weight = α × subjective + (1 − α) × objective.",
        "组合权重 = α × 主观权重 + (1 − α) × 客观权重。",
    ),
    "objective_complete_rows": (
        "Objective weights from the {used} of {total} clusters with a value for every indicator.",
        "客观权重基于全部指标均有数值的 {used}/{total} 个集群。",
    ),
    "weights_profile": ("profile", "原方案"),
    "weights_tuned": ("tuned", "调整后"),
    "weights_objective": ("objective", "客观权重"),
    "weights_combined": ("combined", "组合权重"),
    "weights_side_by_side": ("Criterion weights side by side", "准则权重对比"),
    "ranking_with_weights": ("Ranking {year} with these weights", "按当前权重的{year}年排名"),
    "preview_missing": (
        "Live ranking with unpublished weights needs POST /v1/rankings/preview on the scoring service, which "
        "it does not offer yet.",
        "按未发布权重实时排名需要评分服务的 POST /v1/rankings/preview 接口，该接口尚未提供。",
    ),
    "publish_tuned": ("Publish these weights as a profile", "将当前权重发布为方案"),
    "tuned": ("tuned", "调整版"),
    # --- ranking --------------------------------------------------------------------------------------------
    "ranking_intro": (
        "Rank, score, tier and change against last year; filter, try other weights, compare methods.",
        "排名、得分、梯队及较上年变化；可筛选、试算其他权重、比较不同方法。",
    ),
    "tab_ranking": ("Ranking", "排名"),
    "tab_what_if": ("What if: other weights", "假设分析：调整权重"),
    "tab_methods": ("Method comparison", "方法比较"),
    "search": ("Search", "搜索"),
    "search_placeholder": ("cluster name or code", "集群名称或代码"),
    "mean_score": ("Mean score", "平均得分"),
    "compared_with": ("Change measured against", "变化对比年份"),
    "imputed_note": (
        "Missing values scored with the category's median: ",
        "缺失值以同类集群中位数补齐：",
    ),
    "scores_chart": ("Scores", "得分"),
    "what_if_intro": (
        "Move the criterion weights to see how the ranking would change; nothing is published.",
        "调整准则权重查看排名变化；不会发布任何内容。",
    ),
    "move_a_slider": ("Move a slider to see the ranking under other weights.", "拖动滑块以查看其他权重下的排名。"),
    "score_profile": ("score with the profile", "原方案得分"),
    "score_tuned": ("score with these weights", "调整后得分"),
    "methods_intro": (
        "Each method ranks the same data against this year's field (relative reference); the heatmap shows "
        "Spearman's rank correlation between each pair of methods.",
        "各方法以当年样本为参照（相对参照）对同一数据排名；热力图为各方法排名之间的 Spearman 秩相关系数。",
    ),
    "spearman_heatmap": ("Rank correlation between methods (Spearman)", "方法间排名相关性（Spearman）"),
    "ranks_by_method": ("Rank by method", "各方法排名"),
    "methods_left_out": ("Left out — ", "未纳入比较："),
    # --- compare --------------------------------------------------------------------------------------------
    "compare_intro": (
        "Two to five clusters side by side: criterion scores, indicator values against category medians, "
        "and their scores over the years.",
        "并列对比二至五个集群：准则得分、指标值与同类中位数、历年得分。",
    ),
    "clusters_to_compare": ("Clusters to compare (2–5)", "对比集群（2–5个）"),
    "pick_two": ("Choose at least two clusters.", "请至少选择两个集群。"),
    "criterion_profile": ("Criterion scores", "准则得分"),
    "standing": ("Standing", "排名情况"),
    "over_the_years": ("Score over the years", "历年得分"),
    "indicator_values": ("Indicator values and category medians", "指标值与同类中位数"),
    "median_of": ("median of {category}", "{category}中位数"),
    # --- sensitivity ----------------------------------------------------------------------------------------
    "sensitivity_intro": (
        "How far the ranking depends on the criterion weights: weights drawn around the profile's, the interval "
        "of each weight that keeps the ranking, and one weight swept from 0 to 1.",
        "排名对准则权重的依赖程度：围绕方案权重随机抽样、保持排名不变的权重区间，以及单一权重从0到1的扫描。",
    ),
    "samples": ("Samples", "抽样次数"),
    "concentration": ("Concentration", "集中度"),
    "concentration_help": (
        "Weights are drawn from a Dirichlet centred on the profile's; larger means closer to them.",
        "权重从以方案权重为中心的 Dirichlet 分布抽取；数值越大越接近方案权重。",
    ),
    "sweep_criterion": ("Criterion to sweep", "扫描准则"),
    "too_few_clusters": ("Sensitivity needs at least two clusters.", "敏感性分析至少需要两个集群。"),
    "sensitivity_problem": (
        "Problem: {n} clusters on the {k} criterion scores of the ranking.",
        "分析对象：{n} 个集群在排名的 {k} 个准则得分上。",
    ),
    "running_sensitivity": ("Drawing {samples} weight samples ...", "正在抽取 {samples} 组权重样本……"),
    "rank_acceptability": ("Rank acceptability", "排名可接受度"),
    "rank_acceptability_help": (
        "Share of the samples in which each cluster took each rank.",
        "各集群在抽样中取得各名次的比例。",
    ),
    "share": ("share", "比例"),
    "weight_stability": ("Weight stability", "权重稳定区间"),
    "weight_stability_help": (
        "Within each bar the whole ranking stays as it is (the other weights rescaled in proportion).",
        "在各区间内（其余权重按比例缩放）整体排名保持不变。",
    ),
    "stable_interval": ("stable interval", "稳定区间"),
    "current_weight": ("current weight", "当前权重"),
    "sweep_title": ("Sweep of {criterion}", "{criterion} 权重扫描"),
    "show_all_clusters": ("Show every cluster", "显示全部集群"),
    "weight_of": ("weight of {criterion}", "{criterion} 的权重"),
    # --- recommendations ------------------------------------------------------------------------------------
    "recommendations_intro": (
        "A cluster's strengths and weaknesses against its category's peers, and the actions its category's "
        "development path calls for.",
        "对照同类集群分析优势与短板，并按其类型的发展路径提出对策。",
    ),
    "recommendations_missing": (
        "Recommendations need GET /v1/recommendations on the recommendation service, which it does not offer yet.",
        "对策建议需要建议服务的 GET /v1/recommendations 接口，该接口尚未提供。",
    ),
    "peers": ("Peers in the category", "同类集群数"),
    "peers_help": ("Clusters of the same category that year, this one included.", "当年同类型集群数（含本集群）。"),
    "category_check": ("Category check", "类型核验"),
    "category_looks_wrong": (
        "The indicators look more like a {nearest} cluster.",
        "从指标画像看，该集群更接近{nearest}集群。",
    ),
    "imputed_star": (
        "\\* missing value, taken as the category's median.",
        "\\* 缺失值，按同类中位数计。",
    ),
    "gap_axis": ("gap, share of the indicator's reference range", "差距（占指标参考区间的比例）"),
    "expected_rank": ("Rank if closed", "补齐后排名"),
    "expected_rank_help": (
        "The overall rank if this indicator alone reached its benchmark.",
        "仅该指标达到标杆值时的总排名。",
    ),
    "choose_options": ("Choose", "请选择"),
    "leading_count": ("In the leading tier", "领先梯队集群数"),
    "strengths": ("Strengths", "优势"),
    "weaknesses": ("Weaknesses", "短板"),
    "actions": ("Recommended actions", "对策建议"),
    "none_found": ("None found.", "暂无。"),
    "value": ("Value", "数值"),
    "benchmark": ("Benchmark", "标杆值"),
    "gap": ("Gap", "差距"),
    # --- data -----------------------------------------------------------------------------------------------
    "data_intro": (
        "Browse the observations, import a CSV or XLSX file (checked first, all or nothing), and see what changed.",
        "浏览观测数据，导入 CSV 或 XLSX 文件（先检查，全部成功才写入），并查看修改记录。",
    ),
    "tab_browse": ("Browse", "浏览"),
    "tab_import": ("Import", "导入"),
    "tab_history": ("History", "修改记录"),
    "criteria_shown": ("Criteria shown", "显示的准则"),
    "all_criteria": ("all criteria", "全部准则"),
    "missing_cells": ("Missing values", "缺失值"),
    "indicator_legend": ("What the codes stand for", "指标代码说明"),
    "dataset_version": ("Dataset version", "数据版本"),
    "download_observations": ("Download the {year} observations (CSV)", "下载{year}年观测数据（CSV）"),
    "position_in_range": ("Where each value lies in its reference range", "各数值在参考区间中的位置"),
    "position_in_range_help": (
        "0 = worst end of the indicator's plausible range, 1 = best end (cost indicators reversed).",
        "0 = 指标合理区间的最差端，1 = 最优端（成本型指标已反向）。",
    ),
    "position": ("position", "位置"),
    "import_intro": (
        "Columns `cluster_code, indicator_code, year, value` (and optionally `source`). Check the file first: "
        "every bad row is listed and nothing is written until the whole file is valid.",
        "列为 `cluster_code, indicator_code, year, value`（可选 `source`）。请先检查文件：所有错误行都会列出，"
        "在整个文件无误之前不会写入任何数据。",
    ),
    "choose_file": ("CSV or XLSX file", "CSV 或 XLSX 文件"),
    "dry_run": ("Check (dry run)", "检查（试运行）"),
    "checking_file": ("Checking the file ...", "正在检查文件……"),
    "bad_rows": ("{count} bad rows — nothing was written.", "发现 {count} 行错误 — 未写入任何数据。"),
    "dry_run_ok": (
        "The file is valid: {rows} rows — {inserted} new, {updated} changed, {unchanged} unchanged (years {years}). "
        "Nothing has been written yet.",
        "文件有效：共 {rows} 行 — 新增 {inserted}、修改 {updated}、未变 {unchanged}（年份 {years}）。尚未写入。",
    ),
    "import_now": ("Import", "导入"),
    "import_needs_dry_run": ("Import is possible after a successful check of this file.", "文件检查通过后才能导入。"),
    "importing": ("Importing ...", "正在导入……"),
    "imported_ok": (
        "Imported {rows} rows: {inserted} new, {updated} changed.",
        "已导入 {rows} 行：新增 {inserted}，修改 {updated}。",
    ),
    "no_history": ("No value has been changed yet.", "尚无修改记录。"),
    "changed_at": ("Changed at (UTC)", "修改时间（UTC）"),
    "old_value": ("Old value", "原值"),
    "new_value": ("New value", "新值"),
    "actor": ("By", "修改人"),
    # --- export ---------------------------------------------------------------------------------------------
    "export_intro": (
        "The ranking with tiers, criterion scores, year-over-year movement and the weights used, as files.",
        "导出包含梯队、准则得分、年度变化及所用权重的排名文件。",
    ),
    "export_language": ("Language of the files", "文件语言"),
    "preparing_exports": ("Preparing the files ...", "正在生成文件……"),
    "export_missing": (
        "Exports need GET /v1/rankings/export on the scoring service, which it does not offer yet.",
        "导出需要评分服务的 GET /v1/rankings/export 接口，该接口尚未提供。",
    ),
    "download_csv": ("Download CSV", "下载 CSV"),
    "download_xlsx": ("Download XLSX", "下载 XLSX"),
    "download_pdf": ("Download PDF", "下载 PDF"),
    "file_size": ("{kb} KB", "{kb} KB"),
    "export_synthetic_note": (
        "The files say that the demo data is synthetic wherever they show it.",
        "导出文件中凡涉及演示数据之处均注明其为合成数据。",
    ),
}


def lang() -> str:
    """The chosen language: "en" or "zh"."""
    value = st.session_state.get(SESSION_KEY, "en")
    return value if value in LANGUAGES else "en"


def t(key: str, **values: object) -> str:
    """The text of `key` in the chosen language, with `{name}` placeholders filled from `values`."""
    english, chinese = STRINGS.get(key, (key, key))
    text = chinese if lang() == "zh" else english
    return text.format(**values) if values else text


def language_switch() -> None:
    """The sidebar switch between English and Chinese; the choice is kept in the session for every page."""
    st.session_state.setdefault(SESSION_KEY, "en")
    if st.session_state.get(SWITCH_KEY) not in LANGUAGES:
        # First run, or the chosen segment was clicked again (which deselects it): show the language in use.
        st.session_state[SWITCH_KEY] = lang()

    def chosen() -> None:
        if st.session_state.get(SWITCH_KEY) in LANGUAGES:
            st.session_state[SESSION_KEY] = st.session_state[SWITCH_KEY]

    st.sidebar.segmented_control(
        t("language"),
        LANGUAGES,
        format_func=lambda code: {"en": "English", "zh": "中文"}[code],
        key=SWITCH_KEY,
        on_change=chosen,
    )
