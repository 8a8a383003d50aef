"""Where the shared benchmark data sets are: ../shared/datasets/ beside the repository (or
$QUANYU_DATASETS). Tests that need one skip, saying why, when it is absent; they never copy it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dataset_path(name: str, filename: str) -> Path:
    base = os.environ.get("QUANYU_DATASETS")
    path = (Path(base) if base else ROOT.parent / "shared" / "datasets") / name / filename
    if not path.exists():
        pytest.skip(f"data set file {path} is absent (set QUANYU_DATASETS or lay out ../shared/datasets/)")
    return path
