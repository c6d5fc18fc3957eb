"""The stage contract: every job's config subtree is exactly what it depends on, merged grids
keep every point's health record, and a job can read nothing its subtree lacks.

The replanning test goes over every leaf key of the default config: it changes the key (to
another valid value) and checks which jobs' config subtrees (the rules' ``params``, so what
Snakemake reruns) change, against the dependencies stated here, independently of the stages'
code: a model parameter reruns that model's jobs and nothing else, a numerics key reruns the
jobs whose route reads it, and so on. ``test_snakemake_plans_the_params_changes`` checks on a
completed tiny study that Snakemake itself plans exactly those jobs.
"""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pytest
import yaml
from qbattery import normalisations, stages
from qbattery.config import ConfigError, load_config, validate_config
from qbattery.models import get_model
from qbattery.stages import control as control_stage
from qbattery.stages import correlations as corr_stage
from qbattery.stages import open as open_stage
from qbattery.stages import simulate as sim_stage
from qbattery.stages import thermal as thermal_stage
from qbattery.stages import work as work_stage

from e2e import ROOT, snakemake, tiny_config


# ------------------------------------------------------------------------ job tables
def job_table(cfg: dict) -> dict[tuple, str]:
    """Every job of the study -> its config subtree (canonical JSON)."""
    jobs: dict[tuple, dict] = {}
    for m in sim_stage.models(cfg):
        for N in sim_stage.n_values(cfg, m):
            if sim_stage.is_random(m):  # one job per N and chunk of disorder realisations
                for c in sim_stage.chunks(cfg, m):
                    jobs[("simulate_realisations", m, N, c)] = sim_stage.job_config(cfg, m, N)
            else:
                jobs[("simulate_point", m, N)] = sim_stage.job_config(cfg, m, N)
    for m in sim_stage.reference_models(cfg):
        jobs[("simulate_reference", m)] = sim_stage.reference_job_config(cfg, m)
    for m, name in sim_stage.normalised_jobs(cfg):
        jobs[("simulate_normalised", m, name)] = sim_stage.normalised_job_config(cfg, m, name)
    for m in sim_stage.models(cfg):
        jobs[("analyse_power", m)] = sim_stage.power_job_config(cfg, m)
    for m in open_stage.models(cfg):
        for N in open_stage.n_values(cfg, m):
            jobs[("open_point", m, N)] = open_stage.job_config(cfg, m, N)
    for m in corr_stage.models(cfg):
        if corr_stage.split_by_N(cfg):
            for N in sim_stage.n_values(cfg, m):
                jobs[("correlations_point", m, N)] = corr_stage.job_config(cfg, m, N)
        else:
            jobs[("correlations_model", m)] = corr_stage.job_config(cfg, m)
    for m in work_stage.models(cfg):
        jobs[("work_statistics", m)] = work_stage.job_config(cfg, m)
    if thermal_stage.enabled(cfg):
        jobs[("thermal_operations",)] = thermal_stage.job_config(cfg)
    for c in control_stage.cases(cfg):
        for N in control_stage.n_values(cfg, c):
            jobs[("control_point", c, N)] = control_stage.job_config(cfg, c, N)
    return {k: json.dumps(v, sort_keys=True) for k, v in jobs.items()}


def changed_jobs(a: dict, b: dict) -> set[tuple]:
    ta = BASE_TABLE if a is DEFAULT else job_table(a)
    tb = job_table(b)
    return {k for k in set(ta) | set(tb) if ta.get(k) != tb.get(k)}


# ------------------------------------------------------------------------ perturbations
def leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    else:
        yield path, node


def set_at(cfg: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(cfg)
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


def candidates(value):
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, str):
        swaps = {"fail": "nan", "nan": "fail", "qubits": "ladder", "ladder": "qubits", "amplitude": "norm", "norm": "amplitude"}
        swaps |= {"rabi_parallel": "global_flip", "global_flip": "rabi_parallel"}
        return [swaps.get(value, value + "_x")]
    if isinstance(value, int):
        return [value + 1, value - 1, value * 2]
    if isinstance(value, float):
        return [value * 1.5, value * 0.5, value + 1.0, value - 1.0]
    if isinstance(value, list):
        out = []
        if len(value) > 1:
            out.append(value[:-1])
        if value and isinstance(value[0], (int, float)) and not isinstance(value[0], bool):
            out.append([*value[:-1], value[-1] * 1.5 if isinstance(value[-1], float) else value[-1] + 1])
        if value and isinstance(value[0], str):  # a list of names: one more (control families)
            out += [[*value, extra] for extra in ("collective_x", "local_x") if extra not in value][:1]
        out.append([])
        return out
    return []


