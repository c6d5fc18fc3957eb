"""The library's entry points refuse what the config schema refuses (issue 16), with one error
type (a ValueError) and one-line messages naming the argument and the offending value; the
reason text is the same as on the config route (``validate_config``)."""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import qbattery
import yaml
from qbattery import Numerics, analyse_power
from qbattery.config import ConfigError, base_schema, model_times, validate_config
from qbattery.correlations import correlations_grid
from qbattery.models import models_with
from qbattery.open_systems.run import open_grid
from qbattery.validation import InputError
from qbattery.work_statistics import work_statistics_dataset

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
T = np.linspace(0.0, 2.0, 5)
NAN, INF = float("nan"), float("inf")


def work_cfg(**entry) -> dict:
    """The default config with the work protocol ``dicke`` entry updated (``numerics``,
    ``resources`` and other protocols via the special keys)."""
    cfg = copy.deepcopy(DEFAULT)
    extra = entry.pop("_protocols", {})
    cfg["numerics"] = entry.pop("_numerics", cfg.get("numerics", {}))
    if "_resources" in entry:
        cfg["resources"] = entry.pop("_resources")
    cfg["work_statistics"]["protocols"]["dicke"].update(entry)
    cfg["work_statistics"]["protocols"].update(extra)
    return cfg


# every entry point, called with one argument replaced (N, times, params, rates, numerics, memory)
def call_simulate(N=(1,), times=T, params=None, numerics=None, **kw):
    return qbattery.simulate("dicke", N=N, times=times, numerics=numerics, **(params if params is not None else {"coupling": 0.2}), **kw)


def call_open(N=(1,), times=T, params=None, numerics=None, rates=None, model="tavis_cummings", config=None):
    p = params if params is not None else ({"coupling": 0.2} if model == "tavis_cummings" else {})
    return open_grid(model, N, times, rates if rates is not None else {"gamma": 0.1}, p, numerics=numerics, config=config)


def call_correlations(N=1, times=T, params=None, numerics=None, config=None):
    return correlations_grid("dicke", N, times, params if params is not None else {"coupling": 0.2}, numerics or Numerics(), config=config)


def call_work(N=(1,), params=None, numerics=None):
    entry = {"N": list(N) if isinstance(N, (list, tuple)) else [N], **(params or {})}
    if numerics is not None:
        entry["_numerics"] = numerics
    return work_statistics_dataset(work_cfg(**entry), "dicke")


def refused(f, *words: str) -> str:
    """The one-line ValueError of ``f()``, checked to contain every word."""
    with pytest.raises(ValueError) as err:
        f()
    assert isinstance(err.value, InputError)
    msg = str(err.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)
    return msg


def test_one_error_type_for_config_and_library():
    """ConfigError and the library's InputError are one type, a ValueError."""
    assert ConfigError is InputError and issubclass(InputError, ValueError)


BAD_N = [2.5, True, "4", 0, -1, NAN, [], [2, 2], [1, 2.5]]


def _shown(v) -> str:
    """How the message shows the offending value (the element for a list with one bad element)."""
    return "2.5" if v == [1, 2.5] else repr(v)


@pytest.mark.parametrize("N", BAD_N, ids=repr)
@pytest.mark.parametrize("entry", ["simulate", "open_grid", "correlations_grid", "work_statistics_dataset"])
def test_N_not_a_positive_integer_or_bad_grid_is_refused_naming_N(entry, N):
    """N = 2.5, True, "4", 0, -1, NaN, an empty or duplicated list: a ValueError naming the
    argument N and the value (today 2.5 silently became 2 and -1 ended in an IndexError)."""
    if entry == "simulate":
        refused(lambda: call_simulate(N=N), "simulate: argument N", _shown(N))
    elif entry == "open_grid":
        refused(lambda: call_open(N=N), "open_grid: argument N", _shown(N))
    elif entry == "correlations_grid":
        refused(lambda: call_correlations(N=N), "correlations_grid: argument N", _shown(N))
    else:
        refused(lambda: call_work(N=N), "work_statistics_dataset: argument cfg.work_statistics.protocols.dicke.N", _shown(N))


