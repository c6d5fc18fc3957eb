"""One validation for the workflow and the library: the checks behind ``validate_config`` and
behind every public entry point (``simulate``, ``analyse_power``, ``open_grid``,
``correlations_grid``, ``work_statistics_dataset``), raising one error type with one message
format::

    <where>: value <v> is invalid: <reason>[; allowed: <what is allowed>]

``<where>`` is ``config key <path>`` on the config route and ``<function>: argument <path>`` on
the library route; the reason text is the same on both (a test checks it). The JSON schema is
the one source of truth: library arguments are validated against the same schema fragments the
config uses (``qbattery.config.face_entry_schema`` for N lists and model parameters, a scalar N
wrapped in a list; the ``numerics`` properties of ``workflow/schemas/config.schema.yaml``) and
explained by the same :func:`explain`. What the schema cannot say is checked here once:

- finite numbers (JSON schema lets NaN through every bound);
- time grids: 1-D, >= 3 points (the power analysis fits a parabola through the maximum of
  E(t)/t, ``qbattery.physics.power.summarise``; the config's ``time.points`` has minimum 3), finite,
  starting at t = 0 (the battery is prepared at t = 0; stored energy E(t) - E(0) and average
  power E(t)/t are taken from the first grid point), strictly increasing;
- memory: the model's estimate ``memory_mb(N, n_times)`` (``<face>_memory_mb`` where a face has
  its own) against the limit: a ``max_mem_mb`` argument, else ``resources.max_mem_mb`` of the
  config passed, else (no config: direct library use) the schema default 16000 MB;
- the datasets the power analysis takes (kind, grids shared with the reference).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

import jsonschema
import numpy as np

#: smallest time grid of a stage: the power analysis needs three points (``power.summarise``)
MIN_TIME_POINTS = 3
#: a correlation job holds the joint states and the analysis arrays: twice the simulate estimate
JOINT_MEMORY_FACTOR = 2


class InputError(ValueError):
    """A user mistake in a config or a library argument: one line naming the key or argument,
    the value and what is allowed. ``where``, ``value`` and ``reason`` are kept as attributes."""

    def __init__(self, message: str, *, where: str = "", value: Any = None, reason: str = ""):
        super().__init__(message)
        self.where, self.value, self.reason = where, value, reason


#: longest value echoed in a message [characters]; a longer one is cut (a 10 MB value is not a message)
MAX_SHOWN = 120


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def invalid(where: str, value: Any, reason: str, allowed: str = "", *, shown: str | None = None, hint: str = "") -> InputError:
    """The error ``<where>: value <v> is invalid: <reason>[; allowed: <allowed>]<hint>`` (the
    value cut to :data:`MAX_SHOWN` characters, the reason to four times that)."""
    msg = f"{where}: {cut(shown if shown is not None else 'value ' + repr(value))} is invalid: {cut(reason, 4 * MAX_SHOWN)}"
    if allowed:
        msg += f"; allowed: {allowed}"
    return InputError(msg + hint, where=where, value=value, reason=reason)


# ----------------------------------------------------------------------------------------
# Naming: "config key models.dicke.N[0]" or "simulate: argument N[0]"
# ----------------------------------------------------------------------------------------
def json_path(parts: Iterable[str | int], root: str = "", empty: str = "(top level)") -> str:
    """``root`` followed by the keys (``.key``) and list indices (``[i]``) of ``parts``."""
    out = root
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or empty


def argument(function: str) -> str:
    """Prefix of the library route's names: ``"<function>: argument "``."""
    return f"{function}: argument "


CONFIG = "config key "  # prefix of the config route's names

YAML_NUMBER_HINT = " (YAML needs a decimal point in exponent notation: write e.g. 1.0e-10 instead of 1e-10)"
YAML_QUOTES_HINT = " (remove the quotes: YAML reads a quoted number as text)"


def _number_hint(v: str) -> str:
    """Why YAML read the number ``v`` as text: exponent notation without a decimal point
    (YAML 1.1: ``1e-10`` is a string), else quotes."""
    return YAML_NUMBER_HINT if re.fullmatch(r"\s*[+-]?\d+[eE][+-]?\d+\s*", v) else YAML_QUOTES_HINT


