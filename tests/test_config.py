"""Config validation: every user mistake stops before any job with one line naming the key."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from qbattery.config import ConfigError, load_config, validate_config

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def broken(path: str, value):
    cfg = copy.deepcopy(DEFAULT)
    node = cfg
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[k]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return cfg


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "config").rglob("*.yaml")))
def test_every_shipped_config_is_valid(path):
    """config.yaml, paper.yaml and the commented examples all pass validation."""
    load_config(ROOT / path)


@pytest.mark.parametrize(
    "path, value, words",
    [
        ("models.nomodel", {"N": [1]}, ["models", "nomodel", "dicke"]),
        ("models.dicke.N", [0, 2], ["models.dicke.N[0]", "0"]),
        ("models.dicke.N", "four", ["models.dicke.N", "four"]),
        ("models.dicke.N", [], ["models.dicke.N"]),
        ("models.dicke.coupling", [], ["models.dicke.coupling"]),
        ("models.dicke.coupling", [0.1, 0.1], ["models.dicke.coupling"]),
        ("time.t_max", 0.0, ["time.t_max", "0.0"]),
        ("time.t_max", -1.0, ["time.t_max", "-1.0"]),
        ("time.points", 2.5, ["time.points", "2.5"]),
        ("time", KeyError, ["time"]),
        ("colour", "red", ["colour"]),
        ("models.dicke.spin", 1, ["models.dicke", "spin", "coupling"]),
        ("numerics.on_violation", "ignore", ["numerics.on_violation", "ignore", "fail", "nan"]),
        ("numerics.truncation_tol", "1e-10", ["numerics.truncation_tol", "1.0e-10"]),
        ("study", "../escape", ["study", "../escape"]),
        ("seed", -3, ["seed", "-3"]),
        ("time.t_max", float("nan"), ["time.t_max", "nan"]),
        ("models.dicke.coupling", float("inf"), ["models.dicke.coupling", "inf"]),
    ],
)
def test_invalid_config_names_the_key_and_value(path, value, words):
    """Unknown model, N < 1, wrong type, empty grid, duplicates, t_max <= 0, unknown key,
    bad enum, YAML-string numbers, path traversal, NaN/inf: one line naming the key."""
    with pytest.raises(ConfigError) as err:
        validate_config(broken(path, value))
    msg = str(err.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


def test_job_too_large_for_memory_limit_is_refused():
    """A grid whose per-job memory estimate exceeds resources.max_mem_mb is refused up front."""
    cfg = broken("models.dicke.N", [1, 2000])
    cfg["resources"] = {"max_mem_mb": 1000}
    with pytest.raises(ConfigError, match=r"models.dicke.N: N=2000"):
        validate_config(cfg)


def test_defaults_filled_and_input_not_mutated():
    cfg = copy.deepcopy(DEFAULT)
    out = validate_config(cfg)
    assert out["numerics"]["state_tol"] == 1e-8
    assert cfg == DEFAULT


def test_snakemake_stops_on_bad_config_without_traceback_and_writes_nothing(tmp_path):
    """The workflow refuses an invalid config before any job, with one clear line on stderr
    and no traceback, and creates no results/ directory."""
    bad = broken("models.dicke.N", [-1])
    bad["study"] = "bad"
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(ROOT / "Snakefile"),
            "--directory",
            str(tmp_path),
            "--configfile",
            str(tmp_path / "bad.yaml"),
            "--cores",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode != 0
    assert "qbattery: config key models.dicke.N[0]: value -1" in p.stderr
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "results").exists()
