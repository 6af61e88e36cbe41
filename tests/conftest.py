"""Shared test set-up: optional PyTorch, and the hypothesis profiles.

PyTorch is the second opinion the book checks its gradients against. It is
optional for a quick local run, where the PyTorch tests are skipped with a
reason. ``SCALARGRAD_REQUIRE_TORCH=1`` (set by ``make test`` and CI) turns a
missing PyTorch into a failure instead, so CI can never pass by skipping them.

Hypothesis runs the ``ci`` profile unless ``HYPOTHESIS_PROFILE`` names another:
``ci`` is derandomized with a modest budget so the default run stays fast and
repeatable; ``thorough`` (``make proptest``) draws many more random examples.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

REQUIRE_TORCH_VARIABLE = "SCALARGRAD_REQUIRE_TORCH"


def load_torch() -> ModuleType:
    """Import PyTorch, or skip the calling test, or fail it when PyTorch is required."""
    try:
        import torch
    except ImportError as exc:
        if os.environ.get(REQUIRE_TORCH_VARIABLE) == "1":
            pytest.fail(
                f"{REQUIRE_TORCH_VARIABLE}=1 but PyTorch cannot be imported ({exc}); "
                "install it with: pip install -e '.[test]'",
                pytrace=False,
            )
        pytest.skip(
            f"PyTorch is not installed ({exc}); set {REQUIRE_TORCH_VARIABLE}=1 "
            "to make this a failure"
        )
    return torch


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """The ``torch`` module: skipped without PyTorch, failed if it is required."""
    return load_torch()


try:
    from hypothesis import settings
except ImportError:  # a test extra: without it only tests/test_properties.py fails to import
    settings = None

if settings is not None:
    settings.register_profile(
        "ci", max_examples=100, derandomize=True, deadline=None, database=None
    )
    settings.register_profile("thorough", max_examples=2000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("SCALARGRAD_SITE", ROOT / "site"))  # override: a build elsewhere


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; fails (never skips) when it is missing."""
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"{SITE} has no built site: run `mkdocs build --strict` from {ROOT} first "
            "(`make test` does)",
            pytrace=False,
        )
    return SITE
