"""The evidence files of one answer, case or action on a page: a thumbnail for a photo, a download for every file,
a delete for the officer, and an uploader. Drawn only while its popover or expander is open."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from app_pages.ui import lang, store, tr, user
from safety.checklists.schema import item_sort_key
from safety.errors import SafetyError
from safety.evidence.checks import ACCEPTED, MAX_FILE_BYTES, MAX_ITEM_BYTES, MB, PDF, XLSX, megabytes
from safety.evidence.files import (
    assessment_evidence,
    attach_evidence,
    delete_evidence,
    evidence_content,
    list_evidence,
)
from safety.evidence.targets import Target
from safety.i18n import format_datetime, format_number, plain

ICONS = {PDF: ":material/picture_as_pdf:", XLSX: ":material/table:"}  # else a document's icon


def evidence_popover(where: Any, target: Target, files: list[dict[str, Any]], *, editable: bool, key: str) -> None:
    """A compact button (for a checklist answer) that opens the files of the target."""
    box = where.popover(
        tr("evidence.button", count=len(files)), icon=":material/attach_file:", key=f"{key}:open", on_change="rerun"
    )
    if box.open:
        with box:
            evidence_files(target, files, editable=editable, key=key)


def evidence_expander(target: Target, *, editable: bool, key: str) -> None:
    """An expander (for a case or an action) holding the files of the target."""
    files = list_evidence(store(), user(), target)
    box = st.expander(
        f"{tr('evidence.title')} · {len(files)}", icon=":material/attach_file:", key=f"{key}:open", on_change="rerun"
    )
    if box.open:
        with box:
            evidence_files(target, files, editable=editable, key=key)


def assessment_files(assessment_id: int) -> None:
    """A submitted assessment's files, item by item, to see and download: they are frozen with it."""
    files = assessment_evidence(store(), user(), assessment_id)
    if not files:
        return
    count = sum(len(listed) for listed in files.values())
    box = st.expander(
        tr("evidence.of_assessment", count=count),
        icon=":material/attach_file:",
        key=f"ev:{assessment_id}:open",
        on_change="rerun",
    )
    if box.open:
        with box:
            st.caption(tr("evidence.frozen_note"))
            for item_id in sorted(files, key=item_sort_key):
                st.markdown(f"**{plain(item_id)}**")
                target = Target.answer(assessment_id, item_id)
                evidence_files(target, files[item_id], editable=False, key=f"ev:{assessment_id}:{item_id}")


def evidence_files(target: Target, files: list[dict[str, Any]], *, editable: bool, key: str) -> None:
    """The files, each on a line, and (for the officer) the uploader, with what the last upload or delete said."""
    if f"{key}:toast" in st.session_state:
        st.toast(st.session_state.pop(f"{key}:toast"), icon=":material/check:")
    for message in st.session_state.pop(f"{key}:errors", []):
        st.error(message)
    if not files:
        st.caption(tr("evidence.none"))
    for file in files:
        _file_line(file, editable=editable, key=key)
    if editable:
        round_ = st.session_state.get(f"{key}:round", 0)  # a new round is a new, empty uploader
        st.file_uploader(
            tr("evidence.upload", file_limit=megabytes(MAX_FILE_BYTES), item_limit=megabytes(MAX_ITEM_BYTES)),
            type=list(ACCEPTED),
            max_upload_size=megabytes(MAX_FILE_BYTES),  # the browser says so before sending a larger one
            accept_multiple_files=True,
            key=f"{key}:upload:{round_}",
            on_change=_attach,
            args=(target, key, round_),
        )


def _file_line(file: dict[str, Any], *, editable: bool, key: str) -> None:
    """One file: its thumbnail or icon, name, size, who and when; download; delete for the officer."""
    cols = st.columns([1, 4, 2, 2] if editable else [1, 4, 2], vertical_alignment="center")
    if file["thumbnail"]:
        cols[0].image(bytes(file["thumbnail"]), width=64, alt=file["file_name"])
    else:
        cols[0].markdown(ICONS.get(file["content_type"], ":material/description:"))
    size = file["size_bytes"]
    shown = (
        tr("evidence.mb", size=format_number(size / MB, lang(), 1))
        if size >= MB
        else tr("evidence.kb", size=format_number(max(1, round(size / 1024)), lang()))
    )
    when = format_datetime(file["uploaded_at"], lang())
    cols[1].markdown(f"{plain(file['file_name'])}  \n:gray[{shown} · {plain(file['uploaded_by'])} · {when}]")
    cols[2].download_button(
        tr("evidence.download"),
        data=partial(evidence_content, store(), user(), file["id"]),
        file_name=file["file_name"],
        mime=file["content_type"],
        key=f"{key}:{file['id']}:download",
    )
    if editable:
        cols[3].button(
            tr("evidence.delete"),
            key=f"{key}:{file['id']}:delete",
            on_click=_delete,
            args=(file["id"], file["file_name"], key),
        )


def _attach(target: Target, key: str, round_: int) -> None:
    """Attach every file just dropped on the uploader, then offer an empty one; errors show on the next run."""
    done, errors = 0, []
    for uploaded in st.session_state.get(f"{key}:upload:{round_}") or []:
        try:
            attach_evidence(store(), user(), target, uploaded.name, uploaded.getvalue())
        except SafetyError as exc:
            errors.append(exc.render(lang(), quote=plain))
        else:
            done += 1
    st.session_state[f"{key}:errors"] = errors
    if done:
        st.session_state[f"{key}:toast"] = tr("evidence.attached", count=done)
    st.session_state[f"{key}:round"] = round_ + 1
    _keep_open(key)


def _delete(evidence_id: int, file_name: str, key: str) -> None:
    """Delete one file; say so, or why not, on the next run."""
    try:
        delete_evidence(store(), user(), evidence_id)
    except SafetyError as exc:
        st.session_state[f"{key}:errors"] = [exc.render(lang(), quote=plain)]
    else:
        st.session_state[f"{key}:toast"] = tr("evidence.deleted", file=file_name)
    _keep_open(key)


def _keep_open(key: str) -> None:
    """Keep the popover or expander open after a change: its label holds the count of files, and a new label makes
    a new widget, which Streamlit would draw closed."""
    st.session_state[f"{key}:open"] = True
