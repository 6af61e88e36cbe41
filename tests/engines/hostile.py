"""Hostile submissions: tricks a file can play on the checker, each a payload added to an engine.

Every entry of TRICKS is code appended at the end of a base engine: the correct
lecture_style.py, or one whose `*` passes the wrong gradient (``BROKEN``), so that a
trick that forges a verdict would show as a pass. tests/test_check_hostile.py writes
each into a folder with write() and checks what the checker makes of it; the Check
page lists the outcomes, measured before and after the checker judged in its own
process and ran the file in a sandbox.

The file is loaded by path (runpy.run_path), not imported: tests/engines/ is data.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

LECTURE = Path(__file__).with_name("lecture_style.py")
RIGHT = "            other.grad += self.data * out.grad\n"
WRONG = "            other.grad += 2 * self.data * out.grad\n"


class Trick(NamedTuple):
    """One trick: what it tries, its code, and whether it sits in a broken engine."""

    tries: str  # what the trick attempts, for the page
    payload: str  # code appended to the engine (it runs when the file is loaded)
    broken: bool = False  # the engine's `*` is wrong: a pass would be a forged verdict


TRICKS: dict[str, Trick] = {
    "forge_report": Trick(
        "write forged 'all passed' report events into the checker's pipe, then exit",
        "import json, os\n"
        "_ok = [{'check': str(i), 'status': 'passed', 'message': '', 'example': '',\n"
        "        'chapter': None} for i in range(11)]\n"
        "_report = {'file': 'forge_report.py', 'chapter': 6, 'checks': _ok, 'notes': [],\n"
        "           'error': ''}\n"
        "for _fd in range(1, 30):\n"
        "    for _event in ({'event': 'report', 'report': _report}, {'event': 'done'}):\n"
        "        try:\n"
        "            os.write(_fd, (json.dumps(_event) + '\\n').encode())\n"
        "        except OSError:\n"
        "            pass\n"
        "os._exit(0)\n",
        broken=True),
    "patch_checker": Trick(
        "replace the checker's comparison function so that every number matches",
        "import sys\n"
        "for _name, _module in list(sys.modules.items()):\n"
        "    if _name.startswith('scalargrad.check') and hasattr(_module, 'close'):\n"
        "        _module.close = lambda *args, **kwargs: True\n",
        broken=True),
    "own_engine": Trick(
        "import scalargrad's own Value instead of writing one",
        "from scalargrad.engine import Value  # noqa: F811\n"),
    "read_passwd": Trick(
        "read /etc/passwd and show it in the report",
        "raise RuntimeError(open('/etc/passwd').read()[:30])\n"),
    "read_environ": Trick(
        "read the checker's environment through /proc/<parent>/environ",
        "import os\n"
        "_seen = ''\n"
        "for _pid in {os.getppid(), 1}:\n"
        "    try:\n"
        "        _seen += open(f'/proc/{_pid}/environ').read()\n"
        "    except OSError as _exc:\n"
        "        _seen += str(_exc)\n"
        "raise RuntimeError(_seen.replace('\\0', ' '))\n"),
    "list_classmates": Trick(
        "list the other submissions in its folder and the folders above",
        "import os\n"
        "_here = os.path.dirname(os.path.abspath(__file__))\n"
        "raise RuntimeError(repr(sorted(os.listdir(_here)) + sorted(os.listdir(\n"
        "    os.path.dirname(_here)))))\n"),
    "rewrite_classmate": Trick(
        "rewrite a classmate's file, beside it, before that file is checked",
        "import os\n"
        "_here = os.path.dirname(os.path.abspath(__file__))\n"
        "for _other in ('bob.py', os.path.join('..', 'bob', 'engine.py')):\n"
        "    try:\n"
        "        with open(os.path.join(_here, _other), 'w') as _f:\n"
        "            _f.write('class Value:\\n    pass\\n')\n"
        "    except OSError:\n"
        "        pass\n"),
    "open_socket": Trick(
        "open a network connection (to a server of the test's, on 127.0.0.1)",
        "import socket\n"
        "socket.create_connection(('127.0.0.1', PORT), timeout=2).sendall(b'hi')\n"),
    "survive": Trick(
        "leave a process running (its own session) that holds the checker's pipe",
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    os.execv(sys.executable, [sys.executable, '-c',\n"
        "             'import time; time.sleep(30)  # hostile-survivor'])\n"),
    "kill_parent": Trick(
        "kill the checker, its parent process",
        "import os, signal\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n"),
    # DANGER: without a sandbox, as root, this kills every process of the machine. The
    # tests run it only when the checker's sandbox is in place (see isolation()).
    "kill_all": Trick(
        "kill every process it may signal (kill(-1))",
        "import os, signal\n"
        "os.kill(-1, signal.SIGKILL)\n"),
    "fork_bomb": Trick(
        "start hundreds of processes",
        "import os, time\n"
        "_made = 0\n"
        "try:\n"
        "    for _ in range(300):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(5)\n"
        "            os._exit(0)\n"
        "        _made += 1\n"
        "except OSError as _exc:\n"
        "    raise RuntimeError(f'started {_made} processes, then: {_exc}') from None\n"
        "raise RuntimeError(f'started {_made} processes')\n"),
    "flood_output": Trick(
        "print 20 MB while it is checked",
        "print('x' * (20 << 20))\n"),
}


def source(name: str) -> str:
    """The engine with the trick's payload at the end."""
    trick = TRICKS[name]
    text = LECTURE.read_text()
    if trick.broken:
        if text.count(RIGHT) != 1:
            raise ValueError(f"{RIGHT!r} no longer occurs once in lecture_style.py")
        text = text.replace(RIGHT, WRONG)
    return text + "\n\n# --- the trick: " + trick.tries + "\n" + trick.payload


def write(name: str, folder: Path | str, port: int = 9) -> Path:
    """Write the hostile engine into folder as NAME.py (PORT: the port to connect to)."""
    path = Path(folder) / f"{name}.py"
    path.write_text(source(name).replace("PORT", str(port)))
    return path
