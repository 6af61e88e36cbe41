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
from repotools import copy_working_tree

REQUIRE_TORCH_VARIABLE = "SCALARGRAD_REQUIRE_TORCH"


def load_torch() -> ModuleType:
    """Import PyTorch, or skip the calling test, or fail it when PyTorch is required."""
    try:
        import torch
    except ImportError as exc:
        if os.environ.get(REQUIRE_TORCH_VARIABLE) == "1":
            pytest.fail(
                f"{REQUIRE_TORCH_VARIABLE}=1 but PyTorch cannot be imported ({exc}); "
                "install it with: scripts/install.sh test",
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

# A test that asks for one of these fixtures marks itself: ``-m "not site"`` (make quick,
# scripts/mutate.py) leaves out every test that reads a built site or drives Chromium,
# with no list of test names to keep up to date.
MARK_BY_FIXTURE = {"site": "site", "workflow_site": "site", "browser": "browser"}


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a fixture of ``MARK_BY_FIXTURE`` with its marker."""
    for item in items:
        for name in set(getattr(item, "fixturenames", ())) & MARK_BY_FIXTURE.keys():
            item.add_marker(MARK_BY_FIXTURE[name])


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


# --- the Pages workflow's own steps, in a fresh environment -------------------------------

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
BUILD_JOB = "build"
# Steps of the build job that need a network this machine does not have, or root: the
# system packages (Graphviz) are checked instead of installed.
SYSTEM_STEP = "apt-get install"
# The string-hash seed of the workflow's build here. The workflow sets none, nor does
# `make build` (site/); tests/test_workflow.py compares builds made with different seeds.
WORKFLOW_SEED = "1"


@pytest.fixture(scope="session")
def workflow_seed() -> str:
    """The PYTHONHASHSEED of ``workflow_site``, for messages."""
    return WORKFLOW_SEED


@pytest.fixture(scope="session")
def workflow_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built by the Pages workflow's build job, its ``run:`` steps as written.

    A fresh virtual environment (only pip inside) and a copy of the working tree; the
    steps run there with the workflow's environment variables. Two differences, both
    forced by this machine: PIP_EXTRA_INDEX_URL (PyTorch's CPU index) is left out, as
    only the package registries are reachable here and pip's own configuration finds the
    same CPU wheel; and the apt-get step is replaced by checking that `dot` is there.
    Its build cache starts empty (the copy leaves out the ignored .build-cache/), so
    figures and notebooks are made afresh and the reproducibility test compares a cold
    build with site/; and PYTHONHASHSEED is ``WORKFLOW_SEED``, a seed of its own, so that
    the comparison shows any output that follows the order of string hashes.
    """
    import shutil
    import subprocess
    import venv

    import yaml

    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = flow["jobs"][BUILD_JOB]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    if not any(SYSTEM_STEP in r for r in runs):
        pytest.fail(f"{WORKFLOW.name}: the build job no longer installs Graphviz", pytrace=False)
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's `dot` is missing (`make system` installs it)", pytrace=False)
    base = tmp_path_factory.mktemp("workflow")
    tree, env_dir = base / "repo", base / "venv"
    copy_working_tree(tree, ROOT, with_history=True)
    venv.create(env_dir, with_pip=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update({k: str(v) for k, v in flow.get("env", {}).items()})
    env.pop("PIP_EXTRA_INDEX_URL", None)
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    env["PYTHONHASHSEED"] = WORKFLOW_SEED
    for run in runs:
        if SYSTEM_STEP in run:
            continue
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", run],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if result.returncode != 0:
            pytest.fail(
                f"workflow step failed in a fresh environment:\n{run}\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
                pytrace=False,
            )
    return tree / "site"
