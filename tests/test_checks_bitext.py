"""Aligning the original with its translation, and the checks that run on the aligned pairs."""

from __future__ import annotations

from dataclasses import replace

from pipeline.checks import run_checks
from pipeline.checks.bitext import align_lines, blank_markup, text_lines
from pipeline.config import ChecksConfig
from pipeline.model import Markup, MarkupKind, Metadata, Section, Severity, Transcript

ORIGINAL = """Из дневника
И.П.ПЕТРОВА

Секретно. Экз. № 3
"12" марта 1962 года
№ 415

ЗАПИСЬ БЕСЕДЫ
с С.А.Козловым

2 марта 1962 года

В ходе беседы С.А.Козлов сообщил, что до конца года будет поставлено 1 200 тонн удобрений и \
45 тракторов. Он сказал, что не может \
дать окончательного ответа без согласования с руководством, и просил \
передать благодарность советским товарищам за оказанную

*В архив*

помощь. Согласно письму № 88, отправка груза намечена на 20 марта 1962 года.

Я ответил, что этот вопрос будет доложен в Москву в ближайшее время.

ПОСОЛ СССР В ГДР

(И.ПЕТРОВ)

1-в дело.
№ 233.
12.3.62 г.
"""

TRANSLATION = """[Stamp]: Declassified

From the diary
of I. P. Petrov

Secret Copy No 3
12 March 1962
No 415

RECORD OF A CONVERSATION
with S. A. Kozlov

2 March 1962

During the conversation S. A. Kozlov reported that 1,200 tons of fertilizer and 45 tractors \
will be delivered by the end of the year. He said that \
he could not give a final answer without coordination

with the leadership, and asked that gratitude be passed on to the Soviet comrades for the assistance \
rendered. According to letter No. 88, the shipment of the cargo is scheduled for 20 March 1962.

I replied that this question would be reported to Moscow in the near future.

The Ambassador of the USSR to the GDR

[signature]

(I. PETROV)

1-to file
No. 233
12.3.62
"""


def _transcript(
    original: str = ORIGINAL, translation: str = TRANSLATION, event: str = "2 March 1962"
) -> Transcript:
    markup = []
    hand = original.find("*В архив*")
    if hand >= 0:
        markup.append(Markup(MarkupKind.HANDWRITING, "В архив", Section.ORIGINAL, (hand, hand + 9)))
    for token, kind in (("[Stamp]: Declassified", MarkupKind.STAMP), ("[signature]", MarkupKind.SIGNATURE)):
        at = translation.find(token)
        markup.append(Markup(kind, token, Section.TRANSLATION, (at, at + len(token))))
    metadata = Metadata(title=f"Record of a Conversation with S. A. Kozlov, {event}", date="March 12, 1962")
    return Transcript("test", "test", metadata, original, translation, tuple(markup))


def _beads():
    t = _transcript()
    o = text_lines(blank_markup(t.original, t.markup_in(Section.ORIGINAL), handwriting=False))
    e = text_lines(blank_markup(t.translation, t.markup_in(Section.TRANSLATION)))
    return align_lines(o, e, ChecksConfig())


def test_lines_align_one_to_one_where_they_can() -> None:
    pairs = [(" ".join(s.text for s in b.original), " ".join(s.text for s in b.translation))
             for b in _beads()]  # fmt: skip
    assert ("№ 415", "No 415") in pairs
    assert ('"12" марта 1962 года', "12 March 1962") in pairs
    assert ("ПОСОЛ СССР В ГДР", "The Ambassador of the USSR to the GDR") in pairs
    assert ("№ 233.", "No. 233") in pairs
    assert ("12.3.62 г.", "12.3.62") in pairs
    assert all(b.original and b.translation for b in _beads())  # nothing left unpaired here


def test_paragraph_split_differently_is_merged() -> None:
    # The original's paragraph runs over a handwritten note; the translation breaks elsewhere.
    merged = [b for b in _beads() if len(b.original) == 2 and len(b.translation) == 2]
    assert len(merged) == 1
    assert merged[0].original[0].text.startswith("В ходе беседы")
    assert merged[0].translation[1].text.startswith("with the leadership")


def test_handwriting_and_stamp_are_left_out() -> None:
    texts = [s.text for b in _beads() for s in b.original + b.translation]
    assert not any("архив" in t or "Declassified" in t or "signature" in t for t in texts)


def test_paragraph_pairs_quote_the_published_text() -> None:
    t = _transcript()
    result = run_checks(t, ChecksConfig())
    for p in result.paragraphs:
        if p.original_span:
            assert t.original[p.original_span[0] : p.original_span[1]] == p.original
        if p.translation_span:
            assert t.translation[p.translation_span[0] : p.translation_span[1]] == p.translation
    assert any("В архив" in p.original for p in result.paragraphs)  # the report still shows the note


def test_agreeing_document_has_no_flags() -> None:
    assert run_checks(_transcript(), ChecksConfig()).flags == ()


def _flags(original: str = ORIGINAL, translation: str = TRANSLATION, event: str = "2 March 1962"):
    return [f for f in run_checks(_transcript(original, translation, event), ChecksConfig()).flags
            if f.severity in (Severity.HIGH, Severity.MEDIUM)]  # fmt: skip


