"""Personal data (PIPL): which fields hold it, who may see it, and how it is masked.

This is the one personal-data rule. The pages, the exports, the API, the audit log and the
Django admin all ask :func:`can_view_personal_data` and mask with the functions below, so no
two of them can disagree (issue 9, finding 12: the admin used to follow a Django permission
while the pages followed the role).

The rule: administrators see everything; every user sees their own record's data (a
commissioner their profile, an enterprise user their enterprise); everybody else — auditors,
other commissioners and enterprises, staff without the 管理员 role — sees phones, e-mails and
ID numbers masked (138****1234), a birth date as its year only, and never the internal field
出生日期精度. A user may sort, filter and search only on fields they may see unmasked for
every record of the list (:func:`may_query`): ordering by a masked column answers questions
about the hidden digits (finding 2, the sort oracle).

Every mask lives here too, with what a masked value looks like (:func:`is_masked`): ``tepai
export`` masks the fields :func:`masked_in_exports` names, and its importers read a masked cell
back as "keep the stored value" (:func:`unless_masked`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _

from tepai.accounts.roles import Role, role_of
from tepai.core.cleaning import CleaningError, _compact, clean_text, parse_phone

__all__ = [
    "BIRTH_DATE",
    "EMAIL",
    "HIDDEN",
    "ID_NUMBER",
    "INTERNAL",
    "PERSONAL_FIELDS",
    "PHONE",
    "birth_year",
    "can_view_personal_data",
    "hidden_fields",
    "is_masked",
    "kind_of",
    "mask_email",
    "mask_id_number",
    "mask_phone",
    "mask_phone_text",
    "mask_snapshot",
    "mask_text",
    "mask_value",
    "masked_in_exports",
    "may_query",
    "personal_fields",
    "shown_text",
    "unless_masked",
]

PHONE = "phone"
EMAIL = "email"
ID_NUMBER = "id_number"
BIRTH_DATE = "birth_date"
# Bookkeeping about personal data that only the programme office needs (出生日期精度).
INTERNAL = "internal"
HIDDEN = "******"

# Model label → field name → kind. A new personal field is declared here and nowhere else.
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "commissioners.commissioner": {
        "phone": PHONE,
        "email": EMAIL,
        "birth_date": BIRTH_DATE,
        "birth_date_precision": INTERNAL,
    },
    "enterprises.enterprise": {"contact_phone": PHONE, "contact_email": EMAIL},
}


def _label(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def personal_fields(model: type[Model] | Model) -> dict[str, str]:
    """Return the personal fields of ``model`` (a class or a record): name → kind."""
    return PERSONAL_FIELDS.get(_label(model), {})


def kind_of(model: type[Model] | Model, field: str) -> str | None:
    """Return the kind of personal data ``model.field`` holds, or None when it holds none."""
    return personal_fields(model).get(field)


# ----- the rule --------------------------------------------------------------------------------
def _own(user: object, record: Model) -> bool:
    account = getattr(user, "account", None)
    label = _label(record)
    if label == "commissioners.commissioner":
        return record.pk is not None and record.pk == getattr(account, "commissioner_id", None)
    if label == "enterprises.enterprise":
        return record.pk is not None and record.pk == getattr(account, "enterprise_id", None)
    return False


def can_view_personal_data(user: object, record: Model | type[Model] | None = None) -> bool:
    """Return True if ``user`` may see the personal data of ``record`` unmasked.

    ``record`` may be a model class: True then means "of every record of that kind", which
    is what sorting or filtering a whole list needs. Administrators see all; everybody sees
    their own record's; nobody else sees any, whatever Django permissions they hold.
    """
    if role_of(user) is Role.ADMIN:
        return True
    if record is None or isinstance(record, type):
        return False
    return _own(user, record)


def hidden_fields(user: object, model: type[Model] | Model) -> set[str]:
    """Return the fields of ``model`` not shown to ``user`` at all (出生日期精度 for non-admins)."""
    if can_view_personal_data(user, type(model) if isinstance(model, Model) else model):
        return set()
    return {name for name, kind in personal_fields(model).items() if kind == INTERNAL}


def _path_is_personal(model: type[Model], path: str) -> type[Model] | None:
    """Return the model whose personal field ``path`` (an ORM path) reaches, or None."""
    current = model
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None  # a lookup ("icontains"), not a field
        if part in personal_fields(current):
            return current
        related = getattr(field, "related_model", None)
        if related is None:
            return None
        current = related
    return None


def may_query(user: object, model: type[Model], path: str) -> bool:
    """Return True if ``user`` may sort, filter or search ``model`` by the ORM ``path``.

    Only a field the user sees unmasked on every record qualifies: ordering or matching by a
    masked phone lets one learn its hidden digits a comparison at a time.
    """
    owner = _path_is_personal(model, path)
    return owner is None or can_view_personal_data(user, owner)


# ----- masks -----------------------------------------------------------------------------------
def mask_email(email: str) -> str:
    """Return ``email`` with the local part hidden except its first character (w***@x.cn)."""
    if not email or "@" not in email:
        return email
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: object) -> str:
    """Return the phone number with its middle hidden: 138****1234, 0997-***4567.

    The number is normalised first, so anything parse_phone accepts can be masked; an empty
    value gives "". Raises CleaningError for a value that is no phone number.
    """
    if not clean_text(phone):
        return ""
    normalised = parse_phone(phone)
    if "-" not in normalised:
        return f"{normalised[:3]}****{normalised[-4:]}"
    area, local, *extension = normalised.split("-")
    masked = "*" * (len(local) - 4) + local[-4:]
    return "-".join([area, masked, *extension])


def mask_phone_text(phone: str) -> str:
    """Return the phone masked (138****1234); a stored value that is no phone is hidden whole."""
    try:
        return mask_phone(phone)
    except CleaningError:
        return "****"


_ID_NUMBER = re.compile(r"^(?:\d{17}[\dX]|\d{15})$")


def mask_id_number(value: object) -> str:
    """Return a 居民身份证号码 with the birth date and sequence hidden: 110101********1234.

    The first 6 (region) and last 4 characters stay visible; a 15-digit number from before 1999
    keeps the same ends. An empty value gives "". Raises CleaningError for a malformed number.
    """
    # The form cleaning reads codes and numbers in: half-width, without spaces.
    text = _compact(value).upper()
    if not text:
        return ""
    if len(text) not in (15, 18):
        raise CleaningError(f"身份证号码应为18位（或旧式15位），实为{len(text)}位")
    if not _ID_NUMBER.match(text):
        raise CleaningError(f"身份证号码“{text}”格式不正确：应为数字，仅18位号码末位可为X")
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def _mask_id(value: str) -> str:
    try:
        return mask_id_number(value)
    except CleaningError:
        return "****"


def birth_year(value: object) -> str:
    """Return the year of a birth date (a date, "1981-03-05", "1981-03" or a PartialDate)."""
    if isinstance(value, datetime.date):
        return str(value.year)
    year = getattr(value, "year", None)
    if isinstance(year, int):
        return str(year)
    match = re.match(r"\s*(\d{4})", str(value or ""))
    return match.group(1) if match else ""


_MASKS = {PHONE: mask_phone_text, EMAIL: mask_email, ID_NUMBER: _mask_id, BIRTH_DATE: birth_year}


def mask_value(kind: str, value: Any) -> Any:
    """Return ``value`` of a field of ``kind`` as a viewer without the right sees it."""
    if value in (None, ""):
        return value
    if kind == INTERNAL:
        return HIDDEN
    return _MASKS[kind](value if kind == BIRTH_DATE else str(value))


def shown_text(user: object, record: Model, field: str, text: str) -> str:
    """Return ``text``, the page's rendering of ``record.field``, as ``user`` may see it."""
    kind = kind_of(record, field)
    if kind is None or not text or can_view_personal_data(user, record):
        return text
    if kind == INTERNAL:
        return ""
    if kind == BIRTH_DATE:
        year = birth_year(getattr(record, field))
        return _("%(year)s年") % {"year": year} if year else ""
    return str(mask_value(kind, text))


