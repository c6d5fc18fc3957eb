"""The user's own battery in a study: config entry ``models.custom``.

    models:
      custom:
        N: [1, 2, 4]                              # passed to the function (e.g. the number of cells)
        module: config/examples/custom_battery.py  # a .py file (relative to the working directory) or a dotted module name
        function: three_level_cells                # function(N, **parameters) -> dict of operators
        parameters: {drive: [0.5, 1.0], anharmonicity: 0.2}   # free mapping: a list sweeps, a scalar fixes

The function returns the keyword arguments of :func:`qbattery.charge` (``H_B``, ``state``, ``H``,
``H_C``, ``H_int``, ``c_ops``, ``args``, ``cells``, ``subspace``, ``cell_levels``) at one
(N, parameter point); :func:`qbattery.custom_battery.run_battery` computes the trajectory, so the
simulate and power stages (and correlations, when the battery has a charger factor) treat it as
a catalogue model; ``work_statistics.protocols.custom`` (the same keys) runs a closed,
time-independent user battery through the two-point-measurement stage. The validation
(``qbattery.config.validate_config``) imports the module, builds the operators at the smallest
point (smallest N, first value of every parameter) and checks them; it records the SHA-256 of the
module file as ``module_sha256`` in the validated entry, so that the jobs' config subtrees (the
rules' params) change, and the jobs rerun, when the file does.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .base import FACES, Diagnostic, JointTrajectory, Model, Numerics, Parameter, Trajectory, register

#: config keys of the entry besides N and time
ENTRY_KEYS = ("module", "function", "parameters", "module_sha256")
_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"
_NUMBER = {"type": "number"}


def _is_path(module: str) -> bool:
    return module.endswith(".py") or "/" in module or "\\" in module


def module_file(module: str, where: str = "") -> Path:
    """The file of ``module`` (a path, or a dotted module name found on sys.path)."""
    from ..validation import invalid

    allowed = "a .py file (relative to the working directory) or an importable dotted module name"
    if _is_path(module):
        p = Path(module)
        if not p.is_file():
            raise invalid(where + "module", module, f"no such file (working directory {Path.cwd()})", allowed)
        return p.resolve()
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        raise invalid(where + "module", module, "no such module", allowed)
    return Path(spec.origin).resolve()


def module_hash(module: str, where: str = "") -> str:
    """SHA-256 of the module's file (recorded in the validated config: a changed file reruns its jobs)."""
    return hashlib.sha256(module_file(module, where).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=32)