@pytest.mark.parametrize("model", models_with("closed"))
@pytest.mark.parametrize("N", [0, -1, 2.5])
def test_no_closed_model_returns_numbers_for_a_battery_of_no_or_fractional_cells(model, N):
    """N = 0 gave zeros for some models, -1 an IndexError, 2.5 silently N = 2: every closed model refuses."""
    refused(lambda: qbattery.simulate(model, N=N, times=T), "simulate: argument N", repr(N))


@pytest.mark.parametrize("bad", [[], [0.1, 0.1]], ids=["empty", "duplicate"])
@pytest.mark.parametrize("entry", ["simulate", "open_grid.params", "open_grid.rates", "correlations_grid", "work_statistics_dataset"])
def test_empty_or_duplicate_parameter_grid_is_refused(entry, bad):
    """A swept parameter given as an empty list or with a repeated value is refused (schema:
    minItems 1, uniqueItems), naming the parameter."""
    if entry == "simulate":
        refused(lambda: call_simulate(params={"coupling": bad}), "simulate: argument coupling", repr(bad))
    elif entry == "open_grid.params":
        refused(lambda: call_open(params={"coupling": bad}), "open_grid: argument params.coupling", repr(bad))
    elif entry == "open_grid.rates":
        refused(lambda: call_open(rates={"gamma": bad}), "open_grid: argument rates.gamma", repr(bad))
    elif entry == "correlations_grid":
        refused(lambda: call_correlations(params={"coupling": bad}), "correlations_grid: argument params.coupling", repr(bad))
    else:
        refused(lambda: call_work(params={"coupling": bad}), "argument cfg.work_statistics.protocols.dicke.coupling", repr(bad))


BAD_TIMES = {
    "nan": ([0.0, 1.0, NAN, 3.0], "times[2]: value nan"),
    "inf": ([0.0, 1.0, 2.0, INF], "times[3]: value inf"),
    "non_monotonic": ([0.0, 2.0, 1.0, 3.0], "times[2]: value 1.0"),
    "repeated": ([0.0, 1.0, 1.0, 3.0], "times[2]: value 1.0"),
    "negative": ([-1.0, 0.0, 1.0, 2.0], "times[0]: value -1.0"),
    "not_from_zero": ([0.5, 1.0, 2.0, 3.0], "times[0]: value 0.5"),
    "too_few": ([0.0, 1.0], "times: value [0.0, 1.0]"),
    "empty": ([], "times: value []"),
    "two_dimensional": ([[0.0, 1.0], [2.0, 3.0]], "times: array of shape (2, 2)"),
    "text": ("0 1 2", "times: value '0 1 2'"),
}


@pytest.mark.parametrize("case", sorted(BAD_TIMES))
@pytest.mark.parametrize("entry", ["simulate", "open_grid", "correlations_grid"])
def test_non_finite_non_monotonic_negative_or_short_time_grid_is_refused(entry, case):
    """Times must be finite, 1-D, start at t = 0 (the state is prepared there: stored energy and
    E(t)/t are taken from the first point), increase strictly and have >= 3 points (the power
    analysis's parabola through the maximum of E(t)/t)."""
    times, words = BAD_TIMES[case]
    f = {"simulate": call_simulate, "open_grid": call_open, "correlations_grid": call_correlations}[entry]
    refused(lambda: f(times=times), f"{entry}: argument {words}")


@pytest.mark.parametrize("case", [c for c in sorted(BAD_TIMES) if len(BAD_TIMES[c][0]) == 4 and c != "two_dimensional"])
def test_power_analysis_refuses_a_dataset_on_a_bad_time_grid(case):
    """The same time-grid rules for the grid that analyse_power receives (its ``time`` coordinate)."""
    sim = qbattery.simulate("parallel", N=[1], times=np.linspace(0.0, 3.0, 4))
    bad = sim.assign_coords(t=np.asarray(BAD_TIMES[case][0]))
    refused(lambda: analyse_power(bad), "analyse_power: argument sim." + BAD_TIMES[case][1].replace("times", "t", 1))


