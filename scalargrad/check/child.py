"""The subprocess side: load one learner file, run the checks, stream what happens.

It first caps its own memory, CPU time and file sizes (``resource.setrlimit``;
doing it here rather than in ``preexec_fn`` is safe when the parent has threads).
The parent (:mod:`scalargrad.check.sandbox`) reads one JSON object per line: ``start``
before each check (so it knows which check ran too long), ``report`` after each
chapter, ``error`` when the file cannot be checked, ``done`` at the end. The
learner's own prints go to stderr, so they cannot garble that stream.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from typing import Any

from scalargrad.check.learner import LoadError, find_value, load_file
from scalargrad.check.run import check_namespace

__all__ = ["main"]


def limit(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process's memory, CPU time and file sizes before the learner's code runs."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(config_json: str) -> None:
    """Run the checks that ``config_json`` asks for (path, name, chapters, speed, limits)."""
    config = json.loads(config_json)
    limit(config["memory_mb"], config["cpu_seconds"])
    stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the learner's print() goes to stderr from now on
    sys.stdout = sys.stderr

    def emit(**event: Any) -> None:
        """Send one event to the parent, as one line of JSON."""
        stream.write(json.dumps(event) + "\n")
        stream.flush()

    path, name = config["path"], config["name"]
    sys.path.append(str(Path(path).parent))  # after the standard library: no shadowing
    emit(event="start", check="loading the file")
    try:
        namespace = load_file(path)
        find_value(namespace, name)
    except LoadError as exc:
        emit(event="error", message=str(exc))
        return
    for i, chapter in enumerate(config["chapters"]):
        report = check_namespace(
            namespace, chapter, speed=config["speed"] and i == 0, name=name,
            on_start=lambda check: emit(event="start", check=check),
        )
        emit(event="report", report=report.to_dict())
    emit(event="done")
