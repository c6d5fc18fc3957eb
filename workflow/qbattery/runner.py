"""Glue for the workflow scripts: logging to the rule's log file and one clear line on
failure. Knows nothing about Snakemake beyond the log path it is given."""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def logged(log_path: str | None) -> Iterator[logging.Logger]:
    """Send the 'qbattery' logger (and warnings) to ``log_path`` for the body of the block."""
    logger = logging.getLogger("qbattery")
    logger.setLevel(logging.INFO)
    handler: logging.Handler = logging.FileHandler(log_path, mode="w") if log_path else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logging.captureWarnings(True)
    try:
        yield logger
    except Exception as err:
        logger.error("%s: %s", type(err).__name__, err)
        raise
    finally:
        logger.removeHandler(handler)
        handler.close()
