"""The front end's own rules, checked on its source: every text in both languages, REST only."""

from __future__ import annotations

import re
from pathlib import Path

from frontend.i18n import STRINGS

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def test_every_text_has_english_and_chinese() -> None:
    literal = r"\bt\(\s*[\"']([a-z0-9_]+)[\"']\s*[,)]"
    used = {m for path in FRONTEND.rglob("*.py") for m in re.findall(literal, path.read_text())}
    # Keys made from a value: every value they can take.
    used |= {f"role_{r}" for r in ("viewer", "expert", "analyst", "admin")} | {f"saaty_{n}" for n in range(1, 10)}
    used |= {f"category_{c}" for c in ("basic", "strategic", "cutting_edge")}
    used |= {f"tier_{c}" for c in ("leading", "strong", "moderate", "emerging")}
    used |= {f"method_{m}" for m in ("topsis", "wsm", "vikor", "promethee_ii", "waspas", "edas", "mabac")}
    used |= {f"ri_{r}" for r in ("saaty", "alonso_lamata", "donegan_dodd", "tummala_ling")}
    used |= {f"objective_{m}" for m in ("entropy", "critic", "standard_deviation", "merec")}
    used |= {"ahp_eigenvector", "ahp_geometric_mean", "group_aij", "group_aip", "direction_benefit", "direction_cost"}
    used |= {"reference_fixed", "reference_relative", "lang_en", "lang_zh", "download_csv", "download_xlsx"}
    assert used - set(STRINGS) == set()
    for key, (english, chinese) in STRINGS.items():
        assert english, key
        assert chinese, key
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", chinese)), key


def test_the_app_talks_to_the_services_over_rest_only() -> None:
    for path in FRONTEND.rglob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+services\b", path.read_text(), re.MULTILINE), path
