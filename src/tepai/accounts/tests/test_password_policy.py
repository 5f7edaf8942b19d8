"""The password policy: Argon2 hashing, 8+ characters of 3+ classes, Chinese messages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from tepai import settings as project_settings
from tepai.accounts.validators import CharacterClassesValidator, character_classes


@pytest.mark.django_db
def test_it_hashes_new_passwords_with_argon2_and_still_verifies_pbkdf2() -> None:
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user = get_user_model().objects.create_user("argon", password="Abcdef-12")
        assert user.password.startswith("argon2$")
        assert user.check_password("Abcdef-12")
        # A hash from before Argon2 (few iterations, to keep the test fast) still verifies.
        user.password = PBKDF2PasswordHasher().encode("Abcdef-12", "somesalt", iterations=1000)
        assert user.check_password("Abcdef-12")


def _messages(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return caught.value.messages


def test_it_refuses_short_passwords_in_chinese() -> None:
    assert "密码太短，至少需要 8 个字符。" in _messages("Ab1-")


def test_it_names_the_missing_character_classes() -> None:
    messages = _messages("abcdefgh12")
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类，当前只有 2 类。" in messages


def test_it_refuses_common_passwords() -> None:
    assert any("常见" in message for message in _messages("Password1"))


@pytest.mark.django_db
def test_it_refuses_a_password_like_the_user_name() -> None:
    user = get_user_model()(username="zhangsan2024")
    assert any("相似" in message for message in _messages("Zhangsan2024!", user))


def test_it_accepts_three_classes_of_eight_characters() -> None:
    validate_password("Kashgar-oasis7")
    validate_password("kashgar-oasis7")  # lower, symbol, digit
    validate_password("阿克苏Apple2024")  # Chinese counts as a symbol


def test_it_counts_classes() -> None:
    assert character_classes("aB3!") == {"upper", "lower", "digit", "symbol"}
    assert character_classes("abc") == {"lower"}
    assert character_classes("密码") == {"symbol"}


def test_the_validator_explains_itself_and_checks_its_option() -> None:
    assert "至少 3 类" in CharacterClassesValidator().get_help_text()
    with pytest.raises(ValueError):
        CharacterClassesValidator(min_classes=5)