def test_number_slip_against_translation() -> None:
    (f,) = _flags(ORIGINAL.replace("№ 88,", "№ 83,"))
    assert (f.kind, f.transcript_text, f.translation_text) == ("number_mismatch", "№ 83", "No. 88")
    assert f.severity is Severity.HIGH  # 3 and 8 look alike


def test_number_sign_read_as_two() -> None:
    (f,) = _flags(ORIGINAL.replace("№ 233.", "2 233."))
    assert (f.kind, f.transcript_text, f.translation_text) == ("number_mismatch", "2 233", "No. 233")


def test_number_sign_read_as_two_before_a_short_number() -> None:
    (f,) = _flags(ORIGINAL.replace("№ 88,", "2 88,"))
    assert (f.kind, f.transcript_text, f.translation_text) == ("number_mismatch", "2 88", "No. 88")


def test_date_slip_against_translation_and_header() -> None:
    flags = _flags(ORIGINAL.replace("12.3.62 г.", "12.3.82 г."))
    kinds = sorted(f.kind for f in flags)
    assert kinds == ["date_discrepancy", "date_mismatch"]
    assert all(f.transcript_text == "12.3.82 г." for f in flags)


def test_record_dated_before_its_event() -> None:
    original = ORIGINAL.replace("2 марта 1962 года", "27 марта 1962 года")
    translation = TRANSLATION.replace("2 March 1962\n", "27 March 1962\n")
    (f,) = _flags(original, translation, event="")  # the archive's title gives no date
    assert f.kind == "date_discrepancy" and "records an event of 27 марта 1962 года" in f.message
    # When the archive's metadata gives both dates too, the transcription reproduces the record.
    result = run_checks(_transcript(original, translation, event="27 March 1962"), ChecksConfig())
    assert [f.severity for f in result.flags] == [Severity.LOW]


def test_event_date_against_archive_title() -> None:
    (f,) = _flags(event="20 March 1962")
    assert f.kind == "date_discrepancy" and f.transcript_text == "2 марта 1962 года"


def test_translation_names_another_person() -> None:
    (f,) = _flags(translation=TRANSLATION.replace("S. A. Kozlov reported", "S. A. Sokolov reported"))
    assert (f.kind, f.transcript_text, f.translation_text) == ("name_mismatch", "Козлов", "Sokolov")


def test_misspelt_name_with_look_alike() -> None:
    (f,) = _flags(ORIGINAL.replace("С.А.Козлов сообщил", "С.А.Козлоб сообщил"))
    assert f.kind == "name_mismatch" and f.severity is Severity.HIGH and "Козлов would match" in f.message


def test_year_far_from_the_document() -> None:
    flags = _flags(ORIGINAL.replace("намечена на 20 марта 1962 года", "намечена на 20 марта 1062 года"))
    assert sorted(f.kind for f in flags) == ["date_discrepancy", "date_mismatch"]
    (far,) = [f for f in flags if f.kind == "date_discrepancy"]
    assert "read as 1962" in far.message and "0 and 9" in far.message


def test_without_translation_only_internal_checks_run() -> None:
    t = _transcript(ORIGINAL.replace("12.3.62 г.", "12.3.82 г."), translation="")
    result = run_checks(t, ChecksConfig())
    assert result.paragraphs == ()
    assert [f.kind for f in result.flags] == ["date_discrepancy"]


def test_archive_dating_by_the_event_is_no_discrepancy() -> None:
    t = _transcript()
    t = Transcript(t.document_id, t.source, Metadata(title=t.metadata.title, date="March 2, 1962"),
                   t.original, t.translation, t.markup)  # fmt: skip
    assert run_checks(t, ChecksConfig()).flags == ()


def test_place_names_in_two_words_are_rendered() -> None:
    original = ORIGINAL.replace("доложен в Москву", "доложен в Нью-Йорке")
    translation = TRANSLATION.replace("reported to Moscow", "reported to New York")
    assert _flags(original, translation) == []


def test_date_range_written_the_other_way_round() -> None:
    original = ORIGINAL.replace("намечена на 20 марта 1962 года", "намечена с 20 по 25 марта 1962 года")
    translation = TRANSLATION.replace("scheduled for 20 March 1962", "scheduled for March 20 to 25, 1962")
    assert _flags(original, translation) == []


def test_translation_repeats_a_name_in_place_of_another() -> None:
    original = ORIGINAL.replace("С.А.Козлов сообщил", "С.А.Козлов и В.И.Орлов сообщили")
    translation = TRANSLATION.replace("S. A. Kozlov reported", "S. A. Kozlov and V. I. Kozlov reported")
    (f,) = _flags(original, translation)
    assert (f.kind, f.transcript_text, f.translation_text) == ("name_mismatch", "Орлов", "Kozlov")


def test_original_in_another_language_gets_pairs_but_no_flags() -> None:
    # Italian: no date or number grammar of ours reads it, so nothing is said about it.
    original = "Conversazione con il compagno Kozlov\n\n12 marzo 1962\n\nNo. 415\n"
    translation = "Conversation with Comrade Sokolov\n\n12 March 1961\n\nNo. 416\n"
    t = _transcript(original, translation)
    t = replace(t, metadata=replace(t.metadata, original_language="Italian"))
    result = run_checks(t, ChecksConfig())
    assert result.flags == () and len(result.paragraphs) == 3
