"""The shared model bases keep every registry's fields in the order they always had."""

from __future__ import annotations

from django.apps import apps

from tepai.core.models import RegistryModel


def test_a_registry_record_starts_with_its_code_then_its_timestamps() -> None:
    # Admin pages and audit entries list fields in declaration order; see tepai.core.models.
    registries = [model for model in apps.get_models() if issubclass(model, RegistryModel)]
    assert registries
    for model in registries:
        names = [field.name for field in model._meta.concrete_fields][:4]
        assert names == ["id", "code", "created_at", "updated_at"], model
