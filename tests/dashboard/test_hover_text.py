"""Hover texts fit a phone: no line longer than the map's narrowest width can show."""

from dashboard.plotly_figures import HOVER_LINE_CHARS, wrapped

TEXT = (
    "<b>Bad Liebenwerda</b> (Stadt)<br>Kreis: Elbe-Elster<br>Status: Mitarbeit zugesagt seit 01.12.2026<br>"
    "Einwohner: keine Gemeindezahl importiert; Kreis 105.000 (Destatis, 31.12.2018)"
)


def test_long_lines_break_at_spaces_and_nothing_is_lost():
    lines = wrapped(TEXT).split("<br>")
    visible = [line.replace("<b>", "").replace("</b>", "") for line in lines]
    assert max(len(line) for line in visible) <= HOVER_LINE_CHARS
    assert " ".join(visible) == TEXT.replace("<br>", " ").replace("<b>", "").replace("</b>", "")
    # short lines stay as they are
    assert lines[:2] == ["<b>Bad Liebenwerda</b> (Stadt)", "Kreis: Elbe-Elster"]


def test_a_word_longer_than_a_line_stays_whole():
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    assert wrapped(f"Status: {word} da") == f"Status:<br>{word}<br>da"
