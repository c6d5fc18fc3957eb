"""One vocabulary for every stage's datasets (qbattery.vocabulary).

Every variable and coordinate of every stage (simulate, power, open systems, correlations, work
statistics, thermal) carries exactly the long_name and units (flags: flag_values, flag_meanings,
integer dtype) of its vocabulary entry; model parameters carry their catalogue declaration; no
name has two units or long names across stages; fixed scalars (parameters, rates) are 0-d
coordinates, only swept values are dimensions. Datasets are built from small library calls.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

import qbattery
from qbattery import vocabulary as voc
from qbattery.analysis import analyse_power
from qbattery.config import validate_config
from qbattery.correlations import SWITCH_OFF_TIMES, correlations_grid
from qbattery.models import Numerics, get_model
from qbattery.open_systems.run import OpenSettings, open_grid
from qbattery.thermal import thermal_dataset
from qbattery import work_statistics as ws

ROOT = Path(__file__).resolve().parents[1]
T = np.linspace(0.0, 2.0, 11)
FAST_OPEN = OpenSettings(discharge_t_max=2.0, discharge_points=5, late_time=4.0)
CLOSED = ("dicke", "tavis_cummings", "parallel", "rabi_parallel", "global_flip", "spin_chain", "spin_chain_parallel")
CLOSED += ("charger_mediated_tls", "charger_mediated_osc", "charger_mediated_ho")


def _open_models() -> list[str]:
    """Every model with an open-systems (Lindblad) face."""
    from qbattery.models import models_with

    return models_with("lindblad")


#: coordinates along another dimension (not dimension coordinates, not scalars)
AUXILIARY = {"beta": "temperature"}


def _parameters(stage: str, ds: xr.Dataset) -> dict:
    """The catalogue's parameter declarations of the dataset's model (name -> Parameter)."""
    if stage == "thermal":
        return {}
    if stage == "work":
        return {p.name: p for p in get_model(ds.attrs["protocol"], face="work").parameters}
    m = get_model(ds.attrs["model"])
    return {p.name: p for p in m.parameters}


@pytest.fixture(scope="module")
def datasets() -> list[tuple[str, xr.Dataset]]:
    out = []
    sims = {name: qbattery.simulate(name, N=[1, 2], times=T) for name in CLOSED}
    out += [("simulate", ds) for ds in sims.values()]
    three = {name: qbattery.simulate(name, N=[1, 2, 3], times=T) for name in ("rabi_parallel", "global_flip")}
    # the short grid T ends before tau* of some points: recorded as NaN (issue 22), names and units are what is checked
    nan = {"on_violation": "nan"}
    power = analyse_power(three["global_flip"], three["rabi_parallel"], **nan)  # >= 3 N: power exponents too
    out += [
        ("power", power),
        ("power", analyse_power(sims["dicke"], sims["parallel"], **nan)),
        ("power", analyse_power(sims["spin_chain"], **nan)),
    ]
    for name in _open_models():
        rates = {"gamma": [0.0, 0.1]}
        if "kappa" in get_model(name, face="lindblad").lindblad_rates:
            rates["kappa"] = 0.05
        out.append(("open", open_grid(name, [1], T, rates, {}, FAST_OPEN)))
    pw = analyse_power(sims["dicke"], **nan)
    for name in qbattery.models.models_with("joint"):
        switch = {n: pw[v].sel(N=[1]) for n, v in SWITCH_OFF_TIMES.items()} if name == "dicke" else None
        out.append(("correlations", correlations_grid(name, 1, T, {}, Numerics(), switch)))
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["work_statistics"] = {
        "temperature": [0.5, 2.0],
        "tau": [0.8],
        "protocols": {
            "dicke": {"N": [1], "coupling": 0.2, "omega_c": 1.0},
            "splitting_quench": {"N": [1, 2], "omega_f": 1.6, "drive": 0.4},
        },
    }
    cfg = validate_config(cfg)
    out += [("work", ws.work_statistics_dataset(cfg, name)) for name in ("dicke", "splitting_quench")]
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["models"] = {"dicke": {"N": [1, 2], "coupling": [0.2], "omega_c": 1.0, "time": {"t_max": 3.0, "points": 21}}}
    cfg.pop("work_statistics", None)
    cfg["thermal"] = {
        "temperature": [0.5],
        "N": [1],
        "samples": 2,
        "stage_seed": 5,
        "bath": {"kind": "qubits", "sizes": [1], "omega": 1.0},
        "resources": {
            "hot_temperature_ratio": [2.0],
            "excited_population": [1.0],
            "coherence": [1.0],
            "catalyst_excited_population": [1.0],
        },
        "protocol": {"models": ["dicke"], "temperature": [0.5]},
    }
    out.append(("thermal", thermal_dataset(validate_config(cfg))))
    from qbattery.stages import control as control_stage

    cfg = validate_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))
    cfg["control"].update(slices=2, restarts=1, max_iterations=5, bisection=1, times={"t_min": 1.0, "t_max": 3.5, "points": 2})
    parts = [control_stage.control_point(control_stage.job_config(cfg, "local", N), "local", N) for N in (1, 2)]
    out.append(("control", control_stage.merge_control(parts)))
    return out


def _cf(attrs: dict) -> dict:
    """The label and unit attributes of a variable (long_name, units, reduced_units, description)."""
    return {k: attrs[k] for k in ("long_name", "units", "reduced_units", "description") if k in attrs}


def test_every_variable_and_coordinate_carries_its_vocabulary_entry(datasets):
    """(a) long_name and units of every variable/coordinate equal its vocabulary entry (model
    parameters: their catalogue declaration); flags are integers with the entry's flag_values
    (same dtype as the variable) and flag_meanings."""
    for stage, ds in datasets:
        params = _parameters(stage, ds)
        for name, v in ds.variables.items():
            where = f"{stage}/{ds.attrs.get('model', ds.attrs.get('protocol', ''))}: {name}"
            if name in params:
                assert _cf(v.attrs) == voc.declared_attrs(params[name].long_name, params[name].units), where
                continue
            assert name in voc.VOCABULARY, f"{where} is not in qbattery.vocabulary"
            q = voc.VOCABULARY[name]
            assert v.attrs.get("long_name") == q.long_name, (where, v.attrs)
            assert {k: v.attrs.get(k) for k in ("units", "reduced_units")} == {"reduced_units": None, **voc.cf_units(q.units)}, where
            assert v.attrs.get("description") == (q.description or None), where
            if q.is_flag:
                assert np.issubdtype(v.dtype, np.integer), (where, v.dtype)
                assert v.attrs["flag_values"].dtype == v.dtype, (where, v.attrs["flag_values"].dtype, v.dtype)
                assert v.attrs["flag_values"].tolist() == list(q.flag_values) and v.attrs["flag_meanings"] == q.flag_meanings, where
                assert set(np.unique(v.values)) <= set(q.flag_values), (where, np.unique(v.values))
            else:
                assert "flag_values" not in v.attrs, where


def test_no_name_has_two_units_or_long_names_across_stages(datasets):
    """(b) a quantity name means one thing: one (long_name, units) over every stage's datasets;
    no vocabulary quantity shares its name with a model parameter."""
    seen: dict[str, set] = {}
    for stage, ds in datasets:
        params = _parameters(stage, ds)
        assert not set(params) & set(voc.VOCABULARY), (stage, set(params) & set(voc.VOCABULARY))
        for name, v in ds.variables.items():
            if name not in params:
                seen.setdefault(name, set()).add((v.attrs.get("long_name"), v.attrs.get("units"), v.attrs.get("reduced_units")))
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes, clashes
    # the names the issue singles out: one spelling per quantity, gamma only the decay rate
    names = set(seen)
    assert {"tau_star_ergotropy", "max_power_ergotropy", "t_max_energy", "t_max_ergotropy", "quantum_advantage", "power_exponent"} <= names
    assert not names & {"ergotropy_tau_star", "ergotropy_max_power", "ergotropy_t_max_energy", "alpha", "ergotropy_gamma"}
    assert seen["gamma"] == {(voc.VOCABULARY["gamma"].long_name, "1", "omega_a")}


def test_every_fixed_scalar_is_a_0d_coordinate(datasets):
    """(c) a parameter or rate given as one number is a 0-d coordinate, never a length-1 dimension;
    every other coordinate is a dimension coordinate (or an auxiliary coordinate along one)."""
    for stage, ds in datasets:
        for name, v in ds.coords.items():
            if name in AUXILIARY:
                assert v.dims == (AUXILIARY[name],), name
            else:
                assert v.dims in ((), (name,)), (stage, name, v.dims)
        for name in _parameters(stage, ds):
            if name in ds.coords and name not in ds.dims:
                assert ds[name].ndim == 0, (stage, name)
        assert not [k for k, v in ds.data_vars.items() if v.ndim == 0 and k in _parameters(stage, ds)]
    opened = [ds for stage, ds in datasets if stage == "open"]
    for ds in opened:
        rates = get_model(ds.attrs["model"], face="lindblad").lindblad_rates
        assert "gamma" in ds.dims and ds.sizes["gamma"] == 2  # swept: a dimension
        for r in rates:
            if r != "gamma":
                assert r not in ds.dims and ds[r].ndim == 0, (ds.attrs["model"], r)  # fixed: 0-d coordinates
    simulated = [ds for stage, ds in datasets if stage == "simulate"]
    assert all(d in ("N", "t") for ds in simulated for d in ds.dims)  # every parameter fixed here


def test_open_rates_given_as_one_element_lists_are_0d_coordinates_with_the_same_numbers():
    """A rate given as one number and the same rate as a one-element list are both fixed: 0-d
    coordinates (no length-1 axis), the same dataset and the same physics to round-off; a list of
    two values sweeps (a dimension)."""
    a = open_grid("rabi_parallel", [1], T, {"gamma": 0.1, "temperature": 0.3}, {"drive": 0.4}, FAST_OPEN)
    b = open_grid("rabi_parallel", [1], T, {"gamma": [0.1], "temperature": [0.3], "gamma_phi": [0.0]}, {"drive": 0.4}, FAST_OPEN)
    for r in ("gamma", "temperature", "gamma_phi"):
        assert a[r].ndim == 0 and b[r].ndim == 0 and float(b[r]) == float(a[r]), r
    assert dict(a.sizes) == dict(b.sizes)
    for k in ("ergotropy", "work", "heat", "tau_star", "self_discharge_time", "ergotropy_at_late_time", "ergotropy_discharge"):
        np.testing.assert_allclose(b[k].values, a[k].values, rtol=1e-12, err_msg=k)
    c = open_grid("rabi_parallel", [1], T, {"gamma": [0.0, 0.1]}, {"drive": 0.4}, FAST_OPEN)
    assert c.sizes["gamma"] == 2


def test_switch_off_names_are_power_variables_and_the_schema_enum():
    """correlations.switch_off names are the power dataset's own variable names (and only those)."""
    from qbattery.config import base_schema

    assert all(k == v and k in voc.VOCABULARY for k, v in SWITCH_OFF_TIMES.items())
    enum = base_schema()["properties"]["correlations"]["properties"]["switch_off"]["items"]["enum"]
    assert sorted(enum) == sorted(SWITCH_OFF_TIMES)


