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
"""

from __future__ import annotations

from dataclasses import dataclass


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