def _load(path: str, sha: str):
    spec = importlib.util.spec_from_file_location(f"qbattery_user_{Path(path).stem}_{sha[:12]}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def load_function(module: str, function: str, where: str = ""):
    """The user's function ``function`` of ``module``; a missing module/function or an import
    error raises a one-line InputError."""
    from ..validation import invalid

    path = module_file(module, where)
    try:
        mod = _load(str(path), hashlib.sha256(path.read_bytes()).hexdigest()) if _is_path(module) else importlib.import_module(module)
    except Exception as err:  # the user's module: any error it raises is the user's
        raise invalid(where + "module", module, f"importing it raised {type(err).__name__}: {err}".splitlines()[0]) from None
    fn = getattr(mod, function, None)
    if not callable(fn):
        names = sorted(
            n for n, v in vars(mod).items() if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == mod.__name__
        )
        raise invalid(where + "function", function, f"module {module!r} has no function of that name", ", ".join(names) or "(none)")
    return fn


def build_battery(fn, N: int, params: Mapping[str, float], times: np.ndarray | None, where: str):
    """The user's operators at (N, params), checked (:func:`qbattery.custom_battery.battery`)."""
    from ..custom_battery import OPERATOR_KEYS, battery
    from ..validation import invalid

    label = f"{where}function (at N={N}" + "".join(f", {k}={v:g}" for k, v in params.items()) + ") returned "
    try:
        out = fn(N, **params)
    except Exception as err:  # the user's function
        raise invalid(label[: -len(" returned ")], None, f"raised {type(err).__name__}: {err}".splitlines()[0], shown="call") from None
    if not isinstance(out, Mapping):
        raise invalid(
            label[: -len(" returned ")],
            type(out).__name__,
            "does not return a dict of operators",
            ", ".join(OPERATOR_KEYS),
            shown=f"value of type {type(out).__name__}",
        )
    unknown = sorted(set(out) - set(OPERATOR_KEYS))
    if unknown or "H_B" not in out or "state" not in out:
        reason = f"unknown key(s) {unknown}" if unknown else "no H_B or no state"
        raise invalid(
            label[: -len(" returned ")], sorted(out), reason, "keys " + ", ".join(OPERATOR_KEYS) + " (H_B and state required)", shown="dict"
        )
    kw = dict(out)
    return battery(kw.pop("H_B"), kw.pop("state"), times, kw.pop("H", None), where=label, **kw)


def _first(v):
    return v[0] if isinstance(v, (list, tuple)) else v


@register
class CustomBattery(Model):
    """A battery from user operators: a fixed :class:`~qbattery.custom_battery.Battery`
    (:meth:`of_battery`, the library's ``qbattery.charge``) or a user function bound to a config
    entry (:meth:`bind`). The registered instance describes the config entry (schema, numerics);
    it runs nothing itself."""

    name = "custom"
    user_defined = True
    title = "Custom battery"
    kind = "global"
    hamiltonian = "H(t) = H_B (x) 1_C + 1_B (x) H_C + H_int + H_charge(t) from the user's operators"
    initial_state = "the user's ket or density matrix"
    normalisation = "energies relative to the ground energy of the user's H_B (and H_C), in the user's units"
    route = "qbattery.custom_battery: exact propagation (closed), exact Liouvillian exponential (Lindblad), DOP853 (time dependent)"
    references = "user-defined battery"
    parameters: tuple[Parameter, ...] = ()
    diagnostics = (
        Diagnostic("norm_error", "max over time of |<psi|psi> - 1| (|Tr rho - 1|)", "norm_tol"),
        Diagnostic("first_law_residual", "max over time of |E(t) - E(0) - W(t) - Q(t)| (battery bookkeeping)", "first_law_tol", "omega_a"),
        Diagnostic("hilbert_dim", "dimension of the system space (battery x charger)", ""),
    )
    numerics_used = {"closed": ("atol", "dense_max_dim", "rtol", "state_tol"), "joint": ("atol", "dense_max_dim", "rtol", "state_tol")}
    #: required keys of the config entry besides N
    entry_required = ("module", "function")

    def __init__(
        self, fixed=None, source: dict | None = None, parameters: tuple[Parameter, ...] = (), probe=None, title: str | None = None
    ):
        self._fixed = fixed
        self._source = source
        self._probe = fixed if fixed is not None else probe
        self.parameters = tuple(parameters)
        if title:
            self.title = title
        if self._probe is not None:
            from ..custom_battery import series_names

            b = self._probe
            self.series = series_names(b)
            self.diagnostics = tuple(d for d in CustomBattery.diagnostics if d.name != "first_law_residual" or b.bookkeeping)
            self.route = f"{b.kind} route of qbattery.custom_battery; " + (
                f"{b.cells} cells in their symmetric subspace, ergotropy over the full space"
                if b.subspace == "symmetric"
                else "ergotropy over the spectrum of H_B as given"
            )

    # ---------------------------------------------------------------- construction
    @classmethod
    def of_battery(cls, b, name: str = "custom") -> CustomBattery:
        """A model that runs the fixed battery ``b`` (any N and parameters give the same operators)."""
        m = cls(fixed=b, title=f"Custom battery ({name})" if name != "custom" else None)
        return m

    @classmethod
    def bind(cls, entry: Mapping, times: np.ndarray, where: str = "") -> CustomBattery:
        """The model of the config entry ``entry`` on the time grid ``times``: the user's function,
        its parameters (the entry's ``parameters``: a list sweeps), probed at the smallest point."""
        source = {"module": entry["module"], "function": entry["function"], "module_sha256": entry.get("module_sha256", "")}
        params = dict(entry.get("parameters") or {})
        pars = tuple(Parameter(k, f"user parameter {k}", "1", float(_first(v))) for k, v in params.items())
        point = tuple((k, float(_first(v))) for k, v in params.items())
        grid = (float(times[-1]), len(times))
        probe = _probe(source["module"], source["function"], source["module_sha256"], min(int(n) for n in entry["N"]), point, grid, where)
        m = cls(source=source, parameters=pars, probe=probe, title=f"Custom battery ({entry['function']})")
        m._probe_key = (point, grid, where)
        return m

    def _battery(self, N: int, params: Mapping[str, float], times: np.ndarray | None):
        if self._fixed is not None:
            return self._fixed
        if self._source is None:
            from ..validation import InputError

            raise InputError(
                "model 'custom' runs user operators: call qbattery.charge(...) or give models.custom.module and .function in a config"
            )
        fn = _function(self._source["module"], self._source["function"], self._source["module_sha256"])
        b = build_battery(fn, int(N), dict(params), times, f"model custom ({self._source['function']}) ")
        if self._probe is not None and (b.kind, b.has_charger) != (self._probe.kind, self._probe.has_charger):

            def text(x) -> str:
                return f"the {x.kind} route {'with' if x.has_charger else 'without'} a charger"

            raise ValueError(
                f"model custom: the operators at N={N} {dict(params)} take {text(b)}, those at the smallest point {text(self._probe)}; "
                "one study needs one route (Lindblad operators, time dependence and a charger factor at every point, or at none)"
            )
        return b

    # ---------------------------------------------------------------- faces
    @property
    def faces(self) -> tuple[str, ...]:
        """closed always; joint with a charger factor, work, for a closed time-independent battery
        (the registered instance: every face a config entry may have)."""
        if self._probe is None:
            return tuple(f for f in FACES if f in ("closed", "joint", "work"))
        b = self._probe
        closed = b.kind in ("pure", "mixed")
        return ("closed",) + (("joint",) if closed and b.has_charger else ()) + (("work",) if closed else ())

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> Trajectory:
        from ..custom_battery import run_battery

        return run_battery(self._battery(N, params, times), times, numerics)

    def joint_trajectory(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics) -> JointTrajectory:
        from ..custom_battery import joint_trajectory

        return joint_trajectory(self._battery(N, params, times), times, numerics)

    # ---------------------------------------------------------------- work statistics (library route)
    work_hamiltonian = "H(0) = H(tau) = H_B (x) 1 + 1 (x) H_C (measured); 0 < t < tau: the full time-independent H"
    work_route = "one block, the whole system space, exact diagonalisation"

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list:
        """One TPM block: the local energy H_B (x) 1 + 1 (x) H_C measured before and after a pulse of
        the full Hamiltonian H (closed, time-independent batteries only)."""
        from ..physics.work_distributions import Sector

        b = self._battery(N, params, None)
        if b.kind not in ("pure", "mixed"):
            raise ValueError("the work statistics of a custom battery need a closed battery with a time-independent H")
        dB, dC = b.dims
        H0 = np.kron(b.H_B, np.eye(dC)) + (np.kron(np.eye(dB), b.H_C) if b.H_C is not None else 0)
        return [Sector(1, H0, H0, b.H)]

    def work_dimension(self, N: int, n_max: int) -> int:
        return int(self._probe.H.shape[0]) if self._probe is not None else 1

    def attrs(self) -> dict[str, str]:
        out = super().attrs()
        if self._source is not None:
            out.update({f"custom_{k}": str(v) for k, v in self._source.items()})
        if self._probe is not None:
            out["custom_route"] = self._probe.kind
            out["custom_battery_space"] = (
                f"{self._probe.cells} identical cells in their symmetric subspace (ergotropy over the full space)"
                if self._probe.subspace == "symmetric"
                else "the space of H_B as given (ergotropy over its spectrum)"
            )
        return out

    def memory_mb(self, N: int, n_times: int) -> int:
        """Battery states along the grid and the system states (n_times d^2 complex numbers for a
        density matrix, n_times d for a ket) plus a dense d x d eigendecomposition, a few copies;
        d the system dimension of the user's operators at this N (built once per N, cached)."""
        b = self._probe
        if self._source is not None and getattr(self, "_probe_key", None) is not None:
            point, grid, where = self._probe_key
            src = self._source
            try:
                b = _probe(src["module"], src["function"], src["module_sha256"], int(N), point, grid, where)
            except Exception:  # an N the study does not run (a runtime floor asks for N = 1): the smallest point's size
                b = self._probe
        if b is None:
            return 300
        d, dB = b.H.shape[0], b.dims[0]
        per_time = d if b.kind == "pure" else d * d * (2 + len(b.drives))
        return int(300 + 16 * 4 * (n_times * (per_time + dB * dB) + 3 * d * d) / 1e6)

    def stage_keys_schema(self, face: str) -> dict:
        keys = super().stage_keys_schema(face)
        if face not in ("closed", "work"):
            return keys
        value = {"oneOf": [_NUMBER, {"type": "array", "items": _NUMBER, "minItems": 1, "uniqueItems": True}]}
        keys.update(
            {
                "module": {
                    "type": "string",
                    "minLength": 1,
                    "description": "the user's module: a .py file (relative to the working directory) or a dotted module name",
                },
                "function": {
                    "type": "string",
                    "pattern": _NAME,
                    "description": "function(N, **parameters) of the module returning the operators (keys of qbattery.charge)",
                },
                "parameters": {
                    "type": "object",
                    "propertyNames": {"pattern": _NAME},
                    "additionalProperties": value,
                    "default": {},
                    "description": "the user's parameters passed to the function: a list sweeps, a scalar fixes",
                },
                "module_sha256": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                    "description": "filled in by the validation: SHA-256 of the module file (a change of the file reruns the jobs)",
                },
            }
        )
        return keys


