"""Settings every process reads from its environment, once; each service extends them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    """Environment shared by the three services and the front end (see the README's configuration table)."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    env: Literal["development", "test", "production"] = Field(
        default="development", description="`production` enforces an admin key and explicit CORS origins."
    )
    admin_api_key: str | None = Field(default=None, description="Key that is an admin key from the first start.")
    key_hash_secret: str | None = Field(
        default=None,
        description="Secret of the HMAC-SHA256 under which keys appear in Redis; unset: derived from ADMIN_API_KEY.",
    )
    redis_url: str | None = Field(default=None, description="Redis for the shared cache; unset: in-process.")
    indicators_port: int = 8001
    scoring_port: int = 8002
    recommendations_port: int = 8003
    frontend_port: int = 8501
    indicators_url: str = ""
    scoring_url: str = ""
    recommendations_url: str = ""
    data_dir: Path = Path("./var")
    state_dir: Path | None = Field(
        default=None,
        description="Without Redis: a directory all processes share, where the indicator service publishes its state.",
    )
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    http_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Deadline of one call between services, its retries included."
    )
    cors_origins: list[str] = Field(default_factory=list)
    max_request_bytes: int = Field(
        default=25 * 1024 * 1024, gt=0, description="Largest request body any endpoint accepts (larger: 413)."
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per minute and API key on each service (over it: 429); 0: no limit."
    )

    def model_post_init(self, __context: object) -> None:
        if not self.indicators_url:
            self.indicators_url = f"http://127.0.0.1:{self.indicators_port}"
        if not self.scoring_url:
            self.scoring_url = f"http://127.0.0.1:{self.scoring_port}"
        if not self.recommendations_url:
            self.recommendations_url = f"http://127.0.0.1:{self.recommendations_port}"