def _looks_numeric(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def explain(
    err: jsonschema.ValidationError, prefix: str = CONFIG, root: str = "", empty: str = "(top level)", unwrap: bool = False
) -> InputError:
    """The one-line error of a JSON-schema violation, named ``prefix + path``. ``unwrap``: the
    instance was a scalar wrapped in a list, so its index ``[0]`` is not part of the name."""

    def where(e: jsonschema.ValidationError) -> str:
        parts = list(e.absolute_path)
        if unwrap and parts and isinstance(parts[0], int):
            parts = parts[1:]  # the [0] of the list a scalar was wrapped in
        return prefix + json_path(parts, root, empty)

    key, v = where(err), err.instance
    if err.validator in ("type", "oneOf") and isinstance(v, str) and _looks_numeric(v):
        return invalid(key, v, f"{cut(repr(v))} is text, not a number", hint=_number_hint(v) if prefix == CONFIG else "")
    if err.validator == "type" and err.validator_value == "integer" and isinstance(v, float):
        return invalid(key, v, "not an integer", "a whole number without a decimal point")
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(v) - set(allowed)) if isinstance(v, dict) else []
        return invalid(
            key, extra, "unknown key" + ("s" if len(extra) > 1 else ""), ", ".join(allowed), shown="value " + ", ".join(map(repr, extra))
        )
    if err.validator == "oneOf":
        best = min(err.context or [err], key=lambda e: -len(list(e.absolute_path)))
        return invalid(where(best) if best is not err else key, best.instance, best.message, err.schema.get("description", "a valid value"))
    if err.validator == "enum":
        return invalid(key, v, "not one of the allowed values", ", ".join(map(repr, err.validator_value)))
    if err.validator == "required":
        return InputError(f"{key}: {err.message}", where=key, value=v, reason=err.message)
    return invalid(key, v, err.message.replace(repr(v), cut(repr(v))) if len(repr(v)) > MAX_SHOWN else err.message)


def reject_non_finite(x: Any, prefix: str = CONFIG, root: str = "", empty: str = "(top level)", parts: tuple = ()) -> None:
    """Refuse NaN and +-inf anywhere in ``x`` (the schema's bounds let NaN through)."""
    if isinstance(x, float) and not math.isfinite(x):
        raise invalid(prefix + json_path(parts, root, empty), x, "not a finite number")
    if isinstance(x, dict):
        for k, v in x.items():
            reject_non_finite(v, prefix, root, empty, parts + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            reject_non_finite(v, prefix, root, empty, parts + (i,))


def plain(x: Any) -> Any:
    """Python values of numpy scalars/arrays and tuples, as JSON schema sees data (numpy ints are
    not JSON integers, tuples not JSON arrays)."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, Mapping):
        return {k: plain(v) for k, v in x.items()}
    return x


def check(instance: Any, schema: dict, prefix: str = CONFIG, root: str = "", empty: str = "(top level)", unwrap: bool = False) -> None:
    """Validate ``instance`` against ``schema`` (draft 7): non-finite numbers first, then the
    schema's most relevant violation, explained in one line."""
    reject_non_finite(instance[0] if unwrap else instance, prefix, root, empty)
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), str(e.validator))
    )
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        # a value of the wrong type is reported as such, not as out of bounds (2.5 for an integer)
        typed = [e for e in errors if e.validator == "type" and list(e.absolute_path) == list(best.absolute_path)]
        raise explain(typed[0] if typed else best, prefix, root, empty, unwrap)


def memory_error(where: str, N: int, mem: int, limit: int, limit_name: str) -> InputError:
    """A job whose memory estimate ``mem`` [MB] at ``N`` exceeds ``limit`` [MB]."""
    reason = f"needs about {mem} MB per job, more than the limit of {limit} MB"
    return invalid(where, N, reason, f"lower N or raise {limit_name}", shown=f"N={N}")


def check_memory(where: str, N: int, mem: int, limit: int | None, limit_name: str) -> None:
    """Refuse a job whose estimate ``mem`` [MB] exceeds ``limit`` (None: no limit to check)."""
    if limit is not None and mem > limit:
        raise memory_error(where, N, mem, limit, limit_name)