# ----- exports and their re-import ------------------------------------------------------------
# The kinds `tepai export` masks unless asked not to. Their masks all hold three stars, which
# the import reads as "keep the stored value". Birth dates go out whole: a re-import finds a
# commissioner by name, birth date and institution.
_MASKED_IN_EXPORTS = (PHONE, EMAIL, ID_NUMBER)
# mask_phone writes 138****1234 or, for a 7-digit landline, 0997-***4567; mask_email writes
# w***@example.com; mask_id_number 110101********1234; a value no mask can parse is ****.
_MASKED = re.compile(r"\*{3,}")

_T = TypeVar("_T")


def masked_in_exports(model: type[Model] | Model) -> dict[str, str]:
    """Return the fields of ``model`` an export masks unless asked not to: name → kind."""
    return {
        name: kind for name, kind in personal_fields(model).items() if kind in _MASKED_IN_EXPORTS
    }


def is_masked(value: object) -> bool:
    """Return True when ``value`` is a phone, e-mail or ID number masked (138****1234)."""
    return isinstance(value, str) and bool(_MASKED.search(value))


def unless_masked(parse: Callable[[object], _T]) -> Callable[[object], _T | str]:
    """Return ``parse`` made to read a masked value as empty, i.e. "keep what the record has".

    Importers leave a record's phone and e-mail alone when their cell is empty, so a masked
    export re-imported over the real data neither fails nor overwrites it.
    """

    def parse_or_keep(raw: object) -> _T | str:
        if is_masked(clean_text(raw)):
            return ""
        return parse(raw)

    parse_or_keep.__doc__ = parse.__doc__
    return parse_or_keep