BAD_NUMERICS = [
    ({"foo": 1}, "numerics", "'foo'", "unknown key"),
    ({"on_violation": "ignore"}, "numerics.on_violation", "'ignore'", "'fail', 'nan'"),
    ({"truncation_tol": -1.0}, "numerics.truncation_tol", "-1.0", "minimum"),
    ({"truncation_tol": "1e-10"}, "numerics.truncation_tol", "'1e-10'", "text, not a number"),
    ({"fock_extra": 2.5}, "numerics.fock_extra", "2.5", "integer"),
    ({"fock_auto": 1}, "numerics.fock_auto", "1", "boolean"),
    ({"norm_tol": NAN}, "numerics.norm_tol", "nan", "finite"),
]


@pytest.mark.parametrize("bad, key, shown, reason", BAD_NUMERICS, ids=[k for _, k, *_ in BAD_NUMERICS])
@pytest.mark.parametrize("entry", ["simulate", "open_grid", "correlations_grid", "work_statistics_dataset", "Numerics.from_config"])
def test_unknown_or_invalid_numerics_are_refused_naming_the_key(entry, bad, key, shown, reason):
    """Unknown numerics keys (a TypeError from Numerics(**kw) before) and values outside the schema
    (on_violation not in {fail, nan}, tolerances <= 0, text numbers) are ValueErrors naming the key."""
    sub = key.removeprefix("numerics")
    if entry == "simulate":
        refused(lambda: call_simulate(numerics=bad), f"simulate: argument numerics{sub}: value {shown}", reason)
    elif entry == "open_grid":
        refused(lambda: call_open(numerics=bad), f"open_grid: argument numerics{sub}: value {shown}", reason)
    elif entry == "correlations_grid":
        if "foo" in bad:  # a Numerics instance cannot carry an unknown key: its constructor is the entry point
            refused(lambda: call_correlations(numerics=Numerics.from_config(bad)), "Numerics.from_config: argument cfg", shown)
        else:
            num = Numerics(**bad)  # the dataclass takes any value; the entry point checks it
            refused(lambda: call_correlations(numerics=num), f"correlations_grid: argument numerics{sub}: value {shown}", reason)
    elif entry == "work_statistics_dataset":
        refused(lambda: call_work(numerics=bad), f"work_statistics_dataset: argument cfg.numerics{sub}: value {shown}", reason)
    else:
        refused(lambda: Numerics.from_config(bad), f"Numerics.from_config: argument cfg{sub}: value {shown}", reason)


@pytest.mark.parametrize("seed", [-1, 2.5, "7", True])
def test_numerics_from_config_refuses_a_bad_seed(seed):
    """The study seed passed to Numerics.from_config follows the config's ``seed`` rule (integer >= 0)."""
    refused(lambda: Numerics.from_config({}, seed=seed), "Numerics.from_config: argument seed", repr(seed))


BAD_PARAMS = [("coupling", -1.0), ("coupling", 0.0), ("coupling", NAN), ("coupling", True), ("coupling", "0.2"), ("coupling", [0.1, -0.1])]


@pytest.mark.parametrize("name, value", BAD_PARAMS, ids=[repr(v) for _, v in BAD_PARAMS])
@pytest.mark.parametrize("entry", ["simulate", "open_grid", "correlations_grid", "work_statistics_dataset"])
def test_out_of_range_parameter_is_refused_naming_it(entry, name, value):
    """The coupling lambda must be a number > 0 (its catalogue bound): a
    ValueError naming the parameter and the value (the offending element of a swept list)."""
    shown = "-0.1" if isinstance(value, list) else repr(value)
    if entry == "simulate":
        refused(lambda: call_simulate(params={name: value}), f"simulate: argument {name}", shown)
    elif entry == "open_grid":
        refused(lambda: call_open(params={name: value}), f"open_grid: argument params.{name}", shown)
    elif entry == "correlations_grid":
        refused(lambda: call_correlations(params={name: value}), f"correlations_grid: argument params.{name}", shown)
    else:
        refused(lambda: call_work(params={name: value}), f"argument cfg.work_statistics.protocols.dicke.{name}", shown)


