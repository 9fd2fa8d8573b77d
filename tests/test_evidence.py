"""Evidence files: types judged by content, both limits, who may see and change them, frozen with a submitted
assessment, audited deletes, uploads at once that never pass the limit together, files gone with their case, a
backup that carries them byte for byte, and the uploader on the pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pytest
from PIL import Image

from safety.access.auth import user_from_row
from safety.access.roles import SYSTEM, Role, User
from safety.backup import restore_backup, write_backup
from safety.checklists.actions import create_action
from safety.checklists.assessments import open_draft, save_answer, submit_assessment
from safety.db import Store
from safety.db import users as users_sql
from safety.demo import remove_demo
from safety.errors import NotFound, PermissionDenied
from safety.evidence import files as evidence_files
from safety.evidence.checks import (
    DOCX,
    JPEG,
    MAX_FILE_BYTES,
    MAX_ITEM_BYTES,
    MB,
    PDF,
    PNG,
    XLSX,
    EvidenceRefused,
    check_file,
    clean_name,
)
from safety.evidence.files import (
    assessment_evidence,
    attach_evidence,
    delete_evidence,
    evidence_content,
    fetch_evidence,
    list_evidence,
)
from safety.evidence.targets import EvidenceFrozen, Target
from safety.i18n import LANGUAGES, plain, t
from safety.incidents.log import add_incident, delete_incident
from safety.register.enterprises import list_enterprises

from conftest import at_once


def image(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), mode: str = "RGB") -> bytes:
    """A small picture made here, not kept as a file."""
    out = io.BytesIO()
    Image.new(mode, size, (200, 60, 30) if mode == "RGB" else None).save(out, format=fmt)
    return out.getvalue()


def pdf(size: int = 400) -> bytes:
    """A PDF-shaped file of about `size` bytes (its header and its end are what the check reads)."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"0" * max(0, size - len(head) - len(tail)) + tail


