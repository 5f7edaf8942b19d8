"""Forms of the accounts pages: the two sign-in steps, and user administration."""

from __future__ import annotations

from typing import Any, Protocol

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tepai.accounts import lockout
from tepai.accounts.labels import commissioner_label, commissioners_for_labels
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise
from tepai.programs.models import Batch


class LoginForm(AuthenticationForm):
    """Django's sign-in form; a paused source is told until when it may try again.

    The answer depends only on what this source typed before, never on whether the name
    exists: an unknown name is counted and paused exactly like a real one.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "throttled": _(
            "该用户名在本设备上已连续 %(count)d 次登录失败，暂停从本设备登录，"
            "请于 %(until)s 之后再试；忘记密码请联系管理员。"
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                self._raise_if_paused(username)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _raise_if_paused(self, username: str) -> None:
        until = lockout.blocked_until(username, lockout.source_of(self.request))
        if until is not None:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={
                    "count": lockout.MAX_FAILURES,
                    "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M:%S"),
                },
            )


class OTPTokenForm(forms.Form):
    """The second sign-in step: a code from the authenticator app, or a recovery code."""

    otp_token = forms.CharField(
        label=_("动态验证码"),
        max_length=32,
        help_text=_("验证器应用当前显示的 6 位数字；手机不在身边时可输入一个未用过的恢复码。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


class EnrolmentForm(forms.Form):
    """Confirming a new authenticator app with the first code it shows."""

    otp_token = forms.CharField(
        label=_("动态验证码"),
        max_length=16,
        help_text=_("扫描二维码（或输入密钥）后，填写应用显示的 6 位数字。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class _NewPasswordMixin(forms.Form):
    """Two password fields checked against the password policy for ``_password_user()``."""

    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def _password_user(self) -> Any:
        raise NotImplementedError

    def _clean_passwords(self) -> None:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
            return
        if first:
            try:
                password_validation.validate_password(first, self._password_user())
            except ValidationError as error:
                self.add_error("password1", error)


class CommissionerChoiceField(forms.ModelChoiceField):
    """A commissioner chosen by "王磊（浙江大学，第二批，1981）", so namesakes differ."""

    def label_from_instance(self, obj: Any) -> str:
        return commissioner_label(obj)


def _commissioner_field() -> CommissionerChoiceField:
    return CommissionerChoiceField(
        label=_("对应特派员"),
        queryset=commissioners_for_labels(Commissioner.objects.order_by("name_sort", "name", "pk")),
        required=False,
        help_text=_("角色为特派员时必填；括号内为工作单位、批次和出生年份，用于区分同名者"),
    )


def _enterprise_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("对应企业"),
        queryset=Enterprise.objects.order_by("name_sort", "name"),
        required=False,
        help_text=_("角色为企业用户时必填"),
    )


def _clean_linked_record(form: forms.Form, data: dict[str, Any]) -> None:
    role = data.get("role")
    if role == Role.COMMISSIONER and not data.get("commissioner"):
        form.add_error("commissioner", _("特派员账号必须关联一名特派员。"))
    if role == Role.ENTERPRISE and not data.get("enterprise"):
        form.add_error("enterprise", _("企业用户账号必须关联一家企业。"))


class AccountCreateForm(_NewPasswordMixin):
    """A new platform account: user name, role, the record it acts for, initial password."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    first_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    commissioner = _commissioner_field()
    enterprise = _enterprise_field()

    field_order = ["username", "first_name", "role", "commissioner", "enterprise"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        user_model = get_user_model()
        username_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
        assert isinstance(username_field, models.Field)  # a column, not a reverse relation
        username_field.run_validators(username)
        if user_model._default_manager.filter(username__iexact=username).exists():
            raise ValidationError(_("用户名“%(name)s”已被使用。"), params={"name": username})
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _clean_linked_record(self, data)
        self._clean_passwords()
        return data

    def _password_user(self) -> Any:
        # Unsaved, so the similarity check can compare the password with the name.
        return get_user_model()(
            username=self.cleaned_data.get("username", ""),
            first_name=self.cleaned_data.get("first_name", ""),
        )

    @transaction.atomic
    def save(self) -> Account:
        """Create the user and its account; the user must change the password on first login."""
        data = self.cleaned_data
        role = Role(data["role"])
        user = get_user_model()._default_manager.create_user(
            username=data["username"],
            password=data["password1"],
            first_name=data["first_name"],
            # Administrators may also use the data-maintenance admin (/admin/).
            is_staff=role is Role.ADMIN,
            is_superuser=role is Role.ADMIN,
        )
        return Account.objects.create(
            user=user,
            role=role,
            commissioner=data["commissioner"] if role is Role.COMMISSIONER else None,
            enterprise=data["enterprise"] if role is Role.ENTERPRISE else None,
            must_change_password=True,
        )


class PasswordResetForm(_NewPasswordMixin):
    """A new password an administrator gives a user, to be changed at the next sign-in."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("新密码")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_passwords()
        return data

    def _password_user(self) -> Any:
        return self.user

    @transaction.atomic
    def save(self) -> Account:
        """Set the password, require a change at the next sign-in and lift any pause."""
        self.user.set_password(self.cleaned_data["password1"])
        self.user.save(update_fields=["password"])
        account = lockout.account_for(self.user)
        lockout.unlock(self.user.get_username())
        Account.objects.filter(pk=account.pk).update(must_change_password=True)
        account.must_change_password = True
        return account


class RoleChangeForm(forms.Form):
    """An account's new role and the record it acts for, confirmed by a tick."""

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    commissioner = _commissioner_field()
    enterprise = _enterprise_field()
    confirm = forms.BooleanField(
        label=_("我确认变更：该用户的接口令牌将被撤销，已登录的会话将结束"),
        error_messages={"required": _("确认：请勾选确认后再保存角色变更。")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _clean_linked_record(self, data)
        return data


class _CountedBatch(Protocol):
    """A batch from BulkAccountsForm's queryset, which counts its commissioners."""

    name: str
    member_count: int


def _batch_label(batch: _CountedBatch) -> str:
    return _("%(name)s（%(count)d 人）") % {"name": batch.name, "count": batch.member_count}


class BatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _batch_label(obj)


class BulkAccountsForm(forms.Form):
    """The batch whose roster gets 特派员 accounts."""

    batch = BatchChoiceField(
        label=_("批次"),
        queryset=Batch.objects.none(),
        empty_label=_("请选择批次"),
        error_messages={
            "required": _("批次：请选择要创建账号的批次。"),
            "invalid_choice": _("批次：所选批次不存在。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.annotate(  # type: ignore[attr-defined]
            member_count=Count("commissioners")
        ).order_by("dispatch_date", "name")
