"""What every test suite shares: process launch and readiness, PostgreSQL and Redis helpers, the repo's scripts.

Each suite (tests/api, tests/unit, tests/integration, tests/frontend, tests/bench) imports its shared helpers from
here and never from another suite or from a conftest.py; tests/unit/test_layout.py keeps it so.

- `paths`: the repository root and the front end's entry script.
- `environment`: the admin key of the tests, CI-or-laptop (`unavailable`), the indicator service's test settings.
- `database`: migrations and the demo data into a database URL.
- `postgres`: the PostgreSQL admin DSN and a scratch database made and dropped around a block.
- `redis`: the test Redis URL, a private redis-server's command line, a Redis readiness probe.
- `ports`: `free_port`, the only one.
- `readiness`: `wait_until`, the only wait-until-ready loop, and the HTTP probe.
- `processes`: `Managed` (launch, wait ready, stop for sure, start again), uvicorn and streamlit command lines.
- `platform`: the three services as processes wired to each other (the front end's tests and benchmark).
- `scripts`: infra/scripts/*.py imported as modules.
"""
