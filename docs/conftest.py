"""pytest collection rules for docs/: chapters' pycon blocks run as doctests;
notebooks are executed by the site build, not imported by pytest."""

collect_ignore_glob = ["notebooks/*.py", "hooks/*.py", "_figures/*.py"]