def perturbed(cfg: dict, path: tuple, value):
    """The config with the leaf at ``path`` changed to another valid value, or None."""
    for v in candidates(value):
        if v == value:
            continue
        new = set_at(cfg, path, v)
        try:
            new = validate_config(new)
            stages.check(new)
        except (ConfigError, ValueError):
            continue
        return new
    return None


# ------------------------------------------------------------------------ the stated dependencies
def entry_N(cfg, section_path, m):
    node = cfg
    for k in section_path:
        node = node[k]
    return node[m]["N"]


def expected(cfg: dict, new: dict, path: tuple) -> tuple[set, set]:
    """(required, allowed) changed jobs when the key at ``path`` changes from ``cfg`` to ``new``,
    from the physics of each stage, not from the stages' code."""
    req: set[tuple] = set()
    allow: set[tuple] = set()
    head = path[0]

    def sim_jobs(m, c=cfg, Ns=None):
        if m not in c["models"]:
            return set()
        Ns = c["models"][m]["N"] if Ns is None else Ns
        if get_model(m).random:  # chunk k of R realisations: ceil(R / k) jobs per N
            entry = c["models"][m]
            n_chunks = -(-entry["realisations"] // entry["realisations_per_job"])
            return {("simulate_realisations", m, N, k) for N in Ns for k in range(n_chunks)}
        return {("simulate_point", m, N) for N in Ns}

    def ref_jobs(m, c=cfg):
        return {("simulate_reference", m)} if m in sim_stage.reference_models(c) else set()

    def corr_jobs(m, c=cfg):
        if m not in corr_stage.models(c):
            return set()
        if corr_stage.split_by_N(c):
            return {("correlations_point", m, N) for N in c["models"][m]["N"]}
        return {("correlations_model", m)}

    def open_jobs(m, c=cfg):
        return {("open_point", m, N) for N in c["open_systems"]["models"][m]["N"]}

    def control_jobs(case=None, c=cfg):
        cases = c.get("control", {}).get("cases", {})
        return {("control_point", k, N) for k, e in cases.items() if case in (None, k) for N in e["N"]}

    def uses_study_time(m, c=cfg):
        return "time" not in c["models"][m]

    def norm_jobs(m=None, c=cfg):
        """simulate jobs of the normalisations that do not rescale exactly (issue 19)."""
        names = c.get("power", {}).get("normalisations", [])
        return {
            ("simulate_normalised", mm, n)
            for mm in c["models"]
            for n in names
            if (m is None or mm == m) and normalisations.needs_simulation(n, mm)
        }

    def power_jobs(with_reference_only=False, c=cfg):
        return {("analyse_power", m) for m in c["models"] if not with_reference_only or get_model(m).reference}

    # a changed reference entry may switch a global model between the study's reference file and
    # reference jobs of its own: those jobs may appear or vanish (allowed, not required)
    for m in set(cfg["models"]) | set(new["models"]):
        allow |= ref_jobs(m) | ref_jobs(m, new)

    if head == "power":  # the normalisations: the power jobs of global models, and the normalised jobs that come or go
        req |= power_jobs(True) | (norm_jobs() ^ norm_jobs(c=new))
    elif head == "seed":  # the thermal stage's samples and every disorder realisation
        req |= {("thermal_operations",)} | control_jobs()
        for m in cfg["models"]:
            if get_model(m).random:
                req |= sim_jobs(m)
    elif head == "time":
        for m in cfg["models"]:
            if uses_study_time(m):
                req |= sim_jobs(m) | ref_jobs(m) | corr_jobs(m) | norm_jobs(m)
                if m in thermal_stage.protocol_models(cfg):
                    req.add(("thermal_operations",))
        for m in cfg.get("open_systems", {}).get("models", {}):
            if "time" not in cfg["open_systems"]["models"][m] and "time" not in cfg["open_systems"]:
                req |= open_jobs(m)
    elif head == "numerics":
        key = path[1]
        for m in cfg["models"]:
            model = get_model(m)
            if key in model.numerics_keys("closed") or key == "on_violation":
                req |= sim_jobs(m) | norm_jobs(m)
                if m in thermal_stage.protocol_models(cfg):
                    req.add(("thermal_operations",))
            ref = model.reference
            if ref and (key in get_model(ref).numerics_keys("closed") or key == "on_violation"):
                req |= ref_jobs(m)
            if model.has("joint") and (key in model.numerics_keys("joint") or key in corr_stage.STAGE_NUMERICS):
                req |= corr_jobs(m)
        if key == "on_violation":  # the power bounds' check
            req |= power_jobs()
        if key in open_stage.NUMERICS_KEYS:
            for m in cfg.get("open_systems", {}).get("models", {}):
                req |= open_jobs(m)
        for m in cfg.get("work_statistics", {}).get("protocols", {}):
            cavity_route = key in work_stage.FOCK_NUMERICS and work_stage._has_cavity(m)
            if key in work_stage.NUMERICS_KEYS or cavity_route:
                req.add(("work_statistics", m))
        if key in thermal_stage.NUMERICS_KEYS and thermal_stage.enabled(cfg):
            req.add(("thermal_operations",))
        for case, entry in cfg.get("control", {}).get("cases", {}).items():  # the fixed protocol's closed face
            if key in get_model(entry["model"]).numerics_keys("closed") or key in control_stage.NUMERICS_KEYS:
                req |= control_jobs(case)
    elif head == "models":
        m, key = path[1], path[2]
        if key == "N":  # only the jobs of added or removed N, and the per-model jobs
            old, now = set(cfg["models"][m]["N"]), set(new["models"][m]["N"])
            req |= sim_jobs(m, Ns=old ^ now) | sim_jobs(m, new, Ns=old ^ now)
            req |= ref_jobs(m) | norm_jobs(m)  # the reference and normalised jobs compute every N of the model
            if not corr_stage.split_by_N(cfg):
                req |= corr_jobs(m)
            else:
                req |= {("correlations_point", m, N) for N in old ^ now}
        else:  # a parameter, the time grid, or the realisations (chunks may appear or vanish)
            req |= sim_jobs(m) | sim_jobs(m, new) | corr_jobs(m) | norm_jobs(m)
            ref = get_model(m).reference
            if key == "time" or (ref and key in {p.name for p in get_model(ref).parameters}):
                req |= ref_jobs(m)
        if m in thermal_stage.protocol_models(cfg):
            req.add(("thermal_operations",))
    elif head == "open_systems":
        sec = cfg["open_systems"]
        if path[1] == "models":
            m = path[2]
            if path[3] == "N":
                old, now = set(sec["models"][m]["N"]), set(new["open_systems"]["models"][m]["N"])
                req |= {("open_point", m, N) for N in old ^ now}
            else:
                req |= open_jobs(m)
        elif path[1] == "time":
            req |= {j for m in sec["models"] if "time" not in sec["models"][m] for j in open_jobs(m)}
        elif path[1] in ("gamma", "gamma_phi", "kappa", "temperature"):
            for m, entry in sec["models"].items():
                if path[1] in open_stage.model_rates(cfg, m) and path[1] not in entry:
                    req |= open_jobs(m)
        else:  # discharge window, late time, Fock settings, positivity samples
            req |= {j for m in sec["models"] for j in open_jobs(m)}
    elif head == "work_statistics":
        protos = cfg["work_statistics"]["protocols"]
        if path[1] == "protocols":
            req.add(("work_statistics", path[2]))
        elif path[1] != "figure":
            req |= {("work_statistics", m) for m in protos}
    elif head == "correlations":
        if path[1] in ("switch_off",):
            req |= {j for m in corr_stage.models(cfg) for j in corr_jobs(m)}
        elif path[1] == "models":
            req |= {j for m in set(corr_stage.models(cfg)) ^ set(corr_stage.models(new)) for j in corr_jobs(m) | corr_jobs(m, new)}
        elif path[1] == "split_N":
            req |= {j for m in corr_stage.models(cfg) for j in corr_jobs(m) | corr_jobs(m, new)}
    elif head == "thermal":
        if path[1] != "figure":
            req.add(("thermal_operations",))
    elif head == "control":
        if path[1] == "cases":
            case = path[2]
            if path[3] == "N":
                old, now = set(cfg["control"]["cases"][case]["N"]), set(new["control"]["cases"][case]["N"])
                req |= {("control_point", case, N) for N in old ^ now}
            else:
                req |= control_jobs(case) | control_jobs(case, new)
        else:  # every setting of the section: optimiser, T grid, fraction, seeds
            req |= control_jobs()
    return req, allow


DEFAULT = load_config(ROOT / "config" / "config.yaml")
#: keys that change no job's computation: the results folder (every path) and the memory
#: ceiling of the validation
NOT_A_DEPENDENCY = {("study",), ("resources", "max_mem_mb")}
LEAVES = [p for p, _ in leaves(DEFAULT) if p not in NOT_A_DEPENDENCY]
BASE_TABLE = job_table(DEFAULT)


@pytest.mark.parametrize("path", LEAVES, ids=[".".join(map(str, p)) for p in LEAVES])
def test_changing_one_config_key_reruns_exactly_the_jobs_that_depend_on_it(path):
    """A change of one key changes the config subtree (rule params) of exactly the jobs that
    read it: required jobs all change, no job outside required + allowed changes."""
    value = DEFAULT
    for k in path:
        value = value[k]
    new = perturbed(DEFAULT, path, value)
    if new is None:
        pytest.skip(f"no other valid value for {'.'.join(map(str, path))} = {value!r}")
    assert_replans_exactly(DEFAULT, new, path)


def assert_replans_exactly(base: dict, new: dict, path: tuple) -> set:
    """The jobs whose params change from ``base`` to ``new`` are the required ones (all of them)
    and allowed ones only; returns the required set."""
    changed = changed_jobs(base, new)
    req, allow = expected(base, new, path)
    assert req <= changed, f"jobs that depend on the key but would not rerun: {sorted(req - changed, key=str)}"
    assert changed <= req | allow, f"jobs that would rerun without depending on the key: {sorted(changed - req - allow, key=str)}"
    return req


#: leaves whose other value the validation refuses on the default study, each with the base on
#: which :func:`test_a_key_refused_on_the_default_study_reruns_exactly_its_jobs_on_a_base_that_allows_it` checks it:
#: a fixed Fock cutoff (fock_auto false, 2N + 1 + fock_extra levels) is below the estimated need
#: of the default study's strongly coupled cavity points, and allowed with fock_extra = 200
REFUSED_ON_DEFAULT = {("numerics", "fock_auto"): (("numerics", "fock_extra"), 200)}


def test_every_config_key_is_covered_by_the_replanning_test():
    """No leaf of the default config escapes the test (each has another valid value, on the
    default study or on the base of :data:`REFUSED_ON_DEFAULT`)."""
    missing = []
    for path in LEAVES:
        value = DEFAULT
        for k in path:
            value = value[k]
        base = DEFAULT if path not in REFUSED_ON_DEFAULT else validate_config(set_at(DEFAULT, *REFUSED_ON_DEFAULT[path]))
        if perturbed(base, path, value) is None:
            missing.append(".".join(map(str, path)))
    assert not missing, missing


@pytest.mark.parametrize("path", list(REFUSED_ON_DEFAULT), ids=[".".join(p) for p in REFUSED_ON_DEFAULT])
def test_a_key_refused_on_the_default_study_reruns_exactly_its_jobs_on_a_base_that_allows_it(path):
    """The replanning check of a key whose other value the default study refuses (validation),
    on the default study with one other key changed so that the value is allowed."""
    base = validate_config(set_at(DEFAULT, *REFUSED_ON_DEFAULT[path]))
    value = base
    for k in path:
        value = value[k]
    new = perturbed(base, path, value)
    assert new is not None, f"{'.'.join(path)} has no other valid value on the base either"
    assert assert_replans_exactly(base, new, path), "no job depends on the key"


# ------------------------------------------------------------------------ merged health
def test_merged_grid_keeps_the_health_record_of_a_flagged_point():
    """A healthy N = 1 file and an N = 8 file whose capped Fock cutoff is flagged (on_violation
    nan): the merged grid has status [0, 1] and names the N = 8 violation (issue 16's case)."""
    import qbattery

    t = np.linspace(0, 10, 101)
    ok = qbattery.simulate("dicke", N=[1], coupling=0.2, times=t)
    bad_num = {"fock_extra": 0, "fock_auto": False, "on_violation": "nan"}
    bad = qbattery.simulate("dicke", N=[8], coupling=0.2, times=t, numerics=bad_num)
    assert bad.status.values.tolist() == [1] and bad.attrs["health_violations"] != "none"
    merged = stages.merge_grid([bad, ok])
    assert merged.status.values.tolist() == [0, 1]
    assert "N=8" in merged.attrs["health_violations"] and "truncation_weight" in merged.attrs["health_violations"]
    assert np.isnan(merged.energy.sel(N=8).values).all() and np.isfinite(merged.energy.sel(N=1).values).all()
    cfg = json.loads(merged.attrs["config_json"]) if "config_json" in merged.attrs else None
    assert cfg is None or cfg == json.loads(ok.attrs["config_json"])


def test_merged_config_unites_the_N_lists_of_the_parts():
    """The merged grid records one config: the parts' configs with their N lists united."""
    a = {"models": {"dicke": {"N": [4], "coupling": [0.1, 0.2]}}, "time": {"t_max": 1.0, "points": 3}}
    b = copy.deepcopy(a)
    b["models"]["dicke"]["N"] = [1]
    merged = stages.base.merge_configs([a, b])
    assert merged["models"]["dicke"]["N"] == [1, 4] and merged["models"]["dicke"]["coupling"] == [0.1, 0.2]


# ------------------------------------------------------------------------ a job reads only its subtree
def test_a_job_cannot_read_numerics_its_subtree_does_not_declare():
    """Running the dicke job with fock_extra removed from its subtree fails loudly instead of
    silently using a default the rule's params do not hold."""
    from qbattery.models.base import UndeclaredNumericsError

    job = sim_stage.job_config(DEFAULT, "dicke", 1)
    del job["numerics"]["fock_extra"]
    with pytest.raises(UndeclaredNumericsError, match="fock_extra"):
        sim_stage.simulate_point(job, "dicke", 1)


def test_a_job_cannot_read_config_outside_its_subtree():
    """The job config holds no key the job does not read: without the time grid it fails."""
    job = sim_stage.job_config(DEFAULT, "rabi_parallel", 1)
    del job["time"]
    with pytest.raises(KeyError, match="time"):
        sim_stage.simulate_point(job, "rabi_parallel", 1)


def test_power_reads_the_study_reference_when_it_covers_the_grid():
    """dicke's reference (parallel) is simulated by the study on the same grid: no reference
    jobs; global_flip's (rabi_parallel) is on another time grid: reference jobs of its own."""
    assert sim_stage.reference_source(DEFAULT, "dicke") == "study"
    assert sim_stage.reference_source(DEFAULT, "global_flip") == "dedicated"
    assert "dicke" not in sim_stage.reference_models(DEFAULT)


# ------------------------------------------------------------------------ Snakemake itself
TINY_KEYS = [
    ("models", "rabi_parallel", "drive"),
    ("numerics", "fock_extra"),
    ("time", "t_max"),
    ("open_systems", "gamma"),
    ("work_statistics", "tau"),
    ("thermal", "samples"),
    ("correlations", "switch_off"),
]


def planned_jobs(stdout: str) -> dict[tuple, str]:
    """Jobs of a dry run -> their reason: (rule, *wildcard values) -> reason text."""
    jobs = {}
    stdout = re.split(r"\nReasons:", stdout)[0]  # the per-job blocks, not the summary
    for block in re.split(r"\n\s*(?=(?:local)?rule \w+:)", stdout):
        m = re.match(r"(?:local)?rule (\w+):", block)
        reason = re.search(r"reason: (.*)", block)
        if not m or not reason:
            continue
        wc = re.search(r"wildcards: (.*)", block)
        vals = dict(kv.split("=", 1) for kv in wc.group(1).split(", ")) if wc else {}
        jobs[(m.group(1), *(int(v) if v.isdigit() else v for v in vals.values()))] = reason.group(1)
    return jobs


DIRECT = re.compile(r"Params have changed since last execution|Missing output files")


@pytest.mark.parametrize("path", TINY_KEYS, ids=[".".join(p) for p in TINY_KEYS])
def test_snakemake_plans_the_params_changes(tiny_run, tmp_path, path):
    """On the completed tiny study, `snakemake -n` after changing one key plans every job whose
    config subtree changed (or that the change adds); it plans a job for a params change or a
    missing output only if predicted; every other planned job only because its input is updated."""
    wd, cfg = tiny_run
    base = validate_config(cfg)
    value = base
    for k in path:
        value = value[k]
    new = perturbed(base, path, value)
    assert new is not None
    raw = set_at(cfg, path, _get(new, path))
    (tmp_path / "changed.yaml").write_text(yaml.safe_dump(raw))
    p = snakemake(wd, "--configfile", str(tmp_path / "changed.yaml"), "-n", "--nolock")
    assert p.returncode == 0, p.stderr[-3000:]
    planned = planned_jobs(p.stdout + p.stderr)
    after = job_table(validate_config(raw))
    predicted = {k for k in changed_jobs(base, validate_config(raw)) if k in after}  # changed or added, not removed
    assert predicted, "the key changes no job: the test would prove nothing"
    assert predicted <= set(planned), f"not replanned: {sorted(predicted - set(planned), key=str)}"
    config_jobs = {k[0] for k in after}
    direct = {k for k, why in planned.items() if k[0] in config_jobs and DIRECT.search(why)}
    assert direct <= predicted, f"replanned without a change of their config: {sorted(direct - predicted, key=str)}"
    for k, why in planned.items():
        if k not in predicted:
            assert "Input files updated by another job" in why or k[0] not in config_jobs, (k, why)


def test_loaded_study_config_is_the_validated_config_its_results_read(tiny_run):
    """qbattery.load(...).config unites the jobs' config subtrees: every model entry, stage
    setting and numerics key it holds equals the validated config's."""
    import qbattery

    wd, cfg = tiny_run
    full = validate_config(cfg)
    got = qbattery.load("tiny", results_dir=wd / "results").config

    def sorted_N(entries):  # a merged grid is sorted by N
        return {m: {**e, "N": sorted(e["N"])} for m, e in entries.items()}

    assert sorted_N(got["models"]) == sorted_N(full["models"])
    for section in ("open_systems", "work_statistics", "thermal"):
        for key, value in got[section].items():
            if key not in ("models", "protocols"):
                assert value == full[section][key], (section, key)
    assert all(full["numerics"][k] == v for k, v in got["numerics"].items())


def _get(cfg, path):
    for k in path:
        cfg = cfg[k]
    return cfg


def test_changed_model_parameter_is_in_the_file_after_a_rerun(tmp_path):
    """Issue 16's stale-result case: run, change models.rabi_parallel.drive 0.5 -> 0.25, run
    again: the job reruns and the file holds the new drive (not 'Nothing to be done')."""
    cfg = tiny_config()
    cfg["models"] = {"rabi_parallel": {"N": [1, 2], "drive": 0.5}}
    for section in ("correlations", "work_statistics", "thermal", "open_systems"):
        cfg.pop(section, None)
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(cfg))
    p = snakemake(tmp_path, "--configfile", str(tmp_path / "a.yaml"), "--cores", "2", "simulate")
    assert p.returncode == 0, p.stderr[-3000:]
    cfg["models"]["rabi_parallel"]["drive"] = 0.25
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(cfg))
    p = snakemake(tmp_path, "--configfile", str(tmp_path / "a.yaml"), "--cores", "2", "simulate")
    assert p.returncode == 0, p.stderr[-3000:]
    import xarray as xr

    ds = xr.open_dataset(tmp_path / "results" / "tiny" / "simulate" / "rabi_parallel.nc")
    assert float(ds.drive) == 0.25
    # E(t) = N sin^2(g t) of the resonant parallel drive at the new g
    np.testing.assert_allclose(ds.energy.sel(N=2).values, 2 * np.sin(0.25 * ds.t.values) ** 2, atol=1e-10)


