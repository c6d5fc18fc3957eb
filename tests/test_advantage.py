"""Normalisations of the quantum advantage and the power bounds (qbattery.normalisations,
qbattery.advantage, qbattery.physics.charging_bounds; issue 19)."""

from __future__ import annotations

import numpy as np
import pytest
import qbattery
from qbattery import normalisations as norms
from qbattery.advantage import BoundViolationError, add_bounds
from qbattery.analysis import analyse_power
from qbattery.models import get_model


def test_exact_rescaling_of_the_flip_equals_a_simulation_at_the_rescaled_drive():
    """For H = V (rotating frame) c V gives P_max -> c P_max, tau* -> tau*/c: the exact route of kac at N = 4
    (c = 1/2) equals a direct simulation at drive c g on its own fine grid (to the grid's parabola accuracy)."""
    g, N = 0.5, 4
    t = np.linspace(0, 2.0, 4001)
    p = analyse_power(
        qbattery.simulate("global_flip", N=[N], drive=g, times=t),
        qbattery.simulate("rabi_parallel", N=[N], drive=g, times=np.linspace(0, 8, 4001)),
        normalisations=["kac"],
    )
    direct = analyse_power(qbattery.simulate("global_flip", N=[N], drive=g / 2, times=np.linspace(0, 4.0, 4001)))
    assert float(p.normalisation_factor.values[0, 0]) == 0.5
    assert float(p.max_power_normalised.values[0, 0]) == pytest.approx(float(direct.max_power.values[0]), rel=1e-6)
    assert float(p.tau_star_normalised.values[0, 0]) == pytest.approx(float(direct.tau_star.values[0]), rel=1e-4)


def test_normalisation_factors_follow_their_definitions():
    """kac: N^-1/2 for a collective coupling, 1 for the nearest-neighbour chain; equal_norm: ||V_ref|| / ||V||
    (flip: N g / N g = 1; chain: N g over the brute-force norm of H_int + g sum s^x); equal_charger_energy: 1 where
    both chargers hold N quanta, NaN without a charger; equal_norm is NaN for an unbounded cavity coupling."""
    assert norms.factor("kac", "dicke", 16, {"coupling": 0.1, "omega_c": 1.0}) == pytest.approx(0.25)
    assert norms.factor("kac", "spin_chain", 6, {"J": 0.2, "anisotropy": 0.5, "drive": 0.5, "periodic": 0}) == 1.0
    assert norms.factor("equal_norm", "global_flip", 8, {"drive": 0.3}) == pytest.approx(1.0)
    assert np.isnan(norms.factor("equal_norm", "dicke", 4, {"coupling": 0.1, "omega_c": 1.0}))
    assert norms.factor("equal_charger_energy", "charger_mediated_osc", 4, {"coupling": 0.2, "coherent": 1}) == 1.0
    assert np.isnan(norms.factor("equal_charger_energy", "spin_chain", 4, {"J": 0.2, "anisotropy": 0.5, "drive": 0.5, "periodic": 0}))
    # brute force: the chain's V on the full 2^N space from Pauli matrices
    N, J, D, g = 3, 0.4, 0.5, 0.5
    sx, sy, sz = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])

    def site(op, i):
        out = np.eye(1)
        for j in range(N):
            out = np.kron(out, op if j == i else np.eye(2))
        return out

    V = sum(J * (site(sx, i) @ site(sx, i + 1) + site(sy, i) @ site(sy, i + 1) + D * site(sz, i) @ site(sz, i + 1)) for i in range(N - 1))
    V = V + g * sum(site(sx, i) for i in range(N))
    norm = np.abs(np.linalg.eigvalsh(V)).max()
    p = {"J": J, "anisotropy": D, "drive": g, "periodic": 0}
    assert get_model("spin_chain").charging_norm(N, p) == pytest.approx(norm, rel=1e-12)
    assert norms.factor("equal_norm", "spin_chain", N, p) == pytest.approx(N * g / norm, rel=1e-12)


