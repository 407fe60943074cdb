"""The view helpers shared by every app."""

from __future__ import annotations

from portal.viewkit import select_options


def test_select_options_escape_and_mark_the_chosen_one() -> None:
    html = select_options([("a&b", "<b>Bold</b>"), (2, 'Say "hi"'), ("c", "C")], selected="2")
    assert html == (
        '<option value="a&amp;b">&lt;b&gt;Bold&lt;/b&gt;</option>'
        '<option value="2" selected>Say &quot;hi&quot;</option>'
        '<option value="c">C</option>'
    )
    assert "selected" not in select_options([("a", "A")], selected="")
