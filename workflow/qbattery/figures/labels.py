"""The one place of every display name in the figures and the report (mathtext, hbar = k_B = 1,
energies in omega_a, times in 1/omega_a):

- models: :func:`model_label`, the catalogue's ``Model.label`` (passed to a figure job by its rule's
  ``params.labels``, so that changing a label reruns the figures that show it; looked up in the
  catalogue only when not given, which costs the catalogue import);
- parameters and grid coordinates: :data:`SYMBOLS` (symbol, unit), :data:`WORDS` for the switches
  (``coherent``, ``periodic``), :data:`MODEL_SYMBOLS` where a model's parameter has another symbol;
  :func:`value_label` gives ``$\\lambda = 0.1$`` or words, never ``coupling=0.1``;
- quantities on axes: :data:`QUANTITIES` (symbol [units]), :func:`quantity`.

Nothing here imports the library: a figure job pays only for matplotlib, xarray and its data.
"""

from __future__ import annotations

from collections.abc import Mapping

#: dimension or parameter -> (mathtext symbol, mathtext unit or "" if dimensionless)
SYMBOLS: dict[str, tuple[str, str]] = {
    "N": ("N", ""),
    "coupling": (r"\lambda", ""),
    "omega_c": (r"\omega_c", r"\omega_a"),
    "J": ("J", r"\omega_a"),
    "anisotropy": (r"\Delta", ""),
    "drive": ("g", r"\omega_a"),
    "gamma_collective": (r"\gamma_c", r"\omega_a"),
    "omega_i": (r"\omega_i", r"\omega_a"),
    "omega_f": (r"\omega_f", r"\omega_a"),
    "gamma": (r"\gamma", r"\omega_a"),
    "gamma_phi": (r"\gamma_\phi", r"\omega_a"),
    "kappa": (r"\kappa", r"\omega_a"),
    "temperature": ("T", r"\omega_a"),
    "bath_temperature": ("T", r"\omega_a"),
    "tau": (r"\tau", r"\omega_a^{-1}"),
    "bath_size": ("M", ""),
    "alpha_LR": (r"\alpha_{LR}", ""),
    "W": ("W", r"\omega_a"),
    "q": ("q", ""),
}

#: a parameter whose symbol depends on the model (charger models: the exchange coupling g has units)
MODEL_SYMBOLS: dict[str, dict[str, tuple[str, str]]] = {
    "charger_mediated_tls": {"coupling": ("g", r"\omega_a")},
    "charger_mediated_osc": {"coupling": ("g", r"\omega_a")},
    "charger_mediated_ho": {"coupling": ("g", r"\omega_a")},
    "syk": {"J": ("J", r"\omega_a")},
}

#: switches (integer parameters) in words
WORDS: dict[str, dict[int, str]] = {
    "coherent": {0: r"Fock charger $|N\rangle$", 1: r"coherent charger $|\sqrt{N}\rangle$"},
    "periodic": {0: "open chain", 1: "periodic chain"},
}