def test_flag_entries_match_the_codes_the_stages_write():
    """The flag values/meanings of the vocabulary are the stages' status codes: health status
    (ok 0, violation 1), the thermal checks and protocol codes, the sampler's kinds in order."""
    from qbattery import thermal, thermal_protocol
    from qbattery.simulate import STATUS_HEALTH, STATUS_OK
    from qbattery.physics.thermal_ops import SAMPLE_KINDS

    assert voc.VOCABULARY["status"].flag_values == (STATUS_OK, STATUS_HEALTH)
    assert voc.VOCABULARY["nogo_status"].flag_values == (thermal.STATUS_OK, thermal.STATUS_VIOLATION)
    tp = thermal_protocol
    assert voc.VOCABULARY["protocol_status"].flag_values == (tp.STATUS_OK, tp.STATUS_VIOLATION, tp.STATUS_NO_MODEL, tp.STATUS_NO_STATES)
    assert voc.VOCABULARY["sample_kind"].flag_meanings == " ".join(SAMPLE_KINDS)


def test_a_model_series_outside_the_vocabulary_keeps_its_declaration_and_a_known_name_its_units():
    """A dropped-in model's new series keeps its own (long_name, units); a known name declared with
    other units is refused (one name, one quantity)."""
    new = voc.attrs("brand_new_series", fallback=("my series", "omega_a"))
    assert new == {"long_name": "my series", "units": "1", "reduced_units": "omega_a"}
    long = voc.attrs("brand_new_series", fallback=("my series (summed over cavities)", "1"))
    assert long == {"long_name": "my series", "units": "1", "description": "my series (summed over cavities)"}
    assert voc.attrs("photon_number", comment="mean photon number in the cavity", fallback=("x", "1"))["comment"]
    with pytest.raises(ValueError, match="photon_number"):
        voc.attrs("photon_number", fallback=("mean photon number", "omega_a"))
    with pytest.raises(KeyError, match="vocabulary"):
        voc.attrs("brand_new_series")