@pytest.mark.parametrize("entry", ["simulate", "open_grid.params", "open_grid.rates", "correlations_grid", "work_statistics_dataset"])
def test_unknown_parameter_or_rate_is_refused_listing_the_allowed_ones(entry):
    """A parameter the model does not have (or a bath it has no rate for) is refused, listing
    the model's own parameters."""
    if entry == "simulate":
        refused(
            lambda: call_simulate(params={"spin": 1.0}), "simulate: argument **params: value 'spin'", "unknown key", "coupling, omega_c"
        )
    elif entry == "open_grid.params":
        refused(lambda: call_open(params={"spin": 1.0}), "open_grid: argument params: value 'spin'", "unknown key", "coupling")
    elif entry == "open_grid.rates":
        refused(
            lambda: call_open(model="rabi_parallel", rates={"kappa": 0.1}),
            "open_grid: argument rates: value 'kappa'",
            "gamma, gamma_phi, temperature",
        )
    elif entry == "correlations_grid":
        refused(lambda: call_correlations(params={"spin": 1.0}), "correlations_grid: argument params: value 'spin'", "unknown key")
    else:
        refused(lambda: call_work(params={"spin": 1.0}), "argument cfg.work_statistics.protocols.dicke: value 'spin'", "unknown key")


def test_unknown_model_or_model_without_the_face_is_refused():
    """simulate needs a closed face, open_grid a Lindblad problem, correlations_grid an explicit charger."""
    refused(lambda: qbattery.simulate("nomodel", N=1, times=T), "simulate: argument model: value 'nomodel'", "dicke")
    refused(lambda: open_grid("nomodel", [1], T), "open_grid: argument model: value 'nomodel'", "rabi_parallel")
    refused(
        lambda: correlations_grid("parallel", 1, T, {}, Numerics()), "correlations_grid: argument model: value 'parallel'", "no joint face"
    )
    refused(lambda: work_statistics_dataset(DEFAULT, "nomodel"), "work_statistics_dataset: argument name: value 'nomodel'", "dicke")


@pytest.mark.parametrize("entry", ["simulate", "simulate.config", "open_grid", "correlations_grid", "work_statistics_dataset"])
def test_job_the_memory_estimate_says_cannot_fit_is_refused_naming_N(entry):
    """The model's memory estimate memory_mb(N, n_times) against the limit (the max_mem_mb
    argument, else resources.max_mem_mb of the config, else the schema default 16000 MB)."""
    small = {"resources": {"max_mem_mb": 1000}}
    if entry == "simulate":
        refused(lambda: call_simulate(N=2000, max_mem_mb=1000), "simulate: argument N: N=2000 is invalid", "more than the limit of 1000 MB")
    elif entry == "simulate.config":
        refused(lambda: call_simulate(N=[1, 2000], config=small), "simulate: argument N: N=2000", "resources.max_mem_mb")
    elif entry == "open_grid":
        refused(
            lambda: call_open(model="collective_drive", N=[200], rates={}, config=small), "open_grid: argument N: N=200", "limit of 1000 MB"
        )
    elif entry == "correlations_grid":
        refused(lambda: call_correlations(N=2000, config=small), "correlations_grid: argument N: N=2000", "limit of 1000 MB")
    else:
        cfg = work_cfg(_protocols={"spin_chain": {"N": [12], "drive": 0.5}}, _resources={"max_mem_mb": 1000})
        refused(lambda: work_statistics_dataset(cfg, "spin_chain"), "cfg.work_statistics.protocols.spin_chain.N: N=12", "limit of 1000 MB")


@pytest.mark.parametrize("limit", [-1, 50, 2.5, "16000", True])
def test_memory_limit_argument_follows_the_schema(limit):
    """simulate's max_mem_mb follows resources.max_mem_mb's rule (an integer >= 100 MB)."""
    refused(lambda: call_simulate(max_mem_mb=limit), "simulate: argument max_mem_mb: value", repr(limit))


