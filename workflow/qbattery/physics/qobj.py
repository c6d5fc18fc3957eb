"""Qobj in, Qobj out; kets are states: the one adapter between qutip objects and the numpy kernels.

The physics kernels compute on numpy arrays. :func:`qobj_io` wraps a public function so that

- every *state* argument may be a density matrix or a pure state: a ket (qutip ``Qobj`` ket,
  1-d array, or a ``(d, 1)`` column) becomes rho = |psi><psi| (a bra its ket's projector), so
  ``ergotropy(ket, H) == ergotropy(ket.proj(), H)``; stacks ``(..., d, d)`` of density matrices pass;
- every *operator* argument (a Hamiltonian, a unitary) may be a ``Qobj`` or an array;
- a function that returns an operator (a state) returns a ``Qobj`` when one of its inputs was a
  ``Qobj``, with the dims of that input (or the dims the function says, e.g. the kept factor of a
  partial trace); arrays in give arrays out, and scalars stay floats.

Reference: qutip 5 ``Qobj`` (``isket``, ``isbra``, ``dims``, ``full``, ``proj``), qutip.org/docs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def is_qobj(x: Any) -> bool:
    """True for a qutip ``Qobj`` (duck-typed: qutip is imported only by code that makes one)."""
    return hasattr(x, "isket") and hasattr(x, "dims") and callable(getattr(x, "full", None))


def operator_array(x: Any) -> np.ndarray:
    """``x`` (``Qobj`` or array-like) as a numpy array."""
    return np.asarray(x.full()) if is_qobj(x) else np.asarray(x)


def density_array(x: Any) -> np.ndarray:
    """A state as a density matrix (stack): a ket (``Qobj`` ket or bra, 1-d array, ``(d, 1)`` column)
    -> |psi><psi|; a density matrix or a stack ``(..., d, d)`` as it is."""
    if is_qobj(x):
        if x.isket or x.isbra:
            v = np.asarray(x.full()).ravel()
            v = v if x.isket else v.conj()
            return np.outer(v, v.conj())
        return np.asarray(x.full())
    a = np.asarray(x)
    if a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 1 and a.shape[0] > 1):
        v = a.ravel()
        return np.outer(v, v.conj())
    return a


def operator_dims(x: Any) -> list[list[int]]:
    """The operator dims ``[[d1, d2, ...], [d1, d2, ...]]`` of a ``Qobj`` state or operator (a ket's
    ``[[d1, d2], [1]]`` -> ``[[d1, d2], [d1, d2]]``)."""
    left = list(x.dims[1] if x.isbra else x.dims[0])
    return [left, list(left)]


def qobj_io(
    states: Sequence[str] = (),
    operators: Sequence[str] = (),
    returns: str | Callable[[inspect.BoundArguments], list | None] | None = None,
) -> Callable:
    """Decorator: the arguments named in ``states`` go through :func:`density_array`, those in
    ``operators`` through :func:`operator_array`. ``returns``: the argument whose ``Qobj`` dims an
    operator result takes (or a function of the bound original arguments giving the dims); the
    result is then a ``Qobj`` whenever any converted argument was one. None: results as computed."""

    def wrap(fn: Callable) -> Callable:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            given = dict(bound.arguments)
            any_qobj = False
            for name in states:
                if name in bound.arguments:
                    any_qobj |= is_qobj(bound.arguments[name])
                    bound.arguments[name] = density_array(bound.arguments[name])
            for name in operators:
                if name in bound.arguments:
                    if is_qobj(bound.arguments[name]):  # arrays and scipy sparse matrices pass as given
                        any_qobj = True
                        bound.arguments[name] = operator_array(bound.arguments[name])
            out = fn(*bound.args, **bound.kwargs)
            if returns is None or not any_qobj or np.ndim(out) != 2:
                return out
            if callable(returns):
                dims = returns(_rebind(sig, given))
            else:
                src = given.get(returns)
                dims = operator_dims(src) if is_qobj(src) else None
            if dims is None:  # the named argument was an array: the first Qobj argument's dims, if it fits
                first = next((given[n] for n in (*states, *operators) if is_qobj(given.get(n))), None)
                dims = operator_dims(first) if first is not None and first.shape[0] == np.shape(out)[0] else None
            import qutip

            return qutip.Qobj(out, dims=dims) if dims is not None else qutip.Qobj(out)

        return inner

    return wrap


def _rebind(sig: inspect.Signature, given: dict) -> inspect.BoundArguments:
    b = sig.bind_partial(**given)
    b.apply_defaults()
    return b


def factor_dims(x: Any, dims: Sequence[int], keep: int) -> list[list[int]] | None:
    """Dims of factor ``keep`` of a bipartition ``dims`` = (d_A, d_B) of ``Qobj`` state ``x``: its own
    subsystem dims when d_A is a product of its leading ones, else ``[[d_keep], [d_keep]]``."""
    if not is_qobj(x):
        return None
    sub = operator_dims(x)[0]
    prod = np.cumprod(sub)
    hits = np.nonzero(prod == int(dims[0]))[0]
    if hits.size:
        k = int(hits[0]) + 1
        part = sub[:k] if keep == 0 else sub[k:]
        if part:
            return [list(part), list(part)]
    d = int(dims[keep])
    return [[d], [d]]
