"""Checklist files: the shipped ones load; bad files fail naming the file and the path inside it."""

import pytest

from safety.checklists.schema import ChecklistInvalid, load_checklist, load_checklists

from conftest import DATA

FIXTURES = DATA / "checklists"


def test_shipped_checklists_load_with_seven_rules_and_three_languages():
    found = load_checklists()
    assert set(found) == {"golden_rules", "leading_indicators"}
    golden, leading = found["golden_rules"], found["leading_indicators"]
    assert [r.id for r in golden.rules] == [1, 2, 3, 4, 5, 6, 7] == [r.id for r in leading.rules]
    assert all(6 <= len(rule.items) <= 10 for rule in golden.rules)
    assert all(len(rule.items) == 2 for rule in leading.rules)
    for checklist in found.values():
        texts = [checklist.title] + [r.title for r in checklist.rules]
        texts += [t for _, item in checklist.items() for t in (item.text, item.guidance)]
        for text in texts:
            assert text.ru.strip() and text.kk.strip() and text.en.strip()


def test_the_mini_fixture_is_valid():
    mini = load_checklist(FIXTURES / "mini.yaml")
    assert [item.id for _, item in mini.items()] == ["1.1", "1.2", "1.3", "2.1", "2.2"]


@pytest.mark.parametrize(
    ("name", "path", "words"),
    [
        ("bad_unknown_key.yaml", "rules[0] (id 1).items[1] (id 1.2).weight", "unknown key"),
        ("bad_duplicate_item.yaml", "rules[0] (id 1)", "duplicate item id 1.2"),
        ("bad_missing_kk.yaml", "rules[1] (id 2).items[1] (id 2.2).text.kk", "missing"),
    ],
)
def test_bad_files_name_the_file_and_the_path(name, path, words):
    with pytest.raises(ChecklistInvalid) as info:
        load_checklist(FIXTURES / name)
    [problem] = info.value.problems
    assert problem.params["file"] == name and problem.params["path"] == path and words in problem.params["message"]
    text = info.value.render("ru")
    assert name in text and path in text


def test_all_problems_of_all_files_are_collected(tmp_path):
    for name in ("bad_unknown_key.yaml", "bad_missing_kk.yaml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "broken.yaml").write_text("id: x\nrules: [\n", encoding="utf-8")
    with pytest.raises(ChecklistInvalid) as info:
        load_checklists(tmp_path)
    assert {p.params["file"] for p in info.value.problems} == {
        "bad_unknown_key.yaml",
        "bad_missing_kk.yaml",
        "broken.yaml",
    }
