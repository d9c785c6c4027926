"""Normalization rules: each changes what it should, counts it, and keeps the way back to the input."""

import unicodedata

import pytest

from pipeline.align.normalize import RULES, normalize


def _check_origin(source: str, norm) -> None:
    """Every output character comes from an input character at or after the previous one's."""
    assert len(norm.origin) == len(norm.text)
    assert all(0 <= o < len(source) for o in norm.origin)
    assert list(norm.origin) == sorted(norm.origin)


@pytest.mark.parametrize(
    ("source", "expected", "rule"),
    [
        ("госу-\nдарство", "государство", "hyphenation"),
        ("госу-  \n  дарство", "государство", "hyphenation"),
        ("«Правда» и „Известия“", '"Правда" и "Известия"', "quotes"),
        ("1962–1963 — годы", "1962-1963 - годы", "dashes"),
        ("№122", "№ 122", "numero"),
        ("N 122", "№ 122", "numero"),
        ("No. 5", "№ 5", "numero"),
        ("ещё Ёлка", "еще Елка", "yo"),
        ("Cекретно пoсол", "Секретно посол", "confusables"),
        ("Сообщил OPO и ЦК", "Сообщил ОРО и ЦК", "confusables"),
        ("два   слова\n\nтри\u00a0\t четыре", "два слова три четыре", "whitespace"),
        ("и\u0306од", "йод", "nfc"),
    ],
)
def test_rule(source, expected, rule):
    norm = normalize(source)
    assert norm.text == expected
    assert norm.counts[rule] >= 1
    assert set(norm.counts) == set(RULES)
    _check_origin(source, norm)


def test_hyphen_before_capital_is_kept():
    """A hyphen before a capital on the next line is no broken word (``госу-`` ending a text)."""
    assert normalize("госу-\n\nПОСОЛ").text == "госу- ПОСОЛ"
    assert normalize("госу-\nПОСОЛ").counts["hyphenation"] == 0


def test_english_look_alikes_stay_latin():
    """In an English text an all-look-alike word such as ``OPEC`` or ``Cox`` is not touched."""
    norm = normalize("The OPEC report by Cox")
    assert norm.text == "The OPEC report by Cox"
    assert norm.counts["confusables"] == 0


def test_yo_folding_can_be_switched_off():
    assert normalize("ещё", fold_yo=False).text == "ещё"


def test_markup_is_cut_and_spans_map_back():
    text = "Секретно. Экз. № 2 <sup>38</sup>\n*В архив*\nГевара сказал"
    sup = text.index("<sup>")
    hand = text.index("*В архив*")
    norm = normalize(text, [(sup, sup + len("<sup>38</sup>")), (hand, hand + len("*В архив*"))])
    assert norm.text == "Секретно. Экз. № 2 Гевара сказал"
    assert norm.counts["markup"] == 2
    at = norm.text.index("Гевара")
    start, end = norm.span(at, at + len("Гевара"))
    assert text[start:end] == "Гевара"


def test_nfc_result_is_normalized():
    decomposed = unicodedata.normalize("NFD", "Хрущёв и Микоян")
    assert normalize(decomposed, fold_yo=False).text == "Хрущёв и Микоян"
