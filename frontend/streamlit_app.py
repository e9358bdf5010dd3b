"""Streamlit front end of the platform (pages in app_pages/); it talks to the services over REST only.

The sidebar holds the language switch and the sign-in; the pages offered follow the signed-in key's role.

Who is signed in after a browser reload: Streamlit keeps nothing of a session across a reload (st.session_state is
new, and the key is never put in the URL or in the browser's storage). The preset key (the embedded admin key of
`make run`, or FRONTEND_API_KEY) signs a newcomer in; once someone in this browser has signed in with another key or
signed out, a cookie that says only that (OWN_KEY_COOKIE, no key, no name) is set, and while it is there a new
session asks for a key instead of using the preset: a reload keeps the person or asks again, never switches to
another key. The cookie is read through st.context.cookies (sent with the session's first request) and written by
a line of JavaScript in the page (Streamlit has no server-side way to set one); it lasts until the browser closes.
"""

from __future__ import annotations

import streamlit as st

from frontend import api, ui
from frontend.i18n import language_switch, t
from shared.errors import DomainError, Unauthorized

st.set_page_config(
    page_title="AMC S&T support evaluation · 集群科技支撑能力评价", page_icon=":material/factory:", layout="wide"
)


OWN_KEY_COOKIE = "amc_own_key"
OWN_KEY_FLAG = "own_key_in_browser"


def own_key_in_browser() -> bool:
    """Whether someone in this browser has left the preset key (signed in with another one or signed out)."""
    return bool(st.session_state.get(OWN_KEY_FLAG)) or st.context.cookies.get(OWN_KEY_COOKIE) == "1"


def _mark_browser() -> None:
    st.session_state[OWN_KEY_FLAG] = True


def _use_key(key: str) -> None:
    """Check a key with the indicator service and keep it (with its role) for this session."""
    try:
        who = api.whoami(key)
    except Unauthorized:
        st.session_state["sign_in_error"] = t("err_unauthorized")
        return
    except DomainError as exc:
        st.session_state["sign_in_error"] = f"{t('err_unavailable')} {exc.detail}"
        return
    st.session_state[api.SESSION_KEY] = key
    st.session_state["who"] = who
    st.session_state.pop("sign_in_error", None)
    if key != api.preset_key():
        _mark_browser()


def _sign_in_with_typed_key() -> None:
    typed = st.session_state.get("typed_key", "").strip()
    if typed:
        _use_key(typed)
    st.session_state["typed_key"] = ""


def _sign_out() -> None:
    for name in (api.SESSION_KEY, "who"):
        st.session_state.pop(name, None)
    st.session_state["signed_out"] = True
    _mark_browser()


def sign_in() -> None:
    """Sidebar: who is signed in, or a field for an API key. The preset key signs a newcomer in, unless this browser
    has left it (see the module's docstring): then a reload asks for a key again."""
    asked_again = False
    if api.SESSION_KEY not in st.session_state and not st.session_state.get("signed_out"):
        preset = api.preset_key()
        if preset and not own_key_in_browser():
            _use_key(preset)
        elif preset:
            asked_again = True
    who = st.session_state.get("who")
    with st.sidebar:
        if st.session_state.get(OWN_KEY_FLAG):
            # The browser's mark, set again on every run (a cookie of this site's path, for this browser session).
            st.html(
                f"<script>document.cookie = '{OWN_KEY_COOKIE}=1; path=/; SameSite=Strict';</script>",
                unsafe_allow_javascript=True,
                width="content",
            )
        if asked_again and who is None:
            st.info(t("sign_in_again"), icon=":material/key:")
        if who is not None:
            st.markdown(f"**{t('signed_in_as')}** {who.name}  \n{t('role')}: `{t('role_' + who.role)}`")
            with st.expander(t("use_other_key")):
                st.text_input(t("api_key"), type="password", key="typed_key", on_change=_sign_in_with_typed_key)
                st.button(t("sign_out"), on_click=_sign_out, key="sign_out")
        else:
            st.text_input(t("api_key"), type="password", key="typed_key", help=t("api_key_help"))
            st.button(t("sign_in"), on_click=_sign_in_with_typed_key, type="primary", key="sign_in")
        if st.session_state.get("sign_in_error"):
            st.error(st.session_state["sign_in_error"])


def pages() -> dict[str, list[st.Page]]:
    """The navigation, section by section, holding only what the signed-in role may use."""
    who = st.session_state.get("who")
    role = who.role if who is not None else None
    home = st.Page("app_pages/home.py", title=t("page_home"), icon=":material/home:", default=True)
    if role is None:
        return {"": [home]}

    def allowed(needed: str) -> bool:
        return api.role_allows(role, needed)

    panel_pages = [
        page
        for page, needed in (
            (st.Page("app_pages/judgments.py", title=t("page_judgments"), icon=":material/balance:"), "expert"),
            (st.Page("app_pages/panel.py", title=t("page_panel"), icon=":material/groups:"), "analyst"),
            (st.Page("app_pages/weights.py", title=t("page_weights"), icon=":material/tune:"), "viewer"),
        )
        if allowed(needed)
    ]
    analysis = [
        st.Page("app_pages/ranking.py", title=t("page_ranking"), icon=":material/leaderboard:"),
        st.Page("app_pages/compare.py", title=t("page_compare"), icon=":material/compare_arrows:"),
        st.Page("app_pages/sensitivity.py", title=t("page_sensitivity"), icon=":material/ssid_chart:"),
        st.Page("app_pages/uncertainty.py", title=t("page_uncertainty"), icon=":material/stacked_line_chart:"),
        st.Page("app_pages/audit.py", title=t("page_audit"), icon=":material/fact_check:"),
        st.Page("app_pages/recommendations.py", title=t("page_recommendations"), icon=":material/lightbulb:"),
    ]
    data = [st.Page("app_pages/data.py", title=t("page_data"), icon=":material/table_view:")]
    if allowed("analyst"):
        data.append(st.Page("app_pages/export.py", title=t("page_export"), icon=":material/download:"))
    return {"": [home], t("section_panel"): panel_pages, t("section_analysis"): analysis, t("section_data"): data}


language_switch()
sign_in()
navigation = st.navigation(pages())
if st.session_state.get("who") is not None:
    with api.shown_errors(stop=False):
        ui.synthetic_note(api.current_key(), api.platform_state(api.current_key()))
navigation.run()