@functools.lru_cache(maxsize=64)
def _function(module: str, function: str, sha: str):
    """The user's function, refusing a module file changed since the config was validated."""
    if sha and _is_path(module) and module_hash(module) != sha:
        from ..validation import invalid

        raise invalid(
            "model custom: module",
            module,
            "the file changed since the config was validated",
            "rerun snakemake (it revalidates and reruns the jobs)",
        )
    return load_function(module, function)


@functools.lru_cache(maxsize=64)
def _probe(module: str, function: str, sha: str, N: int, params: tuple, grid: tuple[float, int], where: str):
    """The battery at the smallest point on the uniform grid (t_max, points) (cached: the rules ask for it many times)."""
    return build_battery(_function(module, function, sha), N, dict(params), np.linspace(0.0, grid[0], grid[1]), where)


def check_entry(cfg: dict, name: str, times: np.ndarray | None, section: tuple[str, ...] = ("models",)) -> None:
    """Validation of the entry ``<section>.<name>`` (before any job): the module and function
    exist, the operators at the smallest point are well formed (one-line InputError), and a work
    protocol's battery is closed and time independent; records the module file's SHA-256 as
    ``module_sha256`` in the (validated) entry."""
    from ..validation import CONFIG, invalid

    node = cfg
    for key in section:
        node = node[key]
    entry = node[name]
    where = f"{CONFIG}{'.'.join(section)}.{name}."
    entry["module_sha256"] = module_hash(entry["module"], where)
    params = {k: float(_first(v)) for k, v in (entry.get("parameters") or {}).items()}
    fn = load_function(entry["module"], entry["function"], where)
    b = build_battery(fn, min(int(n) for n in entry["N"]), params, times, where)
    if section == ("work_statistics", "protocols") and b.kind not in ("pure", "mixed"):
        reason = f"a {b.kind} battery has no single pulse generator for the two-point measurement"
        raise invalid(where + "function", entry["function"], reason, "a closed battery with a time-independent H")


#: time grid of a work protocol's probe (the TPM pulse has no grid; time-independent H only)
WORK_PROBE_TIMES = np.array([0.0, 1.0, 2.0])


def bind_work(cfg: Mapping, name: str) -> CustomBattery:
    """The model of the work protocol ``work_statistics.protocols.<name>``."""
    from ..validation import CONFIG

    entry = cfg["work_statistics"]["protocols"][name]
    return CustomBattery.bind(entry, WORK_PROBE_TIMES, f"{CONFIG}work_statistics.protocols.{name}.")


def bind(cfg: Mapping, name: str) -> CustomBattery:
    """The model of ``cfg["models"][name]`` on its time grid."""
    from ..config import model_times
    from ..validation import CONFIG

    return CustomBattery.bind(cfg["models"][name], model_times(dict(cfg), name), f"{CONFIG}models.{name}.")


def custom_model_entry(entry: Any) -> bool:
    """Whether a config entry is a user battery's (has ``module``)."""
    return isinstance(entry, Mapping) and "module" in entry
