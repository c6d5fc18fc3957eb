"""One vocabulary for every dataset the stages write: quantity name -> long_name, units, description.

Every dataset builder (simulate, power, open systems, correlations, work statistics, thermal)
takes the ``long_name`` and ``units`` (and, for flags, ``flag_values``/``flag_meanings``, CF 1.x)
of a variable or coordinate from :data:`VOCABULARY` through :func:`attrs`; no stage keeps its own
copy. Model parameters are not listed here: the model catalogue declares them once
(``Model.parameters``) and the builders copy those declarations.

Naming rules (apply them to every new name):

- ``<quantity>_<qualifier>``: the ergotropy-based variant of an energy-based quantity appends
  ``_ergotropy`` (``tau_star`` / ``tau_star_ergotropy``, ``max_power`` / ``max_power_ergotropy``,
  ``average_power`` / ``average_power_ergotropy``); a time of an extremum is ``t_<extremum>``
  (``t_max_energy`` / ``t_max_ergotropy``, ``t_peak_power`` / ``t_peak_power_ergotropy``); a value
  at an instant appends ``_at_<instant>`` (``ergotropy_at_switch_off``, ``energy_at_late_time``);
  a statistic of a fit appends ``_stderr``.
- One name, one quantity: the same quantity has the same name in every stage (the battery energy
  <H_B> is ``energy`` in simulate, open systems and correlations) and a name never means two
  things (``gamma`` is only the cell decay rate; the quantum advantage is ``quantum_advantage``).
- Model-specific detail of a shared name (e.g. how a model's ``truncation_weight`` is measured)
  goes to the variable's ``comment`` attribute, not to a second long_name.
- Flags and statuses are integers with ``flag_values`` and ``flag_meanings``.
- Scalars (fixed parameters, a rate given as one number) are 0-d coordinates; only swept values
  are dimensions.
- The thermal stage groups its checks by family prefix: ``nogo_*``, ``gp_*``, ``protocol_*`` and
  one ``<resource>_*`` family per resource kind (``hot``, ``inverted``, ``coherent``, ``catalyst``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

E, P, T, ONE, NAT = "omega_a", "omega_a^2", "omega_a^-1", "1", "nat"


@dataclass(frozen=True)
class Quantity:
    """One dataset quantity. ``flag_values``/``flag_meanings``: an integer flag (CF) of ``flag_dtype``."""

    long_name: str
    units: str
    description: str = ""
    flag_values: tuple[int, ...] | None = None
    flag_meanings: str | None = None
    flag_dtype: str = "int8"

    @property
    def is_flag(self) -> bool:
        return self.flag_values is not None


def _q(long_name: str, units: str, description: str = "") -> Quantity:
    return Quantity(long_name, units, description)


HEALTH_FLAGS = dict(flag_values=(0, 1), flag_meanings="ok numerical_health_violation_recorded_as_nan")
BOUNDARY_FLAGS = dict(flag_values=(-1, 0, 1), flag_meanings="undefined_point_recorded_as_nan interior last_time_point")
CHECK_FLAGS = dict(flag_values=(0, 1), flag_meanings="ok tolerance_violated", flag_dtype="int32")

#: grid coordinates shared by the stages
_COORDS = {
    "N": _q("number of cells", ONE, "battery size N (full 2^N battery space); a dimension in every stage"),
    "time": Quantity("time", T, "charging time t of the protocol (grid of the config's time section)"),
    "temperature": _q("temperature T", E, "bath temperature (open, thermal) / of the initial Gibbs state (work), k_B = 1"),
    "discharge_time": _q("time since the charger was switched off", T, "open systems: grid of open_systems.discharge"),
    "switch_off": _q(
        "switch-off time (name of a time variable of the power dataset)", ONE, "correlations: labels of correlations.switch_off"
    ),
    "tau": _q("pulse duration tau", T, "work statistics: duration of the charging pulse"),
    "beta": _q("inverse temperature beta = 1/T", T, "work statistics: coordinate along temperature"),
    "atom": _q("atom index of the padded work distribution", ONE, "work statistics"),
    # open-system rates (a dimension when swept, a 0-d coordinate when fixed)
    "gamma": _q("cell decay rate gamma (emission gamma (n_T + 1), absorption gamma n_T)", E, "open systems: the only meaning of gamma"),
    "gamma_phi": _q("pure dephasing rate gamma_phi of every cell (coherences decay as exp(-gamma_phi t))", E, "open systems"),
    "kappa": _q("cavity / charger loss rate kappa", E, "open systems"),
}

#: battery observables along time (simulate, open systems, correlations)
_BATTERY = {
    "energy": _q("battery energy Tr(rho_B H_B), ground energy 0", E, "<H_B>; simulate, open systems, correlations"),
    "stored_energy": _q("stored energy E(t) - E(0)", E, "simulate, open systems"),
    "ergotropy": _q("ergotropy over the full 2^N battery space", E, "local ergotropy of rho_B under H_B; simulate, open, correlations"),
    "capacity": _q("battery capacity of rho_B(t) (Yang et al. 2023)", E, "simulate, open systems"),
    "status": Quantity("point status", ONE, "per grid point: health of the numerics (simulate, open, correlations, work)", **HEALTH_FLAGS),
}

#: model series and diagnostics (declared by the models; one name and long_name here)
_MODEL = {
    "photon_number": _q("mean photon number", ONE, "cavity / charger photons (summed over the cavities of a model with N cavities)"),
    "overlap": _q("overlap |<psi(0)|psi(t)>| of the full (battery + charger) state with the initial state", ONE, "speed-limit series"),
    "mean_energy": _q(
        "<H> - E_0 of the full charging Hamiltonian (conserved; E_0 lowest level of the propagated sector, or a rigorous lower bound "
        "of it on the Dicke Krylov route: the ML time is then a valid, weaker bound)",
        E,
        "speed-limit series",
    ),
    "energy_spread": _q(
        "energy spread Delta E = sqrt(<H^2> - <H>^2) of the full charging Hamiltonian (conserved)", E, "speed-limit series"
    ),
    "charger_energy": _q("charger energy <H_C>", E, "simulate (charger-mediated models), correlations"),
    "interaction_energy": _q("interaction energy <H_int>", E, "battery-charger (or intra-chain) interaction; simulate, correlations"),
    "interacting_ergotropy": _q("ergotropy w.r.t. H_B + H_int: <H_B + H_int> - E_0(H_B + H_int) (Le et al.)", E, "spin chain"),
    "truncation_weight": _q(
        "weight of the Fock-space truncation", ONE, "max over time of the population of the top Fock levels kept (detail in comment)"
    ),
    "norm_error": _q("max over time of |<psi|psi> - 1| (|Tr rho - 1|)", ONE, "simulate, correlations (joint state)"),
    "energy_drift": _q("max over time of |<H>(t) - <H>(0)| / (1 + |<H>(0)|), H the conserved total Hamiltonian", ONE),
    "fock_cutoff": _q("number of Fock levels kept", ONE, "per cavity / charger, after automatic convergence; simulate, open, work"),
    "charging_norm": _q("operator norm ||V|| of the charging Hamiltonian (rotating frame)", ONE, "rabi_parallel"),
    "hilbert_dim": _q("dimension of the propagated symmetric sector (full space 2^N)", ONE, "spin chain"),
}

#: power analysis (and the open-system scalars computed the same way)
_POWER = {
    "average_power": _q("average power E(t)/t (NaN at t = 0)", P),
    "average_power_ergotropy": _q("average ergotropy power Erg(t)/t (NaN at t = 0)", P),
    "tau_star": _q("optimal charging time argmax_t E(t)/t", T),
    "tau_star_ergotropy": _q("optimal charging time argmax_t Erg(t)/t (ergotropy-based)", T),
    "max_power": _q("maximal average power P_max = E(tau*)/tau*", P),
    "max_power_ergotropy": _q("maximal average power P_max = Erg(tau*)/tau* (ergotropy-based)", P),
    "peak_power": _q("peak instantaneous power max_t dE/dt", P),
    "peak_power_ergotropy": _q("peak instantaneous power max_t dErg/dt (ergotropy-based)", P),
    "t_peak_power": _q("time of peak instantaneous power", T),
    "t_peak_power_ergotropy": _q("time of peak instantaneous power (ergotropy-based)", T),
    "max_energy": _q("maximal stored energy", E),
    "t_max_energy": _q("time of maximal stored energy", T),
    "max_ergotropy": _q("maximal ergotropy gain max_t Erg(t) - Erg(0)", E),
    "t_max_ergotropy": _q("time of maximal ergotropy", T),
    "tau_star_at_boundary": Quantity("tau* is the last time point (grid too short)", ONE, "power, open systems", **BOUNDARY_FLAGS),
    "tau_star_ergotropy_at_boundary": Quantity("ergotropy-based tau* is the last time point (grid too short)", ONE, **BOUNDARY_FLAGS),
    "power_exponent": _q("exponent alpha of P_max ~ N^alpha (energy-based, log-log least squares)", ONE, "needs >= 3 values of N"),
    "power_exponent_stderr": _q("standard error of the power exponent alpha (energy-based)", ONE),
    "power_exponent_ergotropy": _q("exponent alpha of P_max ~ N^alpha (ergotropy-based, log-log least squares)", ONE),
    "power_exponent_ergotropy_stderr": _q("standard error of the power exponent alpha (ergotropy-based)", ONE),
    "quantum_advantage": _q(
        "quantum advantage Gamma = P_max(model) / P_max(parallel reference) (energy-based)",
        ONE,
        "see the attribute quantum_advantage_normalisation",
    ),
    "quantum_advantage_ergotropy": _q("quantum advantage Gamma = P_max(model) / P_max(parallel reference) (ergotropy-based)", ONE),
    "reference_max_power": _q("P_max of the parallel reference (energy-based)", P),
    "reference_max_power_ergotropy": _q("P_max of the parallel reference (ergotropy-based)", P),
    "reference_tau_star_at_boundary": Quantity(
        "tau* of the parallel reference is the last time point (grid too short)", ONE, "power", **BOUNDARY_FLAGS
    ),
    "reference_tau_star_ergotropy_at_boundary": Quantity(
        "ergotropy-based tau* of the parallel reference is the last time point (grid too short)", ONE, "power", **BOUNDARY_FLAGS
    ),
    "qsl_target_time": _q("first grid time t_erg with ergotropy >= (1 - 1e-3) of its maximum (target of the speed limits)", T),
    "qsl_target_ergotropy": _q("ergotropy Erg(t_erg) - Erg(0) of the speed-limit target state", E),
    "qsl_mt_time": _q("Mandelstam-Tamm time arccos|<psi0|psi(t_erg)>| / Delta E to the state of maximal ergotropy", T),
    "qsl_ml_time": _q(
        "Margolus-Levitin time alpha(|<psi0|psi(t_erg)>|^2) / (<H> - E_0) to the state of maximal ergotropy (GLM 2003)", T
    ),
    "qsl_time": _q("quantum speed limit t_QSL = max(t_MT, t_ML) to the state of maximal ergotropy", T),
    "qsl_ratio": _q("actual time of maximal ergotropy over its speed limit, t_erg / t_QSL (>= 1)", ONE),
    "qsl_power_bound": _q("speed-limit bound Erg(t_erg) / t_QSL on the average power of reaching maximal ergotropy", P),
    "qsl_time_tau_star": _q("quantum speed limit max(t_MT, t_ML) to the state at the grid point of tau*", T),
    "qsl_ratio_tau_star": _q("grid time of tau* over its speed limit (>= 1)", ONE),
}

#: open systems
_OPEN = {
    "work": _q("work on the battery W(t) = int_0^t -i Tr(H_B [H, rho]) ds (coherent drive/charger)", E),
    "heat": _q("heat into the battery Q(t) = int_0^t sum_k Tr(H_B D_k[rho]) ds (baths)", E),
    "efficiency": _q("efficiency ergotropy(t) / W(t) (NaN while W <= 1e-9)", ONE),
    "system_energy": _q("energy of battery + charger (+ drive) Tr(rho H_S)", E),
    "system_work": _q("work on battery + charger: switch-on work + int Tr(rho dH/dt) ds", E),
    "system_heat": _q("heat into battery + charger int_0^t Tr(H_S L_D[rho]) ds (all baths)", E),
    "efficiency_at_tau_star": _q("ergotropy / work at tau*", ONE),
    "switch_off_time": _q("switch-off time of the charger", T, "open: grid point nearest tau*; correlations: the named power variable"),
    "switch_off_work": _q("work of the sudden switch-off Tr(rho(tau*) (H_S,off - H_S)) (= -<H_int> or -<V>)", E),
    "self_discharge_time": _q(
        "time after switch-off for the ergotropy to fall to 1/e of its switch-off value (NaN: not within discharge.t_max)", T
    ),
    "ergotropy_discharge": _q("ergotropy after the charger is switched off at tau* (free evolution + baths)", E, "along discharge_time"),
    "ergotropy_at_late_time": _q("ergotropy at late_time under continued charging", E),
    "energy_at_late_time": _q("battery energy at late_time under continued charging", E),
    "ergotropy_drift_at_late_time": _q("| ergotropy(2 late_time) - ergotropy(late_time) | (small: stationary)", E),
    "trace_error": _q("max over time of | Tr rho - 1 |", ONE),
    "positivity_error": _q("max over time of the negativity / non-Hermiticity / off-block weight of rho", ONE),
    "first_law_residual": _q("max over time of |Delta E - W - Q| (battery and system bookkeeping)", E),
    "liouville_dim": _q("dimension of the propagated Liouville space", ONE),
}

#: battery-charger correlations (series; each also ``<name>_at_switch_off``)
_CORRELATIONS = {
    "mutual_information": _q("mutual information I(B:C) = S_B + S_C - S_BC = S(rho_BC || rho_B x rho_C)", NAT),
    "battery_entropy": _q("von Neumann entropy S(rho_B) (entanglement entropy for a pure joint state)", NAT),
    "charger_entropy": _q("von Neumann entropy S(rho_C)", NAT),
    "joint_entropy": _q("von Neumann entropy S(rho_BC) (0 for a pure joint state)", NAT),
    "total_energy": _q("total energy <H_B + H_C + H_int> (conserved)", E),
    "interaction_share": _q("share of the total energy in the interaction <H_int> / <H_B + H_C + H_int>", ONE),
    "charger_ergotropy": _q("local ergotropy of rho_C under H_C (full charger space)", E),
    "global_ergotropy": _q("global ergotropy of rho_BC under H_B + H_C (full joint space)", E),
    "locked_ergotropy": _q("ergotropy locked in correlations: global - local battery - local charger", E),
    "locked_fraction": _q("locked ergotropy / global ergotropy (NaN where the global ergotropy vanishes)", ONE),
    "ergotropy_ratio": _q("battery ergotropy-to-energy ratio Erg_B / <H_B> (NaN where <H_B> vanishes)", ONE),
    "decoupling_distance": _q("trace distance 1/2 || rho_BC - rho_B x rho_C ||_1 (0: nothing correlated)", ONE),
    "charger_truncation_weight": _q(
        "max over time of the population of the two highest charger Fock levels kept (NaN: charger space not truncated)", ONE
    ),
    "charger_dimension": _q("dimension of the charger factor of the joint state (Fock cutoff)", ONE),
}
#: series of the correlation stage that are also stored at the switch-off times
CORRELATION_SERIES = (
    "mutual_information",
    "battery_entropy",
    "charger_entropy",
    "joint_entropy",
    "energy",
    "charger_energy",
    "interaction_energy",
    "total_energy",
    "interaction_share",
    "ergotropy",
    "charger_ergotropy",
    "global_ergotropy",
    "locked_ergotropy",
    "locked_fraction",
    "ergotropy_ratio",
    "decoupling_distance",
)

#: work statistics
_WORK = {
    "mean_work": _q("mean work <W> = sum_i P_i W_i", E),
    "work_variance": _q("work variance <W^2> - <W>^2", P),
    "free_energy_change": _q("free-energy change dF = F(H(tau)) - F(H(0)) at beta (analytic)", E),
    "free_energy_error": _q("| dF from the computed partition functions - analytic dF |", E),
    "jarzynski_average": _q("<exp(-beta W)> from the atoms", ONE),
    "jarzynski_target": _q("exp(-beta dF)", ONE),
    "jarzynski_residual": _q("| <exp(-beta W)> exp(beta dF) - 1 |", ONE),
    "crooks_residual": _q("max_W | P_F(W) - exp(beta (W - dF)) P_B(-W) | over atoms (absolute)", ONE),
    "negative_work_probability": _q("P(W < 0) (atoms below -merge_tol)", ONE),
    "second_law_margin": _q("<W> - dF (second law: >= 0)", E),
    "normalisation_error": _q("| sum_i P_i - 1 |", ONE),
    "thermal_tail_weight": _q("Gibbs weight of the untruncated cavity above the Fock cutoff, N_cavities exp(-beta omega_c n_max)", ONE),
    "work_value": _q("work values W_i of the TPM distribution (NaN padding beyond atom_count)", E),
    "work_probability": _q("probabilities P(W_i) (NaN padding beyond atom_count)", ONE),
    "atom_count": _q("number of atoms (valid entries along atom)", ONE),
}

#: thermal operations
RESOURCE_KINDS = ("hot", "inverted", "coherent", "catalyst")
#: the parameter coordinate of each resource kind
RESOURCE_PARAMETERS = {
    "hot": "hot_temperature_ratio",
    "inverted": "excited_population",
    "coherent": "coherence",
    "catalyst": "catalyst_excited_population",
}
_THERMAL = {
    "bath_size": _q("bath size (qubits M or levels d)", ONE, "the kind is in the attrs bath"),
    "battery_input": _q("battery input state: Gibbs at beta, |e..e>, |+>^N, random mixed", ONE),
    "sample": _q("index of the sampled energy-preserving unitary", ONE),
    "sample_kind": Quantity(
        "kind of the sampled unitary: Haar on every joint eigenspace, or a random permutation with phases inside it",
        ONE,
        flag_values=(0, 1),
        flag_meanings="haar permutation",
        flag_dtype="int32",
    ),
    "ergotropy_after": _q("ergotropy of the battery after the thermal operation", E),
    "D_after": _q("D(rho_B' || gamma_B) after the thermal operation", NAT),
    "D_before": _q("D(rho_B || gamma_B) before", NAT),
    "nogo_max_ergotropy": _q("no-go: max over samples of the ergotropy after a TO of the Gibbs battery", E),
    "nogo_max_D_after": _q("no-go: max over samples of D(rho_B'||gamma_B) for the Gibbs battery", NAT),
    "max_D_increase": _q("max over samples of D_after - D_before (<= 0: TOs never increase D)", NAT),
    "mean_D_after": _q("mean over samples of D(rho_B'||gamma_B)", NAT),
    "commutator_norm_nogo": _q("max over samples of ||[U, H_B + H_R]||_F", E),
    "gp_gibbs_deviation": _q("Gibbs-preserving-map view: max over samples of ||P gamma_B - gamma_B||_1 of the population map", ONE),
    "gp_consistency": _q("max |diag(TO(rho)) - P diag(rho)| over samples and the diagonal inputs (Gibbs, |e..e>)", ONE),
    "gp_stochasticity": _q("max |sum_j P_ji - 1| of the population maps", ONE),
    "nogo_status": Quantity("no-go / monotonicity / Gibbs-preservation check status", ONE, **CHECK_FLAGS),
    "hot_temperature_ratio": _q("resource temperature over bath temperature T_res / T", ONE),
    "excited_population": _q("excited-state population p_e of the resource qubit", ONE),
    "coherence": _q("coherence c of the resource qubit, |rho_ge| = c sqrt(p_g p_e)", ONE),
    "catalyst_excited_population": _q("excited-state population p_e of the catalyst qubit", ONE),
    "protocol_model": _q("charging-protocol model (first value of every swept parameter)", ONE),
    "protocol_N": _q("number of cells N of the protocol battery", ONE),
    "bath_temperature": _q("bath temperature T = 1/beta for W_TO", E),
    "protocol_time": _q("time of maximum ergotropy of the protocol", T),
    "protocol_ergotropy": _q("ergotropy at the time of maximum ergotropy (full 2^N spectrum)", E),
    "protocol_stored_energy": _q("stored energy E(t) - E(0) at that time", E),
    "protocol_energy": _q("battery energy Tr(rho_B H_B) at that time", E),
    "protocol_entropy": _q("von Neumann entropy S(rho_B) at that time", NAT),
    "protocol_min_bound_margin": _q("min over bath temperatures of W_TO - ergotropy (>= 0: Erg <= F_beta(rho) - F_beta(gamma))", E),
    "protocol_relative_entropy": _q(
        "D(rho_B || gamma_beta) = -S + beta Tr(rho H_B) + N ln(1 + exp(-beta omega_a)) (full 2^N Gibbs state)", NAT
    ),
    "protocol_W_TO": _q("work extractable by thermal operations W_TO = D(rho_B||gamma_beta)/beta = F_beta(rho) - F_beta(gamma)", E),
    "protocol_status": Quantity(
        "status of the protocol point (NaN values carry the reason)",
        ONE,
        flag_values=(0, 1, 2, 3),
        flag_meanings="ok ergotropy_above_W_TO model_not_in_study_or_N_not_swept no_battery_states_at_the_first_parameter_point",
        flag_dtype="int32",
    ),
}


def _resource_family(kind: str) -> dict[str, Quantity]:
    """The ``<kind>_*`` variables of one resource kind of the thermal stage."""
    return {
        f"{kind}_free_energy": _q(
            f"{kind} resource free energy Delta F_X = F_beta(sigma_X) - F_beta(gamma_X) = D(sigma_X||gamma_X)/beta", E
        ),
        f"{kind}_ergotropy": _q(f"battery ergotropy after a TO assisted by the {kind} resource", E),
        f"{kind}_spent_free_energy": _q("free energy spent by the resource [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta", E),
        f"{kind}_battery_free_energy": _q("battery free energy after, D(rho_B'||gamma_B)/beta = W_TO(rho_B')", E),
        f"{kind}_catalyst_trace_distance": _q("trace distance of the returned resource ||rho_X' - sigma_X||_1 / 2", ONE),
        f"{kind}_continuity_bound": _q("continuity bound on the spent free energy T h(t) + t omega_X, t the trace distance", E),
        f"{kind}_max_ergotropy": _q(f"max over samples of the battery ergotropy ({kind} resource)", E),
        f"{kind}_mean_ergotropy": _q(f"mean over samples of the battery ergotropy ({kind} resource)", E),
        f"{kind}_max_energy_change": _q(f"max over samples of the battery energy change ({kind} resource)", E),
        f"{kind}_max_battery_free_energy": _q("max over samples of D(rho_B'||gamma_B)/beta", E),
        f"{kind}_max_trace_distance": _q("max over samples of the resource's trace distance", ONE),
        f"{kind}_max_bound_violation": _q(
            "max over samples of lhs - rhs of Erg <= D_B/beta <= spent <= Delta F_X, spent <= continuity bound", E
        ),
        f"{kind}_commutator_norm": _q("max over samples of ||[U, H_B + H_R + H_X]||_F", E),
        f"{kind}_status": Quantity(f"{kind} resource check status (NaN statistics where 1)", ONE, **CHECK_FLAGS),
    }


def at_switch_off(name: str) -> str:
    """Name of ``name`` evaluated at the switch-off time."""
    return f"{name}_at_switch_off"


VOCABULARY: dict[str, Quantity] = {**_COORDS, **_BATTERY, **_MODEL, **_POWER, **_OPEN, **_CORRELATIONS, **_WORK, **_THERMAL}
for _kind in RESOURCE_KINDS:
    VOCABULARY.update(_resource_family(_kind))
for _name in CORRELATION_SERIES:
    _base = VOCABULARY[_name]
    VOCABULARY.setdefault(at_switch_off(_name), _q(f"{_base.long_name}, at the switch-off time", _base.units, "correlations, open"))


def entry(name: str) -> Quantity:
    """The vocabulary entry of ``name`` (KeyError naming the vocabulary if unknown)."""
    try:
        return VOCABULARY[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in qbattery.vocabulary.VOCABULARY; add it there (one entry per quantity)") from None


def attrs(name: str, comment: str | None = None, fallback: tuple[str, str] | None = None, **extra) -> dict:
    """Attributes of variable/coordinate ``name``: long_name, units (and flag_values, flag_meanings).

    ``comment``: model- or stage-specific detail, stored when it differs from the long_name.
    ``fallback``: (long_name, units) for a name not (yet) in the vocabulary, e.g. a series of a
    model dropped into the catalogue; known names always take the vocabulary's entry."""
    if name not in VOCABULARY and fallback is not None:
        q = Quantity(*fallback)
    else:
        q = entry(name)
        if fallback is not None and fallback[1] != q.units:
            raise ValueError(f"{name!r} declared with units {fallback[1]!r}; the vocabulary's {name!r} has units {q.units!r} (rename it)")
    out: dict = {"long_name": q.long_name, "units": q.units}
    if q.is_flag:
        out["flag_values"] = np.array(q.flag_values, dtype=q.flag_dtype)
        out["flag_meanings"] = q.flag_meanings
    if comment and comment != q.long_name:
        out["comment"] = comment
    out.update(extra)
    return out


