"""Glue for the workflow scripts: logging to the rule's log file and one clear line on
failure. Knows nothing about Snakemake beyond the log path it is given."""

from __future__ import annotations

import logging
import os
import resource
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def export_library_path(path: str) -> None:
    """Prepend ``path`` to PYTHONPATH so that job scripts import the same qbattery."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (path, old) if p)


def limit_memory(mem_mb: int | None) -> None:
    """Cap the address space at 2 mem_mb + 2 GB (headroom for libraries' virtual reservations),
    so that a job far beyond its request fails with MemoryError instead of swapping."""
    if not mem_mb:
        return
    limit = (2 * int(mem_mb) + 2048) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@contextmanager
def logged(log_path: str | None, mem_mb: int | None = None) -> Iterator[logging.Logger]:
    """Send the 'qbattery' logger (and warnings) to ``log_path`` for the body of the block;
    with ``mem_mb``, cap the job's memory (see :func:`limit_memory`)."""
    limit_memory(mem_mb)
    logger = logging.getLogger("qbattery")
    logger.setLevel(logging.INFO)
    handler: logging.Handler = logging.FileHandler(log_path, mode="w") if log_path else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logging.captureWarnings(True)
    try:
        yield logger
    except MemoryError:
        logger.error(
            "MemoryError: the job needed more than its memory request of %s MB (resources.mem_mb); lower N or raise the estimate", mem_mb
        )
        raise
    except Exception as err:
        logger.error("%s: %s", type(err).__name__, err)
        raise
    finally:
        logger.removeHandler(handler)
        handler.close()