# ------------------------------------------------------------------------ the user's battery (models.custom)
def custom_config(module: str | None = None) -> dict:
    """config/examples/custom.yaml with the module as an absolute path (any working directory),
    plus the same battery as a work-statistics protocol."""
    raw = yaml.safe_load((ROOT / "config" / "examples" / "custom.yaml").read_text())
    raw["models"]["custom"]["module"] = module or str(ROOT / "config" / "examples" / "custom_battery.py")
    proto = {k: raw["models"]["custom"][k] for k in ("module", "function")}
    raw["work_statistics"] = {
        "tau": [1.0],
        "temperature": [1.0],
        "protocols": {"custom": {**proto, "N": [1, 2], "parameters": {"drive": 0.5}}},
    }
    return raw


CUSTOM = validate_config(custom_config())
#: keys of the entries that name or identify the user's code: covered by the tests below
CUSTOM_CODE_KEYS = {
    (*section, "custom", k) for section in (("models",), ("work_statistics", "protocols")) for k in ("module", "function", "module_sha256")
}
CUSTOM_LEAVES = [p for p, _ in leaves(CUSTOM) if p not in NOT_A_DEPENDENCY | CUSTOM_CODE_KEYS]


@pytest.mark.parametrize("path", CUSTOM_LEAVES, ids=[".".join(map(str, p)) for p in CUSTOM_LEAVES])
def test_changing_one_key_of_the_custom_study_reruns_exactly_the_jobs_that_depend_on_it(path):
    """The custom battery's entry (N, its free parameters mapping, time grid) and the numerics its
    route reads follow the same contract as a catalogue model's keys."""
    value = _get(CUSTOM, path)
    new = perturbed(CUSTOM, path, value)
    if new is None:
        pytest.skip(f"no other valid value for {'.'.join(map(str, path))} = {value!r}")
    before, after = job_table(CUSTOM), job_table(new)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    req, allow = expected(CUSTOM, new, path)
    req &= set(before) | set(after)  # a stage the study does not run (thermal: seed) has no job
    assert req <= changed, f"jobs that depend on the key but would not rerun: {sorted(req - changed, key=str)}"
    assert changed <= req | allow, f"jobs that would rerun without depending on the key: {sorted(changed - req - allow, key=str)}"


