"""Landing page."""

from __future__ import annotations

import streamlit as st

st.title("Advanced manufacturing clusters — S&T support evaluation")
st.caption("先进制造业集群科技支撑能力评价")
st.info("The demo data is synthetic. 演示数据为合成数据。")
