"""Random consistency index (RI) tables used to turn an AHP consistency index into a consistency ratio."""

from __future__ import annotations

from typing import get_args

import numpy as np

from shared.errors import InvalidInput
from shared.pairwise import SAATY_RANDOM_INDEX
from shared.schemas.vocabulary import RiTable

Loc = tuple[str | int, ...]

SAATY = SAATY_RANDOM_INDEX

TUMMALA_LING: dict[int, float] = {
    3: 0.5799, 4: 0.8921, 5: 1.1159, 6: 1.2358, 7: 1.3322, 8: 1.3952, 9: 1.4537,
    10: 1.4882, 11: 1.5117, 12: 1.5356, 13: 1.5571, 14: 1.5714, 15: 1.5831,
}  # fmt: skip

# Published only at these n; values in between are interpolated linearly.
DONEGAN_DODD: dict[int, float] = {
    3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171, 9: 1.3733,
    10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969,
    16: 1.5078, 17: 1.5153, 18: 1.5262, 19: 1.5313, 20: 1.5371, 25: 1.5619,
    30: 1.5772, 40: 1.5976, 50: 1.6102, 60: 1.6178, 70: 1.6237, 80: 1.6277,
    90: 1.6213, 100: 1.6339,
}  # fmt: skip

# The values of every table the vocabulary (RiTable) names, but alonso_lamata's, which is a formula.
_TABULATED: dict[str, dict[int, float]] = {
    "saaty": SAATY,
    "donegan_dodd": DONEGAN_DODD,
    "tummala_ling": TUMMALA_LING,
}

RI_TABLES: tuple[RiTable, ...] = get_args(RiTable)


def alonso_lamata(n: int) -> float:
    """Alonso and Lamata's (2006) linear fit of the random index, valid for any n >= 3."""
    return (1.7699 * n - 4.3513) / (n - 1)


def random_index(n: int, table: str = "saaty", *, loc: Loc = ("ri_table",)) -> float:
    """Random index of an n x n comparison matrix from the named table; 0 for n = 1 and 2."""
    if table not in RI_TABLES:
        msg = f"unknown random index table {table!r}; choose one of {', '.join(RI_TABLES)}"
        raise InvalidInput(msg, errors=[{"loc": list(loc), "msg": msg}])
    if n < 1:
        msg = f"a comparison needs at least one item, got n = {n}"
        raise InvalidInput(msg, errors=[{"loc": list(loc), "msg": msg}])
    if n <= 2:
        return 0.0
    if table == "alonso_lamata":
        return alonso_lamata(n)
    values = _TABULATED[table]
    largest = max(values)
    if n > largest:
        msg = f"the {table!r} random index table covers n up to {largest}; this comparison has n = {n}"
        raise InvalidInput(msg, errors=[{"loc": list(loc), "msg": msg}])
    if n in values:
        return values[n]
    return float(np.interp(n, list(values), list(values.values())))
