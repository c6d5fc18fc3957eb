"""Normalisations of the quantum advantage: how a global model's charging coupling is set
against its parallel reference before Gamma(N) = P_max(global) / P_max(parallel) is taken
(config key ``power.normalisations``; docs/quantum-advantage.md).

Each normalisation gives, per model, N and parameter point, a factor c_N by which the
model's ``normalised_parameters`` (its charging coupling) are multiplied; the reference stays
at the configured parameters. c_N = NaN: the normalisation is undefined for that model.

How the normalised power is computed (attribute ``normalisation_route`` of the dataset):
- c_N = 1 at every point: the fixed-coupling results themselves;
- ``Model.normalisation_exact`` (H proportional to the coupling, e.g. a rotating frame): a
  time-independent H -> c H gives psi_c(t) = psi(c t), so E_c(t) = E(c t), P_c(t) = c P(c t):
  P_max -> c P_max and tau* -> tau* / c, exactly, on no grid at all;
- otherwise (a free part H_B + omega_c a^dag a that does not scale) extra simulate jobs
  ``simulate_normalised`` at the rescaled couplings, on the model's own time grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .models import get_model


@dataclass(frozen=True)
class Normalisation:
    name: str
    definition: str
    formula: str


NORMALISATIONS: dict[str, Normalisation] = {
    n.name: n
    for n in (
        Normalisation(
            "fixed_coupling",
            "the model's parameters as configured (its own normalisation attribute, e.g. Ferraro et al.'s fixed lambda)",
            "c_N = 1",
        ),
        Normalisation(
            "kac",
            "Kac (thermodynamic) scaling: a collective coupling of N cells to one charger scaled by 1/sqrt(N), so that the "
            "collective Rabi frequency no longer grows with N; a coupling that is already extensive (nearest neighbours) is not scaled",
            "c_N = N^(-kac_exponent), kac_exponent = 1/2 (collective) or 0 (short range)",
        ),
        Normalisation(
            "equal_norm",
            "the operator norm of the charging Hamiltonian V (H minus the free battery and charger parts) equal to the "
            "parallel reference's at the same N (Binder et al. 2015, Campaioli et al. 2017); undefined for an unbounded V (cavity mode)",
            "c_N = ||V_ref(N)|| / ||V(N)||",
        ),
        Normalisation(
            "equal_charger_energy",
            "equal mean initial charger energy as the parallel reference (Andolina et al. 2019); the coupling cannot change it, so "
            "it holds (c_N = 1) where the energies agree and is undefined otherwise or without a charger",
            "c_N = 1 if E_C(N) = E_C,ref(N), else undefined",
        ),
    )
}
DEFAULT = list(NORMALISATIONS)


def reference_params(model: str, params: dict[str, float]) -> dict[str, float]:
    """The reference's parameters at a model point: shared ones equal, the others at their defaults
    (as ``stages.simulate.reference_entry``)."""
    ref = get_model(get_model(model).reference)
    return {p.name: float(params.get(p.name, p.default)) for p in ref.parameters}


def factor(name: str, model: str, N: int, params: dict[str, float]) -> float:
    """c_N of normalisation ``name`` for ``model`` at N and ``params`` (NaN: undefined)."""
    m = get_model(model)
    if name == "fixed_coupling":
        return 1.0
    if not m.normalised_parameters or m.reference is None:
        return math.nan
    ref = get_model(m.reference)
    rp = reference_params(model, params)
    if name == "kac":
        return float(N) ** (-m.kac_exponent)
    if name == "equal_norm":
        a, b = ref.charging_norm(N, rp), m.charging_norm(N, params)
        return a / b if math.isfinite(a) and math.isfinite(b) and b > 0 else math.nan
    if name == "equal_charger_energy":
        a, b = m.charger_energy(N, params), ref.charger_energy(N, rp)
        return 1.0 if a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12) else math.nan
    raise ValueError(f"unknown normalisation {name!r}; known: {', '.join(NORMALISATIONS)}")


def rescaled(model: str, params: dict[str, float], c: float) -> dict[str, float]:
    """``params`` with the model's normalised parameters multiplied by c."""
    names = get_model(model).normalised_parameters
    return {k: (float(v) * c if k in names else v) for k, v in params.items()}


def needs_simulation(name: str, model: str) -> bool:
    """Whether (model, normalisation) needs simulate jobs of its own: a global model with a
    reference whose c_N can differ from 1 and whose Hamiltonian does not scale exactly."""
    m = get_model(model)
    if m.reference is None or not m.normalised_parameters or m.normalisation_exact:
        return False
    if name == "kac":
        return m.kac_exponent != 0
    if name == "equal_norm":
        return math.isfinite(m.charging_norm(2, m.defaults()))
    return False


def route(name: str, model: str) -> str:
    """How the normalisation is computed for ``model``: "identity", "exact rescaling", "simulated" or "undefined"."""
    m = get_model(model)
    if name == "fixed_coupling" or name == "equal_charger_energy":
        return "identity" if name == "fixed_coupling" or not math.isnan(factor(name, model, 1, m.defaults())) else "undefined"
    if needs_simulation(name, model):
        return "simulated"
    if m.reference is None or not m.normalised_parameters:
        return "undefined"
    if name == "kac" and m.kac_exponent == 0:
        return "identity"
    if name == "equal_norm" and not math.isfinite(m.charging_norm(2, m.defaults())):
        return "undefined"
    return "exact rescaling" if m.normalisation_exact else "simulated"


def attrs(name: str) -> str:
    """Definition of ``name`` in words and formula (a dataset attribute)."""
    n = NORMALISATIONS[name]
    return f"{n.definition}; {n.formula}"