def test_default_memory_limit_is_the_schema_default():
    """Without max_mem_mb or a config, the limit is resources.max_mem_mb's schema default (16000 MB)."""
    assert base_schema()["properties"]["resources"]["properties"]["max_mem_mb"]["default"] == 16000
    refused(lambda: call_simulate(N=[20000]), "simulate: argument N: N=20000", "limit of 16000 MB")


def test_memory_limit_rule():
    """The limit: the max_mem_mb argument, else the config's resources.max_mem_mb, else (no
    config) the schema default; a config without resources is a workflow job's subtree, whose
    study limit validate_config applied before any job, so it is not checked twice (None)."""
    from qbattery.validation import memory_limit

    assert memory_limit(500, {"resources": {"max_mem_mb": 900}})[0] == 500
    assert memory_limit(None, {"resources": {"max_mem_mb": 900}})[0] == 900
    assert memory_limit(None, None)[0] == 16000
    assert memory_limit(None, {"models": {}})[0] is None


def test_work_statistics_refuses_a_config_without_its_section():
    """work_statistics_dataset takes a config with a work_statistics section; anything else is named."""
    refused(lambda: work_statistics_dataset({"models": {}}, "dicke"), "work_statistics_dataset: argument cfg", "no work_statistics section")
    refused(
        lambda: work_statistics_dataset([1], "dicke"), "work_statistics_dataset: argument cfg: value of type list", "not a config mapping"
    )


# --------------------------------------------------------------------------------------------
# analyse_power: the datasets it takes
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def grids():
    t = np.linspace(0.0, 20.0, 41)  # covers tau* ~ 12 (ergotropy-based ~ 14) at coupling 0.1 (issue 22's health check)
    nan = {"on_violation": "nan"}
    sim = qbattery.simulate("dicke", N=[1, 2], coupling=[0.1, 0.2], times=t, numerics=nan)
    ref = qbattery.simulate("parallel", N=[1, 2], coupling=[0.1, 0.2], times=t, numerics=nan)
    return t, sim, ref


def test_power_analysis_refuses_datasets_of_the_wrong_kind(grids):
    """A power dataset, a DataArray or a grid without N as sim or reference is refused naming the argument."""
    t, sim, ref = grids
    power = analyse_power(sim)
    refused(lambda: analyse_power(power), "analyse_power: argument sim", "not a simulated grid")
    refused(lambda: analyse_power(sim.energy), "analyse_power: argument sim", "DataArray", "not an xarray Dataset")
    refused(lambda: analyse_power(sim.isel(N=0)), "analyse_power: argument sim.energy", "N")
    refused(lambda: analyse_power(sim, power), "analyse_power: argument reference", "not a simulated grid")
    refused(lambda: analyse_power(sim, "parallel"), "analyse_power: argument reference", "str")


def test_power_analysis_refuses_a_reference_on_another_grid(grids):
    """Gamma = P_max(model) / P_max(reference) at equal N and parameters: a reference missing an N
    of sim, at other parameter values, or with a dimension of its own is refused."""
    t, sim, ref = grids
    refused(lambda: analyse_power(sim, ref.sel(N=[1])), "analyse_power: argument reference.N: value [1]", "lacks N = 2")
    other = qbattery.simulate("parallel", N=[1, 2], coupling=[0.1, 0.3], times=t)
    refused(lambda: analyse_power(sim, other), "analyse_power: argument reference.coupling: value [0.1, 0.3]", "sim.coupling = [0.1, 0.2]")
    fixed = qbattery.simulate("parallel", N=[1, 2], coupling=0.1, times=t)
    refused(lambda: analyse_power(sim, fixed), "analyse_power: argument reference.coupling: value [0.1]")
    extra = qbattery.simulate("parallel", N=[1, 2], coupling=[0.1, 0.2], omega_c=[1.0, 2.0], times=t)
    refused(lambda: analyse_power(sim, extra), "analyse_power: argument reference.omega_c: value [1.0, 2.0]")


