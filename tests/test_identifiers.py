"""The BIN validator: real BINs pass; each kind of mistake fails with its own reason."""

import pytest

from safety.identifiers import bin_problem, check_digit, is_valid_bin, normalise_bin

REAL_BINS = ["940140000385", "950341000052", "961141000023", "070941024691"]


@pytest.mark.parametrize("value", REAL_BINS)
def test_real_bins_pass(value):
    assert bin_problem(value) is None
    assert is_valid_bin(value)


@pytest.mark.parametrize("value", REAL_BINS)
def test_any_changed_last_digit_fails_on_the_check_digit(value):
    for digit in "0123456789":
        if digit == value[-1]:
            continue
        problem = bin_problem(value[:-1] + digit)
        assert problem is not None and problem.key == "bin.check_digit"
        assert problem.params == {"found": digit, "expected": int(value[-1])}


def test_a_changed_inner_digit_fails():
    problem = bin_problem("941140000385")  # 0 -> 1 in the third place moves the sum by 3
    assert problem is not None and problem.key == "bin.check_digit"


def test_eleven_digits_fail_on_length():
    problem = bin_problem("94014000038")
    assert problem is not None and problem.key == "bin.length" and problem.params == {"length": 11}
    assert "12" in problem.render("en") and "11" in problem.render("en")


def test_letters_fail_naming_the_character_and_place():
    problem = bin_problem("9401A0000385")
    assert problem is not None and problem.key == "bin.not_digit"
    assert problem.params == {"char": "A", "position": 5}
    assert "«A»" in problem.render("ru") and "5" in problem.render("ru")


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_fails(value):
    problem = bin_problem(value)
    assert problem is not None and problem.key == "bin.empty"


def test_non_ascii_digits_are_not_digits():
    problem = bin_problem("９40140000385")
    assert problem is not None and problem.key == "bin.not_digit"


def test_second_weights_are_used_when_the_first_sum_is_ten():
    digits = "00000000010"  # first sum: weight 10 × 1 = 10, so the second weights decide: weight 1 × 1 = 1
    assert check_digit(digits) == 1
    assert is_valid_bin(digits + "1")


def test_no_valid_check_digit_is_reported():
    # find a prefix where both sums are 10
    prefix = next(f"{n:011d}" for n in range(10**6) if check_digit(f"{n:011d}") is None)
    problem = bin_problem(prefix + "0")
    assert problem is not None and problem.key == "bin.no_check_digit"


def test_numeric_cells_get_their_leading_zero_back():
    assert normalise_bin(70941024691) == "070941024691"
    assert normalise_bin(70941024691.0) == "070941024691"
    assert normalise_bin(" 070941024691 ") == "070941024691"
    assert normalise_bin("70941024691") == "70941024691"  # text is never padded: a typo stays visible
