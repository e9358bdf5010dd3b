"""What-if rankings: the score and rank a cluster would reach if one indicator took another value.

Every candidate row (a cluster's stored row with one value changed) is scored in one vectorised call together
with the year's actual rows; on the fixed reference a row's score depends only on its own values, so the other
clusters' scores stay as they are and each candidate is ranked among them exactly as a re-ranking would rank it.
"""

from __future__ import annotations

import numpy as np

from services.scoring.engine.mcda import competition_ranks
from services.scoring.rankings import service
from services.scoring.rankings.compute import fixed_scores
from shared.clients import IndicatorsClient
from shared.decision_matrix import year_matrix
from shared.errors import InvalidInput, NotFound
from shared.schemas.rankings import WhatIfRequest, WhatIfResponse, WhatIfResult


def what_if(indicators: IndicatorsClient, body: WhatIfRequest) -> WhatIfResponse:
    """Score every candidate row of `body` in one call and rank each among the other clusters' current scores."""
    state = indicators.state()
    version = state.version_of(body.year)
    inputs = service.load_inputs(indicators, state, state.profile_id(body.profile))
    dataset = indicators.dataset(body.year, version=version)
    weights = {w.code: w.global_weight for w in inputs.profile.indicators}
    matrix = year_matrix(dataset, inputs.clusters, inputs.tree, weights)

    row_of = {code: i for i, code in enumerate(matrix.codes)}
    column_of = {code: j for j, code in enumerate(matrix.indicator_codes)}
    cluster_codes = [c.cluster_code or body.cluster_code or "" for c in body.candidates]
    absent = [(k, code) for k, code in enumerate(cluster_codes) if code not in row_of]
    if absent:
        reasons = {
            code: "no such cluster" if code not in inputs.clusters else f"no observations in {body.year}"
            for _, code in absent
        }
        raise NotFound(
            f"no {body.year} data for: " + ", ".join(f"{code} ({reason})" for code, reason in sorted(reasons.items())),
            errors=[{"loc": ["body", "candidates", k, "cluster_code"], "msg": reasons[code]} for k, code in absent],
        )
    unknown = [k for k, c in enumerate(body.candidates) if c.indicator not in column_of]
    if unknown:
        raise InvalidInput(
            "unknown indicator code(s): " + ", ".join(sorted({body.candidates[k].indicator for k in unknown})),
            errors=[
                {"loc": ["body", "candidates", k, "indicator"], "msg": "not an indicator of the tree"} for k in unknown
            ],
        )

    m, k = len(matrix.codes), len(body.candidates)
    rows = np.array([row_of[code] for code in cluster_codes])
    columns = np.array([column_of[c.indicator] for c in body.candidates])
    candidates = matrix.values[rows]
    candidates[np.arange(k), columns] = [c.value for c in body.candidates]
    scores, clipped = fixed_scores(matrix, np.vstack([matrix.values, candidates]), body.method)
    current, new = scores[:m], scores[m:]
    # Row j of `trial` is the year's scores with candidate j in its cluster's place: ranking it is a re-ranking.
    trial = np.repeat(current[np.newaxis, :], k, axis=0)
    trial[np.arange(k), rows] = new
    ranks = competition_ranks(trial)[np.arange(k), rows]
    current_ranks = competition_ranks(current)
    return WhatIfResponse(
        year=body.year,
        dataset_version=dataset.version,
        profile=inputs.profile.id,
        method=body.method,
        reference="fixed",
        results=[
            WhatIfResult(
                cluster_code=cluster_codes[j],
                indicator=body.candidates[j].indicator,
                value=body.candidates[j].value,
                current_value=float(matrix.values[rows[j], columns[j]]),
                current_score=float(current[rows[j]]),
                current_rank=int(current_ranks[rows[j]]),
                score=float(new[j]),
                rank=int(ranks[j]),
                rank_gain=int(current_ranks[rows[j]] - ranks[j]),
                score_gain=float(new[j] - current[rows[j]]),
                clipped=bool(clipped[m + j, columns[j]]),
            )
            for j in range(k)
        ],
    )