#: axis labels: symbol [units]
QUANTITIES: dict[str, str] = {
    "N": r"number of cells $N$",
    "t": r"time $t$ [$\omega_a^{-1}$]",
    "tau": r"pulse duration $\tau$ [$\omega_a^{-1}$]",
    "switch_off": r"switch-off time $\tau$ [$\omega_a^{-1}$]",
    "energy": r"stored energy $E$ [$\omega_a$]",
    "energy_per_cell": r"energy per cell $E/N$ [$\omega_a$]",
    "ergotropy": r"ergotropy $\mathcal{E}$ [$\omega_a$]",
    "ergotropy_per_cell": r"ergotropy per cell $\mathcal{E}/N$ [$\omega_a$]",
    "capacity": r"capacity $\mathcal{C}$ [$\omega_a$]",
    "power": r"average power $P = E/t$ [$\omega_a^2$]",
    "max_power": r"$P_{\max}$ [$\omega_a^2$]",
    "quantum_advantage": r"quantum advantage $\Gamma = P_{\max}/P_{\max}^{\parallel}$",
    "tau_star": r"optimal charging time $\tau^*$ [$\omega_a^{-1}$]",
    "charging_times": r"time [$\omega_a^{-1}$]",
    "t_qsl": r"speed-limit time $t_{\mathrm{QSL}}$ [$\omega_a^{-1}$]",
    "coupling": r"coupling $\lambda$",
    "drive": r"drive $g$ [$\omega_a$]",
    "J": r"exchange $J$ [$\omega_a$]",
    "temperature": r"temperature $T$ [$\omega_a$]",
    "gamma_rate": r"cell decay rate $\gamma$ [$\omega_a$]",
    "work": r"work $W$ [$\omega_a$]",
    "work_per_cell": r"work per cell $W/N$ [$\omega_a$]",
    "work_per_cell_short": r"$W/N$ [$\omega_a$]",
    "heat": r"heat $Q$ [$\omega_a$]",
    "efficiency": r"efficiency $\eta = \mathcal{E}(\tau^*)/W(\tau^*)$",
    "probability": r"probability $P(W)$",
    "mutual_information": r"$I(B{:}C)$ [nats]",
    "interaction_share": r"$\langle H_{\mathrm{int}}\rangle / E_{\mathrm{tot}}$",
    "interaction_energy": r"interaction energy $\langle H_{\mathrm{int}}\rangle$ [$\omega_a$]",
    "entropy": r"entropy $S$ [nats]",
    "natural_time": r"$N g t$",
}

#: values of ``switch_off`` (times of the power analysis) as symbols
TIMES: dict[str, str] = {"tau_star": r"$\tau^*$", "t_max_ergotropy": r"$t_{\mathcal{E}\,\max}$"}

_MODEL_LABELS: dict[str, str] = {}


def set_model_labels(labels: Mapping[str, str] | None) -> None:
    """Model display names of this process (a figure job's ``params.labels``)."""
    _MODEL_LABELS.update(dict(labels or {}))


def model_label(name: str) -> str:
    """Display name of catalogue model ``name`` (``Model.label``, else its ``title``)."""
    if name not in _MODEL_LABELS:
        from ..models import MODELS  # only when the job did not pass the labels

        m = MODELS.get(name)
        _MODEL_LABELS[name] = (m.label or m.title) if m is not None else name.replace("_", " ")
    return _MODEL_LABELS[name]


def catalogue_labels(names) -> dict[str, str]:
    """``{name: label}`` of ``names`` from the catalogue (for a rule's params)."""
    from ..models import MODELS

    return {n: (MODELS[n].label or MODELS[n].title) for n in names if n in MODELS}


def symbol(dim: str, model: str | None = None) -> tuple[str, str]:
    """(symbol, unit) of a parameter or grid dimension (of ``model``, if its symbol differs)."""
    if model and dim in MODEL_SYMBOLS.get(model, {}):
        return MODEL_SYMBOLS[model][dim]
    if dim in SYMBOLS:
        return SYMBOLS[dim]
    return (r"\mathrm{" + dim.replace("_", r"\_") + "}", "")


def _number(value: float) -> str:
    return f"{float(value):g}"


def value_label(dim: str, value, model: str | None = None) -> str:
    """``dim = value`` for a panel or legend: mathtext with unit, or words for a switch."""
    if dim in WORDS:
        return WORDS[dim].get(int(round(float(value))), f"{dim} {value}")
    if dim in ("switch_off",) and str(value) in TIMES:
        return TIMES[str(value)]
    sym, unit = symbol(dim, model)
    return rf"${sym} = {_number(value)}" + (rf"\,{unit}" if unit else "") + "$"


def point_label(point: Mapping[str, float], model: str | None = None) -> str:
    """Comma-separated :func:`value_label` of every entry of ``point`` (dim -> value)."""
    return ", ".join(value_label(d, v, model) for d, v in point.items())


def quantity(key: str) -> str:
    """Axis label with symbol and units of ``key`` (a key of :data:`QUANTITIES`)."""
    return QUANTITIES.get(key, key)
