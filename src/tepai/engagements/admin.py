from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from tepai.engagements.models import Proposal, ServiceRating


class ProposalAddForm(forms.ModelForm):
    """Propose a commissioner for a demand from the admin, checked as the 推荐对接 button is."""

    class Meta:
        model = Proposal
        fields = ["demand", "commissioner"]

    def clean(self) -> dict[str, Any]:
        from tepai.engagements import services

        super().clean()
        data = self.cleaned_data
        demand, person = data.get("demand"), data.get("commissioner")
        if demand is not None and person is not None:
            try:
                services.check_proposable(demand, person)
                self.match = services.explain_pair(demand, person)
            except services.EngagementError as error:
                raise forms.ValidationError(str(error)) from error
        return data


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    # Proposals change state only through tepai.engagements.services (which records the
    # signing and the audit trail): the admin may add one the way the 推荐对接 button does,
    # and shows existing ones read-only.
    list_display = [
        "demand",
        "commissioner",
        "score",
        "source",
        "status",
        "commissioner_response",
        "enterprise_response",
        "created_at",
    ]
    list_filter = ["status", "source", "decline_reason", "demand_list"]
    list_select_related = ["demand", "commissioner"]
    search_fields = ["demand__title", "commissioner__name", "demand__enterprise__name"]
    autocomplete_fields = ["demand", "commissioner"]

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ProposalAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["demand", "commissioner"]
        # Every field; the timestamps last, below the answers they date (Proposal._meta lists
        # them first, as they come from the base class).
        stamps = ["created_at", "updated_at"]
        own = [field.name for field in Proposal._meta.fields if field.name not in ("id", *stamps)]
        return [*own, *stamps]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Proposal, form: Any, change: bool) -> None:
        from tepai.engagements import services

        score, text, terms = form.match
        created = services.propose(
            obj.demand,
            obj.commissioner,
            request.user,
            score=score,
            explanation=text,
            matched_terms=terms,
            request=request,
        )
        obj.pk = created.pk
        obj.refresh_from_db()
        messages.info(request, created.explanation or str(created))


@admin.register(ServiceRating)
class ServiceRatingAdmin(admin.ModelAdmin):
    list_display = ["project", "demand", "enterprise", "score", "created_at"]
    list_filter = ["score"]
    list_select_related = ["project", "demand", "enterprise"]
    search_fields = ["enterprise__name", "project__title", "demand__title", "comment"]
    readonly_fields = ["created_by", "created_at"]
    autocomplete_fields = ["project", "demand", "enterprise"]

    def save_model(self, request: HttpRequest, obj: ServiceRating, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