def test_bounds_of_the_flip_and_the_parallel_drive_are_their_closed_forms():
    """Flip: ||V|| = N g, one N-body term: both bounds N^2 g; its P_max = N^2 g max_x sin^2(x)/x = 0.7246 N^2 g.
    Parallel drive: norm bound N^2 g, interaction-order bound N g (k = 1); P_max = 0.7246 N g."""
    N, g = 4, 0.5
    fb = get_model("global_flip").charging_bound(N, {"drive": g})
    pb = get_model("rabi_parallel").charging_bound(N, {"drive": g})
    assert (fb.norm_bound, fb.local_bound, fb.interaction_order) == (N * N * g, N * N * g, N)
    assert (pb.norm_bound, pb.local_bound, pb.interaction_order) == (N * N * g, N * g, 1)
    p = analyse_power(qbattery.simulate("global_flip", N=[N], drive=g, times=np.linspace(0, 2, 2001)))
    assert float(p.max_power.values[0]) == pytest.approx(0.724611 * N * N * g, rel=1e-4)
    assert int(p.charging_bound_violation.values[0]) == 0 and int(p.interaction_order.values[0]) == N


def test_a_bound_violation_fails_the_job_or_is_flagged():
    """A power above the bound (the flip's P_max doubled past N^2 g) raises under on_violation fail and is flagged
    (charging_bound_violation = 1, the message returned for the health record) under nan; a model whose bound does
    not apply (Dicke: unbounded cavity coupling) gets the flag -1 and no check."""
    p = analyse_power(qbattery.simulate("global_flip", N=[1, 2], drive=0.5, times=np.linspace(0, 4, 801)))
    p["max_power"] = p.max_power * 2.0  # 1.45 N^2 g > N^2 g
    with pytest.raises(BoundViolationError, match="max_power"):
        add_bounds(p.copy(), "global_flip", "fail")
    q = p.copy()
    msgs = add_bounds(q, "global_flip", "nan")
    assert q.charging_bound_violation.values.tolist() == [1, 1] and len(msgs) == 2 and "N=2" in msgs[1]
    d = analyse_power(qbattery.simulate("dicke", N=[1], coupling=0.2, times=np.linspace(0, 10, 101)))
    assert d.charging_bound_violation.values.tolist() == [-1] and np.isnan(d.charging_power_bound_norm.values).all()


def test_the_chain_interaction_commutes_with_H_B_so_the_power_is_bounded_by_the_field():
    """[H_B, H_int] = 0 for the XXZ chain (magnetisation conserved): P_max <= N g for every J, below the parallel
    reference's bound; checked on a J sweep where the chain beats the parallel cells (Le et al.)."""
    t = np.linspace(0, 20, 401)
    s = qbattery.simulate("spin_chain", N=[4], J=[0.2, 1.0], anisotropy=0.5, drive=0.5, periodic=1, times=t)
    p = analyse_power(s)
    assert np.all(p.max_power.values <= 4 * 0.5) and np.all(p.charging_power_bound_local.values == 2.0)
    assert np.all(p.charging_bound_violation.values == 0)


def test_normalisation_figure_has_one_panel_per_model_and_normalisation_and_marks_undefined_ones():
    """The figure: rows = global models with the normalisation dimension, columns = normalisations; the flip's
    equal_charger_energy (no charger) panel says "undefined"; its kac panel draws Gamma = sqrt(N)."""
    from qbattery.figures.normalisations import plot_normalisations

    t = np.linspace(0, 8, 801)
    g = qbattery.simulate("global_flip", N=[1, 4, 16], drive=0.5, times=t)
    r = qbattery.simulate("rabi_parallel", N=[1, 4, 16], drive=0.5, times=t)
    p = analyse_power(g, r, normalisations=norms.DEFAULT)
    fig = plot_normalisations([p, analyse_power(r)])
    axes = fig.axes
    assert len(axes) == len(norms.DEFAULT)
    assert any(t.get_text() == "undefined" for t in axes[3].texts)
    kac_line = [ln for ln in axes[1].lines if ln.get_marker() == "o"][0]
    np.testing.assert_allclose(kac_line.get_ydata(), np.sqrt([1, 4, 16]), rtol=2e-3)
