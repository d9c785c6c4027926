"""The date grammar of the checks: real-world Russian and English forms, roles, look-alike slips."""

from __future__ import annotations

import pytest

from pipeline.checks.dates import (
    DateMention,
    Precision,
    Role,
    assign_roles,
    context_year,
    explaining_confusion,
    find_dates,
    resolve_year,
)

# (text, language, expected (year, month, day), precision). Context year for two-digit years: 1963.
FORMS = [
    # Russian: datelines of records and letters
    ('" 5 " апреля 1963 года', "ru", (1963, 4, 5), "day"),
    ('"5" апреля 1963 года', "ru", (1963, 4, 5), "day"),
    ("«12» декабря 1962 г.", "ru", (1962, 12, 12), "day"),
    ("25 февраля 1963 года", "ru", (1963, 2, 25), "day"),
    ("25 февраля 1963 г.", "ru", (1963, 2, 25), "day"),
    ("1 января 1960 г", "ru", (1960, 1, 1), "day"),
    ("5-го апреля 1963 г.", "ru", (1963, 4, 5), "day"),
    ("31 мая 1961 года", "ru", (1961, 5, 31), "day"),
    ("к 7 ноября 1962 года", "ru", (1962, 11, 7), "day"),
    ("9 мая", "ru", (None, 5, 9), "day"),
    ("1-го мая", "ru", (None, 5, 1), "day"),
    ("3 сент. 1959 г.", "ru", (1959, 9, 3), "day"),
    ("14 окт. 1964 г.", "ru", (1964, 10, 14), "day"),
    ("30 июня 1963 года", "ru", (1963, 6, 30), "day"),
    ("20 июля 1963 года", "ru", (1963, 7, 20), "day"),
    ("22 августа 1963 г.", "ru", (1963, 8, 22), "day"),
    # Russian: numeric and Roman-month forms of footers and registration stamps
    ("5.4.63 г.", "ru", (1963, 4, 5), "day"),
    ("5.4.68 г.", "ru", (1968, 4, 5), "day"),
    ("05.04.1963", "ru", (1963, 4, 5), "day"),
    ("27.XII.62", "ru", (1962, 12, 27), "day"),
    ("14.III.63", "ru", (1963, 3, 14), "day"),
    ("14-III-1963", "ru", (1963, 3, 14), "day"),
    ("2/IV-63", "ru", (1963, 4, 2), "day"),
    # Russian: month and year precision, every case of the month
    ("в апреле 1963 года", "ru", (1963, 4, None), "month"),
    ("апрель 1963 г.", "ru", (1963, 4, None), "month"),
    ("с мая 1962 года", "ru", (1962, 5, None), "month"),
    ("к марту 1961 года", "ru", (1961, 3, None), "month"),
    ("февралём 1960 г.", "ru", (1960, 2, None), "month"),
    ("в 1963 году", "ru", (1963, None, None), "year"),
    ("1963 г.", "ru", (1963, None, None), "year"),
    ("с 1959 года", "ru", (1959, None, None), "year"),
    # English: translations and archive metadata
    ("April 5, 1963", "en", (1963, 4, 5), "day"),
    ("April 5 1963", "en", (1963, 4, 5), "day"),
    ("Apr. 5, 1963", "en", (1963, 4, 5), "day"),
    ("25 February 1963", "en", (1963, 2, 25), "day"),
    ("5th of April, 1963", "en", (1963, 4, 5), "day"),
    ("December 12th, 1962", "en", (1962, 12, 12), "day"),
    ("5.4.63", "en", (1963, 4, 5), "day"),
    ("27.XII.62", "en", (1962, 12, 27), "day"),
    ("on May 1 the", "en", (None, 5, 1), "day"),
    ("9 May", "en", (None, 5, 9), "day"),
    ("in April 1963", "en", (1963, 4, None), "month"),
    ("Sept. 1961", "en", (1961, 9, None), "month"),
    ("in 1963", "en", (1963, None, None), "year"),
    ("APRIL 5, 1963", "en", (1963, 4, 5), "day"),
]


@pytest.mark.parametrize(("text", "lang", "key", "precision"), FORMS)
def test_date_forms(text: str, lang: str, key: tuple, precision: str) -> None:
    found = find_dates(text, lang, context_year=1963)
    assert len(found) == 1, found
    assert found[0].key == key
    assert found[0].precision is Precision(precision)


