"""Dates as real spreadsheets hold them."""

import datetime as dt

import pytest

from safety.files.dates import parse_date

D = dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        D,
        dt.datetime(2024, 3, 5, 14, 30),
        45356,
        45356.6,
        "45356",
        "2024-03-05",
        "2024-03-05 14:30:00",
        "05.03.2024",
        "5.3.2024",
        "05-03-2024",
        "05/03/2024",
        "05.03.2024 14:30",
        "05.03.2024 г.",
        "05.03.24",
    ],
)
def test_recognised_forms(value):
    assert parse_date(value) == D


def test_month_first_when_asked_or_when_it_cannot_be_a_day():
    assert parse_date("3/5/2024", "mdy") == D
    assert parse_date("3/25/2024") == dt.date(2024, 3, 25)
    assert parse_date("05/03/2024") == D  # ambiguous: the Kazakh default is day first


@pytest.mark.parametrize("value", [None, "", "вчера", "31.02.2024", "13/13/2024", 0, -5, 10**7, True])
def test_not_a_date(value):
    assert parse_date(value) is None
