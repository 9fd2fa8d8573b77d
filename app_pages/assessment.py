"""Self-assessment: one rule per tab, every answer saved as it is given, submit, then confirm the actions."""

import datetime as dt

import streamlit as st

from app_pages.evidence_section import evidence_popover
from app_pages.ui import lang, show_error, store, tr, user
from safety.checklists.actions import PRIORITIES, confirm_action, shortened, update_action
from safety.checklists.assessments import open_draft, save_answer, submit_assessment
from safety.checklists.schema import load_checklists
from safety.errors import SafetyError, ValidationFailed
from safety.evidence.files import assessment_evidence
from safety.evidence.targets import Target
from safety.i18n import plain
from safety.register.enterprises import list_enterprises

me = user()
st.title(tr("assessment.title"))
mine = list_enterprises(store(), me)
if not mine:
    st.info(tr("enterprise.none"))
    st.stop()
enterprise = mine[0]
checklists = load_checklists()
names = {cid: c.title.get(lang()) for cid, c in checklists.items()}
checklist_id = st.radio(
    tr("assessment.checklist"), list(names), format_func=names.get, horizontal=True, key="assessment_checklist"
)
with st.expander(tr("assessment.method_title"), icon=":material/help:"):
    st.markdown(tr("assessment.method"))

try:
    draft = open_draft(store(), me, enterprise.bin, checklist_id)
except SafetyError as exc:
    show_error(exc)
    st.stop()
checklist = draft.checklist
TAB_TITLE = 32  # characters of a rule's name on its tab (the part before its dash)
levels = [level.id for level in checklist.scale]
# Each rating in its traffic-light colour: a badge in Streamlit's colours, whose text keeps at least 4.5:1 contrast
# on its tint (WCAG AA); "yellow" is Streamlit's orange, as its yellow text barely reaches that.
LIGHTS = {"green": "green", "yellow": "orange", "red": "red", "na": "gray"}
labels = {level.id: f":{LIGHTS[level.id]}-badge[{plain(level.label.get(lang()))}]" for level in checklist.scale}


def _save(item_id: str) -> None:
    """Save one item from its widgets' current values (called on every change)."""
    state = st.session_state
    try:
        save_answer(
            store(),
            me,
            draft.id,
            item_id,
            rating=state.get(f"{draft.id}:{item_id}:rating"),
            comment=state.get(f"{draft.id}:{item_id}:comment"),
            evidence=state.get(f"{draft.id}:{item_id}:evidence"),
            na_reason=state.get(f"{draft.id}:{item_id}:na"),
        )
    except SafetyError as exc:
        state["assessment_error"] = exc.render(lang(), quote=plain)


answered, total = draft.progress()
st.progress(answered / total, text=tr("assessment.progress", answered=answered, total=total))
if "assessment_error" in st.session_state:
    st.error(st.session_state.pop("assessment_error"))
scores = {score.rule_id: score for score in draft.rule_scores()}
evidence = assessment_evidence(store(), me, draft.id)  # every item's files in one read
st.caption(tr("assessment.autosave"))
rule_names = {r.id: shortened(r.title.get(lang()).split(" – ")[0], TAB_TITLE) for r in checklist.rules}
tab_titles = {  # the rule's number and short name, and how many of its items are answered
    r.id: f"{r.id} · {rule_names[r.id]} · {scores[r.id].answered}/{scores[r.id].total}" for r in checklist.rules
}
# An answer changes its tab's title, and new titles make new tabs, which Streamlit opens at their default: so the
# open rule is remembered and made the default. Only the open tab's items are drawn.
open_rule = st.session_state.get(f"assessment_rule:{draft.id}", checklist.rules[0].id)
tabs = st.tabs(list(tab_titles.values()), default=tab_titles.get(open_rule), on_change="rerun")
for tab, rule in zip(tabs, checklist.rules, strict=True):
    if not tab.open:
        continue
    st.session_state[f"assessment_rule:{draft.id}"] = rule.id
    with tab:
        st.subheader(f"{rule.id}. {rule.title.get(lang())}")
        for item in rule.items:
            answer = draft.answers.get(item.id, {})
            key = f"{draft.id}:{item.id}"
            st.markdown(f"**{item.id}** {item.text.get(lang())}")
            st.caption(item.guidance.get(lang()))
            rating = answer.get("rating")
            st.radio(
                tr("assessment.rating"),
                levels,
                format_func=labels.get,
                horizontal=True,
                key=f"{key}:rating",
                index=levels.index(rating) if rating in levels else None,
                on_change=_save,
                args=(item.id,),
                label_visibility="collapsed",
            )
            left, right, files = st.columns([4, 4, 2], vertical_alignment="bottom")
            left.text_input(
                tr("assessment.comment"),
                value=answer.get("comment") or "",
                key=f"{key}:comment",
                on_change=_save,
                args=(item.id,),
            )
            right.text_input(
                tr("assessment.evidence"),
                value=answer.get("evidence") or "",
                key=f"{key}:evidence",
                on_change=_save,
                args=(item.id,),
            )
            target = Target.answer(draft.id, item.id)
            evidence_popover(files, target, evidence.get(item.id, []), editable=True, key=f"ev:{key}")
            if st.session_state.get(f"{key}:rating") == "na":
                st.text_input(
                    tr("assessment.na_reason"),
                    value=answer.get("na_reason") or "",
                    key=f"{key}:na",
                    on_change=_save,
                    args=(item.id,),
                )
            st.divider()

if st.button(tr("assessment.submit"), type="primary", key="submit_assessment"):
    try:
        st.session_state["proposed"] = submit_assessment(store(), me, draft.id, lang())
    except ValidationFailed as exc:
        show_error(exc, max_problems=10)
    except SafetyError as exc:
        show_error(exc)
    else:
        st.rerun()

proposed = st.session_state.get("proposed")
if proposed:
    priorities = {p: tr("priority." + p) for p in PRIORITIES}
    st.success(tr("assessment.submitted", count=len(proposed)))
    with st.form("proposed_actions"):
        edits = []
        for action in proposed:
            st.markdown(f"**{action.item_id}** · {tr('priority.' + action.priority)}")
            cols = st.columns([3, 2, 1, 1])
            edits.append(
                (
                    action.id,
                    {
                        "title": cols[0].text_input(
                            tr("label.action_title"), value=action.title, key=f"p{action.id}:t"
                        ),
                        "owner": cols[1].text_input(tr("label.owner"), key=f"p{action.id}:o"),
                        "due_on": cols[2].date_input(
                            tr("label.due_on"),
                            value=action.due_on,
                            min_value=dt.date.today(),
                            key=f"p{action.id}:d",
                            format="DD.MM.YYYY",
                        ),
                        "priority": cols[3].selectbox(
                            tr("label.priority"),
                            PRIORITIES,
                            index=PRIORITIES.index(action.priority),
                            format_func=priorities.get,
                            key=f"p{action.id}:p",
                        ),
                    },
                )
            )
        if st.form_submit_button(tr("assessment.confirm_actions"), type="primary"):
            try:
                for action_id, values in edits:
                    update_action(store(), me, action_id, values | {"state": "proposed"})
                    confirm_action(store(), me, action_id)
            except SafetyError as exc:
                show_error(exc)
            else:
                st.session_state.pop("proposed")
                st.success(tr("assessment.actions_confirmed"))
