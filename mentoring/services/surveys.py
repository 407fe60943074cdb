"""Survey writes: each partner answers each stage once (002 §1e); partners never see answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from mentoring.errors import MentoringError
from mentoring.models import Partnership, SurveyResponse
from mentoring.permissions import side_in
from mentoring.selectors import survey_stage_open
from mentoring.services.common import today
from portal.audit import audit_record
from portal.models import User

# The answers survey_submit takes; the survey form uses this list.
SURVEY_FIELDS = ("satisfaction", "usefulness", "would_recommend", "comments")


def survey_submit(
    *, actor: User, partnership_id: int, stage: str, data: Mapping[str, Any]
) -> SurveyResponse:
    try:
        with transaction.atomic():
            partnership = (
                Partnership.objects.select_for_update(of=("self",))
                .select_related("programme", "mentor_application", "mentee_application")
                .get(pk=partnership_id)
            )
            side = side_in(actor, partnership)
            if side is None:
                raise MentoringError("You are not a partner in this partnership.")
            if partnership.status == Partnership.Status.WITHDRAWN:
                raise MentoringError("This partnership was withdrawn.")
            if not survey_stage_open(partnership.programme, stage, today()):
                raise MentoringError("This survey is not open.")
            response = SurveyResponse.objects.create(
                partnership=partnership,
                respondent=actor,
                side=side,
                stage=stage,
                satisfaction=data["satisfaction"],
                usefulness=data["usefulness"],
                would_recommend=data["would_recommend"],
                comments=data.get("comments", ""),
            )
            audit_record(
                actor=actor,
                action="mentoring.survey.submitted",
                target=partnership,
                new={"stage": stage, "side": side},
            )
    except IntegrityError as exc:  # one_survey_per_stage: a second answer, however it raced
        raise MentoringError("You have already answered this survey.") from exc
    return response
