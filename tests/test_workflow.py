"""The Pages workflow (.github/workflows/pages.yml): gated, current, and enough to build.

The structural checks read the YAML. The fresh-environment check is the
``workflow_site`` fixture (tests/conftest.py): a copy of this working tree and a new
virtual environment, where the build job's own ``run:`` steps are executed as they are
written; ``test_two_builds_are_byte_identical`` (below) then compares what they built
with site/, byte for byte. Both tests stay in this file, so that under pytest-xdist
(``--dist loadfile``) one worker builds the fresh environment, once.
"""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

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


def test_two_builds_are_byte_identical(site: Path, workflow_site: Path) -> None:
    """Compare every byte of site/ (what `make test` just built) with a second build.

    The second build is the Pages workflow's, from its own steps in a fresh environment
    and a copy of the tree (tests/conftest.py, ``workflow_site``). It executes every
    notebook afresh (no cache), while site/ may have taken executed notebooks from the
    cache, so notebook outputs are compared across separate runs either way. Both builds
    take SOURCE_DATE_EPOCH from the last commit. One extra build keeps `make test` short.
    """
    differences = _differences(filecmp.dircmp(site, workflow_site, ignore=[]))
    assert not differences, (
        "site/ and a second build differ (if you edited files since `make build`, rebuild):\n"
        + "\n".join(differences)
    )
