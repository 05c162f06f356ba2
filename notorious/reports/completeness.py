"""How complete an edition's sections are, in the words the admin uses: for editors (every
listing entered, drafts included) and for readers (the listings they may see), and what
readers will be told when an edition is published incomplete.

The rule itself (when a section is complete, what may then be said) is `markets.history`'s;
this module only puts it into sentences for the edition's admin pages.
"""

from notorious.markets.history import SectionRecord

from .models import Report


def completeness_label(record):
    """One section's state, short enough for a list column: "6 of 39 entered",
    "complete (39 of 39)", "marked all entered (38; 39 stated)"."""
    if record.all_entered:
        stated = f"; {record.stated} stated" if record.stated is not None else ""
        return f"marked all entered ({record.entered}{stated})"
    if record.stated is None:
        return f"{record.entered} entered; count not stated"
    if record.complete:
        return f"complete ({record.entered} of {record.stated})"
    if record.entered > record.stated:
        return f"{record.entered} of {record.stated} entered: more than stated"
    return f"{record.entered} of {record.stated} entered"


def readers_records(report):
    """The edition's sections as readers see them now (published listings of published
    markets), or None while the edition is a draft: readers see nothing of it."""
    if not report.is_published:
        return None
    counted = Report.objects.filter(pk=report.pk).with_entered_counts().get()
    return counted.sections


def editors_records(report):
    """The edition's sections counting every listing entered, drafts included: what readers
    will see once the edition and all its listings are published."""
    return (
        Report.objects.filter(pk=report.pk).with_entered_counts(include_drafts=True).get().sections
    )


def completeness_readout(report, section):
    """The change page's line for one section: the editors' count, then what readers see,
    e.g. "2 of 39 entered, drafts included: incomplete. Readers see 1 of 39 entered:
    incomplete."."""
    editors = _section(editors_records(report), section)
    readers = readers_records(report)
    text = f"{_count_phrase(editors)}, drafts included: {_state_phrase(editors)}."
    if readers is None:
        return f"{text} Readers see nothing of this edition: it is a draft."
    seen = _section(readers, section)
    if seen == editors:
        return f"{text} Readers see the same."
    return f"{text} Readers see {_count_phrase(seen)}: {_state_phrase(seen)}."


def _count_phrase(record):
    if record.stated is None:
        return f"{record.entered} entered (the report's count is not recorded)"
    return f"{record.entered} of {record.stated} entered"


def _state_phrase(record):
    if record.all_entered:
        return "complete, as marked all entered"
    if record.complete:
        return "complete"
    if record.stated is not None and record.entered > record.stated:
        return "incomplete, with more entered than the report states"
    return "incomplete"


def _section(records, section):
    return next(record for record in records if record.section == section)


def reader_warnings(records, hidden=None):
    """What readers will be told about an edition whose sections are `records` (as readers
    will see them), in plain sentences, one per section that is not simply complete.

    `hidden` maps a section to the number of its listings readers do not see (drafts, or
    listings of draft markets): in a section marked all entered those markets would read
    "Not listed", which is not true.
    """
    hidden = hidden or {}
    warnings = []
    if records and all(record.entered == 0 for record in records):
        warnings.append(
            "Readers will see this edition with no markets listed: it has no listings they may see."
        )
    for record in records:
        warnings.extend(_section_warnings(record, hidden.get(record.section, 0)))
    return warnings


def _section_warnings(record: SectionRecord, hidden):
    name = record.section
    if not record.complete:
        return [
            f"Readers will see the {name} section as incomplete: {_count_text(record)}; "
            f"{name} markets not entered will show as 'Not entered' for {record.year}, and "
            f"no drops will be stated for {record.year}."
        ]
    if record.all_entered and hidden:
        return [
            f"The {name} section is marked all entered, but readers do not see {hidden} of "
            f"its listings (drafts, or listings of draft markets): those markets will show as "
            f"'Not listed' for {record.year} until they are published."
        ]
    return []


def _count_text(record):
    if record.stated is None:
        return f"{record.entered} entered, and the report's count is not recorded"
    if record.entered > record.stated:
        return (
            f"{record.entered} entered but the report states {record.stated} (check the "
            "count, or mark the section all entered and say why)"
        )
    return f"{record.entered} of {record.stated} entered"


def hidden_counts(report):
    """Per section, how many of the edition's listings readers would not see with the
    edition published: drafts, and listings of draft markets."""
    editors = {record.section: record.entered for record in editors_records(report)}
    visible = Report.objects.filter(pk=report.pk).with_entered_counts().get().sections
    return {record.section: editors[record.section] - record.entered for record in visible}


def warnings_as_published(report):
    """What readers are told about `report` now that it is published (for the message after
    a save); nothing while it is a draft."""
    records = readers_records(report)
    if records is None:
        return []
    return reader_warnings(records, hidden_counts(report))
