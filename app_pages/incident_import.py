"""Import an incident log: choose the sheet and header, map columns and values, check, then import."""

from functools import partial

import streamlit as st

from app_pages.ui import (
    Col,
    choose,
    flash,
    kept,
    lang,
    set_choice,
    show_error,
    show_flashes,
    show_table,
    store,
    template_button,
    titled_metric,
    tr,
    user,
)
from safety.errors import SafetyError
from safety.i18n import format_number, plain
from safety.incidents.imports.history import mapping_profiles, save_mapping_profile
from safety.incidents.imports.mapping import CATEGORICAL, FileOverview, MappingProfile, inspect_file
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import (
    COUNTS,
    ImportResult,
    errors_workbook,
    import_report,
    preview_rows,
    rejected_rows,
)
from safety.incidents.model import FIELDS
from safety.register.enterprises import list_enterprises

me = user()
st.title(tr("import.title"))
st.caption(tr("import.help"))
own = list_enterprises(store(), me)[0].bin
saved = mapping_profiles(store(), me, own)
template_button("inc_template")
upload = st.file_uploader(tr("import.upload"), type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"], key="inc_file")
if upload is None:
    st.stop()
finished = st.session_state.get("inc_done")
if finished and finished["upload"] == upload.file_id:  # this upload is imported: its result, and no second import
    st.success(tr("import.done", count=finished["imported"], id=finished["id"]))
    st.page_link("app_pages/incidents.py", label=tr("import.to_log"), icon=":material/list:")
    st.stop()
data = upload.getvalue()


def overview_of(sheet: str | int | None, header_row: int | None) -> FileOverview:
    """The upload's sheets and header for the mapping step, kept for the session."""
    return kept("inspect", (upload.file_id, sheet, header_row), inspect_file, data, upload.name, sheet, header_row)


def checked(profile: MappingProfile) -> ImportResult:
    """The dry run of this upload with this mapping, kept for the session until the data changes."""
    key = (upload.file_id, profile.model_dump_json(), store().data_version)
    return kept("check", key, import_incidents, store(), me, data, upload.name, own, profile=profile, dry_run=True)


def headed(rows: list[dict]) -> dict[str, Col]:
    """The columns of a preview table, headed in the language: the file's row number, then text as it reads."""
    number = tr("import.col.row")
    first = rows[0] if rows else {}
    return {h: Col.number(h, grouped=False, width="small") if h == number else Col.text(h) for h in first}


left, middle, right = st.columns(3)
profile_names = {"": tr("import.profile_auto")} | {n: n for n in saved}
chosen_profile = choose(left, tr("import.profile"), list(profile_names), "inc_profile", profile_names.__getitem__)
base = saved.get(chosen_profile, MappingProfile())
try:
    overview = overview_of(base.sheet, base.header_row)
    sheet = middle.selectbox(
        tr("import.sheet"), overview.sheets, index=overview.sheets.index(overview.sheet), key="inc_sheet"
    )
    header_row = right.number_input(
        tr("import.header_row"), min_value=1, step=1, key="inc_header", value=overview.header_row or 1
    )
    overview = overview_of(sheet, int(header_row))
except SafetyError as exc:
    show_error(exc)
    st.stop()

st.subheader(tr("import.columns"))
fields = {None: "—"} | {f: tr("incident.col." + f) for f in FIELDS}
mapping = {}
grid = st.columns(3)
for number, heading in enumerate(overview.headings):
    guess = base.columns and next((f for f, h in base.columns.items() if h == heading), None)
    guess = guess or overview.guessed.get(heading)
    # the file's own heading is the label, escaped: a label reads Markdown
    mapping[heading] = choose(
        grid[number % 3], plain(heading), list(fields), f"map:{sheet}:{heading}", fields.__getitem__, guess
    )
columns = {f: h for h, f in mapping.items() if f}
profile = base.model_copy(
    update={"sheet": sheet, "header_row": int(header_row), "columns": columns, "keep_names": "person_name" in columns}
)
try:
    result = checked(profile)
except SafetyError as exc:
    show_error(exc)
    st.stop()

if result.unmapped:
    st.subheader(tr("import.values"))
    values = {f: dict(base.values.get(f, {})) for f in CATEGORICAL}
    skips = {f: list(base.skip_values.get(f, [])) for f in CATEGORICAL}
    for field_name, counts in result.unmapped.items():
        targets = {None: "—", "__skip__": tr("import.skip")} | {
            v: tr(f"{field_name}.{v}") for v in CATEGORICAL[field_name]
        }
        for value, count in counts.items():
            proposed = result.proposals.get(field_name, {}).get(value)  # by the words it holds: to confirm
            label = tr("import.value_of", field=tr("incident.col." + field_name), value=value, count=count)
            target = choose(st, label, list(targets), f"val:{field_name}:{value}", targets.__getitem__, proposed)
            if target == "__skip__":
                skips[field_name].append(value)
            elif target:
                values[field_name][value] = target
    profile = profile.model_copy(
        update={"values": {f: v for f, v in values.items() if v}, "skip_values": {f: v for f, v in skips.items() if v}}
    )
    result = checked(profile)

drop = st.checkbox(tr("import.drop_identical"), key="inc_drop")
report = import_report(result, lang())
st.subheader(tr("import.preview"))
for column, key in zip(st.columns(len(COUNTS)), COUNTS, strict=True):
    titled_metric(column, tr("import.count." + key), format_number(report[key], lang()))
for warning in result.warnings[:10]:
    st.warning(warning.render(lang(), quote=plain))
preview = preview_rows(result, lang())
show_table(preview, headed(preview))
if report["errors"]:
    st.error(tr("import.rejected", count=result.rejected))
    rejected = rejected_rows(result, lang())
    show_table(rejected, headed(rejected))
    st.download_button(
        tr("import.errors_download"),
        data=partial(errors_workbook, result, lang()),
        file_name="import_errors.xlsx",
        key="inc_errors",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

show_flashes()
with st.form("save_profile"):
    name = st.text_input(tr("import.profile_name"), value=chosen_profile or upload.name.rsplit(".", 1)[0])
    if st.form_submit_button(tr("import.profile_save")):
        try:
            save_mapping_profile(store(), me, own, profile.model_copy(update={"name": name}))
        except SafetyError as exc:
            show_error(exc)
        else:  # the saved profile becomes the one in use, and the profile box offers it
            flash("import.profile_saved", name=name)
            set_choice("inc_profile", name)
            st.rerun()

if st.button(
    tr("import.confirm", count=result.imported - (result.identical_in_file if drop else 0)),
    type="primary",
    key="inc_confirm",
    disabled=not result.imported,
):
    bar = st.progress(0.0, text=tr("import.working"))
    try:
        done = import_incidents(
            store(),
            me,
            data,
            upload.name,
            own,
            profile=profile,
            drop_identical=drop,
            progress=lambda share: bar.progress(share, text=tr("import.working")),
        )
    except SafetyError as exc:
        show_error(exc)
    else:
        st.session_state["inc_done"] = {"upload": upload.file_id, "imported": done.imported, "id": done.import_id}
        st.rerun()
