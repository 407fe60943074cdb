"""Screening measured on a labelled corpus of realistic posts (portal/tests/screening_corpus.jsonl).

Each line is ``{"text": ..., "labels": [rule codes]}``; ``labels`` is empty for a clean post.
The corpus mixes violations as moderators meet them (obfuscated, misspelt, sarcastic) with clean
posts that look dangerous to a word list: place names with rude substrings (Scunthorpe,
Penistone, Clitheroe, Essex, Twatt), words like "assess" and "classic", hyperbole ("I could
murder a pint"), criticism, and posts *about* harassment that allege nothing.

The goal (issue 15): per rule and overall, precision >= 0.95 and recall >= 0.9, and no clean
post flagged for profanity. ``bench/bench_screening.py`` writes the same figures to
``bench/results/screening.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from portal.screening import RULES, Finding, RuleSet, screen_many

CORPUS = Path(__file__).with_name("screening_corpus.jsonl")
MIN_PRECISION = 0.95
MIN_RECALL = 0.9


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


@cache
def load_corpus() -> tuple[tuple[str, frozenset[str]], ...]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append((row["text"], frozenset(row["labels"])))
    return tuple(rows)


@cache
def corpus_findings() -> tuple[tuple[Finding, ...], ...]:
    texts = [text for text, _labels in load_corpus()]
    return tuple(tuple(f) for f in screen_many(texts, rule_set=RuleSet.MODERATION))


def scores(
    rows: Sequence[tuple[str, frozenset[str]]], findings: Sequence[Sequence[Finding]]
) -> dict[str, Score]:
    """Per rule code (and "overall", micro-averaged): a text counts once per rule."""
    counts = {code: [0, 0, 0] for code in RULES}
    for (_text, labels), found in zip(rows, findings, strict=True):
        predicted = {f.rule.code for f in found}
        for code in RULES:
            if code in predicted and code in labels:
                counts[code][0] += 1
            elif code in predicted:
                counts[code][1] += 1
            elif code in labels:
                counts[code][2] += 1
    result = {code: Score(*c) for code, c in counts.items()}
    result["overall"] = Score(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return result


def test_corpus_is_large_labelled_and_varied() -> None:
    rows = load_corpus()
    assert len(rows) >= 300
    assert len({text for text, _ in rows}) == len(rows), "duplicate texts"
    assert sum(1 for _, labels in rows if not labels) >= 120
    for _text, labels in rows:
        assert labels <= set(RULES), labels
    for code in RULES:
        assert sum(1 for _, labels in rows if code in labels) >= 18, code


@pytest.mark.parametrize("code", [*RULES, "overall"])
def test_precision_and_recall_reach_the_goal(code: str) -> None:
    rows = load_corpus()
    found = corpus_findings()
    score = scores(rows, found)[code]
    missed = [t for (t, labels), f in zip(rows, found, strict=True)
              if code in labels and code not in {x.rule.code for x in f}]  # fmt: skip
    wrong = [t for (t, labels), f in zip(rows, found, strict=True)
             if code not in labels and code in {x.rule.code for x in f}]  # fmt: skip
    assert score.precision >= MIN_PRECISION, wrong
    assert score.recall >= MIN_RECALL, missed


def test_no_clean_text_is_flagged_for_profanity() -> None:
    flagged = [
        (text, [f.evidence for f in found if f.rule.code == "profanity"])
        for (text, labels), found in zip(load_corpus(), corpus_findings(), strict=True)
        if "profanity" not in labels and any(f.rule.code == "profanity" for f in found)
    ]
    assert flagged == []


def test_every_finding_points_at_the_original_text() -> None:
    for (text, _labels), found in zip(load_corpus(), corpus_findings(), strict=True):
        for f in found:
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start : f.end] == f.evidence


def test_scores_count_each_rule_once_per_text() -> None:
    rows: tuple[tuple[str, frozenset[str]], ...] = (
        ("a", frozenset({"threat"})),
        ("b", frozenset()),
        ("c", frozenset({"threat"})),
    )
    threat = Finding(RULES["threat"], "a", 0, 1)
    score = scores(rows, [[threat, threat], [threat], []])
    assert score["threat"] == Score(true_positives=1, false_positives=1, false_negatives=1)
    assert score["threat"].precision == score["threat"].recall == 0.5
    assert score["profanity"].precision == score["profanity"].recall == 1.0
