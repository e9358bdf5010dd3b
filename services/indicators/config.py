"""Settings of the indicator service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from shared.settings import CommonSettings


class IndicatorsSettings(CommonSettings):
    database_url: str = Field(default="", description="SQLAlchemy URL; default: SQLite file under DATA_DIR.")
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0, description="Largest import file accepted.")

    def model_post_init(self, __context: object) -> None:
        super().model_post_init(__context)
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'indicators.sqlite3').resolve()}"


@lru_cache
def get_settings() -> IndicatorsSettings:
    return IndicatorsSettings()
