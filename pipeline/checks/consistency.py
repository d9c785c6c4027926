"""Internal consistency of a record's dates: header, footer, the event recorded, the archive's metadata.

A Soviet record bears its date at the head (``"12" марта 1961 года``) and again, as a registration
or typing date, at the foot (``12.3.61 г.``); its title names the date of the conversation it records;
the archive's metadata repeats them. When one of these disagrees with the others it is most likely
the one mistyped or misread, and more so when a single look-alike character explains the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.checks.confusion import describe
from pipeline.checks.dates import DateMention, Role, explaining_confusion, look_alike_readings
from pipeline.config import ChecksConfig
from pipeline.model import Flag, Severity


@dataclass(frozen=True)
class Witness:
    """A date as one part of the document states it; ``in_original`` when it is in the transcription."""

    mention: DateMention
    label: str  # "its header", "the archive's metadata" … for messages
    in_original: bool


def _disagree(a: DateMention, b: DateMention, lag_days: int) -> bool:
    da, db = a.as_date(), b.as_date()
    if da is None or db is None:
        return False
    # Within the lag even a look-alike difference (13.2 / 15.2) is as likely a later registration.
    return abs((da - db).days) > lag_days


def _flag(odd: Witness, against: Sequence[Witness], context: int, what: str) -> Flag:
    m = odd.mention
    confusion = next(
        (c for w in against if (c := explaining_confusion(m, w.mention, context)) is not None), None
    )
    others = " and ".join(f"{w.label} says {w.mention.text}" for w in against)
    message = f"The transcription gives {what} as {m.text} ({odd.label}), while {others}"
    if confusion is not None:
        message += f"; {describe(confusion)}."
        severity, score = Severity.HIGH, 0.9
    else:
        message += "."
        severity, score = Severity.MEDIUM, 0.6
    return Flag(
        kind="date_discrepancy",
        severity=severity,
        message=message,
        transcript_text=m.text,
        translation_text=None,
        score=score,
        evidence=tuple(f"{w.label}: {w.mention.text}" for w in against),
        transcript_span=m.span,
    )


def odd_dates(witnesses: Sequence[Witness], lag_days: int, context: int, what: str) -> list[Flag]:
    """Flag each date of the transcription that disagrees with more witnesses than agree with it.

    When two of the transcription's dates disagree and nothing else decides (a tie), the later one
    is flagged (a footer is typed last and in the most compact form), unless a look-alike confusion
    explains only the other. ``what`` names the date in messages ("the date of the record").
    """
    verdicts = []
    for w in witnesses:
        if not w.in_original:
            continue
        others = [o for o in witnesses if o is not w]
        against = [o for o in others if _disagree(w.mention, o.mention, lag_days)]
        agree = len(others) - len(against)
        if against and len(against) >= agree:
            verdicts.append((w, against, len(against) > agree))
    clear = [(w, against) for w, against, strict in verdicts if strict]
    # A tie only counts between the transcription's own dates: when they agree with each other and
    # only the archive's metadata differs, the archive more likely dated the document otherwise.
    ties = [(w, against) for w, against, _ in verdicts if any(o.in_original for o in against)]
    if not clear and ties:
        explained = [
            (w, a) for w, a in ties if any(explaining_confusion(w.mention, o.mention, context) for o in a)
        ]
        clear = [max(explained or ties, key=lambda wa: wa[0].mention.span[0])]
    return [_flag(w, against, context, what) for w, against in clear]


def internal_date_flags(
    original: Sequence[DateMention],
    metadata_date: DateMention | None,
    metadata_event: DateMention | None,
    context: int,
    config: ChecksConfig,
) -> list[Flag]:
    """``date_discrepancy`` flags for the transcription's own dates.

    ``original`` are the dates of the original text with roles (see ``assign_roles``);
    ``metadata_date`` is the archive's date of the document, ``metadata_event`` the date its title
    gives to the event recorded. Checks: the record's date (header, footer, metadata) agrees within
    ``footer_lag_days``; the event's date agrees with the title's; the record is not dated before
    the event it records; no year lies more than ``max_year_spread`` from the document's own year
    when one misread digit would bring it back. A date is flagged once, by the first check that
    finds it.
    """
    by_role = {r: [m for m in original if m.role is r] for r in Role}
    doc = [Witness(m, f"its {m.role.value}", True) for m in by_role[Role.HEADER] + by_role[Role.FOOTER]]
    if metadata_date is not None:
        doc.append(Witness(metadata_date, "the archive's metadata", False))
    flags = odd_dates(doc, config.footer_lag_days, context, "the date of the record")

    events = [Witness(m, "the title block", True) for m in by_role[Role.EVENT][:1]]
    if events and metadata_event is not None:
        events.append(Witness(metadata_event, "the archive's title", False))
        flags += odd_dates(events, 0, context, "the date of the event recorded")

    if by_role[Role.HEADER] and by_role[Role.EVENT]:
        flags += _dated_before_event(by_role[Role.HEADER][0], by_role[Role.EVENT][0], metadata_date,
                                     metadata_event, context, {f.transcript_span for f in flags})  # fmt: skip

    flagged = {f.transcript_span for f in flags}
    flags += [
        f for m in original if m.span not in flagged and (f := _far_year(m, context, config.max_year_spread))
    ]
    return flags


def _dated_before_event(
    header: DateMention,
    event: DateMention,
    metadata_date: DateMention | None,
    metadata_event: DateMention | None,
    context: int,
    flagged: set,
) -> list[Flag]:
    h, e = header.as_date(), event.as_date()
    if h is None or e is None or h >= e or header.span in flagged or event.span in flagged:
        return []
    confusion = explaining_confusion(header, event, context)
    # When the archive's metadata gives both dates too, the transcription reproduces what the
    # record says: worth a look, but most likely not a slip of the transcriber.
    confirmed = (
        metadata_date is not None
        and metadata_event is not None
        and (metadata_date.as_date(), metadata_event.as_date()) == (h, e)
    )
    if confusion:
        severity, score, why = Severity.HIGH, 0.8, f"; {describe(confusion)}."
    elif confirmed:
        severity, score, why = Severity.LOW, 0.2, "; the archive's metadata gives the same two dates."
    else:
        severity, score, why = Severity.MEDIUM, 0.6, "."
    message = f"The record is dated {header.text} but records an event of {event.text}, a later date{why}"
    return [Flag(kind="date_discrepancy", severity=severity, message=message, transcript_text=header.text,
                 score=score, evidence=(f"header: {header.text}", f"event: {event.text}"),
                 transcript_span=header.span)]  # fmt: skip


def _far_year(m: DateMention, context: int, spread: int) -> Flag | None:
    """A flag when ``m``'s year lies beyond ``spread`` of ``context`` and one look-alike digit fixes it."""
    if m.year is None or abs(m.year - context) <= spread:
        return None
    for swap, fixed in look_alike_readings(m, context):
        if fixed.year is not None and abs(fixed.year - context) <= spread and fixed.key[1:] == m.key[1:]:
            return Flag(
                kind="date_discrepancy",
                severity=Severity.MEDIUM,
                message=(
                    f"The year of {m.text} lies {abs(m.year - context)} years from the document's "
                    f"{context}; read as {fixed.year} it would fit, and {describe(swap)}."
                ),
                transcript_text=m.text,
                score=0.6,
                evidence=(f"document year: {context}",),
                transcript_span=m.span,
            )
    return None
