"""The Pages workflow (.github/workflows/pages.yml): gated, current, and enough to build.

The structural checks read the YAML. The fresh-environment check is the
``workflow_site`` fixture (tests/conftest.py): a copy of this working tree and a new
virtual environment, where the build job's own ``run:`` steps are executed as they are
written; ``test_builds_with_different_hash_seeds_are_byte_identical`` (below) then
compares what they built, and a third build, with site/, byte for byte. The tests that
use these builds stay in this file, so that under pytest-xdist (``--dist loadfile``) one
worker builds each of them, once.
"""

from __future__ import annotations

import filecmp
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
# The oldest major version of each action that runs on Node 24 (Node 20 is deprecated on
# hosted runners).
MINIMUM = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/upload-pages-artifact": 4,
    "actions/deploy-pages": 5,
}


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_deploy_waits_for_the_tests_and_the_build() -> None:
    jobs = workflow()["jobs"]
    assert set(jobs["deploy"]["needs"]) == {"test", "build"}
    steps = [s.get("uses", "") for s in jobs["deploy"]["steps"]]
    assert any(s.startswith("actions/deploy-pages@") for s in steps)


def test_the_test_job_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"## Run the tests\s+```sh\n(.+?)\n```", readme).group(1).strip()
    assert command == "make test"
    runs = [s.get("run", "").strip() for s in workflow()["jobs"]["test"]["steps"]]
    assert command in runs


def test_actions_are_current() -> None:
    used = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                name, _, version = step["uses"].partition("@")
                used.append(name)
                assert name in MINIMUM, f"{name}: add it to MINIMUM with its Node 24 major"
                major = int(version.lstrip("v").split(".")[0])
                assert major >= MINIMUM[name], f"{step['uses']} runs on a deprecated Node"
    assert set(used) == set(MINIMUM)


