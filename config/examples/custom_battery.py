"""A user's battery for qbattery (docs/custom-battery.md): N identical three-level cells (a ladder
|0>, |1>, |2> with levels 0, omega_a, 2 omega_a - anharmonicity) charged by a collective drive
that climbs the ladder, H_charge = drive sum_i (|1><0| + |2><1| + h.c.)_i.

The Hamiltonian is permutation symmetric and |0...0> is symmetric, so the state stays in the
symmetric subspace of the N cells: the states |n_0, n_1, n_2> with n_0 + n_1 + n_2 = N (n_l cells
in level l), dimension (N + 1)(N + 2)/2 instead of 3^N. A collective transition sum_i |a><b|_i
acts there as b_a^dag b_b on the occupations (Schwinger bosons):
    <.., n_a + 1, .., n_b - 1, ..| sum_i |a><b|_i |.., n_a, .., n_b, ..> = sqrt((n_a + 1) n_b).
Declaring cells=N, subspace="symmetric" and the cell levels makes qbattery take the ergotropy over
the full 3^N space (its levels with their multinomial degeneracies), not over the subspace.

Used by config/examples/custom.yaml:   snakemake --cores 2 --configfile config/examples/custom.yaml
and from a notebook:                    qbattery.charge(**three_level_cells(4, drive=0.5), times=...)
"""

import numpy as np


def symmetric_basis(N: int, d: int = 3) -> list[tuple[int, ...]]:
    """Occupations (n_0, .., n_{d-1}) with sum N: the symmetric states of N d-level cells."""
    if d == 1:
        return [(N,)]
    return [(k, *rest) for k in range(N, -1, -1) for rest in symmetric_basis(N - k, d - 1)]


def collective(N: int, a: int, b: int, d: int = 3) -> np.ndarray:
    """sum_i |a><b|_i on the symmetric subspace (a != b)."""
    basis = symmetric_basis(N, d)
    index = {s: i for i, s in enumerate(basis)}
    out = np.zeros((len(basis), len(basis)))
    for j, s in enumerate(basis):
        if s[b] == 0:
            continue
        t = list(s)
        t[a] += 1
        t[b] -= 1
        out[index[tuple(t)], j] = np.sqrt(t[a] * s[b])
    return out


def three_level_cells(N: int, drive: float = 0.5, anharmonicity: float = 0.2) -> dict:
    """The operators of N three-level cells at one parameter point (keys of qbattery.charge)."""
    levels = np.array([0.0, 1.0, 2.0 - anharmonicity])
    basis = symmetric_basis(N)
    H_B = np.diag([float(np.dot(levels, s)) for s in basis])
    up = collective(N, 1, 0) + collective(N, 2, 1)
    psi0 = np.zeros(len(basis))
    psi0[0] = 1.0  # |N, 0, 0>: every cell in |0>
    return {
        "H_B": H_B,
        "H": drive * (up + up.T),
        "state": psi0,
        "cells": N,
        "subspace": "symmetric",
        "cell_levels": levels,
    }


def pulsed_decaying_cell(N: int, drive: float = 0.2, gamma: float = 0.05) -> dict:
    """One two-level cell, lab-frame resonant pulse 2 g cos(t) sigma^x and decay gamma D[sigma^-]:
    time dependence and dissipation, so the dataset has the first-law work W, heat Q and its residual
    (N is not used: one cell)."""
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])  # |g><e|, basis (|g>, |e>)
    return {
        "H_B": np.diag([0.0, 1.0]),
        "H": [[sx, lambda t, args: 2.0 * args["g"] * np.cos(t)]],
        "args": {"g": drive},
        "state": np.array([1.0, 0.0]),
        "c_ops": [np.sqrt(gamma) * sm],
    }
