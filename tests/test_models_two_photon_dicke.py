"""Two-photon Dicke battery (Crescente et al., PRB 102, 245407 (2020)): the Dicke-subspace route against
brute force in the full cavity (x) 2^N space, and the stability window lambda < 1/(2N) beyond which H is
unbounded below (checked on the truncated spectrum and refused by the schema and the library)."""

from __future__ import annotations

import numpy as np
import pytest
from qbattery import simulate
from qbattery.config import ConfigError, validate_config
from qbattery.models import Numerics, get_model
from qbattery.models.two_photon_dicke import sector, stability_bound, two_photon_hamiltonian

import bruteforce as bf

MODEL = get_model("two_photon_dicke")


def test_two_photon_route_matches_full_space_brute_force():
    """N = 2, lambda = 0.6 lambda_c: energy and ergotropy (full 2^N spectrum) equal qutip's full space."""
    N, t = 2, np.linspace(0.0, 6.0, 31)
    lam = 0.6 * stability_bound(N)
    traj = MODEL.run(N, t, {"coupling": lam, "omega_c": 2.0}, Numerics(fock_extra=30))
    en, erg = bf.two_photon_cavity_cells(N, lam, 2.0, t, n_max=100)
    assert en.max() > 0.3
    np.testing.assert_allclose(traj.energy, en, atol=1e-7)
    np.testing.assert_allclose(traj.ergotropy, erg, atol=1e-7)


@pytest.mark.parametrize("N", [1, 3])
def test_stability_window_is_lambda_below_one_over_2N(N):
    """Below lambda_c = 1/(2N) the lowest level of the truncated H converges with the cutoff; above it
    keeps falling (unbounded below): the window the model states."""

    def lowest(lam, n_max):
        n, k = sector(N, n_max, 0)
        n2, k2 = sector(N, n_max, 2)
        return min(np.linalg.eigvalsh(two_photon_hamiltonian(N, a, b, 1.0, lam).toarray())[0] for a, b in ((n, k), (n2, k2)))

    lc = stability_bound(N)
    assert abs(lowest(0.9 * lc, 300) - lowest(0.9 * lc, 600)) < 1e-8
    assert lowest(1.1 * lc, 600) < lowest(1.1 * lc, 300) - 1.0


def test_a_point_outside_the_window_is_refused_naming_the_key():
    cfg = {"study": "x", "seed": 1, "time": {"t_max": 2.0, "points": 11}, "models": {"two_photon_dicke": {"N": [2, 8], "coupling": 0.1}}}
    with pytest.raises(ConfigError, match=r"models\.two_photon_dicke\.coupling: .*N = 8.*1/\(2N\)"):
        validate_config(cfg)
    with pytest.raises(ValueError, match=r"coupling .*unbounded below"):
        simulate("two_photon_dicke", N=[4], times=np.linspace(0, 1, 5), coupling=0.2)
    cfg["models"]["two_photon_dicke"]["coupling"] = 0.05
    validate_config(cfg)
