"""Published results reproduced at sizes that fit in CI (the rows of docs/reproduced.md).

The independent route of every test is the paper: a number, closed form or scaling law it
states (``Comparison.published``), compared with the library's value within the tolerance the
table states. Rows are computed once per module at ``size="ci"``.
"""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from qbattery.tools import reproduce
from qbattery.models import MODELS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rows() -> dict[str, reproduce.Comparison]:
    return {r.key: r for r in reproduce.all_comparisons("ci")}


def check(row: reproduce.Comparison) -> None:
    assert row.mode in ("abs", "rel"), row
    assert np.isfinite(row.ours), row
    assert row.agrees, f"{row.paper}: {row.claim}: ours {row.ours!r} vs published {row.published!r} ({row.tolerance_text}); {row.at}"


def test_ferraro_rabi_qb_charges_fully_at_tau_pi_over_2_lambda_at_weak_coupling(rows):
    """Ferraro 2018, Rabi (parallel) QB: E(t) = N omega_a sin^2(lambda omega_c t) for lambda << 1, so the
    maximal stored energy is N omega_a, reached at tau_bar = pi/(2 lambda omega_c) (1 % / 0.01 at lambda = 0.01)."""
    check(rows["ferraro_rabi_time"])
    check(rows["ferraro_rabi_energy"])


def test_ferraro_dicke_quantum_advantage_scales_as_sqrt_N(rows):
    """Ferraro 2018 (abstract): Gamma = P_max(Dicke)/P_max(Rabi) ~ sqrt(N): fitted exponent 1/2 +- 0.1 over N = 4..16."""
    check(rows["ferraro_gamma_exponent"])


def test_ferraro_dicke_power_exponent_is_three_halves_and_tau_star_falls_as_inverse_sqrt_N(rows):
    """Ferraro 2018: with an extensive stored energy, Gamma ~ sqrt(N) means P_max(Dicke) ~ N^{3/2} and
    tau* ~ N^{-1/2} (fitted exponents within 0.1)."""
    check(rows["ferraro_alpha"])
    check(rows["ferraro_tau_exponent"])


def test_le_isotropic_heisenberg_interaction_does_not_change_the_power(rows):
    """Le 2018 model at Delta = 1: H_int = J sum (2 SWAP - 1) is constant on the symmetric states reached from
    |g...g> by the collective field, so Gamma = 1 for every J, open and periodic (to 1e-10)."""
    check(rows["le_isotropic"])


def test_le_nearest_neighbour_advantage_is_extensive_not_super_extensive(rows):
    """Le 2018: only long-range interactions give a super-extensive advantage; the periodic nearest-neighbour
    chain has P_max ~ N^alpha with alpha = 1 (within 0.01) at J (Delta - 1) = +-0.1."""
    check(rows["le_extensive"])


def test_le_interaction_advantage_is_the_mean_field_effect(rows):
    """Le 2018 (abstract): the advantage is a mean-field effect without correlations. The product-state mean-field
    chain (Bloch precession in the field g x + (omega_a/2 + 2 J (Delta - 1) m_z) z) gives Gamma within 1 % of the
    exact chain, an advantage for J (Delta - 1) > 0 and a loss for J (Delta - 1) < 0."""
    gain, loss = rows["le_mean_field_gain"], rows["le_mean_field_loss"]
    check(gain)
    check(loss)
    assert gain.ours > 1.0 > loss.ours


def test_andolina_qubit_charger_transfers_all_energy_and_ergotropy_at_g_tau_pi_over_2(rows):
    """Andolina 2018, Sec. II: E_B(tau) = omega_a sin^2(g tau) per pair: complete transfer at g tau = pi/2,
    where the battery state is pure (ergotropy = energy)."""
    check(rows["andolina_tls_transfer"])
    check(rows["andolina_tls_ergotropy"])


@pytest.mark.parametrize("charger", ["fock", "coherent"])
def test_andolina_oscillator_charger_transfers_its_state_to_an_oscillator_battery(rows, charger):
    """Andolina 2018, Sec. III: the beam splitter swaps charger and battery at g tau = pi/2 (Fock |N> and coherent
    |sqrt N>): E_B = N omega_a and ergotropy = energy (pure state), to 1e-8 (coherent Poisson tail)."""
    check(rows[f"andolina_ho_transfer_{charger}"])
    check(rows[f"andolina_ho_ergotropy_{charger}"])


def test_andolina_oscillator_charger_with_N_cells_is_asymptotically_free_of_locking_correlations(rows):
    """Andolina 2019: ergotropy/energy of the N-cell battery at its time of maximal energy -> 1 for N -> infinity
    (Fock charger at N = 64 within 0.02; coherent charger at N = 16 within 0.05)."""
    check(rows["andolina_freedom_fock"])
    check(rows["andolina_freedom_coherent"])


