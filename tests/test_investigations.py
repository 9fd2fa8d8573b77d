"""Special investigations: working days of Kazakhstan, the three deadlines, overdue steps and date checks.

Every expected date is worked out by hand from `holidays.country_holidays("KZ")` (package 0.109), printed:
2025: Jan 1–2, Jan 3 (transfer), Jan 7, Mar 8 Sat + Mar 10 observed, Nauryz Mar 21–23 + Mar 24–25 observed,
      May 1, 7, 9, Jun 6, Jul 6 Sun + Jul 7 observed, Aug 30 Sat + Sep 1 observed, Oct 25 Sat + Oct 27 observed,
      Dec 16.
2026: Jan 1 Thu, Jan 2 Fri, Jan 7 Wed, Mar 8 Sun + Mar 9 Mon observed, Nauryz Mar 21 Sat–23 Mon + Mar 24 Tue and
      Mar 25 Wed observed, May 1 Fri, May 7 Thu, May 9 Sat + May 11 Mon observed, May 27 Wed (Eid al-Adha,
      estimated), Jul 6 Mon, Oct 25 Sun + Oct 26 Mon observed, Dec 16 Wed. (No Constitution Day on Aug 30 in 2026.)
"""

from datetime import date

import pytest

from safety.incidents.investigations import (
    Step,
    add_working_days,
    check_dates,
    investigation_steps,
    is_working_day,
    needs_investigation,
    overdue_steps,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 20), True),  # Friday before Nauryz
        (date(2026, 3, 21), False),  # Saturday, Nauryz
        (date(2026, 3, 23), False),  # Monday, Nauryz
        (date(2026, 3, 25), False),  # Wednesday, Nauryz observed (transfer)
        (date(2026, 3, 26), True),  # Thursday, first working day after Nauryz
        (date(2026, 1, 7), False),  # Wednesday, Orthodox Christmas
        (date(2026, 5, 11), False),  # Monday, Victory Day observed
        (date(2026, 2, 14), False),  # plain Saturday
        (date(2026, 2, 16), True),  # plain Monday
        (date(2025, 1, 3), False),  # Friday, transfer day off of 2025
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_add_working_days_zero_returns_start_even_on_a_holiday() -> None:
    assert add_working_days(date(2026, 3, 23), 0) == date(2026, 3, 23)


def test_add_working_days_negative_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 23), -1)


def test_add_working_days_over_weekends_only() -> None:
    # Mon 2 Feb 2026, no holidays in February: Feb 3–6 are 1–4, Feb 9–13 are 5–9, Mon Feb 16 is 10
    assert add_working_days(date(2026, 2, 2), 10) == date(2026, 2, 16)
    # Fri Feb 6: Sat/Sun skipped, Mon Feb 9 is the first working day
    assert add_working_days(date(2026, 2, 6), 1) == date(2026, 2, 9)


def test_investigation_deadline_moves_past_nauryz() -> None:
    # Commission on Fri 20 Mar 2026. Mar 21–22 weekend, Mar 23–25 Nauryz holidays. Working days: Thu 26 (1),
    # Fri 27 (2), Mon 30 (3), Tue 31 (4), Wed Apr 1 (5), Thu 2 (6), Fri 3 (7), Mon 6 (8), Tue 7 (9), Wed Apr 8 (10).
    # Without the holidays it would have been Fri Apr 3: three working days later.
    assert add_working_days(date(2026, 3, 20), 10) == date(2026, 4, 8)


def test_investigation_deadline_over_new_year_and_christmas() -> None:
    # Commission on Wed 31 Dec 2025. Jan 1–2 holidays, Jan 3–4 weekend: Mon 5 (1), Tue 6 (2), Wed 7 Christmas,
    # Thu 8 (3), Fri 9 (4), Mon 12–Fri 16 (5–9), Mon Jan 19 (10). Crosses the year boundary.
    assert add_working_days(date(2025, 12, 31), 10) == date(2026, 1, 19)


def test_investigation_deadline_over_constitution_day_observed() -> None:
    # Commission on Fri 29 Aug 2025. Aug 30 Sat is Constitution Day, observed Mon Sep 1. Tue Sep 2 (1) … Fri 5 (4),
    # Mon 8–Fri 12 (5–9), Mon Sep 15 (10); without the observed Monday it would be Fri Sep 12.
    assert add_working_days(date(2025, 8, 29), 10) == date(2025, 9, 15)