def long_name_units(name: str) -> tuple[str, str]:
    q = entry(name)
    return q.long_name, q.units


def var(name: str, dims: tuple[str, ...] | str, values, **kw) -> tuple:
    """(dims, values, attrs) of ``name`` for ``xr.Dataset(...)`` / ``ds[name] = ...``."""
    return (dims, values, attrs(name, **kw))


def markdown_table(names: list[str] | None = None) -> str:
    """The vocabulary as a markdown table (docs)."""
    rows = ["| name | long_name | units | description |", "|---|---|---|---|"]
    for n in names or sorted(VOCABULARY):
        q = VOCABULARY[n]
        desc = q.description + (f" flags: {q.flag_meanings} = {list(q.flag_values)}" if q.is_flag else "")
        rows.append(f"| `{n}` | {q.long_name.replace('|', '&#124;')} | {q.units} | {desc.replace('|', '&#124;')} |")
    return "\n".join(rows)


def render() -> str:
    """docs/vocabulary.md (``python -m qbattery.vocabulary > docs/vocabulary.md``; a test checks it is up to date)."""
    head = (__doc__ or "").strip().splitlines()
    intro = "\n".join(head[2:]).strip()
    return (
        "# Dataset vocabulary\n\n"
        "Generated from `workflow/qbattery/vocabulary.py` by `python -m qbattery.vocabulary > docs/vocabulary.md`; "
        "a test checks it is up to date.\n\n" + intro + "\n\n" + markdown_table() + "\n"
    )


if __name__ == "__main__":
    print(render(), end="")
