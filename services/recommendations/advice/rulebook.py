"""The rule base as the service applies it: its structure checked at start-up, its codes against the live tree.

The indicator codes a rule may name are those of the indicator service's tree, not of a file in the repository, so
the check against them needs that service. At start-up the service reads the tree with ADMIN_API_KEY: when that
works, a rule base that does not fit it (an unknown indicator or criterion code, a rule whose theme does not fit
the criterion of its indicator, a category or criterion without any rule) stops the start with a message naming the
rule and the field. When the indicator service does not answer yet, or no ADMIN_API_KEY is set, only the structure
is checked (YAML, fields, categories, policy paths, templates, the themes of criterion rules) and the check against
the tree runs on the first request, and again whenever the catalogue version changes; a misfit then answers 503
naming the problems rather than giving actions from a rule base that does not fit.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from services.recommendations.rules import CATEGORIES, DEFAULT_RULES_PATH, RuleBase, RuleBaseError, load_rules
from shared.errors import DomainError
from shared.schemas.indicators import CriterionNode, PlatformState

log = logging.getLogger(__name__)


class RuleBaseMisfit(DomainError):
    """The rule base does not fit the indicator tree it would be applied to (a deployment fault, not bad input)."""

    status = 503
    title = "Rule base does not fit the indicator tree"
    type_slug = "rule-base-misfit"


class _AnyCode:
    """Stands for a tree not read yet: every code counts as known, so only the rule base's structure is checked."""

    def __contains__(self, code: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def catalog_token(state: PlatformState) -> str:
    """Changes whenever the clusters or the tree may have changed; with the instance, so databases never mix."""
    return f"{state.instance_id}:{state.catalog_version}"


def fit_rules(path: Path, tree: Sequence[CriterionNode]) -> RuleBase:
    """The rule base checked against `tree`: known codes only, each rule's theme (policy path) fitting the criterion
    of the weakness it answers, and a rule for every category and criterion."""
    criteria = [c.code for c in tree]
    criterion_of = {i.code: c.code for c in tree for i in c.children}
    rule_base = load_rules(
        path, indicator_codes=set(criterion_of), criterion_codes=set(criteria), criterion_of=criterion_of
    )
    gaps = rule_base.coverage_gaps(CATEGORIES, criteria)
    if gaps:
        raise RuleBaseError(
            [f"no rule answers a {category} weakness in criterion {criterion}" for category, criterion in gaps],
            source=path,
        )
    return rule_base


class RuleBook:
    """The rule file, structure-checked on creation (RuleBaseError if broken), fitted to each tree it meets."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or DEFAULT_RULES_PATH
        load_rules(self.path, indicator_codes=_AnyCode(), criterion_codes=_AnyCode())
        # Part of every cached answer's key: a changed rule file never serves answers of the old one.
        self.digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
        self._fitted: tuple[str, RuleBase] | None = None
        self._lock = threading.Lock()

    def fitted(self, tree: Sequence[CriterionNode], *, token: str) -> RuleBase:
        """The rule base fitted to `tree`, checked once per catalogue `token`; RuleBaseError when it does not fit."""
        with self._lock:
            if self._fitted is not None and self._fitted[0] == token:
                return self._fitted[1]
        rule_base = fit_rules(self.path, tree)
        with self._lock:
            self._fitted = (token, rule_base)
        return rule_base

    def for_request(self, tree: Sequence[CriterionNode], *, token: str) -> RuleBase:
        """As `fitted`, with a misfit found at request time answered as a 503 that names the problems."""
        try:
            return self.fitted(tree, token=token)
        except RuleBaseError as exc:
            # The problems, never the rule file's path on this server (a problem detail names no server path).
            raise RuleBaseMisfit("the rule base does not fit the indicator tree: " + "; ".join(exc.problems)) from exc
