"""The model catalogue: the contract every model fulfils, and the one registry ``MODELS``.

A model is one module in ``qbattery/models`` with a ``@register``-ed subclass of :class:`Model`.
It declares its parameters once (name, units, bounds, default) and implements the *faces* it
supports, each a method; every stage runs exactly the models that have its face:

======== ===================================== ===========================================
face     method                                stage
======== ===================================== ===========================================
closed   ``run(N, times, params, numerics)``   simulate -> power (and thermal W_TO)
joint    ``joint_trajectory(...)``             correlations (battery (x) charger states)
lindblad ``lindblad(N, params, cutoff)``       open systems (Lindblad generator, one point)
work     ``work_sectors(N, params, n_max)``    work statistics (TPM symmetry blocks)
control  ``control_system(N, params)``         control (optimal charging, GRAPE)
======== ===================================== ===========================================

``Model.faces`` lists the faces a model implements (the methods it overrides);
:func:`models_with` selects the catalogue by face. The config schema, the stages and the figures
take everything from here, so a new model is one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from ..open_systems.problem import OpenProblem


@dataclass(frozen=True)
class Parameter:
    """A model parameter that a config may sweep (a list) or fix (a scalar)."""

    name: str
    long_name: str
    units: str
    default: float
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    integer: bool = False

    def json_schema(self) -> dict:
        """JSON schema of a value or a non-empty list of unique values of this parameter."""
        scalar: dict = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            scalar["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = self.minimum
        if self.maximum is not None:
            scalar["maximum"] = self.maximum
        return {
            "description": f"{self.long_name} [{self.units}] (default {self.default}); a scalar fixes it, a list sweeps it",
            "oneOf": [scalar, {"type": "array", "items": scalar, "minItems": 1, "uniqueItems": True}],
            # filled into the validated config, so every job's params record the value it used
            "default": int(self.default) if self.integer else float(self.default),
        }


@dataclass(frozen=True)
class Diagnostic:
    """A numerical-health quantity of a run, checked against ``Numerics.<tolerance>``."""

    name: str
    long_name: str
    tolerance: str  # attribute name of Numerics holding the threshold ("" = recorded, not checked)
    units: str = "1"


@dataclass
class Numerics:
    """Numerical settings and health thresholds (config key ``numerics``)."""

    fock_extra: int = 30  # initial Fock cutoff = 2 * photons + 1 + fock_extra
    fock_auto: bool = True  # grow the cutoff until the truncation weight is below truncation_tol
    fock_max_factor: int = 16  # the cutoff grows at most to this multiple of its start
    fock_max_dim: int = 2_000_000  # memory guard: largest sector dimension the cutoff growth may reach
    truncation_tol: float = 1e-10  # max population in the top Fock levels
    norm_tol: float = 1e-10  # max |<psi|psi> - 1| (closed) or |Tr rho - 1| (open)
    state_tol: float = 1e-8  # Hermiticity / positivity of reduced states
    first_law_tol: float = 1e-8  # |Delta E - W - Q| (open systems)
    dense_max_dim: int = 1000  # largest dimension diagonalised densely (Lanczos above)
    atol: float = 1e-12  # ODE solvers (open systems)
    rtol: float = 1e-10
    on_violation: str = "fail"  # "fail": raise; "nan": record NaN and flag the point
    seed: int = 12345

    @classmethod
    def from_config(cls, cfg: dict | None, seed: int | None = None) -> Numerics:
        """Numerics from the config's ``numerics`` mapping (and the study ``seed``); an unknown
        key or a value the schema refuses raises ``qbattery.validation.InputError`` (a ValueError)."""
        from ..validation import argument, check_seed, numerics_values

        kw = dict(numerics_values(cfg, argument("Numerics.from_config"), "cfg"))
        if seed is not None:
            kw.setdefault("seed", check_seed(seed, argument("Numerics.from_config")))
        return cls(**kw)

    @classmethod
    def of_job(cls, cfg: dict) -> Numerics:
        """The Numerics of a (job) config: its ``numerics`` settings, and only those may be read
        (a config without ``numerics`` gets the defaults, all readable)."""
        if "numerics" not in cfg:
            return cls.from_config(None, seed=cfg.get("seed"))
        sub = cfg["numerics"] or {}
        return cls.from_config(sub, seed=cfg.get("seed")).declared(sub)

    def declared(self, keys) -> Numerics:
        """A copy that lets a job read only ``keys`` (the numerics of its config subtree): reading
        any other setting raises :class:`UndeclaredNumericsError`, so a job can never depend on a
        setting that its rule's params (and so Snakemake's rerun check) do not contain."""
        out = DeclaredNumerics(**{k: v for k, v in vars(self).items() if k in NUMERICS_FIELDS})
        object.__setattr__(out, "_declared", frozenset(keys))
        return out

    def recorded(self) -> dict:
        """The settings this object may be read for (all of them, unless :meth:`declared`)."""
        return {k: getattr(self, k) for k in sorted(NUMERICS_FIELDS)}

    def updated(self, **changes) -> Numerics:
        """A copy with ``changes`` applied, keeping the declaration of a declared copy."""
        fields = {k: object.__getattribute__(self, k) for k in NUMERICS_FIELDS}
        out = Numerics(**{**fields, **changes})
        declared = getattr(self, "_declared", None) if isinstance(self, DeclaredNumerics) else None
        return out.declared(declared) if declared is not None else out

    def attrs(self) -> dict:
        """Dataset attributes ``numerics_<key>`` of the settings a job declared (bool as int)."""
        return {f"numerics_{k}": (int(v) if isinstance(v, bool) else v) for k, v in self.recorded().items()}


class UndeclaredNumericsError(RuntimeError):
    """A job read a numerics setting that its declared config subtree does not contain."""


class DeclaredNumerics(Numerics):
    """:class:`Numerics` restricted to the keys a job declared (see :meth:`Numerics.declared`)."""

    _declared: frozenset = frozenset()

    def __getattribute__(self, name: str):
        declared = object.__getattribute__(self, "_declared")
        if name in NUMERICS_FIELDS and name not in declared:
            raise UndeclaredNumericsError(
                f"numerics.{name} was read by a job whose config subtree does not declare it; "
                f"add it to the model's or stage's numerics keys (declared: {', '.join(sorted(declared))})"
            )
        return object.__getattribute__(self, name)

    def recorded(self) -> dict:
        return {k: getattr(self, k) for k in sorted(NUMERICS_FIELDS) if k in self._declared}


NUMERICS_FIELDS = frozenset(f for f in Numerics.__dataclass_fields__)


@dataclass
class Trajectory:
    """What one model run at one (N, parameter point) returns, on the time grid.

    ``energy``: battery energy Tr(rho_B(t) H_B) (H_B ground energy 0);
    ``ergotropy`` and ``capacity`` over the full battery Hilbert space;
    ``diagnostics``: values for each :class:`Diagnostic` the model declares;
    ``series``: extra time series the model declares in ``Model.series``;
    ``states``: optional reduced battery states (nt, d, d) for in-memory analysis.
    """

    energy: np.ndarray
    ergotropy: np.ndarray
    capacity: np.ndarray
    diagnostics: dict[str, float]
    series: dict[str, np.ndarray] = field(default_factory=dict)
    states: np.ndarray | None = None


@dataclass
class JointTrajectory:
    """Battery (x) charger state along the trajectory, for the correlation analysis.

    ``states``: pure states (nt, d_B * d_C) or density matrices (nt, d, d), battery factor
    first (index = i_B * d_C + i_C); ``dims`` = (d_B, d_C); ``H_B``, ``H_C`` local
    Hamiltonians (ground energy 0) in the factor spaces; ``H_int`` the interaction on the
    joint space; ``battery_levels`` / ``charger_levels``: the full spectra when a factor
    is a symmetry subspace (e.g. the Dicke subspace of N cells), else None.
    """

    times: np.ndarray
    states: np.ndarray
    dims: tuple[int, int]
    H_B: np.ndarray
    H_C: np.ndarray
    H_int: np.ndarray
    battery_levels: object | None = None
    charger_levels: object | None = None


@dataclass(frozen=True)
class ChargerInfo:
    """How the joint face's charger is treated by the correlation stage.

    ``fock_truncated``: the charger is a truncated Fock space whose top-level weight measures the
    truncation error (checked against ``truncation_tol``); ``pair_product``: the joint state is N
    identical independent charger-cell pairs (computed from one pair); ``reuse_cutoff``: the
    simulate stage's converged ``fock_cutoff`` can be passed back (fock_extra, fock_auto off).
    """

    fock_truncated: bool = False
    pair_product: bool = False
    reuse_cutoff: bool = False


FACES = ("closed", "joint", "lindblad", "work", "control")
#: the method that implements each face
FACE_METHODS = {"closed": "run", "joint": "joint_trajectory", "lindblad": "lindblad", "work": "work_sectors", "control": "control_system"}


class Model:
    """A battery model of the catalogue: Hamiltonian, initial state, parameters, and its faces
    (see the module docstring). Attributes common to every face first, then each face's own."""

    name: ClassVar[str]
    title: ClassVar[str]  # the model's name as the papers use it (dataset attrs)
    #: display name in every figure and the report (mathtext allowed, e.g. r"$N$ qubit chargers");
    #: short, one per model (qbattery.figures.labels.model_label; "" falls back to ``title``)
    label: ClassVar[str] = ""
    kind: ClassVar[str]  # "parallel" (local charging) or "global"
    hamiltonian: ClassVar[str]
    initial_state: ClassVar[str]
    normalisation: ClassVar[str]
    route: ClassVar[str]  # how it is computed (symmetry subspace, single cell, ...)
    references: ClassVar[str]
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    diagnostics: ClassVar[tuple[Diagnostic, ...]] = ()
    #: extra time series: name -> (long_name, units)
    series: ClassVar[dict[str, tuple[str, str]]] = {}
    #: name of the parallel reference model for the quantum advantage, if any
    reference: ClassVar[str | None] = None
    #: a battery from the user's operators (models.custom), not a catalogue model: not in
    #: :func:`models_with`, its config entry added by name (see :func:`user_models`)
    user_defined: ClassVar[bool] = False
    #: keys its config entry requires besides N
    entry_required: ClassVar[tuple[str, ...]] = ()
    #: the model has random parameters (couplings, fields): its closed face takes one disorder
    #: realisation ``disorder = model.draw(N, realisation_rng(seed, name, N, r))``, its config
    #: entry needs ``realisations`` and its grids have a ``realisation`` axis (disorder means and
    #: standard errors in the power stage)
    random: ClassVar[bool] = False
    #: what ``draw`` samples (text for the dataset attrs of a random model)
    disorder: ClassVar[str] = ""

    def refuse(self, N: int, params: dict[str, float]) -> tuple[str, str] | None:
        """(parameter name, reason) if the point (N, params) is outside the model's domain (e.g. a
        coupling beyond which H is unbounded below: a bound that depends on N), else None; the config
        check and ``qbattery.simulate`` refuse such a point, naming the key."""
        return None

    def fock_need(self, N: int, params: dict[str, float], t_max: float, numerics: Numerics) -> tuple[int, int] | None:
        """(Fock levels the point needs on [0, t_max], a lower-bound estimate; the cutoff the run
        starts at) of a model whose closed face grows a Fock cutoff to at most
        ``numerics.fock_max_factor`` x the start, else None. The config check and
        ``qbattery.simulate`` refuse a point whose need exceeds what the cutoff can reach
        (``validation.check_fock_need``; estimates: ``models.fock_need``)."""
        return None

    def draw(self, N: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """One disorder realisation of N cells: the *standardised* random numbers (unit-scale,
        independent of the parameter values, so a sweep of the disorder strength or coupling
        rescales the same draw: common random numbers across the grid)."""
        raise NotImplementedError(f"model {self.name!r} has no random parameters")

    # ---------------------------------------------------------------- face: closed
    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        """Closed face: evolve the battery of N cells at one parameter point over ``times``."""
        raise NotImplementedError(f"model {self.name!r} has no closed face")

    #: basis of the closed face's ``Trajectory.states``: "dicke" (symmetric Dicke basis |N, k>,
    #: k = 0..N excitations; used by the thermal stage's W_TO), or "" (none or another basis)
    closed_battery_basis: ClassVar[str] = ""

    # ---------------------------------------------------------------- closed face: normalisations and bounds
    # (qbattery.normalisations, power stage; docs/quantum-advantage.md)
    #: parameters of the charging coupling that a normalisation rescales (all by the same factor)
    normalised_parameters: ClassVar[tuple[str, ...]] = ()
    #: the closed-face Hamiltonian is proportional to the normalised parameters (no free part, e.g.
    #: a rotating frame): scaling them by c scales time by 1/c, so P_max -> c P_max, tau* -> tau*/c exactly
    normalisation_exact: ClassVar[bool] = False
    #: "kac" scales the normalised parameters by N^(-kac_exponent) (1/2: collective all-to-all
    #: coupling; 0: a coupling that is already extensive, e.g. nearest neighbours)
    kac_exponent: ClassVar[float] = 0.0

    def charging_norm(self, N: int, params: dict[str, float]) -> float:
        """Operator norm ||V|| of the charging Hamiltonian V = H - H_B - (charger's free part)
        at N and ``params``; inf when V is unbounded (a cavity mode)."""
        return float("inf")

    def charger_energy(self, N: int, params: dict[str, float]) -> float | None:
        """Mean initial charger energy [omega_a] (None: the model has no charger)."""
        return None

    def charging_bound(self, N: int, params: dict[str, float]):
        """The power bounds of ``physics.charging_bounds`` (a ChargingBound), or None when their
        assumption (a bounded charging Hamiltonian acting on the cells) fails."""
        return None

    #: why the model has no charging bound (dataset attr), when ``charging_bound`` is None
    charging_bound_reason: ClassVar[str] = "charging Hamiltonian unbounded (cavity or oscillator charger): the bounds do not apply"

    # ---------------------------------------------------------------- face: joint
    #: the charger's description for the correlation stage
    joint_charger: ClassVar[ChargerInfo] = ChargerInfo()

    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        """Joint face: battery (x) charger states for models with an explicit charger."""
        raise NotImplementedError(f"model {self.name!r} has no explicit charger")

    # ---------------------------------------------------------------- face: lindblad
    # Open systems (config ``open_systems.models``; library qbattery.open_systems). A model with
    # this face overrides ``lindblad`` and states its baths, route and bookkeeping texts.
    #: baths it has: keys of ``open_systems.problem.RATES``, each a grid dimension of its grid
    lindblad_rates: ClassVar[tuple[str, ...]] = ("gamma", "gamma_phi", "temperature")
    lindblad_max_N: ClassVar[int] = 10000  # largest N of the open route
    lindblad_has_cavity: ClassVar[bool] = False  # a Fock cutoff is grown from lindblad_initial_cutoff
    lindblad_dissipators: ClassVar[str] = ""  # the Lindblad terms, as text
    lindblad_route: ClassVar[str] = ""  # how the open problem is computed
    lindblad_work_definition: ClassVar[str] = ""  # what work and heat are in the dataset
    lindblad_closed_model: ClassVar[str] = ""  # the closed face it reproduces at zero rates (text)
    # optional lindblad_title / lindblad_hamiltonian / lindblad_initial_state / lindblad_references
    # restate the common texts for the open dataset's attrs (open_systems.problem.lindblad_attrs)

    def lindblad(self, N: int, params: dict[str, float], cutoff: int = 0) -> OpenProblem:
        """Lindblad face: generator, initial state and energy operators of N cells at one point
        (``params``: the model's parameters and every rate of RATES); ``cutoff``: Fock levels kept."""
        raise NotImplementedError(f"model {self.name!r} has no lindblad face")

    def lindblad_initial_cutoff(self, N: int, params: dict[str, float], extra: int, tol: float) -> int:
        """Fock levels at the start of the cutoff growth (models with a mode; ``extra`` levels, tail < ``tol``)."""
        return 0

    def lindblad_memory_mb(self, N: int, n_times: int) -> int:
        """Rough peak memory of one open grid point (checked against resources.max_mem_mb)."""
        return 500

    def _lindblad_keys_schema(self) -> dict:
        """``time`` and each rate of ``lindblad_rates`` (definitions in open_systems.problem.RATES)."""
        from ..open_systems.problem import RATES  # lazy: open_systems imports this module

        keys: dict = {"time": {"$ref": "#/definitions/time", "description": "time grid of this model (overrides open_systems.time)"}}
        keys.update({r: RATES[r].json_schema(override=True) for r in self.lindblad_rates})
        return keys

    # ---------------------------------------------------------------- face: control
    # Optimal-control charging (stage qbattery.stages.control): the model's battery, drift and
    # initial state with the control families it offers (qbattery.physics.control_systems).
    #: largest N of the control route (full tensor-product space)
    control_max_N: ClassVar[int] = 4
    #: frame of the drift and the controls (text for the dataset attrs)
    control_frame: ClassVar[str] = ""

    def control_system(self, N: int, params: dict[str, float]):
        """Control face: a ``physics.control_systems.ControlSystem`` of N cells at one point."""
        raise NotImplementedError(f"model {self.name!r} has no control face")

    # ---------------------------------------------------------------- face: work
    # Two-point-measurement work statistics (stage qbattery.work_statistics). A model with this face
    # overrides ``work_sectors`` (and ``work_free_energy`` if the protocol is not cyclic) and sets
    # the ``work_*`` texts; the sector helpers are in qbattery.physics.work_distributions.
    #: H(0), pulse generator K (U = exp(-i K tau)) and H(tau) of the TPM protocol
    work_hamiltonian: ClassVar[str] = ""
    #: how the symmetry sectors are built
    work_route: ClassVar[str] = ""
    work_references: ClassVar[str] = ""
    #: H(tau) = H(0) (dF = 0)
    work_cyclic: ClassVar[bool] = True
    #: sectors include a cavity mode of frequency ``params["omega_c"]`` cut at n_max Fock levels
    work_cavity: ClassVar[bool] = False
    #: the N-cell distribution is the N-fold convolution of the N = 1 one (independent copies)
    work_copies: ClassVar[bool] = False
    #: largest N of the work route (schema maximum of ``work_statistics.protocols.<name>.N``)
    work_max_N: ClassVar[int] = 4096

    def work_free_energy(self, N: int, params: dict[str, float], beta: float) -> float:
        """Analytic free-energy change dF = F(H(tau)) - F(H(0)) at inverse temperature beta (0 if cyclic)."""
        if self.work_cyclic:
            return 0.0
        raise NotImplementedError(f"model {self.name!r}: a non-cyclic work face must give its dF")

    def work_dimension(self, N: int, n_max: int) -> int:
        """Dimension of the largest sector ``work_sectors`` builds (memory estimate); default: the
        symmetric spin sector j = N/2 (N + 1 states)."""
        return N + 1

    # ---------------------------------------------------------------- catalogue
    #: numerics settings each face's route reads, besides the stage's own (``on_violation`` and
    #: the tolerances of the model's diagnostics); a face not listed may read every setting.
    #: Enforced: a job's Numerics exposes only its declared keys (Numerics.declared).
    numerics_used: ClassVar[dict[str, tuple[str, ...]]] = {}

    def numerics_keys(self, face: str) -> tuple[str, ...]:
        """Numerics keys the ``face`` of this model reads (sorted): its declaration, plus the
        tolerances of its diagnostics (closed face); every key when it declares none."""
        if face not in self.numerics_used:
            return tuple(sorted(NUMERICS_FIELDS - {"seed"}))
        keys = set(self.numerics_used[face])
        if face == "closed":
            keys |= {d.tolerance for d in self.diagnostics if d.tolerance}
        return tuple(sorted(keys))

    #: largest N of the closed face's route (schema maximum of ``models.<name>.N``)
    closed_max_N: ClassVar[int] = 100000

    def max_N(self, face: str) -> int:
        """Largest N the route of ``face`` handles (``<face>_max_N``; default 100000)."""
        return int(getattr(self, f"{face}_max_N", 100000))

    def stage_keys_schema(self, face: str) -> dict:
        """Schema of the keys a model entry of ``face`` has besides N and the parameters."""
        if face == "closed":
            keys: dict = {"time": {"$ref": "#/definitions/time", "description": "time grid of this model (overrides the study's)"}}
            if self.random:
                keys.update(REALISATION_KEYS)
            return keys
        if face == "work":
            return {
                "tau": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "number", "minimum": 0, "maximum": 10000.0},
                    "description": "pulse durations tau [omega_a^-1] of this protocol (overrides work_statistics.tau)",
                }
            }
        if face == "lindblad":
            return self._lindblad_keys_schema()
        return {}

    @property
    def faces(self) -> tuple[str, ...]:
        """The faces this model implements: those whose method it overrides."""
        return tuple(
            f
            for f in FACES
            if hasattr(type(self), FACE_METHODS[f]) and getattr(type(self), FACE_METHODS[f]) is not getattr(Model, FACE_METHODS[f], None)
        )

    def has(self, face: str) -> bool:
        return face in self.faces

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.parameters}

    def memory_mb(self, N: int, n_times: int) -> int:
        """Rough peak memory of one run, for scheduler requests (override for big models)."""
        return 500

    def attrs(self) -> dict[str, str]:
        return {
            "model": self.name,
            "model_title": self.title,
            "model_kind": self.kind,
            "hamiltonian": self.hamiltonian,
            "initial_state": self.initial_state,
            "normalisation": self.normalisation,
            "computation_route": self.route,
            "model_references": self.references,
            "parallel_reference": self.reference or "",
            **({"disorder": self.disorder, "disorder_seeding": DISORDER_SEEDING} if self.random else {}),
        }