def test_power_analysis_accepts_a_reference_on_another_time_grid(grids):
    """Each P_max is found on its own time grid (a global protocol is faster than its parallel
    reference), so a reference on another time grid is valid; Gamma is unchanged by it when the
    reference's grid contains the same tau*."""
    t, sim, ref = grids
    fine = qbattery.simulate("parallel", N=[1, 2], coupling=[0.1, 0.2], times=np.linspace(0.0, 20.0, 81))
    g_same = analyse_power(sim, ref).quantum_advantage
    g_fine = analyse_power(sim, fine).quantum_advantage
    assert np.all(np.isfinite(g_fine.values)) and g_fine.dims == g_same.dims


# --------------------------------------------------------------------------------------------
# One source of truth
# --------------------------------------------------------------------------------------------
def test_numerics_fields_and_defaults_are_the_schema_numerics_section():
    """Numerics has exactly the config's numerics keys (plus the study seed), with the schema's
    defaults: the library's settings and the config cannot drift apart."""
    props = base_schema()["properties"]["numerics"]["properties"]
    fields = {f.name: f.default for f in dataclasses.fields(Numerics)}
    assert set(fields) == set(props) | {"seed"}
    for k, p in props.items():
        assert fields[k] == p["default"], k


def _config_with(path: str, value) -> dict:
    cfg = copy.deepcopy(DEFAULT)
    node = cfg
    keys = path.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value
    return cfg


# (bad value, config key set to it, library call with it)
PARITY = [
    ("N=2.5", "models.dicke.N", [2.5], lambda: qbattery.simulate("dicke", N=2.5, times=T)),
    ("N=True", "models.dicke.N", [True], lambda: qbattery.simulate("dicke", N=True, times=T)),
    ("N='4'", "models.dicke.N", ["4"], lambda: qbattery.simulate("dicke", N="4", times=T)),
    ("N=0", "models.dicke.N", [0], lambda: qbattery.simulate("dicke", N=0, times=T)),
    ("N=-1", "models.dicke.N", [-1], lambda: qbattery.simulate("dicke", N=-1, times=T)),
    ("N=[]", "models.dicke.N", [], lambda: qbattery.simulate("dicke", N=[], times=T)),
    ("N=[2, 2]", "models.dicke.N", [2, 2], lambda: qbattery.simulate("dicke", N=[2, 2], times=T)),
    ("N=nan", "models.dicke.N", [NAN], lambda: qbattery.simulate("dicke", N=NAN, times=T)),
    ("coupling=[]", "models.dicke.coupling", [], lambda: qbattery.simulate("dicke", N=1, times=T, coupling=[])),
    ("coupling=[0.1, 0.1]", "models.dicke.coupling", [0.1, 0.1], lambda: qbattery.simulate("dicke", N=1, times=T, coupling=[0.1, 0.1])),
    ("coupling=-1.0", "models.dicke.coupling", -1.0, lambda: qbattery.simulate("dicke", N=1, times=T, coupling=-1.0)),
    ("coupling=0", "models.dicke.coupling", 0.0, lambda: qbattery.simulate("dicke", N=1, times=T, coupling=0.0)),
    ("coupling=True", "models.dicke.coupling", True, lambda: qbattery.simulate("dicke", N=1, times=T, coupling=True)),
    ("drive=-1", "models.rabi_parallel.drive", -1.0, lambda: qbattery.simulate("rabi_parallel", N=1, times=T, drive=-1.0)),
    ("periodic=2", "models.spin_chain.periodic", 2, lambda: qbattery.simulate("spin_chain", N=2, times=T, periodic=2)),
    ("coupling=inf", "models.dicke.coupling", INF, lambda: qbattery.simulate("dicke", N=1, times=T, coupling=INF)),
    ("spin=1", "models.dicke.spin", 1.0, lambda: qbattery.simulate("dicke", N=1, times=T, spin=1.0)),
    ("numerics foo", "numerics.foo", 1, lambda: qbattery.simulate("dicke", N=1, times=T, numerics={"foo": 1})),
    (
        "on_violation",
        "numerics.on_violation",
        "ignore",
        lambda: qbattery.simulate("dicke", N=1, times=T, numerics={"on_violation": "ignore"}),
    ),
    ("truncation_tol text", "numerics.truncation_tol", "1e-10", lambda: Numerics.from_config({"truncation_tol": "1e-10"})),
    ("truncation_tol=-1", "numerics.truncation_tol", -1.0, lambda: Numerics.from_config({"truncation_tol": -1.0})),
    ("open gamma=-1", "open_systems.models.tavis_cummings.gamma", -1.0, lambda: call_open(rates={"gamma": -1.0})),
    ("open N=2.5", "open_systems.models.tavis_cummings.N", [2.5], lambda: call_open(N=2.5)),
    ("open coupling=[]", "open_systems.models.tavis_cummings.coupling", [], lambda: call_open(params={"coupling": []})),
    ("work N=0", "work_statistics.protocols.dicke.N", [0], lambda: call_work(N=[0])),
    (
        "work coupling=[0.1, 0.1]",
        "work_statistics.protocols.dicke.coupling",
        [0.1, 0.1],
        lambda: call_work(params={"coupling": [0.1, 0.1]}),
    ),
]


