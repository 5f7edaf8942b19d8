"""Keep an enterprise's confirmation honest: a record changed after its answer waits again."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from tepai.activities.confirmation import CONTENT_FIELDS, reopen_if_changed
from tepai.activities.models import Activity, ActivityConfirmation

_ANSWERED = (ActivityConfirmation.CONFIRMED, ActivityConfirmation.DISPUTED)


@receiver(pre_save, sender=Activity)
def _reopen_changed_record(
    sender: Any, instance: Activity, update_fields: Any, **kwargs: Any
) -> None:
    # Only a record loaded as answered can need it, so other saves cost no query.
    if instance.pk is None or instance.confirmation not in _ANSWERED:
        return
    if update_fields is not None and not set(update_fields) & set(CONTENT_FIELDS):
        return
    previous = Activity.objects.filter(pk=instance.pk).only(*CONTENT_FIELDS, "confirmation")
    reopen_if_changed(instance, previous.first())


@receiver(m2m_changed, sender=Activity.enterprises.through)
def _reopen_when_enterprises_change(
    sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any
) -> None:
    # The enterprises served are what the enterprise confirmed as much as the date.
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if instance.confirmation in _ANSWERED:
        Activity.objects.filter(pk=instance.pk).update(
            confirmation=ActivityConfirmation.PENDING, confirmed_at=None
        )
        instance.confirmation = ActivityConfirmation.PENDING
        instance.confirmed_at = None