def test_no_stage_module_writes_a_literal_long_name():
    """The builders take long_name/units from the vocabulary: no stage module spells one out."""
    lib = ROOT / "workflow" / "qbattery"
    files = ["simulate.py", "analysis.py", "correlations.py", "work_statistics.py", "thermal.py", "thermal_protocol.py"]
    for f in [*files, "open_systems/run.py"]:
        text = (lib / f).read_text()
        assert not re.search(r'"long_name":\s*f?"|long_name=f?"', text), f


def test_vocabulary_reference_is_up_to_date():
    """docs/vocabulary.md equals what `python -m qbattery.vocabulary` generates now."""
    assert (ROOT / "docs" / "vocabulary.md").read_text() == voc.render(), (
        "docs/vocabulary.md is stale: run `cd workflow && python -m qbattery.vocabulary > ../docs/vocabulary.md`"
    )


def test_long_names_are_short_labels_and_units_are_udunits_or_reduced():
    """long_name is an axis label (at most LABEL_MAX = 48 characters, no formula sentence); the sentence is the
    description; units are "1" or a reduced unit (stored as "1" + reduced_units, CF/UDUNITS-valid)."""
    import cf_units

    for name, q in voc.VOCABULARY.items():
        assert len(q.long_name) <= voc.LABEL_MAX, (name, q.long_name)
        assert q.description, name
        assert q.units in (voc.ONE, *voc.REDUCED_UNITS), (name, q.units)
        cf_units.Unit(voc.cf_units(q.units)["units"])  # parses under UDUNITS-2
    for u in (voc.E, voc.T, voc.P):  # why they are not written as units: UDUNITS does not know them ...
        with pytest.raises(ValueError):
            cf_units.Unit(u)
    assert cf_units.Unit(voc.NAT).is_convertible("Pa")  # ... and reads "nat" as nano-technical-atmospheres
