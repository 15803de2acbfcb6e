"""Column widths fitted to the text: no broken words, rows as low as the room allows."""

from __future__ import annotations

import pytest

from proposal_kit.render.metrics import Text, fit_widths, longest_word_mm, wrapped_lines

PAD = 2.0
STAFF = [
    ("Coordinator, Associate professor", "VUAS", "WP1, T1.1",
     "Electrical engineer; 18 years in wind; coordinated three EU projects."),
    ("Quality manager, Head of Quality Office", "UPEbro", "T1.2, WP4",
     "Leads ESG accreditation; reviewer for two quality agencies."),
    ("WP3 lead, Head of wind training", "BBZ Nordsee", "WP3, T3.2, T4.2",
     "Master craftsman and GWO instructor; 15 years in wind training."),
    ("Social partner lead, Competence policy head", "NFAF", "T4.1, T6.2",
     "Former wind technician; negotiates competence clauses."),
]


def _texts(rows: list[tuple[str, ...]]) -> list[Text]:
    return [Text(value, c, row=r) for r, row in enumerate(rows) for c, value in enumerate(row)]


def _height(texts: list[Text], widths: list[float]) -> int:
    rows: dict[int, int] = {}
    for t in texts:
        rows[t.row] = max(rows.get(t.row, 0), wrapped_lines(t.text, widths[t.first] - PAD))
    return sum(rows.values())


def test_everything_on_one_line_when_the_room_allows() -> None:
    texts = _texts([("Personnel", "12,000"), ("Travel", "900")])
    widths = fit_widths(texts, 2, 170, PAD)
    assert widths is not None and _height(texts, widths) == 2


@pytest.mark.parametrize("room", [120.0, 150.0, 170.0])
def test_the_rows_are_as_low_as_the_best_split_of_the_room(room: float) -> None:
    # Two columns: compare with every split of the room, a millimetre apart.
    rows = [(name, profile) for name, _, _, profile in STAFF]
    texts = _texts(rows)
    widths = fit_widths(texts, 2, room, PAD)
    assert widths is not None
    assert abs(sum(widths) - room) < 1e-6
    low = [max(longest_word_mm(t.text) + PAD for t in texts if t.first == c) for c in (0, 1)]
    best = min(_height(texts, [w, room - w])
               for w in (low[0] + k for k in range(int(room - low[0] - low[1]) + 1)))
    assert _height(texts, widths) == best


def test_a_short_column_gains_no_room_that_lowers_no_row() -> None:
    # The name fits one line only at the cost of the profile's lines: the profile gets it.
    texts = _texts(STAFF)
    widths = fit_widths(texts, 4, 170, PAD)
    assert widths is not None
    assert widths[3] > widths[0]
    for t in texts:  # no word broken
        assert longest_word_mm(t.text) + PAD <= widths[t.first] + 1e-6
