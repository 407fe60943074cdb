"""The one page without sign-in: the owner of the content confirms its removal by signed link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from moderation.forms import ConfirmRemovalForm
from moderation.services.removals import removal_request_confirm, request_for_token
from portal.viewkit import call_service


def removal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the owner of the content confirms removal through the signed link."""
    removal = request_for_token(token)
    if removal is None:
        return render(request, "moderation/removal_confirm.html", {"invalid": True}, status=404)
    form = ConfirmRemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_id, note = removal.pk, form.cleaned_data["note"]
        call_service(
            request,
            lambda: removal_request_confirm(request_id=request_id, note=note),
            success="Thank you: we have recorded that the content has been removed.",
        )
        return redirect("moderation:removal_confirm", token=token)
    return render(request, "moderation/removal_confirm.html", {"removal": removal, "form": form})