#: config keys of a random model's closed-face entry (``realisations`` is required)
REALISATION_KEYS: dict = {
    "realisations": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100000,
        "description": "number of disorder realisations r = 0..R-1 (each seeded with [seed, model, N, r]: reproducible alone)",
    },
    "realisations_per_job": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100000,
        "default": 8,
        "description": "disorder realisations per job (one job per N and chunk of realisations)",
    },
}


def model_key(name: str) -> int:
    """A stable integer of a model name (CRC-32), a component of the disorder seed."""
    import zlib

    return zlib.crc32(name.encode())


def realisation_rng(seed: int, model: str, N: int, realisation: int) -> np.random.Generator:
    """The generator of one disorder realisation: numpy's PCG64 seeded with
    [seed, crc32(model), N, realisation] (SeedSequence), so realisation r of a model at N is the
    same whether it runs alone, in any chunk of any job, or on any machine."""
    return np.random.default_rng([int(seed), model_key(model), int(N), int(realisation)])


MODELS: dict[str, Model] = {}
DISORDER_SEEDING = "numpy default_rng([seed, crc32(model), N, realisation])"


def register(cls: type[Model]) -> type[Model]:
    """Class decorator: add a model to the registry under ``cls.name``."""
    if cls.name in MODELS:
        raise ValueError(f"model {cls.name!r} registered twice")
    MODELS[cls.name] = cls()
    return cls


def get_model(name: str, face: str | None = None) -> Model:
    """The catalogue model ``name``; with ``face``, refuse a model that lacks that face."""
    try:
        m = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; known models: {', '.join(sorted(MODELS))}") from None
    if face is not None and not m.has(face):
        raise ValueError(f"model {name!r} has no {face} face; models with it: {', '.join(models_with(face))}")
    return m


def models_with(face: str) -> list[str]:
    """Names of the catalogue models that implement ``face``, sorted (user batteries excluded:
    :func:`user_models`)."""
    if face not in FACES:
        raise ValueError(f"unknown face {face!r}; faces: {', '.join(FACES)}")
    return sorted(n for n, m in MODELS.items() if m.has(face) and not m.user_defined)


def user_models(face: str = "closed") -> list[str]:
    """Names of the registered user-battery models (``models.custom``) with ``face``, sorted."""
    return sorted(n for n, m in MODELS.items() if m.user_defined and m.has(face))