# ----- free text -------------------------------------------------------------------------------
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[-‐－—](\d{7,8})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 18-digit 居民身份证号码: region, birth date (19xx/20xx, month, day), sequence, check digit.
_ID = re.compile(r"(?<![\dA-Za-z])(\d{6})(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}([\dXx])(?!\d)")


# Every pattern above needs an "@" or seven digits in a row; most texts (a date, a masked
# number, an audit entry's search text) have neither and skip the four scans.
_MAYBE_PERSONAL = re.compile(r"\d{7}|@")


def mask_text(text: str) -> str:
    """Return ``text`` with every mobile, landline, e-mail and ID number in it masked."""
    if not _MAYBE_PERSONAL.search(text):
        return text
    text = _ID.sub(lambda m: m.group(0)[:6] + "*" * 8 + m.group(0)[-4:], text)
    text = _MOBILE.sub(r"\1****\2", text)
    text = _LANDLINE.sub(
        lambda m: f"{m.group(1)}-{'*' * (len(m.group(2)) - 4)}{m.group(2)[-4:]}", text
    )
    return _EMAIL.sub(lambda m: mask_email(m.group(0)), text)


def _mask_json(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_mask_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _mask_json(item) for key, item in value.items()}
    return value


def mask_snapshot(model_label: str, values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return a record's logged field values with its personal data masked for storage.

    Personal fields get their mask (phones 138****1234, birth dates their year, 出生日期精度
    ******); every other text has phones, e-mails and ID numbers inside it masked. Compare
    values before masking: two numbers differing only in hidden digits mask alike.
    """
    if values is None:
        return None
    kinds = PERSONAL_FIELDS.get(model_label, {})
    masked: dict[str, Any] = {}
    for name, value in values.items():
        kind = kinds.get(name)
        masked[name] = _mask_json(value) if kind is None else mask_value(kind, value)
    return masked