def xlsx() -> bytes:
    """A one-cell workbook."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Акт проверки"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office(main_type: str, main_part: str, extra: tuple[str, ...] = ()) -> bytes:
    """A minimal Office zip: its content-types index naming the main part, the part itself and any extra parts."""
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", index)
        archive.writestr(main_part, "<document/>")
        for name in extra:
            archive.writestr(name, b"\0")
    return out.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def docx() -> bytes:
    """A minimal Word document."""
    return office(DOCX_MAIN, "word/document.xml")


@pytest.fixture
def parts(world):
    """The demo store, its users, the officer's draft assessment, a case and an action of the officer's enterprise."""
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "golden_rules")
    case = add_incident(store, officer, own, {"occurred_on": dt.date(2026, 3, 2), "kind": "near_miss"})
    action = create_action(store, officer, own, {"title": "Заменить ограждение", "due_on": dt.date(2026, 12, 1)})
    return store, users, draft, case, action


# --- what a file is, by its content


@pytest.mark.parametrize(
    ("name", "make", "kind", "stored_as", "thumbnail"),
    [
        ("склад.JPG", lambda: image("JPEG"), JPEG, "склад.jpg", True),
        ("схема.png", lambda: image("PNG", mode="RGBA"), PNG, "схема.png", True),
        ("акт.pdf", pdf, PDF, "акт.pdf", False),
        ("журнал.xlsx", xlsx, XLSX, "журнал.xlsx", False),
        ("приказ.docx", docx, DOCX, "приказ.docx", False),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content(name, make, kind, stored_as, thumbnail):
    data = make()
    checked = check_file(name, data)
    assert (checked.content_type, checked.file_name, checked.size_bytes) == (kind, stored_as, len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert (checked.thumbnail is not None) == thumbnail
    if thumbnail:
        small = Image.open(io.BytesIO(checked.thumbnail))
        assert max(small.size) <= 320 and small.format == ("PNG" if kind == PNG else "JPEG")


def test_a_renamed_file_is_typed_by_its_content_and_named_for_it():
    assert (check_file("scan.jpg", pdf()).content_type, check_file("scan.jpg", pdf()).file_name) == (PDF, "scan.pdf")
    assert check_file("фото без расширения", image()).file_name == "фото без расширения.jpg"
    assert check_file("акт 12.03.2026", pdf()).file_name == "акт 12.03.2026.pdf"  # a date is no extension


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("photo.jpg", "Это не фото, а текст.\n".encode(), "evidence.bad_type"),
        ("photo.jpg", image("JPEG")[:300], "evidence.broken_image"),  # starts as a JPEG, cut short
        ("plan.png", image("PNG")[:40], "evidence.broken_image"),
        ("photo.jpg", b"\xff\xd8\xff" + b"garbage" * 20, "evidence.broken_image"),
        ("act.pdf", b"%PDF-1.4\n" + b"0" * 100, "evidence.broken_pdf"),
        ("book.xlsx", office(XLSM_MAIN, "xl/workbook.xml", ("xl/vbaProject.bin",)), "evidence.macros"),
        ("book.xlsx", b"PK\x03\x04" + b"\0" * 60, "evidence.broken_office"),
        ("archive.docx", office("application/xml", "data.xml"), "evidence.bad_type"),  # a zip, but no document
        ("page.html", b"<html><script>alert(1)</script></html>", "evidence.bad_type"),
        ("empty.pdf", b"", "evidence.empty"),
    ],
)
def test_a_file_whose_content_is_not_what_is_accepted_is_refused(name, data, key):
    with pytest.raises(EvidenceRefused) as refused:
        check_file(name, data)
    assert refused.value.key == key
    for lang in LANGUAGES:  # every language names the file
        assert name.rsplit(".", 1)[0] in refused.value.render(lang)
        assert refused.value.render(lang) != key


def test_a_huge_image_is_refused_before_it_is_decoded():
    flat = image("PNG", size=(8000, 8000), mode="L")  # 64 million pixels in a few kilobytes
    with pytest.raises(EvidenceRefused) as refused:
        check_file("plan.png", flat)
    assert refused.value.key == "evidence.too_many_pixels" and refused.value.params["pixels"] == 64


def test_file_names_are_cleaned():
    assert clean_name("C:\\Users\\Иван\\Desktop\\акт.pdf", PDF) == "акт.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("a\u202eb\u200bc\x00d.pdf", PDF) == "abcd.pdf"  # bidi, zero-width and control characters
    assert clean_name('what?<is>:"this"|*.png', PNG) == "what__is___this___.png"
    assert clean_name("  много   пробелов .pdf", PDF) == "много пробелов.pdf"
    assert clean_name("...", PNG) == "file.png"
    assert len(clean_name("я" * 500 + ".pdf", PDF)) == 104


# --- the limits


def test_a_file_over_ten_megabytes_is_refused_in_every_language(parts):
    store, users, _, case, _ = parts
    with pytest.raises(EvidenceRefused) as refused:
        attach_evidence(store, users["demo.officer"], Target.incident(case["id"]), "скан.pdf", pdf(MAX_FILE_BYTES + 1))
    assert refused.value.key == "evidence.too_large"
    assert refused.value.params == {"file": "скан.pdf", "size": 11, "limit": 10}
    assert "«скан.pdf»" in refused.value.render("ru") and "11" in refused.value.render("kk")
    attach_evidence(store, users["demo.officer"], Target.incident(case["id"]), "ровно.pdf", pdf(MAX_FILE_BYTES))


def test_a_record_holds_at_most_fifty_megabytes(parts):
    store, users, _, _, action = parts
    officer, target = users["demo.officer"], Target.action(action["id"])
    for number in range(5):
        attach_evidence(store, officer, target, f"часть {number}.pdf", pdf(MAX_FILE_BYTES))
    with pytest.raises(EvidenceRefused) as refused:
        attach_evidence(store, officer, target, "ещё.pdf", pdf(1000))
    assert refused.value.key == "evidence.item_full" and refused.value.params["total"] == 51
    assert "«ещё.pdf»" in refused.value.render("ru")
    assert sum(f["size_bytes"] for f in list_evidence(store, officer, target)) == MAX_ITEM_BYTES
    other = Target.answer(parts[2].id, "1.1")  # the limit is per record: another one still takes files
    attach_evidence(store, officer, other, "ещё.pdf", pdf(1000))


@pytest.mark.parametrize("round_", range(2))
def test_uploads_at_once_to_one_record_never_pass_the_limit_together(parts, round_):
    store, users, draft, _, _ = parts
    officer, target = users["demo.officer"], Target.answer(draft.id, "2.1")
    size = 9 * MB  # five fit in 50 MB, the sixth does not
    stored, errors = at_once(8, lambda n: attach_evidence(store, officer, target, f"скан {n}.pdf", pdf(size + n)))
    assert len(stored) == 5 and len(errors) == 3
    assert all(isinstance(e, EvidenceRefused) and e.key == "evidence.item_full" for e in errors)
    kept = list_evidence(store, officer, target)
    assert len(kept) == 5 and sum(f["size_bytes"] for f in kept) <= MAX_ITEM_BYTES
    assert store.query("SELECT count(*) FROM audit_log WHERE action = 'evidence.attach'") == [(5,)]


# --- who may do what


def test_the_officer_attaches_and_everyone_who_sees_the_record_downloads(parts):
    store, users, draft, case, action = parts
    photo = image()
    for target in (Target.answer(draft.id, "1.1"), Target.incident(case["id"]), Target.action(action["id"])):
        stored = attach_evidence(store, users["demo.officer"], target, "фото.jpg", photo)
        assert "content" not in stored and stored["thumbnail"] and stored["uploaded_by"] == "demo.officer"
        for name in ("demo.officer", "demo.head", "demo.region", "demo.admin"):
            [listed] = list_evidence(store, users[name], target)
            assert listed["file_name"] == "фото.jpg" and "content" not in listed
            assert evidence_content(store, users[name], listed["id"]) == photo
            assert fetch_evidence(store, users[name], listed["id"])["sha256"] == hashlib.sha256(photo).hexdigest()
        for name in ("demo.head", "demo.region", "demo.admin"):
            with pytest.raises(PermissionDenied):
                attach_evidence(store, users[name], target, "фото.jpg", photo)
            with pytest.raises(PermissionDenied):
                delete_evidence(store, users[name], stored["id"])
    assert set(assessment_evidence(store, users["demo.region"], draft.id)) == {"1.1"}


def test_another_enterprise_sees_nothing_and_changes_nothing(parts, world):
    store, users, draft, case, _ = parts
    stored = attach_evidence(store, users["demo.officer"], Target.incident(case["id"]), "акт.pdf", pdf())
    with store.cursor() as cur:
        other_id = cur.execute("SELECT id FROM enterprises WHERE bin = ?", [world[3]]).fetchall()[0][0]
    stranger = User(id=None, username="чужой", full_name="Чужой", role=Role.SAFETY_OFFICER, enterprise_id=other_id)
    for call in (
        lambda: list_evidence(store, stranger, Target.incident(case["id"])),
        lambda: fetch_evidence(store, stranger, stored["id"]),
        lambda: delete_evidence(store, stranger, stored["id"]),
        lambda: attach_evidence(store, stranger, Target.incident(case["id"]), "x.pdf", pdf()),
        lambda: attach_evidence(store, stranger, Target.answer(draft.id, "1.1"), "x.pdf", pdf()),
        lambda: fetch_evidence(store, stranger, 999_999),  # a missing file is refused as another's would be
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(NotFound):
        fetch_evidence(store, users["demo.region"], 999_999)
    with pytest.raises(NotFound):
        attach_evidence(store, SYSTEM, Target.incident(999_999), "x.pdf", pdf())


def test_an_answer_takes_files_only_for_an_item_of_its_checklist(parts):
    store, users, draft, _, _ = parts
    with pytest.raises(NotFound) as missing:
        attach_evidence(store, users["demo.officer"], Target.answer(draft.id, "9.99"), "x.pdf", pdf())
    assert missing.value.key == "assessment.no_item"


def test_a_submitted_assessments_evidence_is_frozen(parts):
    store, users, draft, _, _ = parts
    officer = users["demo.officer"]
    kept = attach_evidence(store, officer, Target.answer(draft.id, "1.1"), "обход.jpg", image())
    for _, item in draft.checklist.items():
        save_answer(store, officer, draft.id, item.id, rating="green")
    submit_assessment(store, officer, draft.id)
    with pytest.raises(EvidenceFrozen) as frozen:
        attach_evidence(store, officer, Target.answer(draft.id, "1.2"), "поздно.pdf", pdf())
    assert "«поздно.pdf»" in frozen.value.render("ru") and "поздно.pdf" in frozen.value.render("kk")
    with pytest.raises(EvidenceFrozen):
        delete_evidence(store, officer, kept["id"])
    assert [f["file_name"] for f in assessment_evidence(store, users["demo.head"], draft.id)["1.1"]] == ["обход.jpg"]


def test_submitting_while_files_are_attached_never_lets_one_in_after(parts):
    """The draft's state is read inside the write that adds a file, so a file lands before the submit or not at
    all, whichever of the two writes goes first."""
    store, users, draft, _, _ = parts
    officer = users["demo.officer"]
    for _, item in draft.checklist.items():
        save_answer(store, officer, draft.id, item.id, rating="green")

    def work(number: int):
        if number == 0:
            return submit_assessment(store, officer, draft.id)
        return attach_evidence(store, officer, Target.answer(draft.id, "3.1"), f"f{number}.pdf", pdf())

    _, errors = at_once(6, work)
    assert all(isinstance(e, EvidenceFrozen) for e in errors)
    [(submitted_at,)] = store.query("SELECT submitted_at FROM assessments WHERE id = ?", [draft.id])
    late = store.query(
        "SELECT count(*) FROM evidence_files WHERE assessment_id = ? AND uploaded_at > ?", [draft.id, submitted_at]
    )
    assert late == [(0,)]


# --- deletes


def test_a_delete_is_audited_in_its_own_transaction(parts, monkeypatch):
    store, users, _, case, _ = parts
    officer, target = users["demo.officer"], Target.incident(case["id"])
    data = pdf()
    stored = attach_evidence(store, officer, target, "акт.pdf", data)

    def broken(cur, rows):
        raise RuntimeError("the audit trail could not be written")

    monkeypatch.setattr(evidence_files.audit_sql, "write", broken)
    with pytest.raises(RuntimeError):
        delete_evidence(store, officer, stored["id"])
    assert [f["id"] for f in list_evidence(store, officer, target)] == [stored["id"]]  # nothing happened
    monkeypatch.undo()
    delete_evidence(store, officer, stored["id"])
    assert list_evidence(store, officer, target) == []
    [row] = store.query_dicts(
        "SELECT username, entity_id, CAST(before AS VARCHAR) AS before FROM audit_log WHERE action = 'evidence.delete'"
    )
    assert row["username"] == "demo.officer" and row["entity_id"] == str(stored["id"])
    assert hashlib.sha256(data).hexdigest() in row["before"] and "акт.pdf" in row["before"]


@pytest.mark.parametrize("round_", range(2))
def test_one_file_deleted_from_many_sessions_at_once_goes_once(parts, round_):
    store, users, _, case, _ = parts
    officer = users["demo.officer"]
    stored = attach_evidence(store, officer, Target.incident(case["id"]), "акт.pdf", pdf())
    done, errors = at_once(8, lambda n: delete_evidence(store, officer, stored["id"]))
    assert len(done) == 1 and len(errors) == 7 and all(isinstance(e, PermissionDenied) for e in errors)
    assert store.query("SELECT count(*) FROM audit_log WHERE action = 'evidence.delete'") == [(1,)]


def test_a_deleted_case_takes_its_files_and_names_them_in_the_audit(parts):
    store, users, _, case, _ = parts
    officer = users["demo.officer"]
    attach_evidence(store, officer, Target.incident(case["id"]), "место.jpg", image())
    delete_incident(store, officer, case["id"])
    assert store.query("SELECT count(*) FROM evidence_files WHERE incident_id = ?", [case["id"]]) == [(0,)]
    [(before,)] = store.query("SELECT CAST(before AS VARCHAR) FROM audit_log WHERE action = 'incident.delete'")
    assert "место.jpg" in before


def test_removing_the_demo_removes_its_files(parts):
    store, users, draft, case, action = parts
    officer = users["demo.officer"]
    for target in (Target.answer(draft.id, "1.1"), Target.incident(case["id"]), Target.action(action["id"])):
        attach_evidence(store, officer, target, "фото.jpg", image())
    remove_demo(store, SYSTEM)
    assert store.query("SELECT count(*) FROM evidence_files") == [(0,)]


# --- backup


def test_an_evidence_file_survives_a_backup_and_restore_byte_for_byte(parts, tmp_path):
    store, users, draft, case, _ = parts
    officer = users["demo.officer"]
    photo, act = image(size=(1600, 1200)), pdf(2 * MB)
    first = attach_evidence(store, officer, Target.answer(draft.id, "1.1"), "фото.jpg", photo)
    second = attach_evidence(store, officer, Target.incident(case["id"]), "акт.pdf", act)
    write_backup(store, SYSTEM, tmp_path / "with_files.vzbackup")
    restore_backup(SYSTEM, tmp_path / "with_files.vzbackup", tmp_path / "restored.duckdb")
    with Store(tmp_path / "restored.duckdb") as restored:
        for stored, data in ((first, photo), (second, act)):
            again = fetch_evidence(restored, SYSTEM, stored["id"])
            assert bytes(again["content"]) == data
            assert hashlib.sha256(bytes(again["content"])).hexdigest() == stored["sha256"] == again["sha256"]
            assert bytes(again["thumbnail"] or b"") == bytes(stored["thumbnail"] or b"")
        restored.check(thorough=True)  # `python -m safety check` reads the BLOBs too
        newer = attach_evidence(restored, SYSTEM, Target.incident(case["id"]), "ещё.pdf", pdf())
        assert newer["id"] > second["id"]  # the sequence moved past the restored ids


# --- the pages


def fetch_user(store: Store, username: str) -> User:
    """A demo account as the library's acting user."""
    with store.cursor() as cur:
        return user_from_row(users_sql.by_username(cur, username))


