"""StaticEncoder lives with the benchmarks (its tables are built there, never shipped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tepai.matching.errors import EncoderUnavailable

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_it_reports_a_missing_static_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from static_encoder import StaticEncoder

    with pytest.raises(EncoderUnavailable, match="build_static_encoder"):
        StaticEncoder(tmp_path / "absent.npz").encode(["苹果保鲜"])


def test_the_runtime_package_has_no_static_encoder() -> None:
    import tepai.matching.dense as dense

    assert not hasattr(dense, "StaticEncoder") and not hasattr(dense, "STATIC_MODEL")
