"""Every module of the library imports on its own, as the first qbattery import of a process
(a circular import shows only when a module other than the package entry point comes first:
``from qbattery.open_systems import open_grid`` in a fresh interpreter failed, see git history)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import importlib, pkgutil, sys, traceback
sys.path.insert(0, sys.argv[1])
import qbattery
names = sorted(m.name for m in pkgutil.walk_packages(qbattery.__path__, "qbattery."))
failed = []
for name in names:
    for k in [k for k in sys.modules if k == "qbattery" or k.startswith("qbattery.")]:
        del sys.modules[k]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print(len(names))
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_library_module_imports_first_in_a_fresh_process():
    """Each ``qbattery.*`` module imported with no other qbattery module loaded before it (one
    process, the library's modules removed from ``sys.modules`` between imports): no circular
    import depends on which module a user or a job script imports first."""
    p = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "workflow")], capture_output=True, text=True, timeout=300)
    count, *failed = p.stdout.strip().splitlines() or ["0"]
    assert int(count) > 50, p.stdout + p.stderr
    assert p.returncode == 0, "\n".join(failed) + p.stderr[-2000:]