def _open(at, key: str):
    """Run the page with a popover or expander of files open (a browser keeps it open; AppTest cannot click it)."""
    at.session_state[key + ":open"] = True
    return at.run()


@pytest.fixture
def downloads(monkeypatch):
    """The data of every download button drawn in the last run, by file name (its content asked for at once)."""
    from streamlit.elements.widgets.button import ButtonMixin

    shown: dict[str, bytes] = {}
    original = ButtonMixin.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        shown[file_name] = data() if callable(data) else data
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    return shown


def _shown(at, downloads) -> list[str]:
    """The files the last run drew: their download buttons (by file name), each also named on the page."""
    drawn = sorted(name for name in downloads if any(plain(name) in m.value for m in at.markdown))
    downloads.clear()
    return drawn


def test_the_officer_attaches_a_photo_to_an_answer_on_the_assessment_page(demo_app, downloads):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    draft_id = str(next(r.key for r in at.radio if str(r.key).endswith(":rating"))).split(":")[0]
    assert not at.file_uploader, "the files are drawn only while their popover is open"
    key = f"ev:{draft_id}:1.1"
    _open(at, key)
    [uploader] = at.file_uploader
    assert uploader.allowed_type == [".jpg", ".jpeg", ".png", ".pdf", ".xlsx", ".docx"]
    photo = image()
    uploader.set_value(("обход.jpg", photo, "image/jpeg"))
    _open(at, key)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("evidence.attached", "ru", count=1) in [toast.value for toast in at.toast]
    assert len(at.image) == 1, "the photo shows as a thumbnail"
    assert downloads["обход.jpg"] == photo and _shown(at, downloads) == ["обход.jpg"]
    assert t("evidence.button", "ru", count=1) in [p.proto.popover.label for p in at.get("popover")]
    at.file_uploader[0].set_value(("photo.jpg", b"just text", "image/jpeg"))
    _open(at, key)
    assert [e.value for e in at.error] == [t("evidence.bad_type", "ru", file=plain("photo.jpg"))]
    assert _shown(at, downloads) == ["обход.jpg"]
    at.button(key=next(str(b.key) for b in at.button if str(b.key).endswith(":delete"))).click()
    _open(at, key)
    assert _shown(at, downloads) == [] and not at.error
    assert t("evidence.deleted", "ru", file=plain("обход.jpg")) in [toast.value for toast in at.toast]


