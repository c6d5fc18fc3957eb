"""One vocabulary for every dataset the stages write: quantity name -> long_name, units, description.

Every dataset builder (simulate, power, open systems, correlations, work statistics, thermal)
takes the ``long_name``, ``units`` and ``description`` (and, for flags, ``flag_values``/``flag_meanings``,
CF 1.x) of a variable or coordinate from :data:`VOCABULARY` through :func:`attrs`; no stage keeps its
own copy. Model parameters are not listed here: the model catalogue declares them once
(``Model.parameters``) and the builders copy those declarations through :func:`declared_attrs`.

Attributes (CF 1.10; every file a study writes passes compliance-checker's ``cf:1.10`` suite):

- ``long_name`` is a short label that a plot can put on an axis (``ergotropy``, ``optimal charging
  time tau*``); the sentence (formula, reference, which stages write it) is in ``description``.
- Reduced units. The library works in units of the cell splitting omega_a with hbar = k_B = 1, and
  entropies in nats; none of ``omega_a``, ``omega_a^-1``, ``omega_a^2`` or ``nat`` is a UDUNITS unit
  (UDUNITS even reads ``nat`` as nano-technical-atmospheres, a pressure). So every such quantity is
  stored dimensionless, ``units = "1"``, and its unit of reference is in the attribute
  ``reduced_units``: ``omega_a`` (energies, rates, temperatures), ``omega_a^-1`` (times, inverse
  temperatures), ``omega_a^2`` (powers) or ``nat`` (entropies, relative entropies). A value x with
  ``reduced_units = "omega_a^k"`` is the physical quantity x omega_a^k (x hbar omega_a^k for k != 1
  energies...); the table below lists ``reduced_units`` in its units column (``1``: a plain number).
  The writer (:func:`qbattery.io.write_netcdf`, through :func:`cf_units`) applies the same rule to
  every variable, whatever declared it.
- The time axis is named ``t``: a duration in 1/omega_a, not a calendar time. CF checkers take a
  dimension named ``time`` (or with ``standard_name = time``) for a calendar axis, which needs
  ``<unit> since <epoch>`` units, so neither the name nor the standard name is used; coordinates
  carry no ``_FillValue``.
- Every file has the global attributes ``title``, ``Conventions = "CF-1.10"`` and ``units_convention``.

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

from dataclasses import dataclass, replace

import numpy as np

E, P, T, ONE, NAT = "omega_a", "omega_a^2", "omega_a^-1", "1", "nat"
#: longest long_name (an axis label); a longer declaration is split into label and description
LABEL_MAX = 48
#: units of the reduced (omega_a = hbar = k_B = 1) system: stored as units "1" + ``reduced_units``
REDUCED_UNITS = (E, T, P, NAT)


def cf_units(units: str) -> dict[str, str]:
    """CF attributes of a quantity declared in ``units``: ``{"units": "1", "reduced_units": units}``
    for a reduced unit (:data:`REDUCED_UNITS`), else ``{"units": units}`` (a UDUNITS unit, e.g. "1")."""
    return {"units": ONE, "reduced_units": units} if units in REDUCED_UNITS else {"units": units}


def short_label(text: str) -> str:
    """A short axis label of a catalogue declaration (model parameters, series, diagnostics):
    ``text`` up to its first " (", ": " or "; " ("drive amplitude g (per cell)" -> "drive amplitude g")."""
    cut = min((i for i in (text.find(" ("), text.find(": "), text.find("; ")) if i > 0), default=len(text))
    return text[:cut].strip()


def declared_attrs(long_name: str, units: str, description: str | None = None) -> dict:
    """CF attributes of a quantity the model catalogue declares (``Parameter``, series, diagnostics):
    ``long_name`` the short label (:func:`short_label`), ``description`` the full declaration."""
    out: dict = {"long_name": short_label(long_name), **cf_units(units)}
    desc = long_name if description is None else description
    if desc and desc != out["long_name"]:
        out["description"] = desc
    return out


@dataclass(frozen=True)
class Quantity:
    """One dataset quantity: ``long_name`` a short (axis) label, ``units`` as declared (a reduced unit
    or "1", see :func:`cf_units`), ``description`` the sentence (formula, reference, stages).
    ``flag_values``/``flag_meanings``: an integer flag (CF) of ``flag_dtype``."""

    long_name: str
    units: str
    description: str = ""
    flag_values: tuple[int, ...] | None = None
    flag_meanings: str | None = None
    flag_dtype: str = "int8"

    def __post_init__(self) -> None:
        # a declaration written as one sentence: the label is its head (up to " (", ": " or "; "),
        # the sentence goes to the description (labels stay axis-sized: at most LABEL_MAX characters)
        if len(self.long_name) > LABEL_MAX:
            head = short_label(self.long_name)
            desc = self.long_name + (f"; {self.description}" if self.description else "")
            object.__setattr__(self, "long_name", head)
            object.__setattr__(self, "description", desc)

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
    "N": _q("number of cells N", ONE, "number of cells; battery size N (full 2^N battery space); a dimension in every stage"),
    "t": Quantity("time t", T, "time; charging time t of the protocol (grid of the config's time section)"),
    "temperature": _q("temperature T", E, "temperature T; bath temperature (open, thermal) / of the initial Gibbs state (work), k_B = 1"),
    "discharge_time": _q(
        "time since switch-off",
        T,
        "time since the charger was switched off; open systems: grid of open_systems.discharge",
    ),
    "switch_off": _q(
        "switch-off time label",
        ONE,
        "switch-off time (name of a time variable of the power dataset); correlations: labels of correlations.switch_off",
    ),
    "tau": _q("pulse duration tau", T, "pulse duration tau; work statistics: duration of the charging pulse"),
    "beta": _q("inverse temperature beta", T, "inverse temperature beta = 1/T; work statistics: coordinate along temperature"),
    "atom": _q("atom index", ONE, "atom index of the padded work distribution; work statistics"),
    "realisation": _q(
        "disorder realisation index r (random couplings drawn from [seed, model, N, r])",
        ONE,
        "simulate, power: models with random parameters",
    ),
    # open-system rates (a dimension when swept, a 0-d coordinate when fixed)
    "gamma": _q(
        "cell decay rate gamma",
        E,
        "cell decay rate gamma (emission gamma (n_T + 1), absorption gamma n_T); open systems: the only meaning of gamma",
    ),
    "gamma_phi": _q(
        "dephasing rate gamma_phi",
        E,
        "pure dephasing rate gamma_phi of every cell (coherences decay as exp(-gamma_phi t)); open systems",
    ),
    "kappa": _q("cavity loss rate kappa", E, "cavity / charger loss rate kappa; open systems"),
}

#: battery observables along time (simulate, open systems, correlations)
_BATTERY = {
    "energy": _q("battery energy", E, "battery energy Tr(rho_B H_B), ground energy 0; <H_B>; simulate, open systems, correlations"),
    "stored_energy": _q("stored energy", E, "stored energy E(t) - E(0); simulate, open systems"),
    "ergotropy": _q(
        "ergotropy",
        E,
        "ergotropy over the full 2^N battery space; local ergotropy of rho_B under H_B; simulate, open, correlations",
    ),
    "capacity": _q("battery capacity", E, "battery capacity of rho_B(t) (Yang et al. 2023); simulate, open systems"),
    "status": Quantity(
        "point status",
        ONE,
        "point status; per grid point: health of the numerics (simulate, open, correlations, work)",
        **HEALTH_FLAGS,
    ),
}

#: model series and diagnostics (declared by the models; one name and long_name here)
_MODEL = {
    "photon_number": _q(
        "mean photon number",
        ONE,
        "mean photon number; cavity / charger photons (summed over the cavities of a model with N cavities)",
    ),
    "overlap": _q(
        "overlap with initial state",
        ONE,
        "overlap |<psi(0)|psi(t)>| of the full (battery + charger) state with the initial state; speed-limit series",
    ),
    "mean_energy": _q(
        "mean energy above E_0",
        E,
        "<H> - E_0 of the full charging Hamiltonian (conserved; E_0 lowest level of the propagated sector, or a rigorous lower bound of "
        "it on the Dicke Krylov route: the ML time is then a valid, weaker bound); speed-limit series",
    ),
    "energy_spread": _q(
        "energy spread Delta E",
        E,
        "energy spread Delta E = sqrt(<H^2> - <H>^2) of the full charging Hamiltonian (conserved); speed-limit series",
    ),
    "charger_energy": _q("charger energy", E, "charger energy <H_C>; simulate (charger-mediated models), correlations"),
    "interaction_energy": _q(
        "interaction energy",
        E,
        "interaction energy <H_int>; battery-charger (or intra-chain) interaction; simulate, correlations",
    ),
    "interacting_ergotropy": _q(
        "interacting ergotropy",
        E,
        "ergotropy w.r.t. H_B + H_int: <H_B + H_int> - E_0(H_B + H_int) (Le et al.); spin chain",
    ),
    "truncation_weight": _q(
        "Fock truncation weight",
        ONE,
        "weight of the Fock-space truncation; max over time of the population of the top Fock levels kept (detail in comment)",
    ),
    "norm_error": _q("norm error", ONE, "max over time of |<psi|psi> - 1| (|Tr rho - 1|); simulate, correlations (joint state)"),
    "energy_drift": _q(
        "relative energy drift",
        ONE,
        "max over time of |<H>(t) - <H>(0)| / (1 + |<H>(0)|), H the conserved total Hamiltonian",
    ),
    "fock_cutoff": _q(
        "Fock cutoff",
        ONE,
        "number of Fock levels kept; per cavity / charger, after automatic convergence; simulate, open, work",
    ),
    "charging_norm": _q("charging operator norm", ONE, "operator norm ||V|| of the charging Hamiltonian (rotating frame); rabi_parallel"),
    "hilbert_dim": _q("sector dimension", ONE, "dimension of the propagated symmetric sector (full space 2^N); spin chain"),
}

#: power analysis (and the open-system scalars computed the same way)
_POWER = {
    "average_power": _q("average power", P, "average power E(t)/t (NaN at t = 0)"),
    "average_power_ergotropy": _q("average ergotropy power", P, "average ergotropy power Erg(t)/t (NaN at t = 0)"),
    "tau_star": _q("optimal charging time tau*", T, "optimal charging time argmax_t E(t)/t"),
    "tau_star_ergotropy": _q("optimal charging time tau* (ergotropy)", T, "optimal charging time argmax_t Erg(t)/t (ergotropy-based)"),
    "max_power": _q("maximal average power", P, "maximal average power P_max = E(tau*)/tau*"),
    "max_power_ergotropy": _q("maximal average power (ergotropy)", P, "maximal average power P_max = Erg(tau*)/tau* (ergotropy-based)"),
    "peak_power": _q("peak power", P, "peak instantaneous power max_t dE/dt"),
    "peak_power_ergotropy": _q("peak power (ergotropy)", P, "peak instantaneous power max_t dErg/dt (ergotropy-based)"),
    "t_peak_power": _q("time of peak power", T, "time of peak instantaneous power"),
    "t_peak_power_ergotropy": _q("time of peak power (ergotropy)", T, "time of peak instantaneous power (ergotropy-based)"),
    "max_energy": _q("maximal stored energy", E, "maximal stored energy"),
    "t_max_energy": _q("time of maximal energy", T, "time of maximal stored energy"),
    "max_ergotropy": _q("maximal ergotropy gain", E, "maximal ergotropy gain max_t Erg(t) - Erg(0)"),
    "t_max_ergotropy": _q("time of maximal ergotropy", T, "time of maximal ergotropy"),
    "tau_star_at_boundary": Quantity(
        "tau* at grid boundary",
        ONE,
        "tau* is the last time point (grid too short); power, open systems",
        **BOUNDARY_FLAGS,
    ),
    "tau_star_ergotropy_at_boundary": Quantity(
        "tau* (ergotropy) at grid boundary",
        ONE,
        "ergotropy-based tau* is the last time point (grid too short)",
        **BOUNDARY_FLAGS,
    ),
    "power_exponent": _q(
        "power exponent alpha",
        ONE,
        "exponent alpha of P_max ~ N^alpha (energy-based, log-log least squares); needs >= 3 values of N",
    ),
    "power_exponent_stderr": _q("stderr of alpha", ONE, "standard error of the power exponent alpha (energy-based)"),
    "power_exponent_ergotropy": _q(
        "power exponent alpha (ergotropy)",
        ONE,
        "exponent alpha of P_max ~ N^alpha (ergotropy-based, log-log least squares)",
    ),
    "power_exponent_ergotropy_stderr": _q(
        "stderr of alpha (ergotropy)",
        ONE,
        "standard error of the power exponent alpha (ergotropy-based)",
    ),
    "late_energy_spread": _q(
        "late-time energy spread",
        E,
        "temporal standard deviation of E(t) over t >= t_max / 2 (temporal fluctuation of the stored energy once charged); "
        "Rosa et al., JHEP 2020, 067",
    ),
    "power_exponent_disorder_mean": _q(
        "power exponent alpha (disorder mean)",
        ONE,
        "exponent alpha of <P_max>_dis ~ N^alpha (disorder mean, energy-based, log-log least squares)",
    ),
    "power_exponent_disorder_mean_stderr": _q(
        "stderr of alpha (disorder mean)", ONE, "standard error of the power exponent of the disorder mean (energy-based)"
    ),
    "power_exponent_ergotropy_disorder_mean": _q(
        "power exponent alpha (ergotropy, dis.)", ONE, "exponent alpha of <P_max>_dis ~ N^alpha (disorder mean, ergotropy-based)"
    ),
    "power_exponent_ergotropy_disorder_mean_stderr": _q(
        "stderr of alpha (ergotropy, disorder)", ONE, "standard error of the power exponent of the disorder mean (ergotropy-based)"
    ),
    "quantum_advantage": _q(
        "quantum advantage Gamma",
        ONE,
        "quantum advantage Gamma = P_max(model) / P_max(parallel reference) (energy-based); see the attribute "
        "quantum_advantage_normalisation",
    ),
    "quantum_advantage_ergotropy": _q(
        "quantum advantage Gamma (ergotropy)",
        ONE,
        "quantum advantage Gamma = P_max(model) / P_max(parallel reference) (ergotropy-based)",
    ),
    "reference_max_power": _q("reference maximal power", P, "P_max of the parallel reference (energy-based)"),
    "reference_max_power_ergotropy": _q("reference maximal power (ergotropy)", P, "P_max of the parallel reference (ergotropy-based)"),
    "qsl_target_time": _q(
        "speed-limit target time",
        T,
        "first grid time t_erg with ergotropy >= (1 - 1e-3) of its maximum (target of the speed limits)",
    ),
    "qsl_target_ergotropy": _q("speed-limit target ergotropy", E, "ergotropy Erg(t_erg) - Erg(0) of the speed-limit target state"),
    "qsl_mt_time": _q(
        "Mandelstam-Tamm time",
        T,
        "Mandelstam-Tamm time arccos|<psi0|psi(t_erg)>| / Delta E to the state of maximal ergotropy",
    ),
    "reference_tau_star_at_boundary": Quantity(
        "reference tau* at grid boundary",
        ONE,
        "tau* of the parallel reference is the last time point (grid too short); power",
        **BOUNDARY_FLAGS,
    ),
    "reference_tau_star_ergotropy_at_boundary": Quantity(
        "reference tau* (ergotropy) at grid boundary",
        ONE,
        "ergotropy-based tau* of the parallel reference is the last time point (grid too short); power",
        **BOUNDARY_FLAGS,
    ),
    "qsl_ml_time": _q(
        "Margolus-Levitin time",
        T,
        "Margolus-Levitin time alpha(|<psi0|psi(t_erg)>|^2) / (<H> - E_0) to the state of maximal ergotropy (GLM 2003)",
    ),
    "qsl_time": _q("quantum speed limit t_QSL", T, "quantum speed limit t_QSL = max(t_MT, t_ML) to the state of maximal ergotropy"),
    "qsl_ratio": _q("t_erg / t_QSL", ONE, "actual time of maximal ergotropy over its speed limit, t_erg / t_QSL (>= 1)"),
    "qsl_power_bound": _q(
        "speed-limit power bound",
        P,
        "speed-limit bound Erg(t_erg) / t_QSL on the average power of reaching maximal ergotropy",
    ),
    "qsl_time_tau_star": _q("speed limit to tau*", T, "quantum speed limit max(t_MT, t_ML) to the state at the grid point of tau*"),
    "qsl_ratio_tau_star": _q("tau* / t_QSL", ONE, "grid time of tau* over its speed limit (>= 1)"),
}

#: open systems
_OPEN = {
    "work": _q("work W", E, "work on the battery W(t) = int_0^t -i Tr(H_B [H, rho]) ds (coherent drive/charger)"),
    "heat": _q("heat Q", E, "heat into the battery Q(t) = int_0^t sum_k Tr(H_B D_k[rho]) ds (baths)"),
    "efficiency": _q("charging efficiency", ONE, "efficiency ergotropy(t) / W(t) (NaN while W <= 1e-9)"),
    "system_energy": _q("system energy", E, "energy of battery + charger (+ drive) Tr(rho H_S)"),
    "system_work": _q("system work", E, "work on battery + charger: switch-on work + int Tr(rho dH/dt) ds"),
    "system_heat": _q("system heat", E, "heat into battery + charger int_0^t Tr(H_S L_D[rho]) ds (all baths)"),
    "efficiency_at_tau_star": _q("efficiency at tau*", ONE, "ergotropy / work at tau*"),
    "switch_off_time": _q(
        "switch-off time",
        T,
        "switch-off time of the charger; open: grid point nearest tau*; correlations: the named power variable",
    ),
    "switch_off_work": _q("switch-off work", E, "work of the sudden switch-off Tr(rho(tau*) (H_S,off - H_S)) (= -<H_int> or -<V>)"),
    "self_discharge_time": _q(
        "self-discharge time",
        T,
        "time after switch-off for the ergotropy to fall to 1/e of its switch-off value (NaN: not within discharge.t_max)",
    ),
    "ergotropy_discharge": _q(
        "ergotropy after switch-off",
        E,
        "ergotropy after the charger is switched off at tau* (free evolution + baths); along discharge_time",
    ),
    "ergotropy_at_late_time": _q("late-time ergotropy", E, "ergotropy at late_time under continued charging"),
    "energy_at_late_time": _q("late-time energy", E, "battery energy at late_time under continued charging"),
    "ergotropy_drift_at_late_time": _q(
        "late-time ergotropy drift",
        E,
        "| ergotropy(2 late_time) - ergotropy(late_time) | (small: stationary)",
    ),
    "trace_error": _q("trace error", ONE, "max over time of | Tr rho - 1 |"),
    "positivity_error": _q("positivity error", ONE, "max over time of the negativity / non-Hermiticity / off-block weight of rho"),
    "first_law_residual": _q("first-law residual", E, "max over time of |Delta E - W - Q| (battery and system bookkeeping)"),
    "liouville_dim": _q("Liouville dimension", ONE, "dimension of the propagated Liouville space"),
}

#: battery-charger correlations (series; each also ``<name>_at_switch_off``)
_CORRELATIONS = {
    "mutual_information": _q("mutual information I(B:C)", NAT, "mutual information I(B:C) = S_B + S_C - S_BC = S(rho_BC || rho_B x rho_C)"),
    "battery_entropy": _q("battery entropy S_B", NAT, "von Neumann entropy S(rho_B) (entanglement entropy for a pure joint state)"),
    "charger_entropy": _q("charger entropy S_C", NAT, "von Neumann entropy S(rho_C)"),
    "joint_entropy": _q("joint entropy S_BC", NAT, "von Neumann entropy S(rho_BC) (0 for a pure joint state)"),
    "total_energy": _q("total energy", E, "total energy <H_B + H_C + H_int> (conserved)"),
    "interaction_share": _q("interaction energy share", ONE, "share of the total energy in the interaction <H_int> / <H_B + H_C + H_int>"),
    "charger_ergotropy": _q("charger ergotropy", E, "local ergotropy of rho_C under H_C (full charger space)"),
    "global_ergotropy": _q("global ergotropy", E, "global ergotropy of rho_BC under H_B + H_C (full joint space)"),
    "locked_ergotropy": _q("locked ergotropy", E, "ergotropy locked in correlations: global - local battery - local charger"),
    "locked_fraction": _q(
        "locked ergotropy fraction",
        ONE,
        "locked ergotropy / global ergotropy (NaN where the global ergotropy vanishes)",
    ),
    "ergotropy_ratio": _q("ergotropy-to-energy ratio", ONE, "battery ergotropy-to-energy ratio Erg_B / <H_B> (NaN where <H_B> vanishes)"),
    "decoupling_distance": _q("decoupling distance", ONE, "trace distance 1/2 || rho_BC - rho_B x rho_C ||_1 (0: nothing correlated)"),
    "charger_truncation_weight": _q(
        "charger truncation weight",
        ONE,
        "max over time of the population of the two highest charger Fock levels kept (NaN: charger space not truncated)",
    ),
    "charger_dimension": _q("charger dimension", ONE, "dimension of the charger factor of the joint state (Fock cutoff)"),
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
    "mean_work": _q("mean work <W>", E, "mean work <W> = sum_i P_i W_i"),
    "work_variance": _q("work variance", P, "work variance <W^2> - <W>^2"),
    "free_energy_change": _q("free-energy change dF", E, "free-energy change dF = F(H(tau)) - F(H(0)) at beta (analytic)"),
    "free_energy_error": _q("free-energy error", E, "| dF from the computed partition functions - analytic dF |"),
    "jarzynski_average": _q("<exp(-beta W)>", ONE, "<exp(-beta W)> from the atoms"),
    "jarzynski_target": _q("exp(-beta dF)", ONE, "exp(-beta dF)"),
    "jarzynski_residual": _q("Jarzynski residual", ONE, "| <exp(-beta W)> exp(beta dF) - 1 |"),
    "crooks_residual": _q("Crooks residual", ONE, "max_W | P_F(W) - exp(beta (W - dF)) P_B(-W) | over atoms (absolute)"),
    "negative_work_probability": _q("P(W < 0)", ONE, "P(W < 0) (atoms below -merge_tol)"),
    "second_law_margin": _q("second-law margin <W> - dF", E, "<W> - dF (second law: >= 0)"),
    "normalisation_error": _q("normalisation error", ONE, "| sum_i P_i - 1 |"),
    "thermal_tail_weight": _q(
        "thermal tail weight",
        ONE,
        "Gibbs weight of the untruncated cavity above the Fock cutoff, N_cavities exp(-beta omega_c n_max)",
    ),
    "work_value": _q("work value W_i", E, "work values W_i of the TPM distribution (NaN padding beyond atom_count)"),
    "work_probability": _q("probability P(W_i)", ONE, "probabilities P(W_i) (NaN padding beyond atom_count)"),
    "atom_count": _q("number of atoms", ONE, "number of atoms (valid entries along atom)"),
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
    "bath_size": _q("bath size", ONE, "bath size (qubits M or levels d); the kind is in the attrs bath"),
    "battery_input": _q("battery input state", ONE, "battery input state: Gibbs at beta, |e..e>, |+>^N, random mixed"),
    "sample": _q("sample index", ONE, "index of the sampled energy-preserving unitary"),
    "sample_kind": Quantity(
        "unitary kind",
        ONE,
        "kind of the sampled unitary: Haar on every joint eigenspace, or a random permutation with phases inside it",
        flag_values=(0, 1),
        flag_meanings="haar permutation",
        flag_dtype="int32",
    ),
    "ergotropy_after": _q("ergotropy after TO", E, "ergotropy of the battery after the thermal operation"),
    "D_after": _q("D(rho_B'||gamma_B)", NAT, "D(rho_B' || gamma_B) after the thermal operation"),
    "D_before": _q("D(rho_B||gamma_B)", NAT, "D(rho_B || gamma_B) before"),
    "nogo_max_ergotropy": _q("no-go max ergotropy", E, "no-go: max over samples of the ergotropy after a TO of the Gibbs battery"),
    "nogo_max_D_after": _q("no-go max D after", NAT, "no-go: max over samples of D(rho_B'||gamma_B) for the Gibbs battery"),
    "max_D_increase": _q("max D increase", NAT, "max over samples of D_after - D_before (<= 0: TOs never increase D)"),
    "mean_D_after": _q("mean D after", NAT, "mean over samples of D(rho_B'||gamma_B)"),
    "commutator_norm_nogo": _q("no-go commutator norm", E, "max over samples of ||[U, H_B + H_R]||_F"),
    "gp_gibbs_deviation": _q(
        "Gibbs-preservation deviation",
        ONE,
        "Gibbs-preserving-map view: max over samples of ||P gamma_B - gamma_B||_1 of the population map",
    ),
    "gp_consistency": _q(
        "population-map consistency",
        ONE,
        "max |diag(TO(rho)) - P diag(rho)| over samples and the diagonal inputs (Gibbs, |e..e>)",
    ),
    "gp_stochasticity": _q("population-map stochasticity", ONE, "max |sum_j P_ji - 1| of the population maps"),
    "nogo_status": Quantity("no-go check status", ONE, "no-go / monotonicity / Gibbs-preservation check status", **CHECK_FLAGS),
    "hot_temperature_ratio": _q("T_res / T", ONE, "resource temperature over bath temperature T_res / T"),
    "excited_population": _q("excited population p_e", ONE, "excited-state population p_e of the resource qubit"),
    "coherence": _q("coherence c", ONE, "coherence c of the resource qubit, |rho_ge| = c sqrt(p_g p_e)"),
    "catalyst_excited_population": _q("catalyst excited population p_e", ONE, "excited-state population p_e of the catalyst qubit"),
    "protocol_model": _q("protocol model", ONE, "charging-protocol model (first value of every swept parameter)"),
    "protocol_N": _q("protocol N", ONE, "number of cells N of the protocol battery"),
    "bath_temperature": _q("bath temperature T", E, "bath temperature T = 1/beta for W_TO"),
    "protocol_time": _q("protocol time", T, "time of maximum ergotropy of the protocol"),
    "protocol_ergotropy": _q("protocol ergotropy", E, "ergotropy at the time of maximum ergotropy (full 2^N spectrum)"),
    "protocol_stored_energy": _q("protocol stored energy", E, "stored energy E(t) - E(0) at that time"),
    "protocol_energy": _q("protocol battery energy", E, "battery energy Tr(rho_B H_B) at that time"),
    "protocol_entropy": _q("protocol entropy", NAT, "von Neumann entropy S(rho_B) at that time"),
    "protocol_min_bound_margin": _q(
        "min W_TO - ergotropy",
        E,
        "min over bath temperatures of W_TO - ergotropy (>= 0: Erg <= F_beta(rho) - F_beta(gamma))",
    ),
    "protocol_relative_entropy": _q(
        "D(rho_B||gamma_beta)",
        NAT,
        "D(rho_B || gamma_beta) = -S + beta Tr(rho H_B) + N ln(1 + exp(-beta omega_a)) (full 2^N Gibbs state)",
    ),
    "protocol_W_TO": _q(
        "thermal-operation work W_TO",
        E,
        "work extractable by thermal operations W_TO = D(rho_B||gamma_beta)/beta = F_beta(rho) - F_beta(gamma)",
    ),
    "protocol_status": Quantity(
        "protocol status",
        ONE,
        "status of the protocol point (NaN values carry the reason)",
        flag_values=(0, 1, 2, 3),
        flag_meanings="ok ergotropy_above_W_TO model_not_in_study_or_N_not_swept no_battery_states_at_the_first_parameter_point",
        flag_dtype="int32",
    ),
}


def _resource_family(kind: str) -> dict[str, Quantity]:
    """The ``<kind>_*`` variables of one resource kind of the thermal stage."""
    return {
        f"{kind}_free_energy": _q(
            f"{kind} resource free energy",
            E,
            f"{kind} resource free energy Delta F_X = F_beta(sigma_X) - F_beta(gamma_X) = D(sigma_X||gamma_X)/beta",
        ),
        f"{kind}_ergotropy": _q(f"{kind} assisted ergotropy", E, f"battery ergotropy after a TO assisted by the {kind} resource"),
        f"{kind}_spent_free_energy": _q(
            f"{kind} spent free energy",
            E,
            "free energy spent by the resource [D(sigma_X||gamma_X) - D(rho_X'||gamma_X)]/beta",
        ),
        f"{kind}_battery_free_energy": _q(
            f"{kind} battery free energy after",
            E,
            "battery free energy after, D(rho_B'||gamma_B)/beta = W_TO(rho_B')",
        ),
        f"{kind}_catalyst_trace_distance": _q(
            f"{kind} resource trace distance",
            ONE,
            "trace distance of the returned resource ||rho_X' - sigma_X||_1 / 2",
        ),
        f"{kind}_continuity_bound": _q(
            f"{kind} continuity bound",
            E,
            "continuity bound on the spent free energy T h(t) + t omega_X, t the trace distance",
        ),
        f"{kind}_max_ergotropy": _q(f"{kind} max assisted ergotropy", E, f"max over samples of the battery ergotropy ({kind} resource)"),
        f"{kind}_mean_ergotropy": _q(f"{kind} mean assisted ergotropy", E, f"mean over samples of the battery ergotropy ({kind} resource)"),
        f"{kind}_max_energy_change": _q(f"{kind} max energy change", E, f"max over samples of the battery energy change ({kind} resource)"),
        f"{kind}_max_battery_free_energy": _q(f"{kind} max battery free energy", E, "max over samples of D(rho_B'||gamma_B)/beta"),
        f"{kind}_max_trace_distance": _q(f"{kind} max resource trace distance", ONE, "max over samples of the resource's trace distance"),
        f"{kind}_max_bound_violation": _q(
            f"{kind} max bound violation",
            E,
            "max over samples of lhs - rhs of Erg <= D_B/beta <= spent <= Delta F_X, spent <= continuity bound",
        ),
        f"{kind}_commutator_norm": _q(f"{kind} commutator norm", E, "max over samples of ||[U, H_B + H_R + H_X]||_F"),
        f"{kind}_status": Quantity(
            f"{kind} resource check status",
            ONE,
            f"{kind} resource check status (NaN statistics where 1)",
            **CHECK_FLAGS,
        ),
    }


#: optimal-control charging (stage control)
_CONTROL = {
    "final_time": _q("final time T of the optimised charging pulse", T, "control: grid of control.times"),
    "slice": _q("index of the piecewise-constant slice of the pulse (length T / slices)", ONE, "control"),
    "control": _q("index of the control Hamiltonian (label in control_name)", ONE, "control"),
    "control_name": _q("control Hamiltonian of each control amplitude (family, cell index)", ONE, "control"),
    "restart": _q("index of the seeded random initial pulse", ONE, "control"),
    "evaluation": _q("index of the optimiser's objective evaluation", ONE, "control"),
    "optimal_ergotropy": _q("battery ergotropy at T under the optimised pulse", E, "control"),
    "optimal_stored_energy": _q("stored energy E(T) - E(0) under the optimised pulse", E, "control"),
    "optimal_power_ergotropy": _q("average ergotropy power Erg(T)/T of the optimised pulse", P, "control"),
    "optimal_pulse": _q("optimised control amplitude u_k on each slice", E, "control"),
    "restart_objective": _q("objective at T reached from each seeded initial pulse", E, "control"),
    "restart_spread": _q("max - min over the initial pulses of the objective reached", E, "control"),
    "optimiser_iterations": _q("optimiser iterations from each initial pulse", ONE, "control"),
    "optimiser_converged": Quantity(
        "optimiser reported convergence for the best start", ONE, "control", flag_values=(0, 1), flag_meanings="not_converged converged"
    ),
    "convergence": _q("objective at each optimiser evaluation of the best start (NaN-padded)", E, "control"),
    "minimal_time": _q("minimal time to charge the fraction control.fraction of the capacity (bisection)", T, "control"),
    "minimal_time_lower": _q(
        "largest final time shown not to reach the target: the minimal time lies in (lower, minimal_time]", T, "control"
    ),
    "minimal_time_pulse": _q("optimised pulse at the minimal time", E, "control"),
    "fixed_protocol_time": _q("time the model's fixed protocol (closed face) needs to charge the same fraction", T, "control"),
    "time_gain": _q("fixed-protocol time over the minimal time (>= 1 when the fixed protocol is admissible)", ONE, "control"),
    "speed_limit_time": _q(
        "speed limit arcsin(sqrt f) / (w_0 + Lambda) of the constraint (Mandelstam-Tamm, Anandan-Aharonov)", T, "control"
    ),
    "speed_limit_ratio": _q("minimal time over the speed limit of the constraint (>= 1)", ONE, "control"),
    "pulse_mt_time": _q("Anandan-Aharonov bound L(psi0, psi_T) / <Delta E>_T of the minimal-time pulse", T, "control"),
    "control_capacity": _q("largest value of the objective any unitary reaches (ergotropy: e_max - e_min)", E, "control"),
    "control_norm_bound": _q("bound Lambda on the operator norm of the total control Hamiltonian", E, "control"),
}


def at_switch_off(name: str) -> str:
    """Name of ``name`` evaluated at the switch-off time."""
    return f"{name}_at_switch_off"


#: axis labels of the control stage's quantities (their declarations above are sentences: descriptions)
_CONTROL_LABELS = {
    "final_time": "final time T",
    "slice": "pulse slice",
    "control_name": "control Hamiltonian",
    "evaluation": "objective evaluation",
    "optimal_ergotropy": "optimal ergotropy at T",
    "optimal_stored_energy": "optimal stored energy at T",
    "optimal_power_ergotropy": "optimal ergotropy power Erg(T)/T",
    "optimal_pulse": "optimal control amplitude u_k",
    "restart_objective": "objective per initial pulse",
    "restart_spread": "spread over initial pulses",
    "optimiser_iterations": "optimiser iterations",
    "optimiser_converged": "optimiser converged",
    "convergence": "objective per evaluation",
    "minimal_time": "minimal charging time",
    "minimal_time_lower": "minimal time, lower bracket",
    "time_gain": "time gain over the fixed protocol",
    "speed_limit_ratio": "minimal time / speed limit",
    "pulse_mt_time": "Anandan-Aharonov time of the pulse",
    "control_capacity": "largest reachable objective",
    "control_norm_bound": "control norm bound Lambda",
    "fixed_protocol_time": "fixed-protocol charging time",
    "speed_limit_time": "speed limit of the constraint",
    "control": "control index",
    "restart": "initial pulse",
}
for _k, _label in _CONTROL_LABELS.items():
    _old = _CONTROL[_k]
    _parts = (_old.long_name, _old.description)
    _desc = _old.description if _old.description.startswith(_old.long_name) else "; ".join(x for x in _parts if x)
    _CONTROL[_k] = replace(_old, long_name=_label, description=_desc)


BOUND_FLAGS = dict(flag_values=(-1, 0, 1), flag_meanings="bound_not_applicable ok bound_violated")

#: quantum-advantage normalisations, power bounds and figures of merit (issue 19; docs/quantum-advantage.md)
_ADVANTAGE = {
    "normalisation": _q(
        "normalisation", ONE, "normalisation of the charging coupling (name); power: see the attribute normalisation_<name>"
    ),
    "normalisation_factor": _q(
        "normalisation factor c_N", ONE, "factor c_N multiplying the charging coupling under the normalisation (NaN: undefined)"
    ),
    "max_power_normalised": _q("maximal average power (normalised)", P, "maximal average power P_max under the normalisation"),
    "max_power_ergotropy_normalised": _q(
        "maximal ergotropy power (normalised)", P, "maximal average ergotropy power under the normalisation"
    ),
    "tau_star_normalised": _q("optimal charging time tau* (normalised)", T, "optimal charging time tau* under the normalisation"),
    "quantum_advantage_normalised": _q(
        "quantum advantage Gamma (normalised)", ONE, "quantum advantage Gamma = P_max(model, normalised) / P_max(parallel reference)"
    ),
    "quantum_advantage_ergotropy_normalised": _q(
        "quantum advantage Gamma (ergotropy, normalised)", ONE, "quantum advantage (ergotropy-based) under the normalisation"
    ),
    "power_exponent_normalised": _q("power exponent alpha (normalised)", ONE, "exponent alpha of P_max ~ N^alpha under the normalisation"),
    "power_exponent_normalised_stderr": _q("stderr of alpha (normalised)", ONE, "standard error of alpha under the normalisation"),
    "charging_power_bound_norm": _q(
        "power bound (operator norm)", P, "power bound (e_max - e_min) ||V|| >= ||[H_B, V]|| (bounded charging Hamiltonian)"
    ),
    "charging_power_bound_local": _q(
        "power bound (interaction order)", P, "power bound sum_X k_X omega_a ||h_X|| over the terms of V (interaction order k)"
    ),
    "charging_power_bound_normalised": _q("power bound (normalised)", P, "min of the two power bounds at the normalised coupling"),
    "interaction_order": _q(
        "interaction order k", ONE, "largest number of cells k a term of the charging Hamiltonian acts on (not commuting with H_B)"
    ),
    "charging_bound_violation": Quantity("power bound violated", ONE, "P_max or peak power above a power bound; power", **BOUND_FLAGS),
    "incoherent_ergotropy": _q(
        "incoherent ergotropy", E, "incoherent ergotropy: ergotropy of the dephased battery state (Francica et al. 2020)"
    ),
    "coherent_ergotropy": _q("coherent ergotropy", E, "coherent ergotropy: ergotropy - incoherent ergotropy (Francica et al. 2020)"),
    "asymptotic_ergotropy": _q(
        "asymptotic ergotropy", E, "asymptotic ergotropy E - E(Gibbs state of equal entropy) (Alicki and Fannes 2013)"
    ),
    "energy_variance": _q("battery energy variance", P, "battery energy variance Tr(rho_B H_B^2) - Tr(rho_B H_B)^2"),
    "energy_variance_at_tau_star": _q("energy variance at tau*", P, "battery energy variance at the grid time nearest tau*"),
    "relative_fluctuation_at_tau_star": _q(
        "relative energy fluctuation at tau*", ONE, "charging precision sqrt(Var H_B) / E at tau* (Friis and Huber 2018)"
    ),
    "energy_temporal_fluctuation": _q(
        "temporal energy fluctuation", E, "standard deviation over t >= tau* of the battery energy E(t) (stability)"
    ),
    "local_ergotropy_sum": _q("sum of local ergotropies", E, "sum over cells of the ergotropy of each cell's reduced state; spin chain"),
    "half_chain_ergotropy": _q(
        "half-chain ergotropy", E, "ergotropy of the reduced state of the first floor(N/2) cells (local unitaries on them); spin chain"
    ),
    "ergotropy_gap": _q("ergotropy gap", E, "ergotropy - sum of the cells' local ergotropies (global minus local); spin chain"),
    "self_discharge_lifetime": _q(
        "self-discharge lifetime tau_d", T, "fitted self-discharge lifetime tau_d of Erg(t) = Erg(0) exp(-t / tau_d) after switch-off"
    ),
    "self_discharge_lifetime_stderr": _q("stderr of tau_d", T, "standard error of the fitted self-discharge lifetime"),
}


VOCABULARY: dict[str, Quantity] = {
    **_COORDS,
    **_BATTERY,
    **_MODEL,
    **_POWER,
    **_OPEN,
    **_CORRELATIONS,
    **_WORK,
    **_THERMAL,
    **_CONTROL,
    **_ADVANTAGE,
}
for _kind in RESOURCE_KINDS:
    VOCABULARY.update(_resource_family(_kind))
for _name in CORRELATION_SERIES:
    _base = VOCABULARY[_name]
    VOCABULARY.setdefault(
        at_switch_off(_name),
        _q(f"{_base.long_name} at switch-off", _base.units, f"{_base.description}; at the switch-off time (correlations, open)"),
    )


#: power-stage quantities of a random model averaged over the ``realisation`` axis
DISORDER_STATISTICS = (
    "max_power",
    "max_power_ergotropy",
    "tau_star",
    "tau_star_ergotropy",
    "max_energy",
    "max_ergotropy",
    "late_energy_spread",
    "quantum_advantage",
    "quantum_advantage_ergotropy",
)


def disorder_mean(name: str) -> str:
    """Name of the disorder mean of ``name`` (its standard error: ``<name>_disorder_stderr``)."""
    return f"{name}_disorder_mean"


def disorder_stderr(name: str) -> str:
    return f"{name}_disorder_stderr"


for _name in DISORDER_STATISTICS:
    _base = VOCABULARY[_name]
    VOCABULARY[disorder_mean(_name)] = _q(
        f"{_base.long_name}, disorder mean", _base.units, f"{_base.long_name}, mean over disorder realisations; power (random models)"
    )
    VOCABULARY[disorder_stderr(_name)] = _q(
        f"{_base.long_name}, disorder SE",
        _base.units,
        f"{_base.long_name}, standard error of the disorder mean (sample std / sqrt(R)); power (random models)",
    )


def entry(name: str) -> Quantity:
    """The vocabulary entry of ``name`` (KeyError naming the vocabulary if unknown)."""
    try:
        return VOCABULARY[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in qbattery.vocabulary.VOCABULARY; add it there (one entry per quantity)") from None


def attrs(name: str, comment: str | None = None, fallback: tuple[str, str] | None = None, **extra) -> dict:
    """Attributes of variable/coordinate ``name``: long_name, units (:func:`cf_units`), description
    (and flag_values, flag_meanings).

    ``comment``: model- or stage-specific detail, stored when it differs from long_name and description.
    ``fallback``: (long_name, units) for a name not (yet) in the vocabulary, e.g. a series of a
    model dropped into the catalogue (:func:`declared_attrs`); known names always take the vocabulary's entry."""
    if name not in VOCABULARY and fallback is not None:
        out = declared_attrs(*fallback)
        if comment and comment not in (out["long_name"], out.get("description")):
            out["comment"] = comment
        out.update(extra)
        return out
    q = entry(name)
    if fallback is not None and fallback[1] != q.units:
        raise ValueError(f"{name!r} declared with units {fallback[1]!r}; the vocabulary's {name!r} has units {q.units!r} (rename it)")
    out: dict = {"long_name": q.long_name, **cf_units(q.units)}
    if q.description:
        out["description"] = q.description
    if q.is_flag:
        out["flag_values"] = np.array(q.flag_values, dtype=q.flag_dtype)
        out["flag_meanings"] = q.flag_meanings
    if comment and comment not in (q.long_name, q.description):
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
    rows = ["| name | long_name | reduced units | description |", "|---|---|---|---|"]
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
