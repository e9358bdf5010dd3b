"""What the front end's tests share among themselves: opening a page of the app (the platform is tests/support's)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support.platform import Platform

__all__ = ["Platform", "open_page"]


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch the app to `app_pages/<page>.py` and run it; a page must never end in an exception."""
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