def test_a_case_shows_its_files_to_the_region_and_takes_new_ones_from_the_officer(demo_app, downloads):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incidents.py").run()
    picker = at.selectbox(key="inc_case")
    case_id = int(picker.options[0].split(" · ")[0].lstrip("№"))  # the newest case
    picker.set_value(case_id).run()
    key = f"ev:case:{case_id}"
    _open(at, key)
    act = pdf()
    at.file_uploader(key=f"{key}:upload:0").set_value(("акт расследования.pdf", act, "application/pdf"))
    _open(at, key)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _shown(at, downloads) == ["акт расследования.pdf"]
    region = demo_app("demo.region")
    region.switch_page("app_pages/incidents.py").run()
    region.selectbox(key="inc_case").set_value(case_id).run()
    _open(region, key)
    assert not region.exception and not region.file_uploader
    assert not [b for b in region.button if str(b.key).endswith(":delete")]
    assert downloads["акт расследования.pdf"] == act


def test_an_action_takes_files_from_the_officer_and_shows_them_to_the_manager(demo_app, downloads):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/actions.py").run()
    chosen = at.selectbox(key="act_chosen").value
    key = f"ev:action:{chosen}"
    _open(at, key)
    at.file_uploader(key=f"{key}:upload:0").set_value(
        [("ограждение.png", image("PNG"), "image/png"), ("журнал.xlsx", xlsx(), "application/octet-stream")]
    )
    _open(at, key)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("evidence.attached", "ru", count=2) in [toast.value for toast in at.toast]
    assert _shown(at, downloads) == ["журнал.xlsx", "ограждение.png"] and len(at.image) == 1
    head = demo_app("demo.head")
    head.switch_page("app_pages/actions.py").run()
    head.selectbox(key="act_chosen").set_value(chosen).run()
    _open(head, key)
    assert not head.exception and not head.file_uploader and len(head.image) == 1
    assert _shown(head, downloads) == ["журнал.xlsx", "ограждение.png"]


def test_a_submitted_assessments_files_are_shown_on_the_enterprise_card(demo_app, downloads):
    at = demo_app("demo.head")
    with Store(at.db_path) as store:
        officer = fetch_user(store, "demo.officer")
        draft = open_draft(store, officer, list_enterprises(store, officer)[0].bin, "golden_rules")
        for _, item in draft.checklist.items():
            save_answer(store, officer, draft.id, item.id, rating="green")
        attach_evidence(store, officer, Target.answer(draft.id, "1.2"), "инструктаж.pdf", pdf())
        submit_assessment(store, officer, draft.id)
    at.switch_page("app_pages/enterprise.py").run()
    _open(at, f"ev:{draft.id}")
    assert not at.exception and not at.file_uploader
    assert t("evidence.frozen_note", "ru") in [c.value for c in at.caption]
    assert _shown(at, downloads) == ["инструктаж.pdf"]
