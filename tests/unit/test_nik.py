"""NIK rules: 16 digits PP KK CC DDMMYY SSSS, +40 for women, serial not 0000, region a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.nik import NikResult, Sex, mask_nik, normalize_nik, parse_nik
from kiosk.regions import RegionTable

TODAY = dt.date(2026, 11, 28)
DOCUMENTED_ERRORS = {"empty", "length", "not_digits", "bad_date", "serial_zero"}
REGIONS = RegionTable.load()


def parse(text: str) -> NikResult:
    return parse_nik(text, REGIONS, today=TODAY)


def error_codes(result: NikResult) -> list[str]:
    return [problem.code for problem in result.errors]


def test_valid_female_nik_from_koto_tangah() -> None:
    result = parse("1371115708900001")
    assert result.ok and not result.warnings
    assert result.birth_date == dt.date(1990, 8, 17)
    assert result.sex is Sex.FEMALE
    assert (result.province, result.city, result.kecamatan) == ("Sumatera Barat", "Kota Padang", "Koto Tangah")
    assert result.serial == "0001" and result.region_prefix == "137111"


def test_valid_male_nik() -> None:
    result = parse("1371011708900123")
    assert result.ok
    assert result.birth_date == dt.date(1990, 8, 17)
    assert result.sex is Sex.MALE
    assert result.kecamatan == "Padang Selatan"


@pytest.mark.parametrize(("ddmmyy", "born", "sex"), [
    ("410190", dt.date(1990, 1, 1), Sex.FEMALE),  # first female day
    ("711290", dt.date(1990, 12, 31), Sex.FEMALE),  # last female day
    ("290200", dt.date(2000, 2, 29), Sex.MALE),  # 2000 is a leap year
    ("690296", dt.date(1996, 2, 29), Sex.FEMALE),
    ("281126", dt.date(2026, 11, 28), Sex.MALE),  # born today
    ("011226", dt.date(1926, 12, 1), Sex.MALE),  # later this year means a century ago
    ("010150", dt.date(1950, 1, 1), Sex.MALE),
])
def test_birth_dates(ddmmyy: str, born: dt.date, sex: Sex) -> None:
    result = parse(f"137111{ddmmyy}0001")
    assert result.ok, error_codes(result)
    assert (result.birth_date, result.sex) == (born, sex)


@pytest.mark.parametrize("ddmmyy", [
    "290201", "290299",  # 29 February of a year that is not leap
    "320190", "000190", "720190", "400190",  # day 32, 00, 72 (= 32 + 40), 40 (= 00 + 40)
    "151390", "150090",  # month 13, month 00
    "310490", "710490",  # 31 April, for men and women
])
def test_impossible_birth_dates_are_errors(ddmmyy: str) -> None:
    result = parse(f"137111{ddmmyy}0001")
    assert error_codes(result) == ["bad_date"]
    assert result.birth_date is None
    assert result.errors[0].message and result.errors[0].next_step


def test_serial_zero_is_an_error() -> None:
    assert error_codes(parse("1371115708900000")) == ["serial_zero"]


def test_bad_date_and_serial_zero_are_both_reported() -> None:
    assert error_codes(parse("1371113213900000")) == ["bad_date", "serial_zero"]


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"),
    ("   ", "empty"),
    ("13711157O8900001", "not_digits"),  # letter O for zero
    ("1371115708900001a", "not_digits"),
    ("137111570890000", "length"),
    ("13711157089000012", "length"),
    ("\uff11\uff13\uff17\uff11\uff11\uff11\uff15\uff17\uff10\uff18\uff19\uff10\uff10\uff10\uff10\uff11",
     "not_digits"),  # full-width digits from an IME look right but are not ASCII
    ("\u0661\u0663\u0667\u0661\u0661\u0661\u0665\u0667\u0660\u0668\u0669\u0660\u0660\u0660\u0660\u0661",
     "not_digits"),  # Arabic-Indic digits
])
def test_malformed_input(text: str, code: str) -> None:
    result = parse(text)
    assert error_codes(result) == [code]
    assert not result.ok


@pytest.mark.parametrize("text", [
    "1371 1157 0890 0001", "137111.570890.0001", "13-71-11-570890-0001", " 1371115708900001\t",
])
def test_spaces_dots_and_dashes_are_tolerated(text: str) -> None:
    result = parse(text)
    assert result.ok
    assert result.nik == "1371115708900001"


def test_normalize_nik_keeps_everything_else() -> None:
    assert normalize_nik("13 71/11") == "1371/11"


@pytest.mark.parametrize("nik", ["9999995708900001", "1399015708900001", "1371995708900001"])
def test_unknown_region_is_a_warning_not_an_error(nik: str) -> None:
    result = parse(nik)
    assert result.ok
    assert [w.code for w in result.warnings] == ["unknown_region"]
    assert result.birth_date == dt.date(1990, 8, 17)


def test_mask_nik() -> None:
    assert mask_nik("1371115708900001") == "137111********01"
    assert mask_nik("1234") == "****"


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_sixteen_digits_parse_or_give_documented_errors(nik: str) -> None:
    result = parse(nik)
    assert set(error_codes(result)) <= {"bad_date", "serial_zero"}
    assert result.ok == (result.birth_date is not None and nik[12:] != "0000")
    assert [w.code for w in result.warnings] in ([], ["unknown_region"])


@given(st.text(max_size=40))
def test_any_text_never_raises(text: str) -> None:
    result = parse(text)
    assert set(error_codes(result)) <= DOCUMENTED_ERRORS
    if result.ok:
        assert len(result.nik) == 16 and result.nik.isascii() and result.nik.isdigit()


@given(
    born=st.dates(min_value=TODAY.replace(year=TODAY.year - 100) + dt.timedelta(days=1), max_value=TODAY),
    sex=st.sampled_from(Sex),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_birth_date_and_sex_round_trip(born: dt.date, sex: Sex, serial: int) -> None:
    day = born.day + (40 if sex is Sex.FEMALE else 0)
    result = parse(f"137111{day:02d}{born:%m%y}{serial:04d}")
    assert result.ok
    assert (result.birth_date, result.sex) == (born, sex)