def test_act_due_three_working_days_after_close() -> None:
    # Closed Fri 8 May 2026: May 9–10 weekend, Mon 11 Victory Day observed, Tue 12 (1), Wed 13 (2), Thu May 14 (3)
    assert add_working_days(date(2026, 5, 8), 3) == date(2026, 5, 14)
    # Closed Thu 30 Apr 2026: Fri May 1 holiday, May 2–3 weekend, Mon 4 (1), Tue 5 (2), Wed May 6 (3)
    assert add_working_days(date(2026, 4, 30), 3) == date(2026, 5, 6)


def test_steps_with_every_date() -> None:
    # accident Fri 20 Mar 2026: report due the next calendar day (24 hours), even a Saturday holiday
    steps = investigation_steps(
        date(2026, 3, 20), date(2026, 3, 20), date(2026, 3, 20), date(2026, 4, 8), date(2026, 4, 10)
    )
    assert steps == [
        Step("report", date(2026, 3, 21), date(2026, 3, 20)),
        Step("investigation", date(2026, 4, 8), date(2026, 4, 8)),  # see the Nauryz test
        # closed Wed Apr 8: Thu 9 (1), Fri 10 (2), Mon Apr 13 (3)
        Step("act", date(2026, 4, 13), date(2026, 4, 10)),
    ]
    assert [s.key for s in steps] == [
        "investigation.step.report",
        "investigation.step.investigation",
        "investigation.step.act",
    ]
    assert overdue_steps(steps, date(2026, 12, 31)) == []


def test_steps_without_dates_have_no_deadline_after_the_report() -> None:
    steps = investigation_steps(date(2026, 2, 2), None, None, None, None)
    assert [(s.name, s.due, s.done_on) for s in steps] == [
        ("report", date(2026, 2, 3), None),
        ("investigation", None, None),
        ("act", None, None),
    ]


def test_overdue_against_today() -> None:
    # accident Mon 2 Feb 2026, commission the same day: investigation due Mon Feb 16 (see the weekends test)
    steps = investigation_steps(date(2026, 2, 2), None, date(2026, 2, 2), None, None)
    report, investigation, act = steps
    # the report is due Tue Feb 3: on that day it is not yet overdue, the day after it is
    assert overdue_steps(steps, date(2026, 2, 3)) == []
    assert overdue_steps(steps, date(2026, 2, 4)) == [report]
    # on the due day Feb 16 the investigation is still in time; on Feb 17 it is late; the act has no deadline
    assert overdue_steps(steps, date(2026, 2, 16)) == [report]
    assert overdue_steps(steps, date(2026, 2, 17)) == [report, investigation]
    assert not act.overdue(date(2030, 1, 1))


def test_done_late_is_not_overdue() -> None:
    step = Step("report", date(2026, 2, 3), date(2026, 2, 10))
    assert not step.overdue(date(2026, 3, 1))


@pytest.mark.parametrize(
    ("severity", "injured", "expected"),
    [
        ("severe", 1, True),
        ("fatal", 1, True),
        ("light", 1, False),
        ("light", 2, True),  # group accident, any severity
        (None, 3, True),
        (None, 1, False),
        ("light", 0, False),
    ],
)
def test_needs_investigation(severity: str | None, injured: int, expected: bool) -> None:
    assert needs_investigation(severity, injured) is expected


TODAY = date(2026, 4, 30)
ACCIDENT = date(2026, 3, 20)


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((None, None, None, None), []),
        ((date(2026, 3, 20), date(2026, 3, 20), date(2026, 4, 8), date(2026, 4, 10)), []),
        # the commission may be formed before the report
        ((date(2026, 3, 23), date(2026, 3, 20), None, None), []),
        ((date(2026, 3, 19), None, None, None), ["investigation.order"]),  # report before the accident
        ((None, date(2026, 3, 19), None, None), ["investigation.order"]),  # commission before the accident
        ((None, date(2026, 3, 26), date(2026, 3, 25), None), ["investigation.order"]),  # closed before formed
        ((None, date(2026, 3, 20), date(2026, 4, 8), date(2026, 4, 7)), ["investigation.order"]),  # act before
        ((None, None, date(2026, 4, 8), None), ["investigation.missing_step"]),  # closed without commission
        ((None, date(2026, 3, 20), None, date(2026, 4, 10)), ["investigation.missing_step"]),  # act, not closed
        ((None, date(2026, 3, 20), date(2026, 5, 4), None), ["investigation.future"]),
        (
            (date(2026, 3, 19), None, date(2026, 5, 4), None),
            ["investigation.order", "investigation.missing_step", "investigation.future"],
        ),
    ],
)
def test_check_dates(dates: tuple[date | None, ...], expected: list[str]) -> None:
    assert check_dates(ACCIDENT, *dates, TODAY) == expected


def test_check_dates_accident_in_the_future() -> None:
    assert check_dates(date(2026, 5, 1), None, None, None, None, TODAY) == ["investigation.future"]
