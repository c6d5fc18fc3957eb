"""Upper bounds on the charging power of a closed battery (hbar = 1, omega_a = 1).

For a time-independent H = H_B + V (rotating frame for driven models) the battery energy
changes as dE_B/dt = -i Tr(rho [H_B, V]) (H_B commutes with itself), so for every state and time
    |dE_B/dt| <= ||[H_B, V]||  and the average power E(t)/t = (1/t) int_0^t dE_B/dt' dt' obeys the same.
Two bounds on ||[H_B, V]|| follow:

- norm bound (the constraint of Gyhm, Safranek, Rosa, PRL 128, 140501 (2022) and Binder et al.,
  NJP 17, 075015 (2015): the operator norm of the charging Hamiltonian is bounded):
  ||[H_B, V]|| = ||[H_B - c, V]|| <= 2 ||H_B - c|| ||V|| = (e_max - e_min) ||V||,
  with c the middle of H_B's spectrum; N cells: P <= N omega_a ||V||. At equal norm
  ||V|| = ||V_parallel|| = N h_1 this is P <= N^2 omega_a h_1: power at most quadratic, the
  advantage Gamma at most extensive (~N), as Gyhm et al. prove for the optimal protocol.
- interaction-order bound (Campaioli et al., PRL 118, 150601 (2017): the advantage is bounded
  by the interaction order k): write V = sum_X h_X with each term acting on at most k_X cells;
  [H_B, h_X] = [H_B^X, h_X] with H_B^X the cells of X (width k_X omega_a), so
  ||[H_B, V]|| <= sum_X k_X omega_a ||h_X||, terms commuting with H_B dropped.

Both assume a bounded V acting on the cells (and on bounded chargers): a cavity mode
(a + a^dag unbounded) breaks them, and the models with a cavity state so (no bound).

What the papers state, and the conversion to this project's conventions. Only the abstracts
were accessible when this was written (search of public pages; the theorems' equations and
constants in the papers' bodies could not be read), so each statement below is the abstract's
claim written as an inequality. The constants are the ones our bounds give, not copied from the papers:

- Binder et al. 2015 (abstract): "an N-fold advantage in power per qubit can be achieved when
  global operations are permitted".
- Gyhm, Safranek, Rosa 2022 (abstract): "the maximal speedup that can be achieved is extensive in
  the number of cells, thus offering at most quadratic scaling in the charging power over the
  classically achievable linear scaling. To reach such a scaling, a global charging protocol,
  charging all the cells collectively, needs to be employed".
- Campaioli et al. 2017 (abstract): "we provide an upper bound to the achievable quantum
  advantage when the interaction order is restricted, i.e., at most k batteries are interacting".

Conventions here: hbar = 1, H_B = omega_a sum_i |e><e|_i, P = max_t E(t)/t (the average power;
``analysis.analyse_power``), Gamma = P_max(model, N) / P_max(parallel reference, N) at the same N
(``quantum_advantage``), and the equal-norm constraint ||V|| = ||V_parallel|| = N h_1 with
V_parallel = h_1 sum_i sigma^x_i.

1. One cell driven by h sigma^x: E(t) = omega_a sin^2(h t), so P_1 = c_1 omega_a h with
   c_1 = max_x sin^2(x)/x = 0.72461 at tan x = 2x (x = 1.16556); the instantaneous power is at most
   omega_a h (c = 1). N parallel cells: P_parallel = N c_1 omega_a h_1.
2. Gyhm et al.'s extensive advantage as Gamma <= gamma N: the norm bound at equal norm gives
   P_max <= N omega_a ||V|| = N^2 omega_a h_1, so Gamma <= N / c_1, i.e. gamma = 1/c_1 = 1.3801 for
   the average power. ``gamma = 1`` holds for the instantaneous power, where the flip saturates it.
   The global flip reaches Gamma = N exactly (Binder's N-fold advantage), so sup Gamma / N lies in [1, 1/c_1].
3. Campaioli et al.'s interaction order, with the participation number m (the largest number of
   terms h_X that act on one cell and do not commute with H_B): sum_X k_X omega_a ||h_X|| =
   sum_i sum_{X contains i} omega_a ||h_X|| <= N m omega_a h_max, so Gamma <= m h_max / (c_1 h_1). At a fixed k, m <= C(N - 1, k - 1). The
   advantage grows with N only when the terms acting on each cell multiply, and it is bounded by
   gamma m at fixed m. A single k-body flip term saturates ||[H_B, h_X]|| = k omega_a ||h_X||.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _average_power_x() -> float:
    """The root of tan x = 2 x in (0, pi/2), where sin^2(x)/x is maximal (Newton; no scipy at import)."""
    x = 1.17
    for _ in range(50):
        x -= (math.tan(x) - 2.0 * x) / (1.0 / math.cos(x) ** 2 - 2.0)
    return x


AVERAGE_POWER_X = _average_power_x()  # 1.16556
C1 = math.sin(AVERAGE_POWER_X) ** 2 / AVERAGE_POWER_X  # max_x sin^2(x)/x = 0.72461
GAMMA_AVERAGE = 1.0 / C1  # gamma of Gamma <= gamma N for the average power (Gyhm et al.'s form)


@dataclass(frozen=True)
class ChargingBound:
    """The two power bounds of one model at one (N, parameter point), and the largest
    interaction order k among the terms of V that do not commute with H_B."""

    norm_bound: float  # (e_max - e_min) ||V||
    local_bound: float  # sum_X k_X omega_a ||h_X||
    interaction_order: int

    @property
    def bound(self) -> float:
        return min(self.norm_bound, self.local_bound)


def norm_bound(spectral_width: float, v_norm: float) -> float:
    """||[H_B, V]|| <= (e_max - e_min) ||V|| (spectral width of H_B times the norm of V)."""
    return float(spectral_width) * float(v_norm)


def local_bound(terms: list[tuple[int, float, int]], omega_a: float = 1.0) -> float:
    """sum over term classes (k cells, ||h||, count) of count * k omega_a ||h||."""
    return float(sum(count * k * omega_a * norm for k, norm, count in terms))


def bound_of(N: int, v_norm: float, terms: list[tuple[int, float, int]], omega_a: float = 1.0) -> ChargingBound:
    """Both bounds of N cells with H_B = omega_a sum |e><e| (width N omega_a), ||V|| and V's non-commuting terms."""
    return ChargingBound(
        norm_bound=norm_bound(N * omega_a, v_norm),
        local_bound=local_bound(terms, omega_a),
        interaction_order=max((k for k, _, c in terms if c > 0), default=0),
    )


def single_cell_average_power(h: float, omega_a: float = 1.0) -> float:
    """P_1 = max_t omega_a sin^2(h t) / t = c_1 omega_a h of one cell driven by h sigma^x (closed form)."""
    return C1 * omega_a * float(h)


def advantage_bound_equal_norm(N: int) -> float:
    """Gamma <= gamma N with gamma = 1/c_1: the norm bound N^2 omega_a h_1 over N P_1 (equal norm N h_1)."""
    return GAMMA_AVERAGE * N


def participation_number(supports: list[frozenset[int]]) -> int:
    """The largest number of terms (given by their supports, terms commuting with H_B left out) that act on one cell."""
    counts: dict[int, int] = {}
    for X in supports:
        for i in X:
            counts[i] = counts.get(i, 0) + 1
    return max(counts.values(), default=0)


def participation_bound(N: int, m: int, h_max: float, omega_a: float = 1.0) -> float:
    """N m omega_a h_max >= sum_X k_X omega_a ||h_X|| (each of the N cells is in at most m terms of norm <= h_max)."""
    return float(N * m * omega_a * h_max)
