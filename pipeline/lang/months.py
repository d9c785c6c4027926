"""Month names, per language: the one table (``data/months.yaml``) that dates, alignment and
divergence scoring read.

Each language has one regular expression per month (1–12) covering its grammatical cases and
abbreviations; they are matched without regard to letter case.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml


@cache
def _table() -> dict[str, tuple[tuple[int, str], ...]]:
    # Found beside this module like any package data (``data`` is a folder, not a package).
    text = resources.files(__package__).joinpath("data/months.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {lang: tuple((int(k), v) for k, v in table.items()) for lang, table in data.items()}


def month_patterns(lang: str) -> tuple[tuple[int, str], ...]:
    """(month 1–12, regular expression) for each month of ``lang``; KeyError for a language the
    table lacks."""
    return _table()[lang]


def month_alternation(lang: str) -> str:
    """One regular expression for any month name of ``lang``, with a named group per month
    (``m1`` … ``m12``) so that a match says which month it was (``matched_month``)."""
    return "(?:" + "|".join(f"(?P<m{n}>{pattern})" for n, pattern in month_patterns(lang)) + ")"


def matched_month(match: re.Match[str]) -> int | None:
    """The month (1–12) of a match of a pattern built with ``month_alternation``, None when its
    month groups took no part in the match."""
    for name, value in match.groupdict().items():
        if value and name.startswith("m") and name[1:].isdigit():
            return int(name[1:])
    return None


@cache
def _any_month(lang: str) -> re.Pattern[str]:
    return re.compile(month_alternation(lang), re.IGNORECASE)


def month_number(word: str, lang: str | None = None) -> int | None:
    """The month (1–12) that ``word`` names in ``lang`` (``ru``, ``en`` …; None: any), in
    any letter case, grammatical case or abbreviation (``Марта``, ``апр.``, ``Sept``); the marks
    ``.,;:`` around it are ignored. None when ``word`` is no month name."""
    bare = word.strip(".,;:")
    # An abbreviation's full stop is part of it (``мар.``, without which it is no month), so when
    # the word has one it is tried with it first.
    forms = (bare + ".", bare) if bare + "." in word else (bare,)
    for code in (lang,) if lang else tuple(_table()):
        for form in forms:
            match = _any_month(code).fullmatch(form)
            if match:
                return matched_month(match)
    return None


def is_month(word: str, lang: str | None = None) -> bool:
    """Whether ``word`` is a month name of ``lang`` (None: of any language); see ``month_number``."""
    return month_number(word, lang) is not None


@cache
def english_month(number: int) -> str:
    """The English full name of month ``number`` (1–12), lower case: ``3`` → ``march``. It is the
    first alternative of the month's English pattern."""
    pattern = dict(month_patterns("en"))[number]
    name = pattern.split("|")[0]
    if not name.isalpha():
        raise ValueError(f"months.yaml: the English pattern of month {number} does not start with its name")
    return name.lower()