def test_andolina_locked_energy_is_one_quantum_minus_the_largest_dicke_population(rows):
    """Fock charger |N> + N cells: rho_B = sum_k p_k |D_k><D_k| has rank <= N + 1, and on the 2^N space the passive
    state fills the ground state and the N-fold level omega_a, so E - Erg = omega_a (1 - p_max) at every t (1e-9,
    p_k from the exchange amplitudes): 1 - Erg/E <= omega_a/E, the N^-1 law of Watanabe et al. made explicit."""
    check(rows["andolina_locked_energy_identity"])


def test_andolina_asymptotic_freedom_rate_is_one_over_N_at_fixed_scaled_time(rows):
    """At g t sqrt(N) = 1: 1 - Erg/E = coth^2(s) (1 - p_max)/N with p_max = cosh^2 s/(sqrt(2 pi N) tanh s) and
    E/N = tanh^2 s (mean field + Holstein-Primakoff start). The fitted exponent b over N = 64..512 matches the closed
    form's (0.946, -> 1; within 0.005), p_max ~ N^-1/2 (0.02), its coefficient (rel 0.005) and E/N (rel 1e-3)."""
    for key in ("rate", "pmax_exponent", "pmax_coefficient", "mean_field_energy"):
        check(rows[f"andolina_freedom_{key}"])
    assert 0.9 < rows["andolina_freedom_rate"].ours < 1.0


def test_binder_campaioli_global_flip_speedup_is_N_at_equal_norm(rows):
    """Binder 2015 / Campaioli 2017: the global flip charges N times faster than N parallel flips at equal driving
    norm (Gamma = N exactly, rel 1e-3). The models come with issue #3; the row is pending until then."""
    row = rows["binder_global_flip_speedup"]
    if row.mode == "pending":
        pytest.skip(f"{row.note} (models present: {sorted(set(MODELS) & {'global_flip', 'rabi_parallel'})})")
    check(row)


def test_optimal_control_minimal_times_match_the_closed_forms(rows):
    """Control stage (GRAPE): the pi pulse pi/(2 g) of one cell (1e-6), the N-fold faster flip at the
    operator norm N g of the parallel drive (Binder 2015), and Gamma = 1 with only local drives."""
    check(rows["control_pi_pulse_time"])
    check(rows["control_global_flip_speedup"])
    check(rows["control_local_no_speedup"])


def test_ising_pair_optimum_is_bang_off_bang_with_the_solved_switching_time(rows):
    """Evangelakos, Paspalakis, Stefanatos 2024: GRAPE's optimum for the Ising pair at fixed T is
    bang-Off-bang; its bang duration (pulse area of the first half / u_max) is the root t_1 of the
    switching equation J sin(W t_1) cos(J T) = W cos(W t_1) sin(J T) within a tenth of a slice, and its
    energy is 2 sin^2(J (T - t_1)) within 1e-3 (slice discretisation)."""
    check(rows["control_ising_pair_switching"])
    check(rows["control_ising_pair_energy"])


def test_a_row_off_by_more_than_its_tolerance_disagrees(rows):
    """The comparison can fail: shifting the published value by twice the tolerance flips every checked row."""
    for row in rows.values():
        if row.mode == "abs":
            assert replace(row, published=row.ours + 2 * row.tolerance).agrees is False, row.key
        elif row.mode == "rel":
            assert replace(row, published=row.ours / (1 + 2 * row.tolerance)).agrees is False, row.key


def test_docs_reproduced_table_lists_every_row_and_renders_pipes_safely(rows):
    """docs/reproduced.md (generated at paper sizes) has every row of the table; cells with |psi> are escaped."""
    text = (ROOT / "docs" / "reproduced.md").read_text()
    for key in rows:
        assert f"`{key}`" in text, key
    rendered = reproduce.render(list(rows.values()), "ci")
    table = [line for line in rendered.splitlines() if line.startswith("| ")]
    header_cells = table[0].count(" | ")
    for line in table:
        assert line.replace("\\|", "").count(" | ") == header_cells, line


def test_rossini_syk_optimal_power_is_super_extensive(rows):
    """Rossini 2020: the q = 4 SYK battery's disorder-mean P_max ~ N^alpha with alpha = 3/2 (within 0.1,
    N = 6..10, 8 realisations); alpha > 1 is the super-extensive power."""
    check(rows["rossini_syk_power_exponent"])
    assert rows["rossini_syk_power_exponent"].ours > 1.2


def test_rosa_syk_temporal_fluctuations_per_cell_fall_with_N(rows):
    """Rosa 2020 (qualitative): the late-time temporal spread of E(t) per cell is smaller at the largest N."""
    row = rows["rosa_syk_temporal_fluctuations"]
    assert np.isfinite(row.ours) and row.ours < 1.0, row


