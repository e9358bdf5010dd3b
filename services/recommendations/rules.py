"""Rule base of the recommendation service: loads rules.yaml, validates it and finds the rules for a weakness."""

from __future__ import annotations

import string
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.schemas.vocabulary import Category, Lang
from shared.units import plain_number

LANGUAGES: tuple[Lang, ...] = get_args(Lang)
CATEGORIES: tuple[Category, ...] = get_args(Category)
DEFAULT_RULES_PATH = Path(__file__).with_name("rules.yaml")

# One sample value per placeholder: the set of names a template may use, and the values a template is
# test-filled with at load time, so that a bad format spec fails at start-up rather than in a request.
_SAMPLE_FIELDS: dict[str, object] = {
    "category_name": "basic",
    "peer_count": 12,
    "criterion": "C4",
    "criterion_name": "Industrial concentration and scale",
    "criterion_score": 0.42,
    "criterion_median": 0.5,
    "criterion_top_quartile": 0.61,
    "indicator": "C4.2",
    "indicator_name": "Location quotient",
    "unit": "ratio",
    "value": 1.3,
    "benchmark": 2.4,
    "value_text": "1.3",
    "benchmark_text": "2.4",
    "gap": 0.244,
    "gap_pct": 24.4,
    "potential": 0.0112,
    "rank": 17,
    "expected_rank": 12,
    "rank_gain": 5,
    "score": 0.4312,
    "expected_score": 0.4475,
    "score_gain": 0.0163,
}
PLACEHOLDERS: frozenset[str] = frozenset(_SAMPLE_FIELDS)


class RuleBaseError(Exception):
    """The rule base cannot be used; the message names the file, the rule and the field at fault."""

    def __init__(self, problems: Iterable[str], *, source: Path | None = None) -> None:
        self.problems = list(problems)
        where = f"{source}: " if source is not None else ""
        if len(self.problems) == 1:
            super().__init__(where + self.problems[0])
        else:
            listed = "".join(f"\n  - {p}" for p in self.problems)
            super().__init__(f"{where}{len(self.problems)} problems in the rule base:{listed}")


class LocalizedText(BaseModel):
    """A text in every language the platform speaks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    en: str = Field(min_length=1, description="English text.")
    zh: str = Field(min_length=1, description="Chinese text.")

    def text(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.zh if lang == "zh" else self.en


class PolicyPath(LocalizedText):
    """A category's policy path (its theme): its name, and the criteria whose weaknesses it may answer."""

    criteria: tuple[str, ...] | None = Field(
        default=None,
        min_length=1,
        description="Criterion codes the path answers (a rule on another criterion's weakness is refused); "
        "null: a general path that fits every criterion.",
    )

    def fits(self, criterion: str) -> bool:
        """Whether a weakness of `criterion` may be answered on this path."""
        return self.criteria is None or criterion in self.criteria


class Rule(BaseModel):
    """One rule: a weakness of a criterion or an indicator in a category, mapped to an action on a policy path."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, description="Unique id of the rule.")
    category: Category = Field(description="Category the rule applies to.")
    criterion: str | None = Field(default=None, description="Criterion code the rule answers, e.g. `C4`.")
    indicator: str | None = Field(default=None, description="Indicator code the rule answers, e.g. `C4.2`.")
    policy_path: str = Field(description="Key of the category's policy path, e.g. `chain_leader`.")
    title: LocalizedText = Field(description="Short title of the action.")
    action: LocalizedText = Field(description="What to do, in one or two sentences.")
    rationale: LocalizedText = Field(description="Template that states the numbers behind the action.")


class RuleBase(BaseModel):
    """The validated rule base."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = Field(description="Schema version of the rule file.")
    policy_paths: dict[Category, dict[str, PolicyPath]] = Field(
        description="Per category, the policy paths its rules may use, with their names and the criteria they fit."
    )
    templates: dict[str, LocalizedText] = Field(
        default_factory=dict, description="Shared texts, reused by rules through YAML anchors."
    )
    rules: tuple[Rule, ...] = Field(description="The rules, in file order.")

    def rules_for(self, category: str, criterion: str, indicator: str | None = None) -> list[Rule]:
        """Rules answering a weakness: the indicator's own rules if there are any, else the criterion's."""
        if indicator is not None:
            specific = [r for r in self.rules if r.category == category and r.indicator == indicator]
            if specific:
                return specific
        return [r for r in self.rules if r.category == category and r.criterion == criterion]

    def coverage_gaps(self, categories: Iterable[str], criteria: Iterable[str]) -> list[tuple[str, str]]:
        """(category, criterion) pairs without a criterion-level rule, so some weakness would go unanswered."""
        covered = {(r.category, r.criterion) for r in self.rules if r.criterion is not None}
        criteria = list(criteria)
        return [(c, k) for c in categories for k in criteria if (c, k) not in covered]

    def unused_policy_paths(self) -> list[tuple[str, str]]:
        """(category, policy path) pairs declared in the file that no rule of the category uses."""
        used = {(r.category, r.policy_path) for r in self.rules}
        return [(c, p) for c, paths in self.policy_paths.items() for p in paths if (c, p) not in used]


class _NumberFormatter(string.Formatter):
    """str.format that prints bare floats with a precision suited to their size."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, float) and not format_spec:
            return format_number(value)
        return super().format_field(value, format_spec)


_FORMATTER = _NumberFormatter()


# A number as people read it in a report: 0–3 decimals by magnitude, no trailing zeros (one rule with the units').
format_number = plain_number


def fill_template(template: str, fields: Mapping[str, object]) -> str:
    """Fill a rule text's placeholders; runs of spaces left by an empty unit collapse to one."""
    return " ".join(_FORMATTER.vformat(template, (), fields).split())


