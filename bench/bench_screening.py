"""Benchmark for portal.screening: throughput of batch and single-text screening.

Run from the repository root::

    .venv/bin/python bench/bench_screening.py

Generates 5,000 realistic mixed texts (seeded), times ``screen_many`` in batches of 1,000 and
``screen`` one text at a time (moderation on a 1,000-text sample), and writes a plain-text
report to bench/results/screening.txt and the figures as JSON to bench/results/screening.json,
with precision and recall per rule on the labelled corpus of the test suite
(portal/tests/screening_corpus.jsonl, scored as in portal/tests/test_screening_corpus.py).
Figures are the median of three runs. Because the generator knows which texts were built clean
and which carry a seeded violation, the report also gives flag rates on each, as a sanity check.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing the project

from portal.screening import RuleSet, screen, screen_many  # noqa: E402
from portal.tests.test_screening_corpus import load_corpus, scores  # noqa: E402

N_TEXTS = 5_000
BATCH = 1_000
# Single moderation calls cost one model call each (~10 ms of scikit-learn overhead), so they
# are timed on the first 1,000 texts to keep three runs short on a shared machine.
SINGLE_SAMPLE = 1_000
RUNS = 3
SEED = 20240601
RESULTS = ROOT / "bench" / "results" / "screening.txt"
RESULTS_JSON = RESULTS.with_suffix(".json")

CITIES = ["London", "Hong Kong", "Lagos", "New York", "Mumbai", "Berlin", "Toronto", "Sydney"]
TOPICS = ["behavioural economics", "urban policy", "climate finance", "public health", "AI law"]
VENUES = ["the Old Hall", "the Shaw Library", "a rooftop bar", "the Marshall Building"]
CLEAN = [
    "Join the {city} alumni group for drinks at {venue} on {day}. All welcome!",
    "Our {city} chapter hosts a panel on {topic} with three alumni speakers. Book now.",
    "Reminder: the annual dinner is at {venue}. RSVP to events@alumni.example.org.",
    "The charity sector careers panel on {day} covers policy, campaigns and fundraising roles.",
    "The new timetable is badly organised and I'm disappointed.",
    "Honestly the careers service has been useless this term; no reply to three emails.",
    "Great talk on {topic} last night - thank you to the organisers!",
    "Class of 2009 reunion at {venue}: assess how much has changed since we graduated.",
    "Women in Finance breakfast in {city}: networking and a talk on {topic}.",
    "<p>Our <b>{topic}</b> seminar is on {day}. Details on the group page.</p>",
    "Could the library please open earlier during exams? The queues are ridiculous.",
    "Photos from the {city} summer picnic are now on the group page.",
]
VIOLATIONS = [
    ("Please donate to Cancer Research UK at our {city} fun run!", "charity_promotion"),
    ("Sponsor me: justgiving.com/fundraising/run-{n} - every pound helps", "funding_request"),
    ("Limited-time offer: use code ALUMNI{n} for 20% off everything in my store", "advertising"),
    ("No women allowed at the {city} committee dinner.", "discrimination"),
    ("This event was total bullshit, what a waste of time.", "profanity"),
    ("Free tickets! Click here to win: https://bit.ly/{n}xYz", "spam_link"),
    ("Contact me directly at j.smith{n}@example.com or 07700 900{n3}", "personal_data"),
    ("If you post that again I will hurt you.", "threat"),
]
DAYS = ["Monday", "Tuesday", "Thursday", "Friday", "Saturday"]
FILLER = (
    "We are grateful to everyone who helped organise the programme this year, and we look "
    "forward to welcoming new members from the latest graduating cohort. "
)


def make_corpus(n: int, seed: int) -> tuple[list[str], list[str | None]]:
    """Texts plus the seeded rule code of each (None for texts built clean)."""
    rng = random.Random(seed)
    texts: list[str] = []
    expected: list[str | None] = []
    for _ in range(n):
        fields = {
            "city": rng.choice(CITIES),
            "venue": rng.choice(VENUES),
            "topic": rng.choice(TOPICS),
            "day": rng.choice(DAYS),
            "n": rng.randrange(10, 99),
            "n3": rng.randrange(100, 999),
        }
        if rng.random() < 0.25:
            template, code = rng.choice(VIOLATIONS)
        else:
            template, code = rng.choice(CLEAN), None
        text = template.format(**fields)
        if rng.random() < 0.2:  # a realistic share of longer posts, up to ~3,500 characters
            text = FILLER * rng.randrange(1, 20) + text
        texts.append(text)
        expected.append(code)
    return texts, expected


def median_rate(run: Callable[[], object], items: int) -> tuple[float, float]:
    """(median items/second, median seconds) over RUNS runs."""
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    return items / median, median


def batched(texts: Sequence[str], rule_set: RuleSet) -> None:
    for i in range(0, len(texts), BATCH):
        screen_many(texts[i : i + BATCH], rule_set=rule_set)


def singly(texts: Sequence[str], rule_set: RuleSet) -> None:
    for text in texts:
        screen(text, rule_set=rule_set)


def main() -> None:
    load_start = os.getloadavg()[0]
    texts, expected = make_corpus(N_TEXTS, SEED)
    first = time.perf_counter()
    screen("warm-up loads the profanity model")
    model_load = time.perf_counter() - first

    figures = {
        "screen_many, moderation, batches of 1,000": median_rate(
            lambda: batched(texts, RuleSet.MODERATION), N_TEXTS
        ),
        "screen_many, conduct, batches of 1,000": median_rate(
            lambda: batched(texts, RuleSet.CONDUCT), N_TEXTS
        ),
        f"screen (single calls), moderation, first {SINGLE_SAMPLE:,}": median_rate(
            lambda: singly(texts[:SINGLE_SAMPLE], RuleSet.MODERATION), SINGLE_SAMPLE
        ),
        "screen (single calls), conduct": median_rate(
            lambda: singly(texts, RuleSet.CONDUCT), N_TEXTS
        ),
    }
    worst = "You're a fucking idiot, email a@b.co https://bit.ly/x I will hurt you. "
    adversarial = {
        "20k x 'a'": "a" * 20_000,
        "20k '0 ' digits": "0 " * 10_000,
        "20k 'http://'": ("http://" * 3_000)[:20_000],
        "20k mixed violations": (worst * 300)[:20_000],
    }
    adversarial_ms = {
        name: median_rate(partial(screen, text), 1)[1] * 1000 for name, text in adversarial.items()
    }

    corpus = load_corpus()
    corpus_texts = [text for text, _labels in corpus]
    corpus_rate, _secs = median_rate(lambda: screen_many(corpus_texts), len(corpus))
    corpus_scores = scores(corpus, screen_many(corpus_texts))

    results = screen_many(texts)
    clean_flagged = sum(1 for r, e in zip(results, expected, strict=True) if e is None and r)
    seeded = [(r, e) for r, e in zip(results, expected, strict=True) if e is not None]
    caught = sum(1 for r, e in seeded if any(f.rule.code == e for f in r))
    by_code = Counter(f.rule.code for r in results for f in r)
    n_clean = N_TEXTS - len(seeded)

    lines = [
        "Policy screening benchmark (bench/bench_screening.py)",
        f"date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {platform.machine()}, {os.cpu_count()} logical cores, {platform.platform()}",
        f"python: {platform.python_version()}; alt-profanity-check "
        f"{metadata.version('alt-profanity-check')}; "
        f"scikit-learn {metadata.version('scikit-learn')}",
        f"corpus: {N_TEXTS:,} seeded texts (seed {SEED}), mean length "
        f"{statistics.mean(map(len, texts)):.0f} chars, max {max(map(len, texts)):,}; "
        f"{len(seeded):,} with a seeded violation",
        f"method: median of {RUNS} runs; model load on first use {model_load:.2f} s (excluded)",
        f"load average (1 min) at start/end: {load_start:.2f}/{os.getloadavg()[0]:.2f} "
        "(other jobs on the machine slow every figure)",
        "",
        "throughput (items/second; median seconds for the texts timed)",
    ]
    lines += [
        f"  {name:<44} {rate:>10,.0f}/s  {secs:7.2f} s" for name, (rate, secs) in figures.items()
    ]
    lines += ["", "single 20,000-character adversarial inputs (median ms, moderation)"]
    lines += [f"  {name:<44} {ms:10.1f} ms" for name, ms in adversarial_ms.items()]
    lines += [
        "",
        f"smoke check on the generated corpus (moderation; {len(CLEAN)} clean and "
        f"{len(VIOLATIONS)} violation templates, so not an accuracy estimate)",
        f"  clean texts with any finding: {clean_flagged} of {n_clean:,}",
        f"  seeded violations found by their rule: {caught:,} of {len(seeded):,}",
        "  findings by rule: " + ", ".join(f"{c}={n}" for c, n in sorted(by_code.items())),
    ]
    lines += [
        "",
        f"labelled corpus ({len(corpus)} posts, portal/tests/screening_corpus.jsonl; "
        f"{sum(1 for _, labels in corpus if not labels)} clean), moderation rules",
        f"  {'rule':<20} {'labelled':>8} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}",
    ]
    lines += [
        f"  {code:<20} {s.true_positives + s.false_negatives:>8} {s.true_positives:>4} "
        f"{s.false_positives:>4} {s.false_negatives:>4} {s.precision:>10.3f} {s.recall:>7.3f}"
        for code, s in corpus_scores.items()
    ]
    lines.append(f"  corpus throughput (screen_many, one batch): {corpus_rate:,.0f}/s")
    report = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    summary = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "load_avg": load_start},
        "corpus": {
            "path": "portal/tests/screening_corpus.jsonl",
            "texts": len(corpus),
            "clean": sum(1 for _, labels in corpus if not labels),
            "per_rule": {
                code: {
                    "labelled": s.true_positives + s.false_negatives,
                    "true_positives": s.true_positives,
                    "false_positives": s.false_positives,
                    "false_negatives": s.false_negatives,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                }
                for code, s in corpus_scores.items()
            },
        },
        "throughput_per_second": {
            "corpus, screen_many moderation": round(corpus_rate),
            **{name: round(rate) for name, (rate, _secs) in figures.items()},
        },
        "adversarial_20k_ms": {name: round(ms, 1) for name, ms in adversarial_ms.items()},
    }
    RESULTS_JSON.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(report, end="")
    print(f"written to {RESULTS.relative_to(ROOT)} and {RESULTS_JSON.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
