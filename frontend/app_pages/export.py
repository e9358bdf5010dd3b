"""Export: the ranking as CSV, XLSX and PDF, made by the scoring service, to take away."""

from __future__ import annotations

from typing import get_args

import streamlit as st

from frontend import api, ui
from frontend.i18n import lang, t
from shared.errors import DomainError
from shared.schemas.plans import NAMED_TARGETS
from shared.schemas.vocabulary import Lang

PAGE = "export"
FORMATS = {
    "csv": ("text/csv", ":material/csv:"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ":material/table:"),
    "pdf": ("application/pdf", ":material/picture_as_pdf:"),
}

ctx = ui.page_context()
st.title(t("page_export"))
st.caption(t("export_intro"))
if not ctx.allows("analyst"):
    st.info(t("needs_role", role=t("role_analyst")))
    st.stop()

year, profile_id, row = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3, 2, 2])
with row[0]:
    language = st.selectbox(
        t("export_language"),
        list(get_args(Lang)),
        index=0 if lang() == "en" else 1,
        format_func=lambda x: t(f"lang_{x}"),
    )
with row[1]:
    plan_target = st.selectbox(
        t("export_plan_target"),
        list(NAMED_TARGETS),
        format_func=lambda kind: t(f"target_{kind}"),
        help=t("export_plan_target_help"),
        key="export_plan_target",
    )

files: dict[str, tuple[bytes, str]] = {}
problem: DomainError | None = None
progress = st.progress(0.0, text=t("preparing_exports"))
for number, fmt in enumerate(FORMATS, start=1):
    try:
        target = plan_target if fmt != "csv" else None  # the CSV has no plans: one file for every target
        files[fmt] = api.export_file(ctx.api_key, year, profile_id, fmt, language, ctx.versions(year), target)
    except DomainError as exc:
        problem = exc
        break
    progress.progress(number / len(FORMATS), text=t("preparing_exports"))
progress.empty()
if problem is not None:
    api.show_error(problem, texts={"missing": t("export_missing")})

columns = st.columns(len(FORMATS))
for column, (fmt, (mime, icon)) in zip(columns, FORMATS.items(), strict=True):
    with column:
        if fmt in files:
            content, name = files[fmt]
            st.download_button(
                t(f"download_{fmt}"),
                data=content,
                file_name=name,
                mime=mime,
                icon=icon,
                key=f"download_{fmt}",
                on_click="ignore",
                width="stretch",
            )
            st.caption(t("file_size", kb=f"{len(content) / 1024:.1f}"))
if files:
    st.info(t("export_synthetic_note"), icon=":material/science:")
