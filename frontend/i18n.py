"""English and Chinese text of the front end, and the sidebar switch between them.

Names of clusters, criteria and indicators come from the services (`name` / `name_zh`); everything else the pages
say is here, each entry as (English, Chinese).
"""

from __future__ import annotations

from typing import get_args

import streamlit as st

from shared.schemas.vocabulary import Lang

LANGUAGES = get_args(Lang)
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
    "page_uncertainty": ("Uncertainty", "不确定性分析"),
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
    "sign_in_again": (
        "This browser was signed in with another key: sign in again with yours (a reload never switches keys).",
        "此浏览器曾使用其他密钥登录：请重新输入您的密钥（刷新页面不会切换身份）。",
    ),
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
    "seed": ("Seed", "随机种子"),
    "seed_help": ("The same seed gives the same answer.", "相同的随机种子得到相同的结果。"),
    "published_rank": ("published rank", "公布排名"),
    "analysis_of": (
        "The ranking analysed: {clusters} clusters, {method}, {reference}, profile #{profile}, {year} "
        "(dataset version {version}).",
        "分析对象：{year}年排名（数据版本 {version}），{clusters} 个集群，{method}，{reference}，权重方案 #{profile}。",
    ),
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
    "method_wpm": ("WPM (weighted product)", "WPM 加权积法"),
    "method_aras": ("ARAS", "ARAS 加性比率评估法"),
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
    "col_overall_rank": ("Rank among all clusters", "全部集群中排名"),
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
    "exclude_experts": ("Leave out these experts", "排除以下专家"),
    "exclude_help": (
        "Their judgments are not aggregated; the exclusion is kept in the profile's provenance.",
        "其判断不参与汇总；排除记录保存在方案来源信息中。",
    ),
    "override_reason": ("Publish despite gaps, because …", "存在缺漏仍发布的理由"),
    "override_reason_help": (
        "Without a reason, a panel with an expert's missing or inconsistent nodes is refused and the gaps are named. "
        "The reason is kept in the profile and the audit log.",
        "若无理由，存在专家判断缺失或不一致的专家组将被拒绝发布并列出缺漏；理由将记录在方案与审计日志中。",
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
    "step_uncertainty": ("See how wide each rank is under every source of uncertainty", "查看各类不确定性下的排名区间"),
    "step_recommendations": ("Read each cluster's recommendations", "查看各集群对策建议"),
    "step_export": ("Export the results", "导出结果"),
    # --- judgments ------------------------------------------------------------------------------------------
    "judgments_intro": (
        "Compare each pair: choose the more important item, then how much more; the weights and the consistency "
        "ratio follow at once. Your edits are kept as a draft of each node until you save them.",
        "对每一对进行比较：选择更重要的一方及其重要程度；权重与一致性比率即时更新。各节点的修改在保存前作为草稿保留。",
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
    "completion": ("Missing judgments", "缺失判断的补全"),
    "completion_harker": ("Harker", "Harker 法"),
    "completion_optimal": ("optimal (least λmax)", "最优补全（λmax 最小）"),
    "completion_help": (
        "How the eigenvector method treats a skipped pair: Harker's method, or the value that makes the matrix "
        "most consistent (Bozóki, Fülöp and Rónyai 2010; as AHPy). The geometric mean always uses least squares.",
        "特征向量法如何处理跳过的比较：Harker 法，或使矩阵最一致的取值（Bozóki、Fülöp 与 Rónyai 2010，与 AHPy 相同）。"
        "几何平均法始终采用对数最小二乘。",
    ),
    "left_unsaved": (
        "“{node}” has unsaved changes: they are kept as a draft (marked ●) until you save or reload that node.",
        "“{node}”有未保存的修改：已作为草稿保留（标记 ●），直至您保存或重新加载该节点。",
    ),
    "unsaved_changes": ("Unsaved changes", "有未保存的修改"),
    "not_judged": ("not judged", "未判断"),
    "pairs_judged": ("This node: {done} of {total} pairs judged", "当前节点：已判断 {done} / {total} 对"),
    "nodes_done": ("The tree: {done} of {total} nodes saved complete", "整个体系：已完整保存 {done} / {total} 个节点"),
    "nodes_unsaved": ("{count} with unsaved changes", "{count} 个有未保存修改"),
    "entry_pairs": ("Pair by pair", "逐对比较"),
    "entry_matrix": ("Matrix", "判断矩阵"),
    "matrix_view": ("Judgment matrix", "判断矩阵"),
    "matrix_help": (
        "Row item against column item: 3 means the row item is moderately more important, 1/3 the column item; "
        "leave a cell empty to skip the pair. A cell below the diagonal is the reciprocal of the one above.",
        "行项相对于列项：3 表示行项稍微重要，1/3 表示列项稍微重要；留空表示跳过该对。"
        "对角线下方的单元格是上方对应单元格的倒数。",
    ),
    "matrix_cell_invalid": (
        "Cell {cell}: “{value}” is not a judgment between 1/9 and 9; it was not taken.",
        "单元格 {cell}：“{value}”不是 1/9 到 9 之间的判断，未被采用。",
    ),
    "pairs_help": (
        "For each pair, choose the more important item, then how much more on Saaty's scale (1 equal … 9 extreme); "
        "“skip” leaves the pair missing.",
        "对每一对，先选择更重要的一方，再按 Saaty 标度选择重要程度（1 同等 … 9 极端）；“跳过”表示该对判断缺失。",
    ),
    "more_important": ("More important", "更重要的一方"),
    "how_much": ("How much more", "重要程度"),
    "skip_pair": ("skip", "跳过"),
    "saaty_tick_1": ("1 equal", "1 同等"),
    "saaty_tick_2": ("2", "2"),
    "saaty_tick_3": ("3 moderate", "3 稍微"),
    "saaty_tick_4": ("4", "4"),
    "saaty_tick_5": ("5 strong", "5 明显"),
    "saaty_tick_6": ("6", "6"),
    "saaty_tick_7": ("7 very strong", "7 强烈"),
    "saaty_tick_8": ("8", "8"),
    "saaty_tick_9": ("9 extreme", "9 极端"),
    "too_few_judgments": (
        "Judge at least {needed} pairs that link every item to see the weights.",
        "请至少判断 {needed} 对且使所有项相互关联，即可查看权重。",
    ),
    "inconsistency_best": (
        "now {now}; with {best} (every other judgment kept) the CR would be {cr}.",
        "当前为 {now}；若改为 {best}（其余判断不变），CR 将为 {cr}。",
    ),
    "apply_best": ("Apply {value}", "采用 {value}"),
    "round_feedback": (
        "The group after round {round}: its weights, your distance, where you differ most",
        "第 {round} 轮后的群组结果：群组权重、您与群组的距离、差异最大的判断",
    ),
    "your_weights": ("your weights", "您的权重"),
    "group_weights_round": ("the group's weights", "群组权重"),
    "reload_drops_draft": (
        "Reloading shows the stored judgments of this node and drops its unsaved changes.",
        "重新加载将显示该节点已保存的判断，并放弃其未保存的修改。",
    ),
    "reload_confirm": ("Drop my changes and reload", "放弃修改并重新加载"),
    "col_first": ("First item", "前项"),
    "col_second": ("Second item", "后项"),
    "col_value": ("Judgment", "判断值"),
    "col_version": ("Version", "版本"),
    "col_updated_by": ("Written by", "填写人"),
    "not_in_round": ("You did not judge this node in that round.", "您在该轮未判断此节点。"),
    "differ_most": ("Where you differ most from the group", "与群组差异最大的判断"),
    "you_and_group": ("you {you}, the group {group}", "您为 {you}，群组为 {group}"),
    "saved_over_threshold": (
        "Saved (version {version}), but CR = {cr} is over 0.10: consider revising the flagged judgments.",
        "已保存（版本 {version}），但 CR = {cr} 超过 0.10：建议复核标出的判断。",
    ),
    # --- panel ----------------------------------------------------------------------------------------------
    "panel_intro": (
        "Each expert's weights and consistency, the group result by aggregated judgments (AIJ) and aggregated "
        "priorities (AIP), and how far the experts agree.",
        "各专家的权重与一致性、判断集结（AIJ）与权重集结（AIP）的群组结果，以及专家间的共识程度。",
    ),
    "tab_node": ("This node", "当前节点"),
    "tab_all_nodes": ("All nodes", "全部节点"),
    "tab_publish": ("Publish a profile", "发布权重方案"),
    "tab_progress": ("Progress", "评判进度"),
    "tab_rounds": ("Rounds", "评判轮次"),
    "tab_manage": ("Members and defaults", "成员与默认方案"),
    "ahp_consensus": ("AHP consensus S*", "AHP 共识度 S*"),
    "ahp_consensus_help": (
        "Goepel's AHP consensus indicator S* as AHP-OS reports it: the relative homogeneity of the experts' "
        "priorities corrected for the 1–9 scale; 1 when all agree, it may fall below 0. Bands as AHP-OS: very low "
        "≤ 0.5, low ≤ 0.625, moderate ≤ 0.75, high ≤ 0.875, very high above.",
        "Goepel 的 AHP 共识指标 S*（与 AHP-OS 相同）：按 1–9 标度校正的专家权重相对同质性；完全一致时为 1，可能低于 0。"
        "分级与 AHP-OS 相同：很低 ≤ 0.5，低 ≤ 0.625，中等 ≤ 0.75，高 ≤ 0.875，很高 > 0.875。",
    ),
    "consensus_band": ("Consensus band", "共识等级"),
    "band_very_low": ("very low consensus", "共识很低"),
    "band_low": ("low consensus", "共识低"),
    "band_moderate": ("moderate consensus", "共识中等"),
    "band_high": ("high consensus", "共识高"),
    "band_very_high": ("very high consensus", "共识很高"),
    "distance_help": (
        "Half the sum of the absolute differences between the expert's weights and the group's: the share of "
        "weight that would have to move for them to agree (0: the same weights; 1: nothing in common).",
        "该专家权重与群组权重之差的绝对值之和的一半：二者要一致需转移的权重份额（0：权重相同；1：完全不同）。",
    ),
    "not_judged_by": ("Not judged yet by {names}.", "尚未判断：{names}。"),
    "not_judged_col": ("Not judged by", "尚未判断的专家"),
    "progress_intro": (
        "Each expert's saved judgments in the open round, node by node.",
        "当前轮次中各专家逐个节点已保存的判断。",
    ),
    "nodes_saved": ("Nodes saved", "已保存节点"),
    "progress_legend": (
        "✓ judged · ⚠ judged, CR over 0.10 · — not judged yet",
        "✓ 已判断 · ⚠ 已判断但 CR 超过 0.10 · — 尚未判断",
    ),
    "missing_by_node": ("Who is missing, node by node", "各节点缺少的专家"),
    "missing_names": ("missing: {names}", "缺少：{names}"),
    "nobody_missing": ("every expert has judged it", "全部专家已判断"),
    "inconsistent_names": ("CR over 0.10: {names}", "CR 超过 0.10：{names}"),
    "rounds_missing": (
        "Delphi rounds need GET/POST /v1/panels/{id}/rounds on the indicator service, which it does not offer yet.",
        "德尔菲轮次需要指标服务的 GET/POST /v1/panels/{id}/rounds 接口，该接口尚未提供。",
    ),
    "rounds_now": ("{count} round(s); round {open} is open.", "共 {count} 轮；第 {open} 轮进行中。"),
    "rounds_intro": (
        "Closing a round keeps its judgments as they are (read-only) and opens the next, which starts from them; "
        "the experts then see the group's result of the closed round and revise.",
        "结束一轮后，该轮判断保持不变（只读），并开启下一轮，下一轮以这些判断为起点；专家随后可查看已结束轮次的群组结果并修改。",
    ),
    "close_round_intro": (
        "Close round {round} and open the next one.",
        "结束第 {round} 轮并开启下一轮。",
    ),
    "close_round_confirm": (
        "Round {round}'s judgments become read-only",
        "第 {round} 轮的判断将变为只读",
    ),
    "close_round": ("Close the round", "结束本轮"),
    "close_round_tick": ("Tick the box to confirm first.", "请先勾选确认。"),
    "round_closed_ok": (
        "Round {closed} is closed; round {opened} is open and starts from its judgments.",
        "第 {closed} 轮已结束；第 {opened} 轮已开启，以上一轮的判断为起点。",
    ),
    "rounds_chart": ("Consensus and CR per round: {node}", "各轮共识度与 CR：{node}"),
    "round": ("Round", "轮次"),
    "round_open": ("open", "进行中"),
    "round_closed": ("closed", "已结束"),
    "read_round": ("A round's judgments", "某一轮的判断"),
    "round_judgments": ("{count} judgments in round {round}.", "第 {round} 轮共 {count} 项判断。"),
    "download_round_csv": ("Download the round (CSV)", "下载该轮判断（CSV）"),
    "members": ("The panel's experts", "专家组成员"),
    "col_code": ("Code", "代码"),
    "expert_weight": ("Weight in the group", "群组权重"),
    "linked_key": ("Linked key", "关联密钥"),
    "key_minted": ("A new key for {expert}, linked to them:", "已为 {expert} 生成并关联新密钥："),
    "key_shown_once": (
        "Copy it now and give it to the expert: it is shown only this once and stored only as a hash.",
        "请立即复制并交给该专家：密钥仅显示这一次，系统只保存其哈希值。",
    ),
    "add_expert": ("Add an expert", "添加专家"),
    "name_en": ("Name (English)", "名称（英文）"),
    "name_zh": ("Name (Chinese)", "名称（中文）"),
    "mint_key_for_new": ("Mint a key for them (shown once)", "为其生成密钥（仅显示一次）"),
    "edit_expert": ("Weight and key of an expert", "专家的权重与密钥"),
    "link_key": ("Linked key (expert keys)", "关联密钥（专家角色）"),
    "no_key": ("none", "无"),
    "save_expert": ("Save", "保存"),
    "mint_key": ("Mint a new key", "生成新密钥"),
    "category_defaults": ("Default profiles by category", "各类型的默认权重方案"),
    "uses_default": ("the overall default", "使用总默认方案"),
    "default_of": ("Default of", "设为默认的范围"),
    "default_of_help": (
        "A profile can be the default of every category or of one; a category ranking without a profile uses its "
        "category's default, else the overall one.",
        "方案可设为全部类型或某一类型的默认方案；未指定方案的分类型排名使用该类型的默认方案，否则使用总默认方案。",
    ),
    "not_default": ("not a default", "不设为默认"),
    "profile_name_zh": ("Its Chinese name", "新权重方案中文名称"),
    "publish_refused": (
        "Publishing was refused: the experts named below have missing or inconsistent judgments. Leave them out, "
        "or give a reason to publish anyway.",
        "发布被拒绝：下列专家存在缺失或不一致的判断。请排除这些专家，或填写理由后仍然发布。",
    ),
    "make_default_button": ("Make it the default", "设为默认"),
    "publish_gaps_preview": (
        "With these experts, publishing is refused unless you give a reason (or leave them out):",
        "按当前纳入的专家，除非填写理由（或排除相关专家），发布将被拒绝：",
    ),
    "gap_missing": ("not judged {nodes}", "未判断 {nodes}"),
    "gap_inconsistent": ("CR over 0.10 at {nodes}", "{nodes} 的 CR 超过 0.10"),
    "publish_no_gaps": (
        "All {count} experts included have judged every node consistently.",
        "纳入的 {count} 位专家均已一致地判断全部节点。",
    ),
    "group_cr": ("Group CR", "群组CR"),
    "group_cr_help": (
        "Consistency ratio of the aggregated (AIJ) matrix.",
        "判断集结（AIJ）矩阵的一致性比率。",
    ),
    "consensus_help": (
        "S: relative homogeneity of the experts' priorities (Goepel, Shannon entropy): 1 when all agree.",
        "S：专家权重向量的相对同质性（Goepel，香农熵）：完全一致时为1。",
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
    "tab_tune": ("Tune", "调整权重"),
    "tab_objective": ("Objective and combined", "客观与组合权重"),
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
        "Linear combination: combined weight = α × subjective + (1 − α) × objective.",
        "线性组合：组合权重 = α × 主观权重 + (1 − α) × 客观权重。",
    ),
    "objective_intro": (
        "Objective weights of the year's indicators from the spread of their (imputed) values, blended with the "
        "profile's weights; the scoring service computes both, and the ranking follows below.",
        "基于当年指标（含插补值）离散程度的客观权重，及其与方案权重的组合；两者均由评分服务计算，下方为相应排名。",
    ),
    "objective_source": (
        "Computed by the scoring service from the {year} values (dataset version {version}).",
        "由评分服务基于{year}年数据计算（数据版本 {version}）。",
    ),
    "combination": ("Combination", "组合方式"),
    "combination_linear": ("linear", "线性加权"),
    "combination_multiplicative": ("multiplicative", "乘法合成"),
    "combination_help": (
        "Linear: α × subjective + (1 − α) × objective. Multiplicative: the product of the two, renormalised.",
        "线性加权：α × 主观 + (1 − α) × 客观；乘法合成：两者相乘后归一化。",
    ),
    "indicator_weights_side_by_side": ("Indicator weights side by side", "指标权重对比"),
    "indicator_weights_table": ("The weights as a table", "权重明细表"),
    "ranking_with_combined": ("Ranking {year} with the combined weights", "按组合权重的{year}年排名"),
    "combined_suffix": ("combined with {objective}", "与{objective}组合"),
    "weights_profile": ("profile", "原方案"),
    "weights_subjective": ("profile (subjective)", "方案（主观）"),
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
        "The ranking's own method gives its published ranks; every other method scores the same (imputed) values "
        "with the same weights against this year's field. The heatmap shows how alike each pair of rankings is.",
        "当前方法给出公布的排名；其他方法以相同权重、相同（含插补）数据、以当年样本为参照排名。热力图显示各对方法排名的相似程度。",
    ),
    "methods_to_compare": ("Methods to compare", "参与比较的方法"),
    "pick_a_method": ("Choose at least one method.", "请至少选择一种方法。"),
    "too_few_methods": (
        "Fewer than two methods could run, so there is nothing to compare.",
        "可运行的方法少于两种，无法比较。",
    ),
    "method_left_out": ("{method} could not run: {reason}.", "{method} 无法运行：{reason}。"),
    "left_out_values": ("Values it cannot take —", "无法处理的数值 —"),
    "similarity_spearman": ("Spearman ρ", "Spearman ρ"),
    "similarity_ws": ("WS similarity", "WS 相似系数"),
    "similarity_heatmap_spearman": ("Rank correlation between methods (Spearman)", "方法间排名相关性（Spearman）"),
    "similarity_heatmap_ws": ("Rank similarity between methods (WS)", "方法间排名相似度（WS）"),
    "similarity_help_spearman": (
        "Spearman's ρ of each pair of rankings: 1 the same order, −1 the reverse.",
        "各对排名的 Spearman 秩相关系数：1 为顺序相同，−1 为完全相反。",
    ),
    "similarity_help_ws": (
        "WS rank similarity (Sałabun and Urbaniak 2020), which weighs agreement at the top more: 1 the same order.",
        "WS 排名相似系数（Sałabun 与 Urbaniak，2020），更看重前列名次的一致：1 为顺序相同。",
    ),
    "ranks_by_method_help": (
        "In the order of the published ranking ({method}); an empty cell: the method did not run.",
        "按公布排名（{method}）排序；空白表示该方法未能运行。",
    ),
    "ranks_by_method": ("Rank by method", "各方法排名"),
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
    # --- audit ----------------------------------------------------------------------------------------------
    "page_audit": ("Audit", "统计审核"),
    "audit_intro": (
        "The statistical audit of the year's data behind the published ranking (JRC/OECD practice): how complete "
        "it is, which indicators are skewed, and whether each criterion's indicators pull together.",
        "对公布排名所依据的当年数据进行统计审核（JRC/OECD 做法）：数据是否完整、哪些指标偏态、"
        "各准则下的指标是否方向一致。",
    ),
    "audit_clusters_below": ("Clusters below the coverage rule", "未达覆盖率要求的集群"),
    "audit_outliers_flagged": ("Indicators flagged as skewed", "偏态异常指标"),
    "audit_pairs_flagged": ("Flagged indicator pairs", "异常指标对"),
    "audit_threshold": ("Coverage threshold", "覆盖率阈值"),
    "audit_coverage": ("Coverage", "数据覆盖"),
    "audit_outliers": ("Outliers", "异常值"),
    "audit_coherence": ("Coherence", "内部一致性"),
    "audit_coverage_heatmap": ("Values present, cluster by indicator", "各集群各指标数据有无"),
    "audit_coverage_help": (
        "Blue: a stored value; red: missing (scored with the category's median). Beside each cluster the share of "
        "its values present; ⚑ marks a cluster with fewer than {threshold} of some criterion's values.",
        "蓝色为有数据，红色为缺失（按同类中位数计分）。集群名后为其数据完整率；"
        "⚑ 表示该集群某一准则下的数据不足 {threshold}。",
    ),
    "audit_present": ("value present", "有数据"),
    "audit_missing": ("missing", "缺失"),
    "audit_share_present": ("Share present", "数据完整率"),
    "audit_share_by_indicator": ("Share of clusters with a value, by indicator", "各指标有数据的集群比例"),
    "audit_criteria_below": ("Criteria below the threshold", "未达阈值的准则"),
    "audit_no_cluster_below": (
        "Every cluster has at least {threshold} of each criterion's values.",
        "所有集群各准则的数据完整率均不低于 {threshold}。",
    ),
    "audit_outliers_table": ("Skewness and kurtosis by indicator", "各指标偏度与峰度"),
    "audit_outliers_help": (
        "Bias-corrected skewness and excess kurtosis of the values present; an indicator is flagged when "
        "|skewness| > 2 and kurtosis > 3.5, and its values beyond Tukey's fences are named.",
        "按现有数值计算的偏度与超额峰度（已做偏差校正）；|偏度| > 2 且峰度 > 3.5 时标记该指标，"
        "并列出超出 Tukey 围栏的数值。",
    ),
    "audit_skewness": ("Skewness", "偏度"),
    "audit_kurtosis": ("Kurtosis", "峰度"),
    "audit_flagged": ("Flagged", "标记"),
    "audit_beyond_fences": ("Beyond the fences", "超出围栏"),
    "audit_clipped": ("Outside the reference range", "超出参考区间"),
    "audit_note": ("Note", "说明"),
    "audit_flagged_values": ("Values of the flagged indicators", "被标记指标的数值分布"),
    "audit_no_outlier": (
        "No indicator is flagged this year; below, the most skewed ones for comparison.",
        "本年没有被标记的指标；下图为偏度最大的几项，供参考。",
    ),
    "audit_most_skewed": ("The most skewed indicators", "偏度最大的指标"),
    "audit_alpha_pca": (
        "Cronbach's alpha and first-component share by criterion",
        "各准则的克朗巴赫 α 与第一主成分占比",
    ),
    "audit_alpha_pca_help": (
        "Alpha of 0.7 or more: the criterion's indicators measure one thing; the first principal component's share "
        "of the variance says how much of it one dimension explains.",
        "α ≥ 0.7 表示该准则下的指标衡量的是同一事物；第一主成分方差占比表示单一维度能解释的程度。",
    ),
    "audit_alpha": ("Cronbach's alpha", "克朗巴赫 α"),
    "audit_first_component": ("First-component share", "第一主成分占比"),
    "audit_components": ("{count} components with eigenvalue > 1", "{count} 个特征值大于 1 的主成分"),
    "audit_correlations": ("Correlations within a criterion", "准则内指标相关系数"),
    "audit_correlations_help": (
        "Pearson correlations of the clusters with all of the criterion's values (cost indicators sign-flipped); "
        "⚑ marks a negative pair (r < −0.3) or a collinear one (r > 0.92).",
        "基于该准则数据齐全的集群计算的皮尔逊相关系数（成本型指标已反号）；"
        "⚑ 表示负相关（r < −0.3）或高度共线（r > 0.92）的指标对。",
    ),
    "audit_criterion": ("Criterion", "准则"),
    "audit_no_correlations": ("Too few complete clusters for correlations.", "数据齐全的集群太少，无法计算相关系数。"),
    "audit_clusters_used": (
        "{count} clusters with every value of the criterion.",
        "该准则数据齐全的集群：{count} 个。",
    ),
    "audit_r_criterion": ("r with the criterion", "与准则得分的相关"),
    "audit_r_index": ("r with the overall score", "与总得分的相关"),
    "audit_flagged_pairs": ("Flagged pairs", "异常指标对"),
    "audit_pair": ("Indicators", "指标对"),
    "audit_flag": ("Flag", "标记"),
    "audit_flag_negative": ("negative (r < −0.3)", "负相关（r < −0.3）"),
    "audit_flag_collinear": ("collinear (r > 0.92)", "高度共线（r > 0.92）"),
    "audit_no_pair": (
        "No pair of indicators within a criterion is negative or collinear.",
        "各准则内没有负相关或高度共线的指标对。",
    ),
    "compare_side_by_side": ("Side by side", "并列对比"),
    "compare_year_over_year": ("Year over year", "年度变化"),
    "yoy_from": ("Compared with", "对比年份"),
    "yoy_no_earlier": ("There is no year before {year} to compare with.", "{year}年之前没有可对比的年份。"),
    "yoy_no_cluster": ("No cluster has data in both years.", "没有集群在两年中都有数据。"),
    "yoy_intro": (
        "Scores on the fixed reference, so a change from {before} to {after} is the cluster's own values moving.",
        "按固定参考区间计分，{before}年到{after}年的得分变化即集群自身指标值的变化。",
    ),
    "yoy_cluster": ("Cluster", "集群"),
    "yoy_waterfall": ("{cluster}: score change by criterion", "{cluster}：得分变化的准则分解"),
    "yoy_waterfall_help": (
        "Each bar is a criterion's part of the change ({change} in all; rank {rank_before} → {rank_after}), "
        "computed by the scoring service (Shapley values); the parts add up to the change exactly.",
        "每根柱为该准则对得分变化的贡献（总变化 {change}；排名 {rank_before} → {rank_after}），"
        "由评分服务按 Shapley 值计算，各项之和恰为总变化。",
    ),
    "yoy_rank_change": ("Rank in {before} and in {after}", "{before}年与{after}年排名"),
    "yoy_rank_change_help": (
        "Grey: the earlier rank; blue: the later one. Green lines moved up, red ones down; ⚑ marks a change that is "
        "not only the cluster's own (revised data, or another profile for the earlier year).",
        "灰点为前一年排名，蓝点为后一年排名；绿线表示上升，红线表示下降；⚑ 表示该变化不全是集群自身的变化"
        "（数据被修订，或前一年采用了另一权重方案）。",
    ),
    "winsorize": ("Winsorise outliers", "缩尾处理异常值"),
    "winsorize_help": (
        "Before scoring, up to 5 values of each indicator that the audit flags as outlying (|skewness| > 2 and "
        "kurtosis > 3.5) are set to the next value below them (JRC practice); the ranking's notes name each one. "
        "Only on the relative reference: on the fixed one, clipping to the reference ranges already bounds outliers.",
        "计分前，对审核判定为异常的指标（|偏度| > 2 且峰度 > 3.5），将其最极端的至多 5 个值替换为相邻值（JRC 做法）；"
        "排名说明列出每一处处理。仅用于相对参考；固定参考下按参考区间截断已限制异常值。",
    ),
    "yoy_from_profile": ("Weight profile of the earlier year", "前一年的权重方案"),
    "yoy_same_profile": ("The same as the later year", "与后一年相同"),
    "yoy_from_profile_help": (
        "Score the earlier year under another profile, for instance the one its review used; the change of weights "
        "then becomes one more bar of the decomposition.",
        "用另一权重方案为前一年计分（例如当年评审所用方案）；权重变化将作为分解中的一根单独柱。",
    ),
    "yoy_weights_part": ("Weights", "权重变化"),
    "yoy_flag_revised_data": (
        "⚑ {year} values of {indicators} were revised after they were first stored: part of this change is the "
        "revision, not the cluster's progress.",
        "⚑ {year}年的 {indicators} 数据在首次录入后被修订：此变化部分来自数据修订，而非集群自身进步。",
    ),
    "yoy_flag_profile_changed": (
        "⚑ The years are scored under different profiles: the “Weights” bar is the part of the change that the "
        "change of weights makes.",
        "⚑ 两年采用不同权重方案计分：“权重变化”柱即权重改变带来的得分变化。",
    ),
    "yoy_flagged_count": (
        "{count} of {total} clusters have a change that is not only their own (⚑).",
        "{total} 个集群中有 {count} 个的变化不全是自身变化（⚑）。",
    ),
    "coverage_mark_note": (
        "⚑ fewer than {threshold} of a criterion's values present this year (the rest imputed): ",
        "⚑ 当年某准则的数据不足 {threshold}（其余按插补计）：",
    ),
    # --- sensitivity ----------------------------------------------------------------------------------------
    "sensitivity_intro": (
        "How far the published ranking holds as its criterion weights move (each criterion's indicators keep their "
        "shares): weights drawn around the profile's, each cluster's interval of one criterion's weight that keeps "
        "its rank, and that weight swept from 0 to 1.",
        "公布排名对准则权重变化的稳健程度（各准则内指标占比不变）：围绕方案权重随机抽样、各集群保持名次不变的单一准则权重区间，"
        "以及该权重从0到1的扫描。",
    ),
    "samples": ("Samples", "抽样次数"),
    "concentration": ("Concentration", "集中度"),
    "concentration_help": (
        "Weights are drawn from a Dirichlet centred on the profile's; larger means closer to them.",
        "权重从以方案权重为中心的 Dirichlet 分布抽取；数值越大越接近方案权重。",
    ),
    "criterion_to_study": ("Criterion to study", "分析准则"),
    "too_few_clusters": ("Sensitivity needs at least two clusters.", "敏感性分析至少需要两个集群。"),
    "running_sensitivity": ("Drawing {samples} weight samples ...", "正在抽取 {samples} 组权重样本……"),
    "rank_acceptability": ("Rank acceptability", "排名可接受度"),
    "rank_acceptability_help": (
        "Share of {samples} weight samples in which each cluster took each rank; the red squares mark the "
        "published ranks. Clusters in published order.",
        "在 {samples} 组权重样本中各集群取得各名次的比例；红框为公布排名。集群按公布排名排列。",
    ),
    "share": ("share", "比例"),
    "weight_stability_help": (
        "Each bar: the range of this criterion's weight (the other criteria rescaled in proportion) in which the "
        "cluster keeps its published rank; the tick is the current weight.",
        "每条横条：该集群保持公布名次不变时此准则权重的取值范围（其余准则按比例缩放）；竖线为当前权重。",
    ),
    "weight_stability_of": ("Where each rank holds: {criterion}", "名次保持区间：{criterion}"),
    "sweep_help": (
        "Scores or ranks as this criterion's weight goes from 0 to 1; the dashed line is the current weight.",
        "此准则权重从0增至1时的得分或名次；虚线为当前权重。",
    ),
    "sweep_scores": ("Scores", "得分"),
    "sweep_ranks": ("Ranks", "名次"),
    "stability_table": ("Stability intervals of every criterion", "各准则的名次保持区间"),
    "stability_table_help": (
        "For each cluster and criterion, the weights of that criterion between which the cluster keeps its rank.",
        "各集群在各准则上保持名次不变的权重区间。",
    ),
    "stable_interval": ("stable interval", "稳定区间"),
    "current_weight": ("current weight", "当前权重"),
    "sweep_title": ("Sweep of {criterion}", "{criterion} 权重扫描"),
    "show_all_clusters": ("Show every cluster", "显示全部集群"),
    "weight_of": ("weight of {criterion}", "{criterion} 的权重"),
    # --- uncertainty ----------------------------------------------------------------------------------------
    "uncertainty_intro": (
        "How wide each published rank is when what the ranking rests on varies: the criterion weights, the "
        "panel's experts, the imputed values, the method. Rank intervals over Monte Carlo runs, and which "
        "source moves the ranks most.",
        "当排名所依据的要素变化时（准则权重、专家组成员、插补值、评价方法），各公布名次的波动范围："
        "蒙特卡洛模拟得到的排名区间，以及各不确定性来源对排名的影响程度。",
    ),
    "sources": ("What varies", "变化来源"),
    "source_weights": ("Criterion weights", "准则权重"),
    "source_weights_help": (
        "Criterion weights drawn from a Dirichlet distribution around the profile's.",
        "准则权重从以方案权重为中心的 Dirichlet 分布中抽取。",
    ),
    "source_panel": ("Panel of experts", "专家组成员"),
    "source_panel_help": (
        "The profile's experts drawn with replacement and their judgments aggregated as the profile was; only for "
        "a profile published from a panel.",
        "对方案的专家有放回抽样，并按方案原方式集结判断；仅适用于由专家组发布的方案。",
    ),
    "source_imputation": ("Imputation", "缺失值插补"),
    "source_imputation_help": (
        "Each missing value imputed by a rule drawn among the category median, the category mean, the 3 nearest "
        "peers and the cluster's last observed value.",
        "每个缺失值随机选用一种插补规则：同类中位数、同类均值、最近的3个同类集群、该集群最近一次观测值。",
    ),
    "source_method": ("Method", "评价方法"),
    "source_method_help": (
        "The scoring method drawn among those that take the ranking's reference.",
        "在适用于当前参照方式的评价方法中随机选用。",
    ),
    "pick_a_source": ("Choose at least one source of uncertainty.", "请至少选择一种不确定性来源。"),
    "model_runs": ("Model runs", "模型运行次数"),
    "model_runs_help": (
        "About this many runs in all, spread over Saltelli's design (the number of sources plus two matrices).",
        "总运行次数约为此数，按 Saltelli 设计分配（来源数加二个矩阵）。",
    ),
    "running_uncertainty": ("Running the model about {samples} times ...", "正在运行模型约 {samples} 次……"),
    "runs_done": (
        "{runs} runs ({base} per matrix), seed {seed}.",
        "共运行 {runs} 次（每个矩阵 {base} 次），随机种子 {seed}。",
    ),
    "rank_intervals": ("Rank intervals", "排名区间"),
    "rank_intervals_help": (
        "Bar: from the 5th to the 95th percentile of each cluster's rank over the runs; dot: the median rank; "
        "tick: the published rank. Clusters in published order.",
        "横条：各集群在模拟中名次的第5至第95百分位；圆点：名次中位数；竖线：公布排名。集群按公布排名排列。",
    ),
    "interval_p05_p95": ("5th–95th percentile", "第5–95百分位"),
    "median_rank": ("median rank", "名次中位数"),
    "sensitivity_indices": ("Which source moves the ranks", "各来源对名次的影响"),
    "sensitivity_indices_help": (
        "Sobol indices of the ranks, averaged over the clusters weighted by their rank variance: first-order, "
        "the share a source causes alone; total, with its interactions. Estimates: values a little below 0 or "
        "above 1 are sampling noise.",
        "名次的 Sobol 敏感性指数（按各集群名次方差加权平均）：一阶指数为该来源单独造成的方差占比，"
        "总效应指数含交互作用。均为估计值，略小于0或略大于1属抽样误差。",
    ),
    "index_first_order": ("first-order (S1)", "一阶指数（S1）"),
    "index_total": ("total (ST)", "总效应指数（ST）"),
    "share_of_rank_variance": ("share of the rank variance", "名次方差占比"),
    "rank_interval_table": ("Ranks over the runs", "模拟名次汇总"),
    "rank_p05": ("5th percentile", "第5百分位"),
    "rank_p95": ("95th percentile", "第95百分位"),
    "rank_kept": ("runs at the published rank", "保持公布名次的比例"),
    "uncertainty_notes": ("What the numbers rest on", "计算依据"),
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
    # --- plans (what it takes to reach a target) ---------------------------------------------------------------
    "plan_heading": ("What it takes", "达成目标需要做什么"),
    "plan_intro": (
        "The fewest indicator changes that bring the cluster to a target on the published model, each to a value "
        "a cluster of the same category reached that year; re-scored by the scoring service, not estimated.",
        "在已发布模型上使集群达到目标所需的最少指标调整，每项调整的目标值均为当年同类集群实际达到的数值；"
        "由评分服务重新计算，而非估算。",
    ),
    "plan_target": ("Target", "目标"),
    "target_next_tier": ("Next tier", "升入上一梯队"),
    "target_top_quartile": ("Top quartile of its category", "进入同类前四分之一"),
    "target_rank": ("Rank K or better", "名次达到第K位或更好"),
    "plan_rank_k": ("Rank to reach (K)", "目标名次（K）"),
    "plan_now": ("Now", "当前"),
    "plan_reached": ("With the plan", "实施方案后"),
    "plan_changes": ("Changes", "调整项数"),
    "plan_effort": ("Effort", "调整幅度"),
    "plan_effort_help": (
        "The sum of the changes, each as a share of its indicator's reference range.",
        "各项调整幅度之和，每项按其指标参考区间的比例计。",
    ),
    "plan_standing": ("rank {rank} · {tier}", "第{rank}位 · {tier}"),
    "plan_rule": ("Reaching the target means: {rule}.", "达到目标的含义：{rule}。"),
    "col_from_to": ("From → to", "从 → 到"),
    "col_peer": ("Peer that reached it", "已达到该值的同类集群"),
    "col_effort": ("Effort (share of range)", "幅度（占参考区间）"),
    "plan_met": ("The target is met already: no change is needed.", "已达到该目标，无需调整。"),
    "plan_unreachable": (
        "Not reachable. No set of changes within the values its peers reached brings {name} to this target: with "
        "every indicator at its peers' best it would reach rank {rank} ({tier}).",
        "无法达到。在同类集群当年达到的数值范围内，没有任何调整组合能使{name}达到该目标：即使每项指标都达到同类最好"
        "水平，也只能排第{rank}位（{tier}）。",
    ),
    "plan_imputed": (
        "\\* the cluster's value was missing and taken as its category's median: collect the real value first.",
        "\\* 该集群此项数值缺失，按同类中位数计：应先采集实际数值。",
    ),
    "plan_radar": ("Criterion scores before and after the plan", "方案实施前后的准则层得分"),
    "plan_before": ("before", "调整前"),
    "plan_after": ("after", "调整后"),
    "peer_examples": ("Peers that reach the benchmark", "已达到标杆的同类集群"),
    "data_gaps": ("Data gaps", "数据缺口"),
    "export_plan_target": ("Plans to reach", "提升方案目标"),
    "export_plan_target_help": (
        "The target of every cluster's plan in the XLSX (Plans sheet) and the PDF (plans annex).",
        "XLSX（Plans工作表）与PDF（提升方案附录）中各集群提升方案的目标。",
    ),
    "score_gain": ("Score if closed", "补齐后得分提高"),
    "score_gain_help": (
        "What the overall score gains if this indicator alone reached its benchmark (the actions are ordered by it); "
        "the rank would then be {rank}. The plan below says which changes move the rank.",
        "仅该指标达到标杆值时总得分的提高（对策按此排序），届时排名为第{rank}位。下方的提升方案给出能改变排名的调整。",
    ),
    "portfolio_heading": ("All clusters of {year}: what recurs", "{year}年全部集群：反复出现的对策"),
    "portfolio_intro": (
        "For the annual review: across every cluster's recommendations, how many clusters of each category each "
        "policy path reaches, and which actions recur, counted by the recommendation service.",
        "供年度评估使用：在全部集群的对策建议中，各类型的每条政策路径覆盖多少集群、哪些对策反复出现（由建议服务统计）。",
    ),
    "portfolio_bar": ("{clusters} of {of}", "{clusters}/{of}"),
    "portfolio_share_axis": (
        "share of the category's clusters with an action on the path",
        "有该路径对策的集群占同类比例",
    ),
    "portfolio_path": ("Policy path", "政策路径"),
    "portfolio_clusters": ("Clusters", "集群数"),
    "portfolio_actions": ("Actions", "对策数"),
    "portfolio_recurring": ("Recurring actions", "反复出现的对策"),
    "portfolio_action": ("Action", "对策"),
    "portfolio_which": ("Which clusters", "涉及集群"),
    "data_gaps_intro": (
        "Indicators the cluster did not report this year: the ranking used its category's median, and no action "
        "rests on them until the real values are collected.",
        "该集群本年未报送的指标：排名按同类中位数计，在采集到实际数值之前，不据此提出对策。",
    ),
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


def relabelled(key: str) -> str:
    """`key`, for a selectbox or multiselect whose options are shown in the chosen language.

    Streamlit keeps a keyed widget's choice across a switch of language, but the browser goes on showing the label
    it was sent before ("TOPSIS" under 方法) until the value is sent again; setting the value to itself once after a
    switch sends it, in the new labels.
    """
    shown_in = f"{key}:lang"
    if key in st.session_state and st.session_state.get(shown_in, lang()) != lang():
        st.session_state[key] = st.session_state[key]
    st.session_state[shown_in] = lang()
    return key


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