def _template_problem(template: str) -> str | None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        return f"malformed template ({exc})"
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        return (
            f"unknown placeholder(s) {', '.join(repr(n) for n in unknown)}; allowed: {', '.join(sorted(PLACEHOLDERS))}"
        )
    try:
        fill_template(template, _SAMPLE_FIELDS)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return f"template cannot be filled ({exc})"
    return None


def _pydantic_problems(prefix: str, exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"] if part != "[key]") or "(whole entry)"
        got = "" if error["type"] == "missing" else f" (got {error['input']!r})"
        problems.append(f"{prefix}field '{field}': {error['msg']}{got}")
    return problems


class _RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    policy_paths: dict[Category, dict[str, PolicyPath]]
    templates: dict[str, LocalizedText] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(min_length=1)


def _rule_problems(
    rule: Rule,
    policy_paths: Mapping[Category, Mapping[str, PolicyPath]],
    indicator_codes: Collection[str],
    criterion_codes: Collection[str],
    criterion_of: Mapping[str, str] | None,
) -> list[str]:
    prefix = f"rule '{rule.id}': "
    problems = []
    if (rule.criterion is None) == (rule.indicator is None):
        problems.append(f"{prefix}field 'criterion'/'indicator': give exactly one of the two")
    if rule.criterion is not None and rule.criterion not in criterion_codes:
        problems.append(
            f"{prefix}field 'criterion': unknown criterion code {rule.criterion!r} "
            f"(known: {', '.join(sorted(criterion_codes))})"
        )
    if rule.indicator is not None and rule.indicator not in indicator_codes:
        problems.append(f"{prefix}field 'indicator': unknown indicator code {rule.indicator!r}")
    paths = policy_paths.get(rule.category, {})
    if rule.policy_path not in paths:
        problems.append(
            f"{prefix}field 'policy_path': {rule.policy_path!r} is not a policy path of category "
            f"{rule.category!r} (declared: {', '.join(paths) or 'none'})"
        )
    else:
        # The theme must fit the weakness it answers: the rule's criterion, or its indicator's (known from the tree).
        path = paths[rule.policy_path]
        criterion = rule.criterion
        if rule.indicator is not None and criterion_of is not None:
            criterion = criterion_of.get(rule.indicator)
        if criterion is not None and not path.fits(criterion):
            answered = f"indicator {rule.indicator} of {criterion}" if rule.indicator else f"criterion {criterion}"
            problems.append(
                f"{prefix}field 'policy_path': the theme {rule.policy_path!r} ({path.en}) does not fit the "
                f"{answered}; it answers {', '.join(path.criteria or ())} only"
            )
    for field in ("title", "action", "rationale"):
        text: LocalizedText = getattr(rule, field)
        for lang in LANGUAGES:
            problem = _template_problem(text.text(lang))
            if problem:
                problems.append(f"{prefix}field '{field}.{lang}': {problem}")
    return problems


def load_rules(
    path: str | Path | None = None,
    *,
    indicator_codes: Collection[str],
    criterion_codes: Collection[str],
    criterion_of: Mapping[str, str] | None = None,
) -> RuleBase:
    """Load and validate the rule base (default: rules.yaml beside this module) or raise RuleBaseError.

    Every problem found is reported at once, each naming the rule id and the field, so that the service
    refuses to start with a message that says what to fix. Each rule's policy path must fit the criterion it
    answers; for an indicator rule that criterion comes from `criterion_of` (indicator code → criterion code, the
    tree's), and without it only criterion rules are checked.
    """
    source = Path(path) if path is not None else DEFAULT_RULES_PATH
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleBaseError([f"cannot read the rule base ({exc})"], source=source) from exc
    except yaml.YAMLError as exc:
        raise RuleBaseError([f"not valid YAML ({exc})"], source=source) from exc
    try:
        rule_file = _RuleFile.model_validate(document)
    except ValidationError as exc:
        raise RuleBaseError(_pydantic_problems("", exc), source=source) from exc

    problems: list[str] = []
    for category, paths in rule_file.policy_paths.items():
        for key, policy_path in paths.items():
            unknown = [c for c in policy_path.criteria or () if c not in criterion_codes]
            if unknown:
                problems.append(
                    f"policy path '{category}.{key}': field 'criteria': unknown criterion code(s) {', '.join(unknown)}"
                )
    for name, text in rule_file.templates.items():
        for lang in LANGUAGES:
            problem = _template_problem(text.text(lang))
            if problem:
                problems.append(f"template '{name}': field '{lang}': {problem}")
    rules: list[Rule] = []
    seen: set[str] = set()
    for position, raw in enumerate(rule_file.rules, start=1):
        rule_id = raw.get("id")
        prefix = f"rule '{rule_id}': " if isinstance(rule_id, str) else f"rule #{position} (no id): "
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(prefix, exc))
            continue
        if rule.id in seen:
            problems.append(f"{prefix}field 'id': duplicate id")
        seen.add(rule.id)
        problems.extend(_rule_problems(rule, rule_file.policy_paths, indicator_codes, criterion_codes, criterion_of))
        rules.append(rule)
    if problems:
        raise RuleBaseError(problems, source=source)
    return RuleBase(
        version=rule_file.version,
        policy_paths=rule_file.policy_paths,
        templates=rule_file.templates,
        rules=tuple(rules),
    )
