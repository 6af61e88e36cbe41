"""These engines are data for tests/test_check.py, not tests: pytest must not import
them (one has a syntax error; mistakes.py is loaded by path, with runpy)."""

collect_ignore_glob = ["*.py"]
collect_ignore = ["learners"]  # learners' own folders: data, some with an __init__.py
