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


def one_line_errors() -> tuple[type[BaseException], ...]:
    """Errors that are the user's to fix and say so in one line: bad input, a damaged input
    file, a results folder that cannot be written. A job script reports them without a traceback."""
    from .io import DamagedFileError, ResultsWriteError
    from .validation import InputError

    return (InputError, DamagedFileError, ResultsWriteError)


@contextmanager
def logged(log_path: str | None, mem_mb: int | None = None, script: bool = False) -> Iterator[logging.Logger]:
    """Send the 'qbattery' logger (and warnings) to ``log_path`` for the body of the block;
    with ``mem_mb``, cap the job's memory (see :func:`limit_memory`). ``script``: the block is a
    job script; an error of :func:`one_line_errors` ends it with that one line on stderr and
    exit status 1 (no traceback: Snakemake then names the failed job and its log)."""
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
        if script and isinstance(err, one_line_errors()):
            sys.stderr.write(f"qbattery: {err}\n")
            raise SystemExit(1) from None
        raise
    finally:
        logger.removeHandler(handler)
        handler.close()


def keep_partial(err: BaseException, log_path: str | None) -> str | None:
    """Save the healthy points a failed job computed (``err.partial``, see
    ``simulate.NumericalHealthError``) next to its log as ``<log>.partial.nc``; returns the path."""
    partial = getattr(err, "partial", None)
    if partial is None or not log_path:
        return None
    from pathlib import Path

    from .io import write_netcdf

    path = str(Path(log_path).with_suffix(".partial.nc"))
    write_netcdf(partial, path)
    logging.getLogger("qbattery").error("the healthy points of this job are saved in %s (failed points: NaN, status 1)", path)
    return path
