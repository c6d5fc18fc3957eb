"""Provenance attributes for every dataset: versions, config hash, git commit."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

UNITS_NOTE = (
    "hbar = k_B = 1; energies in units of omega_a, times in units of 1/omega_a, entropies in nats; "
    'such a variable has units = "1" and its unit of reference in the attribute reduced_units (omega_a, omega_a^-1, omega_a^2, nat)'
)


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def config_hash(config: dict) -> str:
    """SHA-256 of the config as canonical JSON (sorted keys)."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def git_commit() -> str:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance_attrs(config: dict | None = None) -> dict[str, str]:
    attrs = {
        "Conventions": "CF-1.10",
        "units_convention": UNITS_NOTE,
        "qbattery_version": package_version("qbattery"),
        "numpy_version": package_version("numpy"),
        "scipy_version": package_version("scipy"),
        "qutip_version": package_version("qutip"),
        "xarray_version": package_version("xarray"),
        "git_commit": git_commit(),
        "history": f"created {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} by qbattery",
    }
    if config is not None:
        attrs["config_hash"] = config_hash(config)
        attrs["config_json"] = json.dumps(config, sort_keys=True, default=str)
    return attrs
