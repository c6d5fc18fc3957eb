"""Broken configs generated from the valid default one (hypothesis): each must be refused
by the validator with a single line that names the offending key."""

import copy
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qbattery.config import ConfigError, validate_config

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def leaves(node, path=()):
    """All (path, value) pairs of scalar leaves and list elements of the config."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, path + (i,))
    else:
        yield path, node


def objects(node, path=()):
    if isinstance(node, dict):
        yield path
        for k, v in node.items():
            yield from objects(v, path + (k,))


def dotted(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def set_at(cfg, path, value):
    node = cfg
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


LEAVES = [p for p, v in leaves(DEFAULT) if isinstance(v, (int, float)) and not isinstance(v, bool)]
OBJECTS = list(objects(DEFAULT))
WRONG = st.one_of(
    st.text(alphabet="abcxyzé€漢/ ", min_size=1, max_size=8).filter(lambda s: not s.strip().replace(".", "").isdigit()),
    st.just([]),
    st.dictionaries(st.text("ab", min_size=1, max_size=2), st.integers(), max_size=1),
    st.just(None),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(-math.inf),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LEAVES), WRONG)
def test_wrong_type_or_non_finite_value_is_refused_naming_the_key(path, value):
    """Any numeric leaf replaced by text, a list, a mapping, null, NaN or inf is refused,
    and the message names the key (or the list it belongs to)."""
    cfg = copy.deepcopy(DEFAULT)
    set_at(cfg, path, value)
    with pytest.raises(ConfigError) as err:
        validate_config(cfg)
    msg = str(err.value)
    assert "\n" not in msg
    key = dotted(path)
    parent = dotted(path[:-1]) if isinstance(path[-1], int) else key
    assert key in msg or parent in msg, (key, msg)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(OBJECTS), st.text(alphabet="qwxz_é", min_size=1, max_size=6))
def test_unknown_key_anywhere_is_refused_naming_it(path, name):
    """An unknown key added at any level is refused and named."""
    cfg = copy.deepcopy(DEFAULT)
    node = cfg
    for p in path:
        node = node[p]
    if name in node:
        return
    node[name] = 1
    with pytest.raises(ConfigError) as err:
        validate_config(cfg)
    assert repr(name) in str(err.value)


# Quantities whose sign is physical (ferro- vs antiferromagnetic exchange, easy-axis vs
# easy-plane anisotropy, red vs blue detuning): a negative value is a valid study.
SIGNED = {"J", "anisotropy", "detuning"}
POSITIVE_LEAVES = [
    p
    for p, v in leaves(DEFAULT)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and not SIGNED & {k for k in p if isinstance(k, str)}
]
SIGNED_LEAVES = [p for p, v in leaves(DEFAULT) if SIGNED & {k for k in p if isinstance(k, str)}]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(POSITIVE_LEAVES), st.sampled_from([-1, -1e9, 0]))
def test_non_positive_sizes_times_and_tolerances_are_refused(path, value):
    """Every positive quantity of the default config (N, couplings, t_max, points,
    tolerances, seeds, cutoffs) refuses a negative value; zero where zero is not allowed."""
    cfg = copy.deepcopy(DEFAULT)
    set_at(cfg, path, value)
    key = dotted(path)
    try:
        validate_config(cfg)
    except ConfigError as err:
        parent = dotted(path[:-1]) if isinstance(path[-1], int) else key
        assert key in str(err) or parent in str(err)
    else:
        assert value == 0, f"{key} accepted {value}"


@pytest.mark.parametrize("path", SIGNED_LEAVES)
def test_signed_physical_parameters_accept_negative_values(path):
    """A negative exchange coupling or anisotropy is a different phase, not a mistake:
    the validator accepts it (while still refusing wrong types, see above)."""
    cfg = copy.deepcopy(DEFAULT)
    set_at(cfg, path, -0.3)
    validate_config(cfg)


@pytest.mark.parametrize("study", ["../x", "a/b", "", ".hidden", "ümlaut", "x" * 100, "/abs"])
def test_study_names_that_could_escape_results_are_refused(study):
    cfg = copy.deepcopy(DEFAULT)
    cfg["study"] = study
    with pytest.raises(ConfigError, match="study"):
        validate_config(cfg)


@pytest.mark.parametrize("required", ["study", "seed", "time", "models"])
def test_missing_required_top_level_key_is_named(required):
    cfg = copy.deepcopy(DEFAULT)
    del cfg[required]
    with pytest.raises(ConfigError, match=required):
        validate_config(cfg)