def test_le_long_range_advantage_grows_with_N_only_for_long_range(rows):
    """Le 2018: the all-to-all (LMG) Gamma(N) follows the mean-field picture with N - 1 neighbours (2 %), the
    alpha_LR = 0 chain's Gamma grows faster with N than the alpha_LR = 3 chain's, whose power is extensive."""
    check(rows["le_lmg_mean_field"])
    check(rows["le_short_range_extensive"])
    assert rows["le_long_range_gain_grows"].ours > 0.0


def test_crescente_two_photon_dicke_is_stable_only_below_lambda_one_over_2N(rows):
    """Crescente 2020: the two-photon Dicke Hamiltonian is bounded below only for lambda < 1/(2N): the coupling
    where the truncated spectrum starts to diverge with the Fock cutoff is N lambda_c = 1/2 (within 0.02)."""
    check(rows["crescente_two_photon_stability"])


@pytest.mark.parametrize("N", [2, 4, 8])
def test_dicke_stored_energy_is_quadratic_with_coefficient_lambda2_N_2N_plus_1(rows, N):
    """Second-order perturbation theory for this project's Dicke Hamiltonian
    H = omega_c a^dag a + omega_a J_z + 2 omega_c lambda J_x (a + a^dag) = H_0 + V from psi0 = |N photons>|g...g>
    (an eigenstate of H_0 and of H_B = omega_a (J_z + N/2), with H_B psi0 = 0):
    E(t) = <H_B>(t) = t i<[H, H_B]> - (t^2/2) <[H, [H, H_B]]> + O(t^3); the first term vanishes (psi0 is an
    eigenstate of H_B), and <[H_0, [V, H_B]]> = 0 (eigenstate of H_0), so E = -(t^2/2) <[V, [V, H_B]]> =
    t^2 <V H_B V> (the terms with H_B psi0 = 0 drop). V psi0 = 2 omega_c lambda (J_+/2) |k=0> (x) (a + a^dag)|N>
    = omega_c lambda sqrt(N) |k=1> (x) (sqrt(N) |N-1> + sqrt(N+1) |N+1>), every component at H_B = omega_a, so
    E(t) = omega_a omega_c^2 lambda^2 N (2N + 1) t^2 (the O(t^3) term vanishes by time reversal; next O(t^4)).
    Ferraro et al. write H with omega_a J_z and the coupling 2 omega_c lambda J_x (a + a^dag) as here, so no
    conversion is needed (omega_a = omega_c = 1 in the row). Checked at t = 0.005 (rel 1e-3)."""
    check(rows[f"dicke_short_time_energy_N{N}"])


@pytest.mark.parametrize("N", [2, 4, 8])
def test_dicke_ergotropy_starts_at_fourth_order(rows, N):
    """The ergotropy of the same battery starts at order t^4: H conserves the parity of n + k, so rho_B never has
    (k, k +- 1) coherences, and to order t^2 it is diag(1 - p, p, 0, ...) with p = E/omega_a << 1, a passive state
    (its populations decrease with energy). Coherence (0, 2) appears at order t^2, so Erg = O(t^4): the log-log slope
    of Erg(t) at t = 0.005..0.02 is 4 within 0.02."""
    check(rows[f"dicke_short_time_ergotropy_order_N{N}"])


def test_kac_scaling_removes_the_dicke_advantage_and_gives_sqrt_N_for_the_flip(rows):
    """Under Kac scaling (coupling / sqrt(N)) the Dicke collective Rabi frequency lambda sqrt(N) no longer grows:
    Gamma ~ N^0 (within 0.05, N = 4..16; the fixed-lambda exponent is ~1/2). The flip's Gamma = N becomes sqrt(N)
    exactly (exact time rescaling: exponent 1/2 within 1e-3)."""
    check(rows["kac_dicke_gamma_exponent"])
    check(rows["kac_flip_gamma_exponent"])


def test_power_bounds_hold_and_the_equal_norm_flip_saturates_the_quadratic_law(rows):
    """Gyhm-Safranek-Rosa / Campaioli: P_max never exceeds (e_max - e_min)||V|| nor sum_X k_X ||h_X|| on every
    model whose charging Hamiltonian is bounded, under every normalisation; the global flip at equal norm has
    P_max ~ N^2 (alpha = 2 within 1e-3), the largest scaling the bound allows."""
    check(rows["charging_bounds_hold"])
    check(rows["gsr_quadratic_power_flip"])


def test_gyhm_extensive_advantage_has_the_constant_of_the_average_power_conversion(rows):
    """Gyhm-Safranek-Rosa (abstract: the speedup is at most extensive) as Gamma <= gamma N: at equal norm the flip's
    norm bound N^2 omega_a g over the simulated parallel P_max = N c_1 omega_a g is gamma N with gamma = 1/c_1 =
    1.38005 (rel 1e-4; c_1 = max sin^2(x)/x), and the flip itself reaches Gamma = N."""
    row = rows["gsr_advantage_bound_constant"]
    check(row)
    assert row.published == pytest.approx(1.0 / 0.7246113537767, rel=1e-12)
