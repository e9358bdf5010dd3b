"""Rank a year with the typed client and download its annual-review workbook.

    SCORING_URL=http://127.0.0.1:8002 AMC_API_KEY=... python examples/rank_and_export.py 2024 ranking-2024.xlsx

The key comes from AMC_API_KEY (or ADMIN_API_KEY); downloading needs the analyst role.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shared.clients import ScoringClient
from shared.errors import DomainError


def main(year: int, output: Path) -> int:
    scoring = ScoringClient(
        os.environ.get("SCORING_URL", "http://127.0.0.1:8002"),
        api_key=os.environ.get("AMC_API_KEY") or os.environ.get("ADMIN_API_KEY"),
        timeout=120,
    )
    try:
        ranking = scoring.ranking(year)
        print(f"{year}, profile {ranking.profile_name} ({ranking.profile}), dataset {ranking.dataset_version}")
        for row in ranking.results[:10]:
            print(f"{row.rank:>3}  {row.cluster_code:<14} {row.score:.4f}  {row.tier:<9} {row.name}")
        output.write_bytes(scoring.export(year, profile=ranking.profile, format=output.suffix.lstrip(".") or "xlsx"))
        print(f"wrote {output}")
    except DomainError as error:
        print(f"{error.title}: {error.detail}", file=sys.stderr)
        return 1
    finally:
        scoring.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(int(sys.argv[1]), Path(sys.argv[2])))
