"""Tests of the recommendation rule base: the real rules.yaml and the validation that guards the start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services.recommendations.rules import (
    CATEGORIES,
    DEFAULT_RULES_PATH,
    PLACEHOLDERS,
    RuleBase,
    RuleBaseError,
    fill_template,
    format_number,
    load_rules,
)

# The reference indicator system of DOMAIN.md: 7 criteria, 30 indicators.
CRITERIA = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
INDICATORS = [
    *("C1.1", "C1.2", "C1.3", "C1.4"),
    *("C2.1", "C2.2", "C2.3", "C2.4"),
    *("C3.1", "C3.2", "C3.3", "C3.4", "C3.5"),
    *("C4.1", "C4.2", "C4.3", "C4.4"),
    *("C5.1", "C5.2", "C5.3", "C5.4"),
    *("C6.1", "C6.2", "C6.3", "C6.4", "C6.5"),
    *("C7.1", "C7.2", "C7.3", "C7.4"),
]

POLICY_PATHS = {
    "basic": {"industrial_concentration", "intelligent_level"},
    "strategic": {"chain_leader", "common_technology_platform", "pilot_test_platform"},
    "cutting_edge": {"innovation_ecosystem", "demonstration_application"},
}


def load(path: Path | None = None) -> RuleBase:
    return load_rules(path, indicator_codes=set(INDICATORS), criterion_codes=set(CRITERIA))


@pytest.fixture(scope="module")
def rule_base() -> RuleBase:
    return load()


def test_reference_system_has_30_indicators() -> None:
    assert len(INDICATORS) == 30
    assert {code.split(".")[0] for code in INDICATORS} == set(CRITERIA)


def test_real_rule_base_loads(rule_base: RuleBase) -> None:
    assert rule_base.rules
    assert {r.category for r in rule_base.rules} == set(CATEGORIES)


def test_every_category_and_criterion_has_a_rule(rule_base: RuleBase) -> None:
    assert rule_base.coverage_gaps(CATEGORIES, CRITERIA) == []


def test_every_declared_policy_path_is_used(rule_base: RuleBase) -> None:
    assert rule_base.unused_policy_paths() == []


@pytest.mark.parametrize(("category", "paths"), POLICY_PATHS.items())
def test_each_category_follows_its_own_policy_paths(rule_base: RuleBase, category: str, paths: set[str]) -> None:
    used = {r.policy_path for r in rule_base.rules if r.category == category}
    assert paths <= used
    others = set().union(*(p for c, p in POLICY_PATHS.items() if c != category))
    assert not used & others, "a category's rules must not borrow another category's path"


@pytest.mark.parametrize(
    ("category", "indicators", "path"),
    [
        ("basic", ["C4.1", "C4.2", "C4.3", "C4.4"], "industrial_concentration"),
        ("basic", ["C5.1", "C5.2", "C5.3", "C5.4"], "intelligent_level"),
        ("strategic", ["C6.3"], "chain_leader"),
        ("strategic", ["C2.2", "C2.4"], "common_technology_platform"),
        ("strategic", ["C2.3"], "pilot_test_platform"),
        ("cutting_edge", ["C7.1", "C7.2", "C7.3", "C1.3"], "innovation_ecosystem"),
        ("cutting_edge", ["C3.5"], "demonstration_application"),
    ],
)
def test_central_indicators_have_their_own_rules(
    rule_base: RuleBase, category: str, indicators: list[str], path: str
) -> None:
    for code in indicators:
        rules = rule_base.rules_for(category, code.split(".")[0], code)
        assert rules, code
        assert all(r.indicator == code and r.policy_path == path for r in rules), code


def test_rules_for_prefers_the_indicator_rule_and_falls_back_to_the_criterion(rule_base: RuleBase) -> None:
    assert [r.id for r in rule_base.rules_for("strategic", "C6", "C6.3")] == ["strategic-C6.3"]
    assert [r.id for r in rule_base.rules_for("strategic", "C6", "C6.1")] == ["strategic-C6"]
    assert [r.id for r in rule_base.rules_for("basic", "C6")] == ["basic-C6"]


def test_fill_template_formats_numbers_and_collapses_empty_units() -> None:
    text = fill_template(
        "{value} {unit} vs {benchmark:.1f}, rank {rank}", {"value": 12.345, "unit": "", "benchmark": 2.0, "rank": 3}
    )
    assert text == "12.3 vs 2.0, rank 3"
    assert [format_number(x) for x in (1234.5, 12.34, 0.4312, 0.01234, 3.0)] == ["1,234", "12.3", "0.43", "0.012", "3"]


# ---------------------------------------------------------------- broken files


def good_rule(**changes: object) -> dict[str, object]:
    rule: dict[str, object] = {
        "id": "basic-C4",
        "category": "basic",
        "criterion": "C4",
        "policy_path": "industrial_concentration",
        "title": {"en": "Raise concentration", "zh": "提高集聚水平"},
        "action": {"en": "Concentrate the parks.", "zh": "集中园区。"},
        "rationale": {"en": "{indicator_name} is {value} {unit}.", "zh": "{indicator_name}为{value}{unit}。"},
    }
    rule.update(changes)
    return {k: v for k, v in rule.items() if v is not None}


def write_rules(tmp_path: Path, rules: list[dict[str, object]], **top: object) -> Path:
    document: dict[str, object] = {
        "version": 1,
        "policy_paths": {"basic": {"industrial_concentration": {"en": "Concentration", "zh": "集聚"}}},
        "rules": rules,
    }
    document.update(top)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    assert [r.id for r in load(write_rules(tmp_path, [good_rule()])).rules] == ["basic-C4"]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            good_rule(criterion=None, indicator="C4.9"),
            r"rule 'basic-C4': field 'indicator': unknown indicator code 'C4\.9'",
        ),
        (good_rule(criterion="C8"), r"rule 'basic-C4': field 'criterion': unknown criterion code 'C8'"),
        (good_rule(category="frontier"), r"rule 'basic-C4': field 'category': .*'frontier'"),
        (
            good_rule(rationale={"en": "{indicator_nme} is {value}.", "zh": "{indicator_name}为{value}。"}),
            r"rule 'basic-C4': field 'rationale\.en': unknown placeholder\(s\) 'indicator_nme'",
        ),
        (
            good_rule(rationale={"en": "{value:.q} is bad.", "zh": "{value}"}),
            r"rule 'basic-C4': field 'rationale\.en': template cannot be filled",
        ),
        (
            good_rule(action={"en": "Rank {} is positional.", "zh": "位置参数{}"}),
            r"rule 'basic-C4': field 'action\.en': unknown placeholder\(s\) ''",
        ),
        (good_rule(title={"en": "Only English"}), r"rule 'basic-C4': field 'title\.zh': Field required"),
        (good_rule(title={"en": "Empty Chinese", "zh": ""}), r"rule 'basic-C4': field 'title\.zh'"),
        (
            good_rule(policy_path="chain_leader"),
            r"rule 'basic-C4': field 'policy_path': 'chain_leader' is not a policy path of category 'basic'",
        ),
        (good_rule(indicator="C4.1"), r"rule 'basic-C4': field 'criterion'/'indicator': give exactly one"),
        (good_rule(colour="red"), r"rule 'basic-C4': field 'colour': Extra inputs are not permitted"),
    ],
)
def test_a_broken_rule_stops_the_start_naming_rule_and_field(
    tmp_path: Path, rule: dict[str, object], expected: str
) -> None:
    with pytest.raises(RuleBaseError, match=expected):
        load(write_rules(tmp_path, [rule]))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleBaseError, match=r"rule 'basic-C4': field 'id': duplicate id"):
        load(write_rules(tmp_path, [good_rule(), good_rule(criterion="C5")]))


def test_an_unknown_category_among_the_policy_paths_is_refused(tmp_path: Path) -> None:
    paths = {"frontier": {"general": {"en": "General", "zh": "综合"}}}
    with pytest.raises(RuleBaseError, match=r"field 'policy_paths\.frontier'"):
        load(write_rules(tmp_path, [good_rule()], policy_paths=paths))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    rules = [good_rule(criterion="C9"), good_rule(id="basic-C5", criterion=None, indicator="C5.7")]
    with pytest.raises(RuleBaseError) as caught:
        load(write_rules(tmp_path, rules))
    assert len(caught.value.problems) == 2
    assert str(tmp_path / "rules.yaml") in str(caught.value)


def test_unreadable_or_invalid_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleBaseError, match="cannot read"):
        load(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RuleBaseError, match="not valid YAML"):
        load(broken)


def test_the_documented_placeholders_are_the_allowed_ones() -> None:
    header = DEFAULT_RULES_PATH.read_text(encoding="utf-8").split("\nversion:")[0]
    documented = {line.split("{")[1].split("}")[0] for line in header.splitlines() if line.startswith("#   {")}
    assert documented == PLACEHOLDERS


# ---------------------------------------------------------------- themes


def themed_paths() -> dict[str, object]:
    return {
        "basic": {
            "industrial_concentration": {"en": "Concentration", "zh": "集聚", "criteria": ["C4", "C6"]},
            "intelligent_level": {"en": "Intelligent level", "zh": "智能化", "criteria": ["C5"]},
            "general": {"en": "General", "zh": "综合"},
        }
    }


def test_every_rule_of_the_real_rule_base_has_a_theme_that_fits_its_criterion() -> None:
    criterion_of = {code: code.split(".")[0] for code in INDICATORS}
    rule_base = load_rules(indicator_codes=set(INDICATORS), criterion_codes=set(CRITERIA), criterion_of=criterion_of)
    for rule in rule_base.rules:
        criterion = rule.criterion or criterion_of[str(rule.indicator)]
        assert rule_base.policy_paths[rule.category][rule.policy_path].fits(criterion), rule.id
    # The misfit of issue 15: a basic C2 weakness (platforms) is not a smart-manufacturing theme.
    basic_c2 = next(r for r in rule_base.rules if r.id == "basic-C2")
    assert basic_c2.policy_path != "intelligent_level"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            good_rule(id="basic-C2", criterion="C2", policy_path="intelligent_level"),
            r"rule 'basic-C2': field 'policy_path': the theme 'intelligent_level' \(Intelligent level\) does not fit "
            r"the criterion C2; it answers C5 only",
        ),
        (
            good_rule(id="basic-C2.2", criterion=None, indicator="C2.2", policy_path="intelligent_level"),
            r"rule 'basic-C2\.2': field 'policy_path': the theme 'intelligent_level' \(Intelligent level\) does not "
            r"fit the indicator C2\.2 of C2; it answers C5 only",
        ),
    ],
)
def test_a_rule_whose_theme_does_not_fit_its_criterion_stops_the_start(
    tmp_path: Path, rule: dict[str, object], expected: str
) -> None:
    path = write_rules(tmp_path, [good_rule(), rule], policy_paths=themed_paths())
    criterion_of = {code: code.split(".")[0] for code in INDICATORS}
    with pytest.raises(RuleBaseError, match=expected):
        load_rules(path, indicator_codes=set(INDICATORS), criterion_codes=set(CRITERIA), criterion_of=criterion_of)


def test_a_general_theme_fits_every_criterion_and_unknown_theme_criteria_are_refused(tmp_path: Path) -> None:
    general = good_rule(id="basic-C2", criterion="C2", policy_path="general")
    assert len(load(write_rules(tmp_path, [good_rule(), general], policy_paths=themed_paths())).rules) == 2
    paths = themed_paths()
    paths["basic"]["general"] = {"en": "General", "zh": "综合", "criteria": ["C9"]}  # type: ignore[index]
    with pytest.raises(RuleBaseError, match=r"policy path 'basic\.general': field 'criteria': unknown criterion"):
        load(write_rules(tmp_path, [good_rule()], policy_paths=paths))
