"""Screening through the app: example texts become items with the right suggested categories."""

from __future__ import annotations

import pytest

from accounts_registry.models import OfficialAccount
from moderation.models import Category, Decision, Item
from moderation.services.items import ItemData, items_import, priority_for, reach_points

# text -> category code that must be suggested
FLAGGED = [
    ("You're a fucking disgrace, all of you", "profanity"),
    ("This is bullshit and you know it", "profanity"),
    ("Great prizes! Click here to win bit.ly/3xYzAbc", "spam"),
    ("You have won a free iPhone, claim your prize now", "spam"),
    ("Contact her on jane.smith@gmail.com", "personal_data"),
    ("Ring him on 07700 900123 tonight", "personal_data"),
    ("She lives at SW1A 1AA, go and see her", "personal_data"),
    ("I know where you live, watch your back", "threat"),
    ("I'm going to hurt you if you post that again", "threat"),
    ("No women allowed at this networking evening", "discrimination"),
    ("Go back to your own country", "discrimination"),
    ("Buy now! Limited time offer on all our courses", "advertising"),
    ("Use discount code GRAD20 at checkout", "advertising"),
    ("Please donate to my gofundme.com/f/help-me", "funding_request"),
    ("Sponsor me for the marathon, donations welcome", "funding_request"),
    ("Support our charity appeal this Christmas", "charity_promotion"),
    ("Registered charity number 1234567 needs you", "charity_promotion"),
    ("My personal tutor groped me at the summer ball", "grievance"),
    ("Ｉ will find you after the seminar and hurt you", "threat"),
    ("someone should burn down the library", "threat"),
    ("email her on jane dot doe at gmail dot com", "personal_data"),
    ("ring (020) 7946 0958 and ask for him", "personal_data"),
    ("ѕһіt service again", "profanity"),
]
CLEAN = [
    "Congratulations to all our graduates!",
    "The new timetable is a shambles and nobody consulted students.",
    "When does the library open during the holidays?",
    "Email alumni@example.ac.uk for tickets to the reunion.",
    "Looking forward to the careers in fundraising panel next week.",
    "Brilliant lecture today, thank you Dr Patel.",
    "I'll shoot you an email about the meeting.",
]


@pytest.fixture
def imported(channel: OfficialAccount, comms_staff) -> dict[str, Item]:
    rows = [ItemData(text=t, external_id=f"x{n}") for n, (t, _c) in enumerate(FLAGGED)]
    rows += [ItemData(text=t, external_id=f"c{n}") for n, t in enumerate(CLEAN)]
    items_import(actor=comms_staff, channel_id=channel.pk, rows=rows, source=Item.Source.CSV)
    return {i.text: i for i in Item.objects.prefetch_related("suggestions__category")}


@pytest.mark.parametrize(("text", "code"), FLAGGED)
def test_each_category_is_suggested_with_evidence(
    imported: dict[str, Item], text: str, code: str
) -> None:
    item = imported[text]
    suggestions = [s for s in item.suggestions.all() if s.category.code == code]
    assert suggestions, f"{code} not suggested for {text!r}"
    s = suggestions[0]
    assert s.evidence and text[s.start : s.end] == s.evidence
    assert item.priority >= 10 * s.category.severity


@pytest.mark.parametrize("text", CLEAN)
def test_clean_texts_are_not_flagged(imported: dict[str, Item], text: str) -> None:
    item = imported[text]
    assert list(item.suggestions.all()) == []
    assert item.priority == reach_points(item.channel.followers)


def test_every_screening_rule_maps_to_a_seeded_category(db: None) -> None:
    from portal.screening import RULES

    mapped = {code for c in Category.objects.all() for code in c.rule_codes}
    assert set(RULES) <= mapped


def test_priority_is_severity_first_then_reach() -> None:
    assert priority_for([3], 10_000_000) == 40
    assert priority_for([4], 0) == 40
    assert priority_for([4], 100) > priority_for([3], 1_000_000)
    assert priority_for([], 1000) == reach_points(1000) == 4


def test_seeded_categories_cover_the_policy_clauses(db: None) -> None:
    clauses = " ".join(Category.objects.values_list("clause", flat=True))
    for n in range(1, 13):
        assert f"§4.7.4.{n}" in clauses
    for clause in ("§6.1.2", "§6.1.3", "§6.1.4", "§6.1.6", "Online Conduct"):
        assert clause in clauses


def test_allegations_suggest_grievance_and_name_an_escalation_route(db: None) -> None:
    from portal.screening import RULES

    grievance = Category.objects.get(code="grievance")
    assert "allegation" in grievance.rule_codes
    assert RULES["allegation"].escalate_to in Decision.ESCALATIONS.values()
    assert {r.escalate_to for code, r in RULES.items() if code != "allegation"} == {""}
