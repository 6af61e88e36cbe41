"""These deliberately buggy engines are data for tests/test_check.py, not tests:
pytest must not import them (one has a syntax error, one never finishes)."""

collect_ignore_glob = ["*.py"]
