"""What one learner handed in, read without running it: the main file, the nn file, the
package names that stand for the learner's own folder, and which files belong together."""

from __future__ import annotations

from pathlib import Path

from scalargrad.check.folder import submissions
from scalargrad.check.submission import groups, python_files, submission_of


def make(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path: text) under ``root``."""
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_micrographs_layout_maps_its_package_name_to_the_folder(tmp_path):
    make(tmp_path, {"engine.py": "class Value:\n    pass\n",
                    "nn.py": "from micrograd.engine import Value\nclass MLP:\n    pass\n"})
    sub = submission_of(tmp_path, python_files(tmp_path))
    assert (sub.main, sub.nn, sub.aliases, sub.package) == ("engine.py", "nn.py",
                                                            {"micrograd": ""}, "")


def test_an_engine_that_imports_micrograd_means_the_installed_one(tmp_path):
    make(tmp_path, {"engine.py": "from micrograd.engine import Value as Base\n"
                                 "class Value(Base):\n    pass\n"})
    assert submission_of(tmp_path, ["engine.py"]).aliases == {}


def test_relative_imports_get_a_package(tmp_path):
    root = make(tmp_path / "my-grad", {"engine.py": "class Value:\n    pass\n",
                                       "nn.py": "from .engine import Value\n"})
    sub = submission_of(root, python_files(root))
    assert sub.package == "my_grad" and sub.aliases == {"my_grad": ""}


def test_the_scalargrad_package_is_never_taken_for_the_learners(tmp_path):
    make(tmp_path, {"engine.py": "class Value:\n    pass\n",
                    "nn.py": "from scalargrad.engine import Value\n"})
    assert submission_of(tmp_path, python_files(tmp_path)).aliases == {}


def test_helpers_belong_to_the_engine_that_imports_them(tmp_path):
    make(tmp_path, {"engine.py": "from topo_sort import order\nclass Value:\n    pass\n",
                    "topo_sort.py": "from utils import seen\ndef order(v):\n    return []\n",
                    "utils.py": "seen = set()\n", "notes.py": "x = 1\n"})
    assert groups(tmp_path, python_files(tmp_path)) == [
        ["engine.py", "topo_sort.py", "utils.py"], ["notes.py"]]


def test_a_class_folder_keeps_separate_files_apart_and_a_learners_package_together(tmp_path):
    make(tmp_path, {"alice.py": "class Value:\n    pass\n",
                    "bob.py": "class Value:\n    pass\n",
                    "carol/micrograd/__init__.py": "",
                    "carol/micrograd/engine.py": "class Value:\n    pass\n",
                    "carol/micrograd/nn.py": "from micrograd.engine import Value\n",
                    "carol/demo.py": "from micrograd.nn import MLP\n",
                    "dave/v1.py": "class Value:\n    pass\n",
                    "dave/v2.py": "class Value:\n    pass\n"})
    found = {name: sub.main for name, sub in submissions(tmp_path)}
    assert found == {"alice.py": "alice.py", "bob.py": "bob.py",
                     "carol": "micrograd/engine.py", "dave/v1.py": "v1.py",
                     "dave/v2.py": "v2.py"}


def test_a_file_that_does_not_parse_is_still_a_file_of_the_submission(tmp_path):
    make(tmp_path, {"engine.py": "class Value(:\n", "nn.py": "from engine import Value\n"})
    sub = submission_of(tmp_path, python_files(tmp_path))
    assert sub.main == "engine.py" and sorted(sub.files) == ["engine.py", "nn.py"]
