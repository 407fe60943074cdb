"""Moderators' and comms desk pages: imports, channels and tokens, statistics, categories,
removal requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts_registry.api import OfficialAccount
from moderation import forms, selectors
from moderation.errors import ModerationError
from moderation.imports import ImportRowsError, parse_csv
from moderation.models import Category, Item
from moderation.permissions import (
    can_edit_categories,
    can_manage_removal_requests,
    can_see_statistics,
)
from moderation.services import categories, items, removals, tokens
from portal.audit import audit_personal_data_view
from portal.models import User
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user

from .common import _require, moderator_required


@moderator_required
def import_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = forms.ImportForm(
        request.POST or None,
        request.FILES or None,
        channels=selectors.channel_choices_for(user=user),
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]
        try:
            rows = parse_csv(form.cleaned_data["file"].read())
            result = items.items_import(
                actor=user, channel_id=channel.pk, rows=rows, source=Item.Source.CSV
            )
        except ImportRowsError as exc:
            errors = exc.errors
        except ModerationError as exc:
            errors = [exc.message]
        else:
            messages.success(request, f"Import finished: {result.summary}.")
            return redirect(reverse("moderation:queue") + f"?channel={channel.pk}")
    return render(request, "moderation/import.html", {"form": form, "errors": errors})


@moderator_required
def channel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.channels_with_open_counts(user=current_user(request))
    return render(request, "moderation/channels.html", {"rows": rows})


@moderator_required
def channel_tokens_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    channel = selectors.access_channel_or_404(user, pk)
    form = forms.TokenForm(request.POST or None)
    plain = ""
    if request.method == "POST" and form.is_valid():
        done, created = call_service(
            request,
            lambda: tokens.token_create(
                actor=user, channel_id=channel.pk, name=form.cleaned_data["name"]
            ),
        )
        if done and created is not None:
            plain, form = created[1], forms.TokenForm()
    endpoint = request.build_absolute_uri(
        reverse("moderation:api_items", kwargs={"pk": channel.pk})
    )
    listed = selectors.channel_tokens(user=user, channel=channel)
    context = {"channel": channel, "form": form, "tokens": listed, "plain": plain}
    return render(request, "moderation/tokens.html", {**context, "endpoint": endpoint})


@moderator_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, pk: int, token_id: int) -> HttpResponse:
    user = current_user(request)
    token = selectors.access_token_or_404(
        user, token_id, channel_id=selectors.access_channel_or_404(user, pk).pk
    )
    call_service(
        request,
        lambda: tokens.token_revoke(actor=user, token_id=token.pk),
        success="Token revoked.",
    )
    return redirect("moderation:channel_tokens", pk=pk)


def _statistics_channels(
    request: AuthenticatedHttpRequest,
) -> tuple[forms.ChannelFilterForm, QuerySet[OfficialAccount] | None]:
    """The channel search box of the statistics page and the open channels it matches."""
    _require(can_see_statistics(current_user(request)), "Queue statistics are for comms staff.")
    form = forms.ChannelFilterForm(request.GET or None)
    text = form.cleaned_data["channel_q"].strip() if form.is_valid() else ""
    user = current_user(request)
    return form, (
        selectors.channels_matching(selectors.channel_choices_for(user=user), text)
        if text
        else None
    )


@login_required
def statistics_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, channels = _statistics_channels(request)
    context = {
        "form": form,
        "filtered": channels is not None,
        "stats": selectors.queue_statistics(channels=channels),
        "trends": selectors.weekly_trends(channels=channels),
        "targets": selectors.target_performance(channels=channels),
    }
    return render(request, "moderation/statistics.html", context)


@login_required
def statistics_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The weekly trends as CSV (decisions per week, in all, per channel and per moderator),
    then, after a blank line, time to decision against the response targets per severity."""
    _form, channels = _statistics_channels(request)
    body = (
        selectors.weekly_trends_csv(selectors.weekly_trends(channels=channels))
        + "\r\n"
        + selectors.target_performance_csv(selectors.target_performance(channels=channels))
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moderation-weekly-trends.csv"'
    return response


@login_required
def category_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    _require(can_edit_categories(user), "Categories are managed by comms staff.")
    visible = selectors.categories_visible_to(user=user)
    return render(request, "moderation/categories.html", {"categories": visible})


@login_required
def category_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    _require(can_edit_categories(user), "Categories are managed by comms staff.")
    category = selectors.access_category_or_404(user, pk) if pk else Category(severity=3)
    form = forms.CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in categories.CATEGORY_FIELDS}
        done, saved = call_service(
            request,
            lambda: categories.category_save(actor=user, category_id=category.pk, values=values),
            form=form,
        )
        if done and saved is not None:
            messages.success(request, f"Category “{saved.name}” saved.")
            return redirect("moderation:categories")
    return render(request, "moderation/category_form.html", {"form": form, "category": category})


def _removal_manager(request: AuthenticatedHttpRequest) -> User:
    user = current_user(request)
    _require(can_manage_removal_requests(user), "Removal requests are for comms staff.")
    return user


@login_required
def removal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = selectors.removal_requests_visible_to(user=_removal_manager(request))
    context = {"requests": requests.order_by("state", "deadline")[:200]}
    return render(request, "moderation/removal_list.html", context)


@login_required
def removal_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _removal_manager(request)
    form = forms.RemovalRequestForm(request.POST or None, initial={"item": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = {f: form.cleaned_data[f] for f in removals.REMOVAL_REQUEST_FIELDS}
        item_id = form.cleaned_data["item"]
        done, removal = call_service(
            request,
            lambda: removals.removal_request_create(actor=user, item_id=item_id, **data),
            form=form,
        )
        if done and removal is not None:
            messages.success(request, f"Removal request emailed to {removal.owner_name}.")
            return redirect("moderation:removal_detail", pk=removal.pk)
    return render(request, "moderation/removal_form.html", {"form": form})


@login_required
def removal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = _removal_manager(request)
    removal = selectors.access_removal_request_or_404(user, pk)
    audit_personal_data_view(actor=user, subject=removal, fields=["owner_name", "owner_email"])
    context = {
        "removal": removal,
        "withdraw_form": forms.ReasonForm(),
        "history": selectors.audit_history(removal),
    }
    return render(request, "moderation/removal_detail.html", context)


@login_required
@require_POST
def removal_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = _removal_manager(request)
    removal = selectors.access_removal_request_or_404(user, pk)
    call_service(
        request,
        lambda: removals.removal_request_withdraw(
            actor=user, request_id=removal.pk, reason=request.POST.get("reason", "")
        ),
        success="Removal request withdrawn.",
    )
    return redirect("moderation:removal_detail", pk=removal.pk)