def test_every_parameter_of_the_custom_battery_is_covered_by_the_replanning_test():
    """Each user parameter of the example (a free mapping) has another valid value."""
    params = [p for p in CUSTOM_LEAVES if "parameters" in p]
    assert len(params) == 3 and all(perturbed(CUSTOM, p, _get(CUSTOM, p)) is not None for p in params)


def test_a_changed_user_module_file_or_function_reruns_the_custom_jobs(tmp_path):
    """The module file's SHA-256 is in every custom job's params: editing the file (or naming
    another function) changes exactly the custom jobs' config subtrees; an unchanged file none."""
    src = (ROOT / "config" / "examples" / "custom_battery.py").read_text()
    mod = tmp_path / "battery.py"
    mod.write_text(src)
    cfg = custom_config(str(mod))
    cfg["models"]["rabi_parallel"] = {"N": [1], "drive": 0.5}
    base = validate_config(cfg)
    assert base["models"]["custom"]["module_sha256"] == __import__("hashlib").sha256(src.encode()).hexdigest()
    custom_jobs = {k for k in job_table(base) if "custom" in k}
    assert ("work_statistics", "custom") in custom_jobs
    assert custom_jobs and set(job_table(base)) - custom_jobs  # rabi_parallel's jobs too
    assert job_table(validate_config(cfg)) == job_table(base)
    mod.write_text(src + "\n# an edit\n")
    edited = validate_config(cfg)
    # the power job reads only the simulate file and the power settings: it reruns because its input changes
    reading = {k for k in custom_jobs if k[0] != "analyse_power"}
    assert {k for k in job_table(base) if job_table(base)[k] != job_table(edited)[k]} == reading
    other = copy.deepcopy(cfg)
    other["models"]["custom"]["function"] = "pulsed_decaying_cell"
    other["models"]["custom"]["parameters"] = {"drive": 0.2}
    assert {k for k, v in job_table(validate_config(other)).items() if job_table(edited).get(k) != v} == reading - {
        ("work_statistics", "custom")
    }


def test_a_job_refuses_a_user_module_changed_since_validation(tmp_path):
    """A job reads the module the validation hashed: a file edited after validation is refused
    (rerun snakemake: it revalidates) instead of silently computing with other code."""
    from qbattery.models import custom

    mod = tmp_path / "battery_late.py"
    mod.write_text((ROOT / "config" / "examples" / "custom_battery.py").read_text())
    cfg = validate_config(custom_config(str(mod)))
    job = sim_stage.job_config(cfg, "custom", 1)
    mod.write_text(mod.read_text() + "\n# edited after validation\n")
    custom._function.cache_clear()
    custom._probe.cache_clear()
    with pytest.raises(ConfigError, match="changed since the config was validated"):
        sim_stage.simulate_point(job, "custom", 1)