@pytest.mark.parametrize("label, key, value, library", PARITY, ids=[p[0] for p in PARITY])
def test_config_and_library_give_the_same_reason(label, key, value, library):
    """For each bad value the config route (validate_config) and the library route raise the
    same error type with the same reason text; only the name differs: ``config key <path>``
    there, ``<function>: argument <name>`` here (times have no config twin: the config gives
    t_max and points)."""
    with pytest.raises(InputError) as cfg_err:
        validate_config(_config_with(key, value))
    with pytest.raises(InputError) as lib_err:
        library()
    assert str(cfg_err.value).startswith("config key ")
    assert ": argument " in str(lib_err.value) and not str(lib_err.value).startswith("config key")
    assert cfg_err.value.reason == lib_err.value.reason, (str(cfg_err.value), str(lib_err.value))


def test_memory_refusal_has_the_same_reason_on_both_routes():
    """A job too large for the memory limit: the same estimate and reason on the config route
    (resources.max_mem_mb) and through simulate's max_mem_mb."""
    cfg = _config_with("models.dicke.N", [1, 2000])
    cfg["resources"] = {"max_mem_mb": 1000}
    with pytest.raises(InputError) as cfg_err:
        validate_config(cfg)
    times = model_times(validate_config(DEFAULT), "dicke")
    with pytest.raises(InputError) as lib_err:
        qbattery.simulate("dicke", N=[1, 2000], times=times, max_mem_mb=1000)
    assert "config key models.dicke.N: N=2000" in str(cfg_err.value)
    assert "simulate: argument N: N=2000" in str(lib_err.value)
    assert cfg_err.value.reason == lib_err.value.reason


# --------------------------------------------------------------------------------------------
# Valid input keeps working, with the same numbers
# --------------------------------------------------------------------------------------------
def test_numpy_types_generators_and_whole_floats_give_the_same_dataset():
    """np.int64 / whole-float N, a generator of times and numpy scalars pass the checks and give
    exactly the numbers of plain Python input (JSON-schema's integer accepts 2.0)."""
    t = np.linspace(0.0, 3.0, 7)
    plain = qbattery.simulate("dicke", N=[1, 2], times=list(t), coupling=[0.1, 0.2], numerics={"fock_extra": 10})
    numpy = qbattery.simulate(
        "dicke", N=np.array([1, 2]), times=(x for x in t), coupling=np.array([0.1, 0.2]), numerics={"fock_extra": np.int64(10)}
    )
    floats = qbattery.simulate("dicke", N=[1.0, 2.0], times=tuple(t), coupling=(0.1, 0.2), numerics=Numerics(fock_extra=10))
    ranged = qbattery.simulate("dicke", N=range(1, 3), times=t, coupling=[0.1, 0.2], numerics={"fock_extra": 10})
    for other in (numpy, floats, ranged):
        np.testing.assert_array_equal(other.N.values, plain.N.values)
        for k in ("energy", "ergotropy", "capacity"):
            np.testing.assert_array_equal(other[k].values, plain[k].values)
    assert math.isclose(float(plain.energy.sel(N=1, coupling=0.1).values[0]), 0.0, abs_tol=1e-14)
