"""Streamlit front end of the platform (pages in app_pages/); it talks to the services over REST only."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="AMC S&T support evaluation", layout="wide")
home = st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True)
st.navigation([home]).run()
