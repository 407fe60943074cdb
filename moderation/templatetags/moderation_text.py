"""``flagged_segments``: an item's text split into plain and flagged parts for the item page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import template

from moderation.models import Suggestion

register = template.Library()


@dataclass(frozen=True)
class Segment:
    text: str
    label: str = ""


def highlight(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Split ``text`` into plain and flagged segments (rendered escaped, marked with <mark>);
    a span overlapping an earlier one is left out."""
    segments: list[Segment] = []
    cursor = 0
    for start, end, label in sorted(spans):
        if start < cursor or end <= start:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], label))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


@register.filter
def flagged_segments(text: str, suggestions: Iterable[Suggestion]) -> list[Segment]:
    """``{% for seg in item.text|flagged_segments:suggestions %}``: the evidence of each
    suggestion marked with its category's name."""
    spans = [
        (s.start, s.end, s.category.name)
        for s in suggestions
        if s.start is not None and s.end is not None
    ]
    return highlight(text, spans)
