"""One name, one place: the domain's vocabulary is declared in shared.schemas.vocabulary, and nowhere else.

Everything else takes the Literals from there, with `typing.get_args` where it needs the values; these tests read
the source of services/, shared/ and frontend/ for copies.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest

from shared.schemas import vocabulary

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ("services", "shared", "frontend")
VOCABULARY_FILE = ROOT / "shared" / "schemas" / "vocabulary.py"

WORDS: dict[str, frozenset[str]] = {
    name: frozenset(get_args(value)) for name, value in vars(vocabulary).items() if get_origin(value) is Literal
}
# A tuple, list or set of exactly a vocabulary's words (in any order) anywhere in the source is a copy.
# One-word vocabularies are left out: a single word in a list is a value, not a copy of a list.
LIST_WORDS: dict[str, frozenset[str]] = {name: words for name, words in WORDS.items() if len(words) > 1}


def source_files() -> Iterator[Path]:
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path != VOCABULARY_FILE:
                yield path


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _is_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Literal") or (
        isinstance(node, ast.Attribute) and node.attr == "Literal"
    )


def copies(source: str) -> list[str]:
    """Each place in `source` that spells out vocabulary words instead of taking them from the vocabulary.

    - a `Literal[...]` with any word of a vocabulary Literal;
    - a tuple, list or set whose elements are exactly the words of a vocabulary (in any order);
    - a class (an Enum, say) whose attributes are assigned exactly those words.
    """
    found: list[str] = []
    literal_slices: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_literal(node.value):
            literal_slices.add(id(node.slice))
            words = set(_strings(node.slice))
            found += [f"line {node.lineno}: Literal with {name}'s words" for name, w in WORDS.items() if words & w]
            continue
        listed: list[ast.expr] | None = None
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and id(node) not in literal_slices:
            listed = node.elts
        elif isinstance(node, ast.ClassDef):
            listed = [s.value for s in node.body if isinstance(s, ast.Assign | ast.AnnAssign) and s.value is not None]
        if not listed or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in listed):
            continue
        words = {e.value for e in listed if isinstance(e, ast.Constant)}
        found += [f"line {node.lineno}: a copy of {name}" for name, w in LIST_WORDS.items() if words == w]
    return found


def test_the_vocabulary_declares_every_word_list_once() -> None:
    assert {"Category", "Direction", "Lang", "Reference", "Tier", "RiTable", "Aggregation", "ScoreMethod"} <= set(WORDS)
    assert all(isinstance(word, str) for words in WORDS.values() for word in words)
    sets = list(WORDS.values())
    assert len(set(sets)) == len(sets), "two vocabulary Literals with the same words"


@pytest.mark.parametrize("path", list(source_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_file_repeats_the_vocabulary(path: Path) -> None:
    assert copies(path.read_text(encoding="utf-8")) == [], "take these from shared.schemas.vocabulary (get_args)"


def test_the_copy_check_finds_what_it_looks_for() -> None:
    # `moderate` is a word of two vocabularies (a tier, and a consensus band as API.md words them).
    assert copies('Tier = Literal["leading", "strong", "moderate", "emerging"]') == [
        "line 1: Literal with ConsensusBand's words",
        "line 1: Literal with Tier's words",
    ]
    assert copies('def f(reference: typing.Literal["fixed"] = "fixed") -> None: ...') == [
        "line 1: Literal with FixedReference's words",
        "line 1: Literal with Reference's words",
    ]
    assert copies('METHODS = ["topsis", "wsm", "vikor", "promethee_ii", "waspas", "edas", "mabac"]') == [
        "line 1: a copy of RankingMethod"
    ]
    assert copies('st.selectbox("RI", ["tummala_ling", "saaty", "donegan_dodd", "alonso_lamata"])') == [
        "line 1: a copy of RiTable"
    ]
    assert copies('class Option(enum.StrEnum):\n    topsis = "topsis"\n    wsm = "wsm"') == [
        "line 1: a copy of FixedReferenceMethod"
    ]
    assert copies('ROLES = ("viewer", "expert", "analyst", "admin")') == ["line 1: a copy of RoleName"]
    assert copies('[c for c in ("basic", "strategic", "cutting_edge") if c]') == ["line 1: a copy of Category"]
    # Deliberate choices are not copies: a subset, a value other than a word list, the vocabulary's own use.
    assert copies('FIRST = ("topsis", "vikor")\nmethod: Method = "topsis"\nDomain = Literal["any", "positive"]') == []
    assert copies("METHODS = get_args(RankingMethod)\nOptions = [None, *get_args(Category)]") == []
