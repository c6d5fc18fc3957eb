import sys
from pathlib import Path

# tests import the checkout's own library (workflow/qbattery), whichever checkout or
# worktree they run in, even when another checkout is the one pip-installed in editable mode
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))
sys.path.insert(0, str(Path(__file__).parent))
