"""Job guard rails: a job far beyond its memory request fails with a clear MemoryError."""

import subprocess
import sys


def test_job_exceeding_memory_request_fails_with_memory_error_not_swap(tmp_path):
    """With mem_mb=200 the address space is capped (2*200+2048 MB); allocating 6 GB must
    raise MemoryError, which the runner logs with the request it exceeded."""
    log = tmp_path / "job.log"
    code = (
        f"import numpy as np\nfrom qbattery.runner import logged\nwith logged({str(log)!r}, mem_mb=200):\n    np.ones(6 * 1024**3 // 8)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "MemoryError" in p.stderr
    assert "memory request of 200 MB" in log.read_text()
