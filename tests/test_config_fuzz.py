"""Broken configs generated from the valid default one (hypothesis): each must be refused
by the validator with a single line that names the offending key."""

import copy
import re
import math
from pathlib import Path

import pytest
from qbattery.stages import check as stage_checks
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
#: mappings whose keys are the user's names (control cases) or free numeric parameters: a new key is not "unknown"
FREE_MAPS = lambda p: p == ("control", "cases") or (p[:2] == ("control", "cases") and p[-1] == "params")
OBJECTS = [p for p in objects(DEFAULT) if not FREE_MAPS(p)]
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
# the SYK coupling J sets the variance of random couplings (J^2): a scale, not a signed coupling
SIGNED_LEAVES = [p for p, v in leaves(DEFAULT) if SIGNED & {k for k in p if isinstance(k, str)} and p[:2] != ("models", "syk")]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(POSITIVE_LEAVES), st.sampled_from([-1, -1e9, 0]))
def test_non_positive_sizes_times_and_tolerances_are_refused(path, value):
    """Every positive quantity of the default config (N, couplings, t_max, points,
    tolerances, seeds, cutoffs) refuses a negative value; zero where zero is not allowed."""
    cfg = copy.deepcopy(DEFAULT)
    set_at(cfg, path, value)
    key = dotted(path)
    try:  # the schema, then the stages' own checks: what the Snakefile runs before any job
        stage_checks(validate_config(cfg))
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


# ---------------------------------------------------------------------------------------
# The config file itself: duplicate keys and YAML syntax errors (qbattery.config.read_config_file)
# ---------------------------------------------------------------------------------------
DEFAULT_TEXT = (ROOT / "config" / "config.yaml").read_text()


def last_line(node) -> int:
    """Last text line (0-based) of a YAML node: its last leaf's (a block mapping's end mark is the
    next key, possibly several comment lines further down)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return last_line(node.value[-1])
    return node.end_mark.line - (1 if node.end_mark.column == 0 else 0)


def block_entries(node, path=()):
    """(key path, first line, last line) of every entry of every block-style mapping (0-based
    lines of the default config's text), found on the composed YAML node tree."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style:
        for k, v in node.value:
            yield path + (k.value,), k.start_mark.line, last_line(v)
            yield from block_entries(v, path + (k.value,))


ENTRIES = list(block_entries(yaml.compose(DEFAULT_TEXT)))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(ENTRIES))
def test_a_key_given_twice_anywhere_is_refused_naming_the_key_and_both_lines(tmp_path_factory, entry):
    """Any entry of the default config (a top-level key like ``study``, a model, a nested
    setting) repeated right after itself is refused: YAML would keep the second silently.
    The one-line message names the file, the full key and both lines."""
    from qbattery.config import read_config_file

    path, first, last = entry
    lines = DEFAULT_TEXT.splitlines(keepends=True)
    block = lines[first : last + 1]
    text = "".join(lines[: last + 1] + block + lines[last + 1 :])
    f = tmp_path_factory.mktemp("dup") / "study.yaml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        read_config_file(f)
    msg = str(err.value)
    assert "\n" not in msg
    assert str(f) in msg and f"key {dotted(path)} is given twice" in msg, msg
    assert f"at lines {first + 1} and {last + 2}" in msg, msg


BROKEN_LINES = {
    "mapping values are not allowed": "broken: key: value",
    "cannot start any token": "\tindented_with_tab: 1",
    "unclosed flow sequence": "broken: [1, 2",
    "unclosed quote": "broken: 'text",
}


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(BROKEN_LINES)), st.integers(min_value=0, max_value=len(DEFAULT_TEXT.splitlines())))
def test_yaml_syntax_error_names_file_line_and_column(tmp_path_factory, kind, at):
    """A broken line inserted anywhere in the default config is refused in one line naming the
    file, a line and a column; a line-local mistake (a second ': ', a tab) is placed on the
    inserted line itself."""
    from qbattery.config import read_config_file

    lines = DEFAULT_TEXT.splitlines(keepends=True)
    text = "".join(lines[:at] + [BROKEN_LINES[kind] + "\n"] + lines[at:])
    f = tmp_path_factory.mktemp("syntax") / "study.yaml"
    f.write_text(text)
    try:
        read_config_file(f)
    except ConfigError as err:
        msg = str(err)
    else:  # e.g. inside a block scalar the line is text: then it must still be refused by the schema
        with pytest.raises(ConfigError):
            validate_config(yaml.safe_load(text))
        return
    assert "\n" not in msg
    m = re.search(r"config file (\S+), line (\d+), column (\d+): not valid YAML", msg)
    assert m and m.group(1) == str(f), msg
    if kind in ("mapping values are not allowed", "cannot start any token"):
        assert int(m.group(2)) == at + 1, msg


def test_a_valid_config_file_reads_as_yaml_does():
    """No false alarm: the shipped configs read exactly as yaml.safe_load reads them."""
    from qbattery.config import read_config_file

    for f in [ROOT / "config" / "config.yaml", ROOT / "config" / "paper.yaml", *sorted((ROOT / "config" / "examples").glob("*.yaml"))]:
        assert read_config_file(f) == yaml.safe_load(f.read_text()), f


@pytest.mark.parametrize(
    "path, value, expected",
    [
        (("time", "points"), 2.5, "time.points: value 2.5 is invalid: not an integer"),
        (("models", "dicke", "N"), [1, 2.5], "models.dicke.N[1]: value 2.5 is invalid: not an integer"),
        (("time", "t_max"), "20", "(remove the quotes"),
        (("time", "t_max"), "1e-3", "(YAML needs a decimal point in exponent notation"),
        (("study",), "default\n", "config key study: value 'default\\n' is invalid"),
    ],
)
def test_messages_say_what_is_wrong(path, value, expected):
    """A fractional count is "not an integer" (not "less than the minimum"); a quoted number is
    told to lose its quotes, exponent notation to gain a decimal point; a study name with a
    trailing newline (Python's ``$`` matches before it) is refused."""
    cfg = copy.deepcopy(DEFAULT)
    set_at(cfg, path, value)
    with pytest.raises(ConfigError) as err:
        validate_config(cfg)
    assert expected in str(err.value), str(err.value)
    if "quotes" in expected:
        assert "exponent" not in str(err.value)


def test_a_huge_value_is_cut_in_the_message():
    """A 10 MB value is not echoed: the message stays short and says how long the value was."""
    cfg = copy.deepcopy(DEFAULT)
    cfg["time"]["t_max"] = "x" * 10_000_000
    with pytest.raises(ConfigError) as err:
        validate_config(cfg)
    msg = str(err.value)
    assert len(msg) < 500 and "time.t_max" in msg and "(10000002 characters) is not of type 'number'" in msg, msg[:2000]
