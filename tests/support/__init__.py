"""What every test suite shares: process launch and readiness, PostgreSQL and Redis helpers, the repo's scripts."""
