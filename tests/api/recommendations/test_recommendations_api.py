"""The recommendation service through its ASGI app, reading the scoring and indicator ASGI apps (demo data)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from services.recommendations.config import RecommendationsSettings
from services.recommendations.main import create_app
from services.recommendations.rules import DEFAULT_RULES_PATH, RuleBaseError, format_number
from shared.cache import MemoryCache
from shared.clients import IndicatorsClient, ScoringClient
from shared.schemas.indicators import IndicatorRead
from shared.units import quantity
from tests.support.environment import ADMIN_KEY
from tests.support.ports import free_port

HEADER = "cluster_code,indicator_code,year,value,source\n"
CJK = re.compile(r"[\u4e00-\u9fff]")
# The policy paths of DOMAIN.md that set each category apart (each also has a `general` path).
OWN_PATHS = {
    "basic": {"industrial_concentration", "intelligent_level"},
    "strategic": {"chain_leader", "common_technology_platform", "pilot_test_platform"},
    "cutting_edge": {"innovation_ecosystem", "demonstration_application"},
}


def year_answers(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/recommendations", params={"year": 2024, **params})
    assert response.status_code == 200, response.text
    answers: list[dict[str, Any]] = response.json()
    return answers


def import_rows(indicators_client: TestClient, rows: list[str]) -> None:
    response = indicators_client.post(
        "/v1/observations/import", files={"file": ("r.csv", (HEADER + "\n".join(rows) + "\n").encode())}
    )
    assert response.status_code == 200, response.text


def tree(indicators_client: TestClient) -> list[dict[str, Any]]:
    return [i for c in indicators_client.get("/v1/indicators").json() for i in c["children"]]


def settings(**overrides: Any) -> RecommendationsSettings:
    return RecommendationsSettings(
        **{"admin_api_key": ADMIN_KEY, "env": "test", "log_level": "WARNING", "http_timeout_seconds": 3, **overrides}
    )


@pytest.fixture
def indicators_for_recommendations(indicators_client: TestClient) -> IndicatorsClient:
    return IndicatorsClient("http://indicators", http=indicators_client, cache=MemoryCache())


@pytest.fixture
def scoring_for_recommendations(scoring_client: TestClient) -> ScoringClient:
    return ScoringClient("http://scoring", http=scoring_client, cache=MemoryCache())


def test_every_recommendation_answers_a_weakness_with_its_numbers(
    recommendations_client: TestClient, indicators_client: TestClient
) -> None:
    answers = year_answers(recommendations_client)
    indicators = {i["code"]: IndicatorRead.model_validate(i) for i in tree(indicators_client)}
    assert sum(len(a["recommendations"]) for a in answers) > 50
    for answer in answers:
        weaknesses = {w["indicator"]: w for w in answer["weaknesses"]}
        answerable = [w for w in answer["weaknesses"] if w["material"] and not w["imputed"]]
        assert 1 <= len(answer["recommendations"]) <= 5 or not answerable
        # One action per weakness and one weakness per rule: no indicator, rule or title twice.
        for field in ("indicator", "rule_id", "title"):
            values = [rec[field] for rec in answer["recommendations"]]
            assert len(values) == len(set(values)), (answer["cluster_code"], field, values)
        for rec in answer["recommendations"]:
            weakness = weaknesses[rec["indicator"]]
            assert rec["criterion"] == weakness["criterion"]
            assert weakness["gap"] >= answer["materiality_threshold"] == 0.05
            assert weakness["material"]
            assert not weakness["imputed"]
            # Each number with its unit, at the unit's precision (shared/units.py): "650 million yuan", "45.0%".
            for number in (weakness["value"], weakness["benchmark"]):
                written = quantity(number, indicators[rec["indicator"]], "en")
                assert written in rec["rationale"], (rec["rationale"], written)
            assert f"rank {rec['expected_rank']} (now {answer['rank']})" in rec["rationale"]
            assert f"raise the score by {format_number(rec['score_gain'])}" in rec["rationale"]
            assert rec["title"]
            assert rec["action"]


def test_weaknesses_are_gaps_to_the_category_top_quartile(recommendations_client: TestClient) -> None:
    for answer in year_answers(recommendations_client):
        potentials = [w["potential"] for w in answer["weaknesses"]]
        assert potentials == sorted(potentials, reverse=True)
        for w in answer["weaknesses"]:
            assert 0 < w["gap"] <= 1
            assert w["value"] < w["benchmark"] if w["direction"] == "benefit" else w["value"] > w["benchmark"]


def test_each_category_gets_actions_from_its_own_policy_paths(recommendations_client: TestClient) -> None:
    rules = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    used: dict[str, set[str]] = {category: set() for category in OWN_PATHS}
    for answer in year_answers(recommendations_client):
        category = answer["category"]
        for rec in answer["recommendations"]:
            assert rec["rule_id"].startswith(f"{category}-")
            assert rec["policy_path"] in rules["policy_paths"][category]
            used[category].add(rec["policy_path"])
    for category, own in OWN_PATHS.items():
        assert used[category] & own, f"no {category} action follows one of its own paths {own}"
        others = set().union(*(paths for c, paths in OWN_PATHS.items() if c != category))
        assert not used[category] & others


def test_recommendations_are_ordered_by_score_gain(recommendations_client: TestClient) -> None:
    for answer in year_answers(recommendations_client):
        recs = answer["recommendations"]
        assert [r["priority"] for r in recs] == list(range(1, len(recs) + 1))
        gains = [r["score_gain"] for r in recs]
        assert gains == sorted(gains, reverse=True)
        assert all(r["score_gain"] == pytest.approx(r["expected_score"] - answer["score"], abs=1e-12) for r in recs)
        assert all(r["expected_gain"] == answer["rank"] - r["expected_rank"] for r in recs)
        assert all(r["expected_score"] >= answer["score"] for r in recs)


def test_every_peer_example_reaches_its_benchmark_with_a_stored_value(
    recommendations_client: TestClient, indicators_client: TestClient
) -> None:
    dataset = indicators_client.get("/v1/datasets/2024").json()
    category = {c["code"]: c["category"] for c in indicators_client.get("/v1/clusters").json()}
    stored = {
        (code, indicator): value
        for code, row in zip(dataset["clusters"], dataset["values"], strict=True)
        for indicator, value in zip(dataset["indicators"], row, strict=True)
    }
    examples = 0
    for answer in year_answers(recommendations_client):
        weaknesses = {w["indicator"]: w for w in answer["weaknesses"]}
        for rec in answer["recommendations"]:
            weakness = weaknesses[rec["indicator"]]
            assert rec["peer_examples"], "a top-quartile benchmark is reached by someone else in the category"
            for peer in rec["peer_examples"]:
                examples += 1
                assert peer["cluster_code"] != answer["cluster_code"]
                assert category[peer["cluster_code"]] == answer["category"]
                assert stored[(peer["cluster_code"], rec["indicator"])] == peer["value"]
                if weakness["direction"] == "benefit":
                    assert peer["value"] >= weakness["benchmark"]
                else:
                    assert peer["value"] <= weakness["benchmark"]
    assert examples > 50


def test_a_missing_value_is_a_data_gap_never_an_action(
    recommendations_client: TestClient, scoring_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()["results"]
    imputed = {r["cluster_code"]: r["imputed"] for r in ranking if r["imputed"]}
    assert imputed, "the demo year has missing values"
    for lang in ("en", "zh"):
        for answer in year_answers(recommendations_client, lang=lang):
            missing = imputed.get(answer["cluster_code"], [])
            assert [g["indicator"] for g in answer["data_gaps"]] == missing
            assert not {r["indicator"] for r in answer["recommendations"]} & set(missing)
            for gap in answer["data_gaps"]:
                assert ("采集" if lang == "zh" else "Collect this indicator") in gap["text"]
                assert gap["indicator"] in gap["text"]
            flagged = {w["indicator"] for w in answer["weaknesses"] if w["imputed"]}
            assert flagged <= set(missing)


def test_no_action_on_an_immaterial_gap(recommendations_client: TestClient) -> None:
    small = 0
    for answer in year_answers(recommendations_client):
        for weakness in answer["weaknesses"]:
            assert weakness["material"] == (weakness["gap"] >= 0.05)
            small += not weakness["material"]
        immaterial = {w["indicator"] for w in answer["weaknesses"] if not w["material"]}
        assert not immaterial & {r["indicator"] for r in answer["recommendations"]}
    assert small, "the demo year has gaps below the threshold"


def test_a_cluster_leading_its_category_everywhere_has_strengths_and_nothing_to_fix(
    recommendations_client: TestClient, indicators_client: TestClient
) -> None:
    top = {"benefit": "ref_max", "cost": "ref_min"}
    import_rows(
        indicators_client,
        [f"XZ-MACHINERY,{i['code']},2024,{i[top[i['direction']]]},test" for i in tree(indicators_client)],
    )
    response = recommendations_client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["category"] == "basic"
    assert answer["rank"] == 1
    assert [s["criterion"] for s in answer["strengths"]] == [f"C{k}" for k in range(1, 8)]
    assert all(s["score"] >= s["category_top_quartile"] for s in answer["strengths"])
    assert answer["weaknesses"] == []
    assert answer["recommendations"] == []


def test_chinese_answers(recommendations_client: TestClient) -> None:
    answers = year_answers(recommendations_client, lang="zh")
    for answer in answers:
        assert answer["lang"] == "zh"
        assert CJK.search(answer["name"])
        assert CJK.search(answer["category_check"]["evidence"])
        assert all(CJK.search(s["text"]) for s in answer["strengths"])
        assert all(CJK.search(w["name"]) for w in answer["weaknesses"])
        for rec in answer["recommendations"]:
            for field in ("title", "action", "rationale", "policy_path_name"):
                assert CJK.search(rec[field]), rec[field]
            assert f"第{rec['expected_rank']}位" in rec["rationale"]
    english = {a["cluster_code"]: a for a in year_answers(recommendations_client)}
    for answer in answers:
        same = english[answer["cluster_code"]]
        assert [r["indicator"] for r in answer["recommendations"]] == [r["indicator"] for r in same["recommendations"]]


def test_the_what_if_rank_equals_an_independent_re_ranking(
    recommendations_client: TestClient, scoring_client: TestClient, indicators_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()["results"]
    # A changed value moves the category median that imputes a missing cell of the same column: avoid those.
    imputed_columns = {code for r in ranking for code in r["imputed"]}
    whole = {i["code"] for i in tree(indicators_client) if i["integer"]}
    candidates = [
        (answer, rec, weakness)
        for answer in year_answers(recommendations_client)
        for rec in answer["recommendations"]
        for weakness in answer["weaknesses"]
        if weakness["indicator"] == rec["indicator"]
        and rec["indicator"] not in imputed_columns
        and not weakness["imputed"]
        and (rec["indicator"] not in whole or float(weakness["benchmark"]).is_integer())
    ]
    answer, rec, weakness = max(candidates, key=lambda c: (c[1]["expected_gain"], c[0]["cluster_code"]))
    assert rec["expected_gain"] > 0
    import_rows(indicators_client, [f"{answer['cluster_code']},{rec['indicator']},2024,{weakness['benchmark']!r},test"])
    after = scoring_client.get("/v1/rankings", params={"year": 2024}).json()["results"]
    row = next(r for r in after if r["cluster_code"] == answer["cluster_code"])
    assert row["rank"] == rec["expected_rank"]
    assert row["score"] == pytest.approx(rec["expected_score"], abs=1e-12)


def test_a_cluster_that_looks_like_another_category_is_flagged_but_keeps_its_category(
    recommendations_client: TestClient, indicators_client: TestClient
) -> None:
    dataset = indicators_client.get("/v1/datasets/2024").json()
    model = dataset["values"][dataset["clusters"].index("HF-SPEECH")]  # cutting-edge
    import_rows(
        indicators_client,
        [
            f"FS-HOME,{code},2024,{value!r},test"
            for code, value in zip(dataset["indicators"], model, strict=True)
            if value is not None
        ],
    )
    answer = recommendations_client.get("/v1/recommendations/FS-HOME", params={"year": 2024}).json()
    check = answer["category_check"]
    assert check["stated"] == "basic"
    assert check["nearest"] == "cutting_edge"
    assert check["looks_wrong"] is True
    assert check["distances"]["basic"] > check["margin"] * check["distances"]["cutting_edge"]
    assert "may be wrong" in check["evidence"]
    assert format_number(check["distances"]["basic"]) in check["evidence"]
    assert answer["category"] == "basic"
    assert all(r["rule_id"].startswith("basic-") for r in answer["recommendations"])
    assert indicators_client.get("/v1/clusters/FS-HOME").json()["category"] == "basic"
    untouched = recommendations_client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024}).json()
    assert untouched["category_check"]["looks_wrong"] is False


def test_the_year_endpoint_gives_one_object_per_cluster_in_rank_order(
    recommendations_client: TestClient, scoring_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()["results"]
    answers = year_answers(recommendations_client)
    assert [a["cluster_code"] for a in answers] == [r["cluster_code"] for r in ranking]
    assert [a["rank"] for a in answers] == [r["rank"] for r in ranking]
    one = recommendations_client.get(f"/v1/recommendations/{answers[3]['cluster_code']}", params={"year": 2024})
    assert one.json() == answers[3]


def test_a_data_change_is_never_served_stale(recommendations_client: TestClient, indicators_client: TestClient) -> None:
    before = recommendations_client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024}).json()
    again = recommendations_client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024}).json()
    assert again == before
    import_rows(indicators_client, ["XZ-MACHINERY,C4.2,2024,4.9,test"])
    after = recommendations_client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024}).json()
    assert after["dataset_version"] != before["dataset_version"]
    assert "C4.2" not in {w["indicator"] for w in after["weaknesses"]}


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/v1/recommendations/NOPE", {"year": 2024}, "NOPE"),
        ("/v1/recommendations/XZ-MACHINERY", {"year": 1999}, "1999"),
        ("/v1/recommendations", {"year": 1999}, "1999"),
        ("/v1/recommendations/XZ-MACHINERY", {"year": 2024, "profile": 999}, "999"),
        ("/v1/recommendations", {"year": 2024, "profile": 999}, "999"),
    ],
)
def test_unknown_cluster_year_or_profile_is_a_404_naming_it(
    recommendations_client: TestClient, path: str, params: dict[str, Any], named: str
) -> None:
    response = recommendations_client.get(path, params=params)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert named in response.json()["detail"]


def test_a_cluster_without_data_that_year_is_a_404(
    recommendations_client: TestClient, indicators_client: TestClient
) -> None:
    newcomer = {
        "code": "NO-DATA", "name": "No data yet", "name_zh": "暂无数据", "province": "Anhui", "industry": "materials",
        "category": "strategic",
    }  # fmt: skip
    assert indicators_client.post("/v1/clusters", json=newcomer).status_code == 201
    response = recommendations_client.get("/v1/recommendations/NO-DATA", params={"year": 2024})
    assert response.status_code == 404
    assert response.json()["detail"] == "cluster 'NO-DATA' has no observations in 2024"
    assert "NO-DATA" not in {a["cluster_code"] for a in year_answers(recommendations_client)}


@pytest.mark.parametrize("params", [{}, {"year": 2024, "lang": "fr"}, {"year": "soon"}])
def test_bad_queries_are_422(recommendations_client: TestClient, params: dict[str, Any]) -> None:
    response = recommendations_client.get("/v1/recommendations/XZ-MACHINERY", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_key_is_needed(recommendations_client: TestClient) -> None:
    response = recommendations_client.get("/v1/recommendations", params={"year": 2024}, headers={"X-API-Key": ""})
    assert response.status_code == 401


def test_scoring_down_is_a_503_naming_it_in_bounded_time(indicators_for_recommendations: IndicatorsClient) -> None:
    scoring = ScoringClient(f"http://127.0.0.1:{free_port()}", timeout=3)
    app = create_app(settings(), indicators=indicators_for_recommendations, scoring=scoring)
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        for path in ("/v1/recommendations/XZ-MACHINERY", "/v1/recommendations"):
            started = time.monotonic()
            response = client.get(path, params={"year": 2024})
            assert time.monotonic() - started < 15
            assert response.status_code == 503
            assert response.headers["content-type"].startswith("application/problem+json")
            assert "scoring service" in response.json()["detail"]
        assert client.get("/readyz").json()["checks"]["scoring"].startswith("unavailable")


def test_indicators_down_is_a_503_naming_it_in_bounded_time(scoring_for_recommendations: ScoringClient) -> None:
    indicators = IndicatorsClient(f"http://127.0.0.1:{free_port()}", timeout=3)
    app = create_app(settings(), indicators=indicators, scoring=scoring_for_recommendations)
    started = time.monotonic()
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as client:  # starts: the rules wait for the tree
        response = client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024})
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert "indicators service" in response.json()["detail"]


def broken_rules(tmp_path: Path, change: str) -> Path:
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    path = tmp_path / "rules.yaml"
    if change == "unknown indicator":
        path.write_text(text.replace("indicator: C4.2\n", "indicator: C4.9\n", 1), encoding="utf-8")
    elif change == "unknown category":
        path.write_text(text.replace("category: basic\n", "category: mature\n", 1), encoding="utf-8")
    elif change == "theme misfit":  # a C4 indicator answered on the smart-manufacturing path
        misfit = "indicator: C4.1\n    policy_path: intelligent_level\n"
        path.write_text(
            text.replace("indicator: C4.1\n    policy_path: industrial_concentration\n", misfit, 1), encoding="utf-8"
        )
    else:  # no rule left for a basic weakness in C3
        path.write_text(text.replace("criterion: C3\n", "indicator: C3.1\n", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("unknown indicator", "rule 'basic-C4.2': field 'indicator': unknown indicator code 'C4.9'"),
        ("theme misfit", "rule 'basic-C4.1': field 'policy_path': the theme 'intelligent_level'"),
        ("unknown category", "rule 'basic-C1': field 'category'"),
        ("coverage gap", "no rule answers a basic weakness in criterion C3"),
    ],
)
def test_a_rule_base_that_does_not_fit_stops_the_start(
    tmp_path: Path, indicators_for_recommendations: IndicatorsClient, change: str, message: str
) -> None:
    app = create_app(settings(rules_path=broken_rules(tmp_path, change)), indicators=indicators_for_recommendations)
    with pytest.raises(RuleBaseError, match=re.escape(message)), TestClient(app):
        pass


def test_without_the_tree_at_start_the_rules_are_checked_on_the_first_request(
    tmp_path: Path, indicators_for_recommendations: IndicatorsClient, scoring_for_recommendations: ScoringClient
) -> None:
    """No ADMIN_API_KEY to read the tree with: only the structure is checked at start, the codes on first use."""
    app = create_app(
        settings(admin_api_key=None, rules_path=broken_rules(tmp_path, "unknown indicator")),
        indicators=indicators_for_recommendations,
        scoring=scoring_for_recommendations,
    )
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        response = client.get("/v1/recommendations/XZ-MACHINERY", params={"year": 2024})
    assert response.status_code == 503
    assert response.json()["title"] == "Rule base does not fit the indicator tree"
    assert "unknown indicator code 'C4.9'" in response.json()["detail"]


def test_a_structurally_broken_rule_base_stops_the_start_even_without_the_tree(tmp_path: Path) -> None:
    path = broken_rules(tmp_path, "unknown category")
    indicators = IndicatorsClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    with (
        pytest.raises(RuleBaseError, match="field 'category'"),
        TestClient(create_app(settings(rules_path=path), indicators=indicators)),
    ):
        pass
