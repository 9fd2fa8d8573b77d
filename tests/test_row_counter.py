"""A row's sequence number is not a field: a counter column («№ п/п», a blank heading, a «Номер» that counts 1, 2,
3…) is never mapped by itself nor part of a case's identity, so a re-sorted and renumbered log adds nothing."""

import pytest

from safety.files.tables import counts_up
from safety.incidents.imports.pipeline import import_incidents

from conftest import DATA

LOGS = DATA / "logs"


def _resorted(data: bytes) -> bytes:
    """The log with its rows in reverse order and the counter renumbered from 1, as a re-sorted copy would be."""
    header, *rows = data.decode("utf-8").splitlines()
    rows = [f"{n};{row.split(';', 1)[1]}" for n, row in enumerate(reversed(rows), start=1)]
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


@pytest.mark.parametrize("name", ["log_row_counter.csv", "log_blank_first_heading.csv"])
def test_a_resorted_and_renumbered_log_adds_nothing(world, name):
    store, users, own, _ = world
    officer = users["demo.officer"]
    data = (LOGS / name).read_bytes()
    first = import_incidents(store, officer, data, name, own)
    assert "external_id" not in first.columns  # the counter is no field
    assert (first.imported, first.identical_in_file) == (5, 1)  # rows 2 and 3 differ only in their number
    again = import_incidents(store, officer, _resorted(data), name, own)
    assert (again.imported, again.duplicates) == (0, 5)


def test_a_registration_number_is_still_a_field(world):
    store, users, own, _ = world
    log = "Рег. номер;Дата;Вид происшествия\nНС-7;03.02.2025;микротравма\nНС-2;04.02.2025;микротравма\n"
    result = import_incidents(store, users["demo.officer"], log.encode("utf-8"), "log.csv", own, dry_run=True)
    assert result.columns["external_id"] == "Рег. номер"
    counting = log.replace("НС-7", "1").replace("НС-2", "2").replace("Рег. номер", "Номер")
    result = import_incidents(store, users["demo.officer"], counting.encode("utf-8"), "log.csv", own, dry_run=True)
    assert "external_id" not in result.columns


def test_counting_up_is_whole_numbers_one_apart():
    assert counts_up([1, 2, 3.0, None, "4"]) and counts_up(["7.", "8."])
    assert not counts_up([1, 3]) and not counts_up(["НС-1", "НС-2"]) and not counts_up([5])
