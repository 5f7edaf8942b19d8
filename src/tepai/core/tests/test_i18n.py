# Refresh the English catalogue after adding or changing a user-facing string:
#
#   cd src/tepai && export TEPAI_HOME=$(mktemp -d) DJANGO_SETTINGS_MODULE=tepai.settings \
#     && django-admin makemessages -l en --no-location --ignore 'tests/*' --ignore 'demo/data/*' \
#     && $EDITOR locale/en/LC_MESSAGES/django.po \
#     && django-admin compilemessages -l en
#
# (translate every new or "#, fuzzy" entry and delete the fuzzy flag before compiling; commit
# both django.po and django.mo: the project ships the compiled catalogue.)
"""The English catalogue: complete, compiled, and covering every model label."""

from __future__ import annotations

import ast
import gettext
import io
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.utils import translation

from tepai.commissioners.models import Commissioner
from tepai.core.choices import IndustryCluster, TitleLevel
from tepai.demands.models import Demand, DemandList, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.programs.models import Team

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/tepai
LC_MESSAGES = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# CJK ideographs plus CJK and full-width punctuation such as （）、“”.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


# --- a tiny .po reader ------------------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key Python's gettext uses for this entry in a compiled catalogue."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def read_po(path: Path) -> list[PoEntry]:
    """Parse ``path`` into entries (header included, obsolete ``#~`` entries left out)."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()

    def start(number: int) -> PoEntry:
        new = PoEntry(flags=set(flags), line=number)
        flags.clear()
        entries.append(new)
        return new

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):  # continuation of the previous string
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            rest, keyword = line, ""
        else:
            rest = rest.strip()
        text = ast.literal_eval(rest)
        assert isinstance(text, str), f"{path}:{number}: not a string: {rest}"
        if keyword == "msgctxt":
            entry, target = start(number), ("msgctxt", 0)
            entry.msgctxt = text
        elif keyword == "msgid":
            if entry is None or entry.msgctxt is None or entry.msgstr or entry.msgid:
                entry = start(number)
            entry.msgid, target = text, ("msgid", 0)
        elif keyword == "msgid_plural":
            assert entry is not None, f"{path}:{number}: msgid_plural without msgid"
            entry.msgid_plural, target = text, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            assert entry is not None, f"{path}:{number}: msgstr without msgid"
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], target = text, ("msgstr", index)
        elif keyword == "":
            assert entry is not None and target is not None
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, (getattr(entry, name) or "") + text)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    return entries


def po_messages() -> list[PoEntry]:
    """The real entries of the catalogue, without the header."""
    return [entry for entry in read_po(PO_FILE) if entry.msgid]


# --- the models in every language --------------------------------------------------------------


def tepai_app_configs() -> list:
    configs = [c for c in apps.get_app_configs() if c.name.startswith("tepai.")]
    assert len(configs) >= 10, "expected the tepai apps to be installed"
    return configs


def model_labels(model: type[models.Model]) -> list[tuple[str, str]]:
    """Every user-facing label of ``model`` as (where, text) pairs, in the active language."""
    name = f"{model._meta.label}"
    labels = [
        (f"{name} verbose_name", str(model._meta.verbose_name)),
        (f"{name} verbose_name_plural", str(model._meta.verbose_name_plural)),
    ]
    for codename, permission in model._meta.permissions:
        labels.append((f"{name} permission {codename!r}", str(permission)))
    for model_field in [*model._meta.fields, *model._meta.many_to_many]:
        where = f"{name}.{model_field.name}"
        labels.append((f"{where} verbose_name", str(model_field.verbose_name)))
        if model_field.help_text:
            labels.append((f"{where} help_text", str(model_field.help_text)))
        for value, label in model_field.flatchoices or []:
            labels.append((f"{where} choice {value!r}", str(label)))
    return labels


def tepai_models() -> list[type[models.Model]]:
    found = [model for config in tepai_app_configs() for model in config.get_models()]
    assert len(found) >= 15, "expected the registry models"
    return found


def admin_labels() -> list[tuple[str, str]]:
    """Column headings of computed admin columns (``@admin.display(description=...)``)."""
    labels = []
    for model, model_admin in admin.site._registry.items():
        if not model._meta.app_config.name.startswith("tepai."):
            continue
        for attribute in dir(type(model_admin)):
            description = getattr(getattr(type(model_admin), attribute), "short_description", None)
            if description is not None:
                labels.append((f"{type(model_admin).__name__}.{attribute}", str(description)))
    return labels


def test_it_shows_every_model_label_in_english() -> None:
    with translation.override("en"):
        labels = [
            *((f"app {c.name} verbose_name", str(c.verbose_name)) for c in tepai_app_configs()),
            *(label for model in tepai_models() for label in model_labels(model)),
            *admin_labels(),
        ]
    untranslated = [f"{where}: {text}" for where, text in labels if CJK.search(text)]
    assert not untranslated, (
        "untranslated in English (run makemessages, translate, compilemessages; see the top "
        "of this file):\n" + "\n".join(untranslated)
    )


def test_it_uses_the_programme_glossary_in_english() -> None:
    with translation.override("en"):
        assert Commissioner._meta.verbose_name == "S&T commissioner"
        assert Team._meta.verbose_name == "Commissioner team"
        assert DemandList._meta.verbose_name == "Demand list"
        assert Demand._meta.verbose_name == "Technology demand"
        assert Enterprise._meta.get_field("credit_code").verbose_name == (
            "Unified social credit code"
        )
        assert str(TitleLevel.SENIOR.label) == "Full senior"
        assert str(TitleLevel.VICE_SENIOR.label) == "Associate senior"
        assert str(DemandStatus.MATCHING.label) == "Matching"
        assert str(IndustryCluster.OIL_GAS.label) == "Oil & gas production and processing"
        assert Commissioner(title_level="senior").get_title_level_display() == "Full senior"


def test_it_keeps_the_chinese_labels_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert Commissioner._meta.verbose_name == "科技特派员"
        assert Team._meta.verbose_name == "特派团"
        assert Enterprise._meta.get_field("credit_code").verbose_name == "统一社会信用代码"
        assert [str(label) for label in TitleLevel.labels] == [
            "正高级",
            "副高级",
            "中级",
            "初级",
            "无",
        ]
        assert str(IndustryCluster.COTTON_TEXTILE.label) == "棉花和纺织服装"
        names = [(c.name, str(c.verbose_name)) for c in tepai_app_configs()] + [
            (model._meta.label, str(model._meta.verbose_name)) for model in tepai_models()
        ]
    not_chinese = [f"{where}: {text}" for where, text in names if not CJK.search(text)]
    assert not not_chinese, "\n".join(not_chinese)


# --- the catalogue files ----------------------------------------------------------------------


def test_it_has_an_english_header() -> None:
    header = next(entry for entry in read_po(PO_FILE) if not entry.msgid)
    assert "fuzzy" not in header.flags, "a fuzzy header makes msgfmt drop the charset"
    assert "Language: en\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_it_has_no_fuzzy_or_empty_translations() -> None:
    entries = po_messages()
    assert len(entries) >= 150
    fuzzy = [f"line {e.line}: {e.msgid}" for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries in django.po:\n" + "\n".join(fuzzy)
    empty = [
        f"line {e.line}: {e.msgid}"
        for e in entries
        if not e.msgstr or any(not text.strip() for text in e.msgstr.values())
    ]
    assert not empty, "untranslated entries in django.po:\n" + "\n".join(empty)
    chinese = [
        f"line {e.line}: {e.msgid}" for e in entries if CJK.search("".join(e.msgstr.values()))
    ]
    assert not chinese, "translations still in Chinese:\n" + "\n".join(chinese)


def test_it_ships_a_compiled_catalogue_matching_the_po_file() -> None:
    assert MO_FILE.exists(), "run compilemessages (see the top of this file)"
    with MO_FILE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in po_messages():
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    compiled = {key: text for key, text in catalog.items() if key != ""}
    stale = [
        f"{key!r}: .po has {text!r}, .mo has {compiled.get(key)!r}"
        for key, text in expected.items()
        if compiled.get(key) != text
    ]
    stale += [f"{key!r}: only in .mo" for key in compiled.keys() - expected.keys()]
    assert not stale, "django.mo is stale; run compilemessages:\n" + "\n".join(stale)


def test_it_has_every_string_makemessages_extracts_today(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shutil.which("xgettext") and shutil.which("msgmerge"), (
        "makemessages needs GNU gettext (apt-get install gettext)"
    )
    # Run makemessages on a copy so the real catalogue is never touched; LOCALE_PATHS must
    # point into the copy too, or makemessages would write to src/tepai/locale.
    copy = tmp_path / "tepai"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.py[cod]")
    )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    real_po = PO_FILE.read_bytes()
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["en"],
        no_location=True,
        ignore_patterns=["tests/*", "demo/data/*"],
        verbosity=0,
        stdout=io.StringIO(),
    )
    assert PO_FILE.read_bytes() == real_po
    extracted = {e.key for e in read_po(copy / "locale/en/LC_MESSAGES/django.po") if e.msgid}
    assert len(extracted) >= 150
    missing = sorted(extracted - {e.key for e in po_messages()})
    assert not missing, "strings missing from django.po; run makemessages:\n" + "\n".join(missing)