def grid_points(model: Any, params: Mapping) -> Iterable[dict[str, float]]:
    """Every point of the parameter grid ``params`` (lists sweep, scalars fix, missing: defaults)."""
    import itertools

    names = [p.name for p in model.parameters]
    values = [plain(params.get(k, p.default)) for k, p in zip(names, model.parameters)]
    for combo in itertools.product(*[v if isinstance(v, (list, tuple)) else [v] for v in values]):
        yield dict(zip(names, (float(x) for x in combo)))


#: the Fock-need estimate is checked only for truncation_tol <= this (a looser tolerance lets a
#: point converge below the classical energy shell)
FOCK_NEED_TOL = 1e-6


def check_fock_need(prefix: str, model: Any, Ns: Iterable[int], params: Mapping, t_max: float, numerics: Any, point_of: str) -> None:
    """Refuse, before any job, a point whose Fock cutoff cannot reach what it needs
    (``Model.fock_need``: a lower-bound estimate, so a refused point would fail its truncation
    check after the whole run): the error names ``numerics.fock_max_factor`` (``fock_auto`` when
    the cutoff is fixed), its value, the point (``point_of``: e.g. ``models.dicke``) and the
    smallest factor that reaches the estimate. Skipped under ``numerics.on_violation: nan`` (such
    a point is recorded as NaN with the reason) and for a ``truncation_tol`` above
    :data:`FOCK_NEED_TOL` (the estimate bounds the levels of a small tail: calibrated at 1e-10)."""
    if numerics.on_violation != "fail" or numerics.truncation_tol > FOCK_NEED_TOL or type(model).fock_need is _base_fock_need():
        return
    factor = max(1, int(numerics.fock_max_factor))
    for N in Ns:
        for point in grid_points(model, params):
            need = model.fock_need(int(N), point, float(t_max), numerics)
            if need is None:
                continue
            levels, start = need
            reach = start * factor if numerics.fock_auto else start
            if levels <= reach:
                continue
            at = f"{point_of} point N={int(N)}, " + ", ".join(f"{k}={v:g}" for k, v in point.items())
            smallest = -(-levels // start)
            reason = (
                f"{at} needs at least ~{levels} Fock levels on t <= {float(t_max):g} "
                "(energy-shell and semiclassical estimate, a lower bound), more than the cutoff can grow to"
            )
            if numerics.fock_auto:
                raise invalid(
                    f"{prefix}numerics.fock_max_factor",
                    factor,
                    f"{reason}: fock_max_factor x start = {factor} x {start} = {reach}",
                    f"numerics.fock_max_factor >= {smallest} (or a smaller coupling or N, or numerics.on_violation: nan)",
                )
            raise invalid(
                f"{prefix}numerics.fock_auto",
                False,
                f"{reason}: the fixed cutoff 2N + 1 + fock_extra = {start}",
                f"numerics.fock_auto: true with numerics.fock_max_factor >= {smallest} (or a larger numerics.fock_extra)",
            )


def _base_fock_need():
    from .models.base import Model

    return Model.fock_need


# ----------------------------------------------------------------------------------------
# Matrices of the physics kernels (qbattery.physics.quantities): Hamiltonians, states, beta
# ----------------------------------------------------------------------------------------
def check_finite_matrix(a: np.ndarray, what: str) -> None:
    """Refuse NaN and +-inf in a Hamiltonian or state: NaN passes every ``> tol`` comparison
    (the Hermiticity check) and eigh of it returns NaN or a finite wrong spectrum."""
    bad = ~np.isfinite(a)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise invalid(
            what, complex(a[idx]), f"{what} has a non-finite entry at index {idx}", "finite entries", shown=f"entry {a[idx].item()}"
        )


def check_hamiltonian_matrix(H: np.ndarray, tol: float, d: int | None = None, what: str = "Hamiltonian") -> None:
    """A Hamiltonian: square (``d`` x ``d`` when given), finite, Hermitian within ``tol`` of its
    largest entry."""
    if H.ndim != 2 or H.shape[0] != H.shape[1] or (d is not None and H.shape != (d, d)):
        want = f"({d}, {d}), the state's dimension" if d is not None else "a square matrix"
        raise invalid(what, None, f"{what} shape {H.shape} does not match", want, shown=f"shape {H.shape}")
    check_finite_matrix(H, what)
    herm = float(np.max(np.abs(H - H.conj().T), initial=0.0))
    if herm > tol * max(1.0, float(np.max(np.abs(H), initial=0.0))):
        raise invalid(
            what, herm, f"{what} is not Hermitian: max |H - H^dag| = {herm:.3e}", "a Hermitian matrix", shown=f"max |H - H^dag| {herm:.3e}"
        )


def check_beta(beta: Any) -> float:
    """An inverse temperature: a real number, not NaN (+-inf allowed: the ground / top manifold)."""
    try:
        b = float(beta)
    except (TypeError, ValueError):
        raise invalid("beta", beta, "not a real number", "a real inverse temperature 1/T [1/omega_a]") from None
    if math.isnan(b):
        raise invalid("beta", b, "not a number", "a real inverse temperature 1/T [1/omega_a]; inf for T = 0")
    return b


# ----------------------------------------------------------------------------------------
# Schema fragments (one source of truth: the config schema)
# ----------------------------------------------------------------------------------------
def numerics_schema() -> dict:
    """Schema of the ``numerics`` settings: the config's ``numerics`` section plus ``seed``
    (a Numerics field that the config takes from its top-level ``seed``)."""
    from .config import base_schema

    s = base_schema()
    sec = dict(s["properties"]["numerics"])
    sec["properties"] = {**sec["properties"], "seed": s["properties"]["seed"]}
    return sec


def max_mem_default() -> int:
    """Schema default of ``resources.max_mem_mb`` [MB]."""
    from .config import base_schema

    return int(base_schema()["properties"]["resources"]["properties"]["max_mem_mb"]["default"])


def memory_limit(max_mem_mb: int | None, config: Mapping | None, where: str = "") -> tuple[int | None, str]:
    """(limit [MB], how the user raises it): the ``max_mem_mb`` argument, else the config's
    ``resources.max_mem_mb``, else -- direct library use, no config -- the schema default
    (16000 MB). A config without ``resources`` (a workflow job's subtree: validate_config has
    applied the study's limit before any job) gives (None, ""): no second check."""
    if max_mem_mb is not None:
        from .config import base_schema

        check(plain(max_mem_mb), base_schema()["properties"]["resources"]["properties"]["max_mem_mb"], where, "max_mem_mb")
        return int(max_mem_mb), "max_mem_mb"
    if config is None:
        return max_mem_default(), "max_mem_mb"
    res = config.get("resources") if isinstance(config, Mapping) else None
    if isinstance(res, Mapping) and "max_mem_mb" in res:
        return int(res["max_mem_mb"]), "resources.max_mem_mb of config"
    return None, ""


def face_memory_mb(m: Any, face: str, N: int, n_times: int) -> int:
    """The memory estimate [MB] of one job of ``face``: ``<face>_memory_mb`` if the model has
    one (e.g. ``lindblad_memory_mb``: the Liouville space), else ``memory_mb``."""
    return int(getattr(m, f"{face}_memory_mb", m.memory_mb)(int(N), int(n_times)))


def rates_of(m: Any) -> tuple[str, ...]:
    """The baths (rates and temperature) of an open model."""
    return tuple(m.lindblad_rates)


def lookup(model: Any, face: str, where: str) -> Any:
    """The catalogue model ``model``, which must have ``face``."""
    from .models import MODELS, Model, models_with

    m = MODELS.get(model) if isinstance(model, str) else (model if isinstance(model, Model) else None)
    if m is not None and m.has(face):
        return m
    reason = "unknown model" if m is None else f"model has no {face} face"
    raise invalid(where + "model", model, reason, ", ".join(models_with(face)))


def entry_schema(model, face: str) -> dict:
    """Schema of one model's config entry for ``face`` (N list, stage keys, parameters);
    ``model``: a catalogue name or a Model instance."""
    from .config import face_entry_schema

    return face_entry_schema(model, face)


def _subschema(entry: dict, names: Iterable[str]) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": {n: entry["properties"][n] for n in names}}


# ----------------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------------
def check_N(N: Any, entry: dict, where: str, arg: str = "N") -> list[int]:
    """N against the entry's N schema (positive integers, unique, within the route's limit);
    a scalar is wrapped in a list. Returns the N values as ints."""
    scalar = not isinstance(N, (list, tuple, range, np.ndarray)) or np.ndim(N) == 0
    values = [plain(N)] if scalar else plain(list(N) if isinstance(N, range) else N)
    check(values, entry["properties"]["N"], where, arg, unwrap=scalar)
    return [int(n) for n in values]


def check_scalar_N(N: Any, entry: dict, where: str, arg: str = "N") -> int:
    """One N (a stage job at a single N)."""
    if isinstance(N, (list, tuple, np.ndarray)) and np.ndim(N) > 0:
        raise invalid(where + arg, plain(N), "one number of cells is expected, not a list", "a positive integer")
    return check_N(N, entry, where, arg)[0]


def check_params(params: Mapping | None, m: Any, entry: dict, where: str, root: str = "", empty: str = "**params") -> None:
    """Model parameters against the entry's parameter schemas (bounds; a list sweeps: non-empty,
    unique); a name the model does not have is refused listing its parameters."""
    names = [p.name for p in m.parameters if p.name in entry["properties"]]
    check(plain(dict(params or {})), _subschema(entry, names), where, root, empty)


def check_rates(rates: Mapping | None, rate_names: Iterable[str], entry: dict, where: str, root: str = "rates") -> None:
    """Bath rates and temperature of an open model against its entry's schemas."""
    check(plain(dict(rates or {})), _subschema(entry, rate_names), where, root)


def check_times(times: Any, where: str, arg: str = "times") -> np.ndarray:
    """A time grid: 1-D, >= MIN_TIME_POINTS points, finite, starting at 0, strictly increasing.
    Returns it as a float array (an iterator is read once, here)."""
    if isinstance(times, (str, bytes, Mapping)) or not isinstance(times, Iterable):
        raise invalid(where + arg, times, "not an array of times", f"a 1-D array of >= {MIN_TIME_POINTS} times from 0, increasing")
    raw = times if isinstance(times, np.ndarray) else list(times)
    try:
        t = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise invalid(where + arg, plain(raw), "not an array of numbers", "real times [omega_a^-1]") from None
    if isinstance(raw, list) and any(isinstance(x, (bool, np.bool_, str)) for x in raw):
        bad = next(i for i, x in enumerate(raw) if isinstance(x, (bool, np.bool_, str)))
        raise invalid(f"{where}{arg}[{bad}]", raw[bad], "not a number", "real times [omega_a^-1]")
    if t.ndim != 1:
        raise invalid(
            where + arg, None, f"an array of shape {t.shape} is not 1-D", "a 1-D array of times", shown=f"array of shape {t.shape}"
        )
    if len(t) < MIN_TIME_POINTS:
        reason = f"{len(t)} time points are fewer than {MIN_TIME_POINTS} (the power analysis needs {MIN_TIME_POINTS})"
        raise invalid(where + arg, t.tolist(), reason, f">= {MIN_TIME_POINTS} points")
    for i, x in enumerate(t):
        if not math.isfinite(x):
            raise invalid(f"{where}{arg}[{i}]", float(x), "not a finite number")
    if t[0] != 0.0:
        reason = "negative time" if t[0] < 0 else "the grid must start at t = 0 (the battery is prepared at t = 0)"
        raise invalid(f"{where}{arg}[0]", float(t[0]), reason, "times from 0, strictly increasing")
    for i in np.flatnonzero(np.diff(t) <= 0):
        j = int(i) + 1
        raise invalid(
            f"{where}{arg}[{j}]", float(t[j]), f"not after {arg}[{j - 1}] = {float(t[j - 1])!r}", "times from 0, strictly increasing"
        )
    return t


def numerics_values(numerics: Any, where: str, arg: str = "numerics", allow_dict: bool = True) -> dict:
    """The settings of ``numerics`` (a Numerics, a mapping or None) validated against the
    numerics schema; returns them as a dict."""
    from .models.base import Numerics

    if numerics is None:
        return {}
    if isinstance(numerics, Numerics):
        # the settings it may be read for (a job's Numerics may expose only its declared keys)
        recorded = getattr(numerics, "recorded", None)
        values = recorded() if callable(recorded) else {f.name: getattr(numerics, f.name) for f in fields(Numerics)}
    elif allow_dict and isinstance(numerics, Mapping):
        values = dict(numerics)
    else:
        raise invalid(
            where + arg, numerics, "not a Numerics" + (" or a mapping of its settings" if allow_dict else ""), "qbattery.Numerics(...)"
        )
    check(plain(values), numerics_schema(), where, arg)
    return values


def check_seed(seed: Any, where: str, arg: str = "seed") -> int:
    """A master seed, against the config's top-level ``seed`` schema (integer >= 0)."""
    check(plain(seed), numerics_schema()["properties"]["seed"], where, arg)
    return int(seed)


# ----------------------------------------------------------------------------------------
# Entry-point prologues (one call at the top of each public function)
# ----------------------------------------------------------------------------------------
def simulate_args(
    model: Any, N: Any, times: Any, numerics: Any, params: Mapping, config: dict | None = None, max_mem_mb: int | None = None
) -> np.ndarray:
    """Checks of ``qbattery.simulate``; returns the time grid as an array."""
    w = argument("simulate")
    m = lookup(model, "closed", w)
    entry = entry_schema(m if m.user_defined else m.name, "closed")
    Ns = check_N(N, entry, w)
    t = check_times(times, w)
    check_params(params, m, entry, w)
    numerics_values(numerics, w)
    limit, how = memory_limit(max_mem_mb, config, w)
    for n in Ns:
        check_memory(w + "N", n, face_memory_mb(m, "closed", n, len(t)), limit, how)
    _fock_need_of(w, m, Ns, params, t, numerics)
    return t


def _fock_need_of(w: str, m: Any, Ns: list[int], params: Mapping | None, t: np.ndarray, numerics: Any) -> None:
    """:func:`check_fock_need` of a library call (its numerics: a Numerics, a mapping or None)."""
    from .models.base import DeclaredNumerics, Numerics

    if type(m).fock_need is _base_fock_need() or isinstance(numerics, DeclaredNumerics):
        return  # a workflow job's Numerics: validate_config checked its study before any job
    if not isinstance(numerics, Numerics):
        numerics = Numerics(**dict(numerics or {}))
    check_fock_need(w, m, Ns, dict(params or {}), float(t[-1]), numerics, f"model {m.name!r}")


def open_grid_args(
    model: Any, N: Any, times: Any, rates: Mapping | None, params: Mapping | None, numerics: Any, config: dict | None = None
) -> np.ndarray:
    """Checks of ``open_systems.open_grid``; returns the time grid as an array."""
    w = argument("open_grid")
    m = lookup(model, "lindblad", w)
    entry = entry_schema(m.name, "lindblad")
    Ns = check_N(N, entry, w)
    t = check_times(times, w)
    check_rates(rates, [r for r in rates_of(m) if r in entry["properties"]], entry, w)
    check_params(params, m, entry, w, "params")
    numerics_values(numerics, w)
    limit, how = memory_limit(None, config)
    for n in Ns:
        check_memory(w + "N", n, face_memory_mb(m, "lindblad", n, len(t)), limit, how)
    return t


def correlations_args(model: Any, N: Any, times: Any, params: Mapping | None, numerics: Any, config: dict | None = None) -> np.ndarray:
    """Checks of ``correlations.correlations_grid`` (one N; the model's closed-face entry gives
    N and parameter bounds); returns the time grid as an array."""
    w = argument("correlations_grid")
    m = lookup(model, "joint", w)
    entry = entry_schema(m if m.user_defined else m.name, "closed")
    n = check_scalar_N(N, entry, w)
    t = check_times(times, w)
    check_params(params, m, entry, w, "params")
    numerics_values(numerics, w, allow_dict=False)
    limit, how = memory_limit(None, config)
    check_memory(w + "N", n, JOINT_MEMORY_FACTOR * face_memory_mb(m, "closed", n, len(t)), limit, how)
    _fock_need_of(w, m, [n], params, t, numerics)
    return t


def _section_schema(path: tuple[str, ...]) -> dict:
    """The config schema reduced to the section at ``path`` (definitions kept for $ref)."""
    from .config import full_schema

    s = full_schema()
    node = s
    for key in path:
        node = node["properties"][key]
    out: dict = {"definitions": s.get("definitions", {}), **node}
    return out


def work_args(cfg: Any, name: Any, numerics: Any) -> None:
    """Checks of ``work_statistics.work_statistics_dataset``: the config's ``work_statistics``
    section and ``numerics`` against the schema, the protocol name, the memory estimate."""
    w = argument("work_statistics_dataset")
    if not isinstance(cfg, Mapping):
        raise invalid(
            w + "cfg", cfg, "not a config mapping", "a config with work_statistics.protocols", shown=f"value of type {type(cfg).__name__}"
        )
    if not isinstance(cfg.get("work_statistics"), Mapping):
        keys = sorted(map(str, cfg))
        raise invalid(
            w + "cfg", keys, "no work_statistics section", "a config with work_statistics.protocols", shown=f"config with keys {keys}"
        )
    check(plain(dict(cfg["work_statistics"])), _section_schema(("work_statistics",)), w, "cfg.work_statistics")
    protocols = sorted(cfg["work_statistics"]["protocols"])
    if name not in protocols:
        raise invalid(w + "name", name, "not a protocol of cfg.work_statistics.protocols", ", ".join(protocols))
    numerics_values(cfg.get("numerics"), w, "cfg.numerics")
    numerics_values(numerics, w, allow_dict=False)
    limit, how = memory_limit(None, cfg)
    if limit is not None:
        from .work_statistics import memory_mb

        N = max(int(n) for n in cfg["work_statistics"]["protocols"][name]["N"])
        check_memory(w + f"cfg.work_statistics.protocols.{name}.N", N, memory_mb(cfg, name), limit, how)


def _dataset(ds: Any, where: str, arg: str) -> None:
    """A simulated grid: energy and ergotropy over (N, <parameters>, time), time last."""
    import xarray as xr

    if not isinstance(ds, xr.Dataset):
        raise invalid(
            where + arg,
            type(ds).__name__,
            "not an xarray Dataset",
            "a dataset of qbattery.simulate",
            shown=f"value of type {type(ds).__name__}",
        )
    missing = [k for k in ("energy", "ergotropy") if k not in ds.data_vars]
    if missing or "t" not in ds.coords:
        what = ", ".join(missing + ([] if "t" in ds.coords else ["t"]))
        reason = f"a dataset without {what} is not a simulated grid"
        raise invalid(where + arg, dict(ds.sizes), reason, "a dataset of qbattery.simulate", shown=f"Dataset with dims {dict(ds.sizes)}")
    for k in ("energy", "ergotropy"):
        dims = ds[k].dims
        if dims[-1] != "t" or "N" not in dims:
            raise invalid(
                f"{where}{arg}.{k}", list(dims), "dims must include N and end with t", "(N, <parameters>, t)", shown=f"dims {dims}"
            )
    check_times(ds.t.values, where, f"{arg}.t")


def power_args(sim: Any, reference: Any = None) -> None:
    """Checks of ``analyse_power``: ``sim`` (and ``reference``) are simulated grids; the
    reference covers every N of ``sim`` and shares its parameter grid (every coordinate both
    have is equal; no dimension of its own). Time grids may differ: each P_max is found on its
    own grid (a global protocol is often much faster than its parallel reference)."""
    w = argument("analyse_power")
    _dataset(sim, w, "sim")
    if reference is None:
        return
    _dataset(reference, w, "reference")
    for ds, arg in ((sim, "sim"), (reference, "reference")):
        if "model" not in ds.attrs:
            raise invalid(
                f"{w}{arg}.attrs",
                sorted(ds.attrs),
                "no 'model' attribute (Gamma names both models)",
                "a dataset of qbattery.simulate",
                shown="attrs",
            )
    lacking = sorted(set(sim.N.values.tolist()) - set(reference.N.values.tolist()))
    if lacking:
        reason = f"lacks N = {', '.join(map(str, lacking))} of sim"
        raise invalid(w + "reference.N", reference.N.values.tolist(), reason, "a reference simulated at every N of sim")
    for name in reference.coords:
        if name in ("N", "t"):
            continue
        ref_v = np.atleast_1d(reference[name].values)
        if name not in sim.coords:
            if name in reference.dims:
                raise invalid(
                    f"{w}reference.{name}", ref_v.tolist(), "a dimension sim does not have", "the reference on the parameter grid of sim"
                )
            continue
        sim_v = np.atleast_1d(sim[name].values)
        if not np.array_equal(np.unique(ref_v), np.unique(sim_v)):
            reason = f"differs from sim.{name} = {sim_v.tolist()}"
            raise invalid(f"{w}reference.{name}", ref_v.tolist(), reason, "the reference on the parameter grid of sim (equal parameters)")