def test_pip_is_cached_and_pytorch_is_the_cpu_build() -> None:
    flow = workflow()
    assert "download.pytorch.org/whl/cpu" in flow["env"]["PIP_EXTRA_INDEX_URL"]
    setup = next(s for s in flow["jobs"]["build"]["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["cache"] == "pip"
    cache = next(s for s in flow["jobs"]["test"]["steps"] if "actions/cache" in s.get("uses", ""))
    assert cache["with"]["path"] == "~/.cache/pip"


def test_workflow_and_makefile_install_through_one_script() -> None:
    runs = [s.get("run", "") for s in workflow()["jobs"]["build"]["steps"]]
    assert [r for r in runs if "scripts/install.sh" in r] == ["scripts/install.sh docs"]
    assert not [r for r in runs if "pip install" in r], "install through scripts/install.sh"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "scripts/install.sh dev" in makefile and "pip install" not in makefile


def test_the_build_job_steps_build_the_book(workflow_site: Path) -> None:
    for page in ("index.html", "print_page/index.html", "downloads/scalargrad-offline.zip"):
        assert (workflow_site / page).is_file(), f"the workflow's build has no {page}"


# --- reproducibility -----------------------------------------------------------------------


def _differences(cmp: filecmp.dircmp, prefix: str = "") -> list[str]:
    out = [f"only in one build: {prefix}{n}" for n in cmp.left_only + cmp.right_only]
    out += [f"{prefix}{n}" for n in cmp.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    out += [f"differs: {prefix}{n}" for n in mismatch + errors]
    for name, sub in sorted(cmp.subdirs.items()):
        out += _differences(sub, f"{prefix}{name}/")
    return out


# The seed of the third build; the workflow's has its own (tests/conftest.py), and site/
# none: `make build` leaves PYTHONHASHSEED unset, so every process draws one at random.
OTHER_SEED = "2"


@pytest.fixture(scope="module")
def other_seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book built again from this tree, as `make build` does, with ``OTHER_SEED``.

    It runs in the test environment and takes the notebooks from the cache site/ filled
    (so it also shows that a build from the cache gives the same bytes); the offline
    edition it builds inside inherits the seed.
    """
    out = tmp_path_factory.mktemp("other-seed") / "site"
    env = {**os.environ, "PYTHONHASHSEED": OTHER_SEED, "NO_MKDOCS_2_WARNING": "1"}
    if "SOURCE_DATE_EPOCH" not in env:  # as the Makefile sets it
        last_commit = ["git", "log", "-1", "--format=%ct"]
        env["SOURCE_DATE_EPOCH"] = subprocess.run(
            last_commit, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        pytest.fail(
            f"the build with PYTHONHASHSEED={OTHER_SEED} failed:\n{result.stderr[-3000:]}",
            pytrace=False,
        )
    return out


def _zip_differences(left: Path, right: Path) -> list[str]:
    """The entries that differ between two zips (a reproducible zip differs by them)."""
    with zipfile.ZipFile(left) as a, zipfile.ZipFile(right) as b:
        left, right = set(a.namelist()), set(b.namelist())
        return [
            n
            for n in sorted(left | right)
            if n not in left or n not in right or a.read(n) != b.read(n)
        ]


def _differences(cmp: filecmp.dircmp, prefix: str = "") -> list[str]:
    out = [f"only in one build: {prefix}{n}" for n in cmp.left_only + cmp.right_only]
    out += [f"{prefix}{n}" for n in cmp.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    for name in mismatch + errors:
        out.append(f"differs: {prefix}{name}")
        if name.endswith(".zip") and name in mismatch:
            entries = _zip_differences(Path(cmp.left) / name, Path(cmp.right) / name)
            out += [f"    differs in the zip: {e}" for e in entries[:20]]
    for name, sub in sorted(cmp.subdirs.items()):
        out += _differences(sub, f"{prefix}{name}/")
    return out


def _builds(workflow_site: Path, workflow_seed: str, other_seed_site: Path) -> dict[str, Path]:
    workflow = f"the workflow's build in a fresh environment (PYTHONHASHSEED={workflow_seed})"
    return {
        workflow: workflow_site,
        f"a build of this tree (PYTHONHASHSEED={OTHER_SEED})": other_seed_site,
    }


def test_builds_with_different_hash_seeds_are_byte_identical(
    site: Path, workflow_site: Path, workflow_seed: str, other_seed_site: Path
) -> None:
    """Compare every byte of site/ (what `make test` just built) with two more builds.

    site/ is built by `make build`, with no PYTHONHASHSEED; the two others set two
    different seeds. The workflow's build executes every notebook afresh (no cache),
    while site/ may have taken executed notebooks from the cache, so notebook outputs
    are compared across separate runs either way. All take SOURCE_DATE_EPOCH from the
    last commit.
    """
    problems = []
    for name, other in _builds(workflow_site, workflow_seed, other_seed_site).items():
        differences = _differences(filecmp.dircmp(site, other, ignore=[]))
        if differences:
            problems += [f"site/ and {name}:", *(f"  {d}" for d in differences)]
    assert not problems, (
        "builds differ (if you edited files since `make build`, rebuild):\n"
        + "\n".join(problems)
    )


_ID = re.compile(r"""\bid=(["'])([^"']+)\1""")


def test_whole_book_page_ids_do_not_change_between_builds(
    site: Path, workflow_site: Path, workflow_seed: str, other_seed_site: Path
) -> None:
    page = Path("print_page") / "index.html"
    ids = [m.group(2) for m in _ID.finditer((site / page).read_text(encoding="utf-8"))]
    assert len(ids) > 100, "the whole-book page has almost no ids: is it the book?"
    for name, other in _builds(workflow_site, workflow_seed, other_seed_site).items():
        theirs = [m.group(2) for m in _ID.finditer((other / page).read_text(encoding="utf-8"))]
        changed = [(a, b) for a, b in zip(ids, theirs, strict=False) if a != b]
        assert len(ids) == len(theirs) and not changed, (
            f"the whole-book page's ids differ between site/ and {name}: "
            f"{len(ids)} and {len(theirs)} ids; first changes: {changed[:10]}"
        )
