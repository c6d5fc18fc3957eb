"""
Work statistics: two-point measurements and Jarzynski's equality
================================================================

Work is not an observable: in the two-point-measurement (TPM) scheme it is the difference of two
energy measurements, before (H) and after (H') a protocol U, starting from the Gibbs state
p_a = e^{-beta E_a}/Z (Talkner, Lutz and Hanggi, PRE 75, 050102, 2007):

.. math:: P(W) = \\sum_{a,b} p_a\\, |\\langle b'|U|a\\rangle|^2\\, \\delta\\!\\left(W - (E'_b - E_a)\\right),
   \\qquad \\langle e^{-\\beta W}\\rangle = e^{-\\beta\\,\\Delta F} = Z'/Z

(Jarzynski, PRL 78, 2690, 1997). A charging pulse that starts and ends with H_B is cyclic:
Delta F = 0, so <e^{-beta W}> = 1 whatever the pulse does, while <W> > 0 by the second law.
"""

# %%
# One cell, a Rabi pulse, by hand
# -------------------------------
# U = exp(-i g sigma^x tau) flips a cell with probability P = sin^2(g tau). From the Gibbs state
# (p_g, p_e) the work is +1 with probability p_g P (absorption), -1 with p_e P (emission) and 0
# otherwise: <W> = tanh(beta/2) P and <e^{-beta W}> = 1 - P + P (p_g e^{-beta} + p_e e^{beta}) = 1.
import matplotlib.pyplot as plt
import numpy as np
from scipy.linalg import expm

from qbattery.models import get_model
from qbattery.physics.work_distributions import convolve_power, tpm_distribution
from qbattery.work_statistics import point_distributions, settings_of

g, tau, beta = 0.5, 1.2, 1.5
H = np.diag([0.0, 1.0])
U = expm(-1j * g * tau * np.array([[0.0, 1.0], [1.0, 0.0]]))
p = np.exp(-beta * np.diag(H)) / np.exp(-beta * np.diag(H)).sum()
by_hand = {}
for a in range(2):
    for b in range(2):
        w = H[b, b] - H[a, a]
        by_hand[w] = by_hand.get(w, 0.0) + p[a] * abs(U[b, a]) ** 2
P = np.sin(g * tau) ** 2
assert np.isclose(by_hand[1.0], p[0] * P) and np.isclose(by_hand[-1.0], p[1] * P)

lib = tpm_distribution(H, H, U, beta)
assert np.allclose(lib.values, sorted(by_hand)) and np.allclose(lib.probabilities, [by_hand[w] for w in sorted(by_hand)])
assert np.isclose(lib.mean, np.tanh(beta / 2) * P)
assert np.isclose(lib.exp_average(beta), 1.0, atol=1e-14)            # Jarzynski, cyclic protocol

# %%
# A quench that is not cyclic
# ---------------------------
# A sudden change of the splitting omega_0 -> omega_1 (U = 1): W = omega_1 - omega_0 with the
# excited population, and <e^{-beta W}> must equal Z'/Z = (1 + e^{-beta omega_1})/(1 + e^{-beta omega_0}).
w0, w1 = 1.0, 1.6
quench = tpm_distribution(np.diag([0.0, w0]), np.diag([0.0, w1]), np.eye(2), beta)
assert np.isclose(quench.exp_average(beta), (1 + np.exp(-beta * w1)) / (1 + np.exp(-beta * w0)))
assert np.isclose(quench.mean, (w1 - w0) / (1 + np.exp(beta * w0)))

# %%
# N cells: the library's protocol
# -------------------------------
# For N independent cells the distribution is the N-fold convolution of one cell's: a
# trinomial in the numbers of absorptions and emissions. The work face of ``rabi_parallel``
# (what the workflow's ``work_statistics`` stage runs) gives the same atoms; <W> = N tanh(beta/2) P.
N = 4
model = get_model("rabi_parallel", face="work")
(res,) = point_distributions(model, N, {"drive": g}, [tau], [beta], 0, settings_of({}))[0]
fwd = res.forward
conv = convolve_power(lib, N, 1e-12)
assert np.allclose(fwd.values, conv.values) and np.allclose(fwd.probabilities, conv.probabilities, atol=1e-14)
assert np.isclose(fwd.mean, N * np.tanh(beta / 2) * P)
assert np.isclose(fwd.exp_average(beta), 1.0, atol=1e-12)
print(f"N = {N}: <W> = {fwd.mean:.4f}, <exp(-beta W)> = {fwd.exp_average(beta):.12f}")

fig, ax = plt.subplots(figsize=(3.4, 2.4), constrained_layout=True)
ax.bar(fwd.values, fwd.probabilities, width=0.3)
ax.set_yscale("log")
ax.set_xlabel(r"work $W$ ($\omega_a$)")
ax.set_ylabel("probability $P(W)$")
ax.set_title(rf"$N = {N}$ cells, Rabi pulse, $\beta = {beta}$")