def test_table_is_large_enough() -> None:
    assert len(FORMS) >= 40
    assert {lang for _, lang, _, _ in FORMS} == {"ru", "en"}


@pytest.mark.parametrize(
    "text",
    ["№ 310", "27-ой годовщины", "2,5 млн.", "No. 310", "l. 12-13", "f. 5, op. 30, d. 411", "1.2.3.4"],
)
def test_not_dates(text: str) -> None:
    lang = "en" if text.isascii() else "ru"
    assert find_dates(text, lang, 1963) == []


@pytest.mark.parametrize(("text", "lang", "key"), [("35 April 1963", "en", (1963, 4, 35)),
                                                   ("28.17.72 г.", "ru", (1972, 17, 28)),
                                                   ("31 февраля 1963 г.", "ru", (1963, 2, 31))])  # fmt: skip
def test_impossible_dates_are_kept_as_slips(text: str, lang: str, key: tuple) -> None:
    (d,) = find_dates(text, lang, 1963)
    assert not d.valid and d.as_date() is None and d.key == key


@pytest.mark.parametrize(("text", "lang", "date"), [("Беседа состоялась 25 февраля 1963 года в посольстве.", "ru",
                                                    "25 февраля 1963 года"),
                                                   ("It was agreed in 1962 already.", "en", "1962")])  # fmt: skip
def test_spans_point_into_the_text(text: str, lang: str, date: str) -> None:
    (d,) = find_dates(text, lang, 1963)
    assert text[d.span[0] : d.span[1]] == d.text == date


@pytest.mark.parametrize(("digits", "context", "year"), [(63, 1963, 1963), (68, 1963, 1968), (5, 1998, 2005),
                                                         (98, 2003, 1998), (12, 1950, 1912)])  # fmt: skip
def test_two_digit_years_resolve_near_the_context(digits: int, context: int, year: int) -> None:
    assert resolve_year(digits, context) == year


def test_two_digit_year_follows_the_document() -> None:
    assert find_dates("5.4.05 г.", "ru", 1998)[0].year == 2005
    assert find_dates("5.4.05 г.", "ru", 1908)[0].year == 1905


def test_context_year_is_the_most_frequent() -> None:
    assert context_year(["1962 г., 25 февраля 1963 года, 5 апреля 1963 года"], "ru") == 1963
    assert context_year(["нет дат"], "ru", default=1950) == 1950


def test_roles_header_event_footer() -> None:
    text = (
        "Из дневника\nИ.И.ИВАНОВА\n\nСекретно\n\"5\" апреля 1963 года\n№ 122\n\nЗАПИСЬ БЕСЕДЫ\n\n"
        "25 февраля 1963 года\n\nВ беседе 1 марта 1963 года посол сказал, что делегация приедет 9 мая.\n\n"
        "*Доложено 7.4.63*\n\n2 147.\n5.4.63 г."
    )
    hand = text.index("*Доложено")
    mentions = assign_roles(find_dates(text, "ru", 1963), text, head_lines=12, foot_lines=10, line_chars=30,
                            skip=[(hand, hand + 18)])  # fmt: skip
    roles = {m.text: m.role for m in mentions}
    assert roles['"5" апреля 1963 года'] is Role.HEADER
    assert roles["25 февраля 1963 года"] is Role.EVENT
    assert roles["5.4.63 г."] is Role.FOOTER
    assert roles["1 марта 1963 года"] is Role.BODY  # inside a sentence, not a dateline
    assert roles["7.4.63"] is Role.BODY  # handwritten


def _one(text: str, lang: str) -> DateMention:
    (d,) = find_dates(text, lang, 1963)
    return d


@pytest.mark.parametrize(
    ("written", "lang", "truth", "explained"),
    [
        ("5.4.68 г.", "ru", "5 April 1963", ("8", "3")),
        ("17 апреля 1963 года", "ru", "11 April 1963", ("7", "1")),
        ("5 апреля 1968 года", "ru", "5 April 1963", ("8", "3")),
        ("6.4.63", "en", "5 April 1963", ("6", "5")),
        ("5.4.64 г.", "ru", "5 April 1963", None),  # 4 for 3 is not a look-alike
        ("12.4.63 г.", "ru", "5 April 1963", None),  # two characters differ
    ],
)
def test_look_alike_explains_a_slip(written: str, lang: str, truth: str, explained: tuple | None) -> None:
    c = explaining_confusion(_one(written, lang), _one(truth, "en"), 1963)
    assert (c.left, c.right) == explained if explained else c is None
