"""Open-system charging (issue 4): Lindblad dynamics, first law, efficiency, self-discharge.

The models are the catalogue's models with a ``lindblad`` face (``models_with("lindblad")``,
config section ``open_systems.models``); this package is the face's library: the generator
container and rates (problem.py), spins (x) mode generators (composite.py), the Dicke basis
(ensemble.py), superoperators (lindblad.py), the first law (first_law.py), and the stage
(run.py, study.py). See docs/open-systems.md.

The stage names (``OpenSettings``, ``open_grid``, ``run_point``) load lazily: the model modules
import ``problem``/``composite`` from here while the catalogue is being filled, and the stage
itself needs the filled catalogue.
"""

from .. import models as _catalogue  # noqa: F401  first: filling it imports problem/composite from here
from ..physics.dicke_basis import DickeBlocks, block_spectrum, spectrum_ergotropy
from ..physics.first_law import efficiency, energy_flows
from ..physics.lindblad import dissipator_superop, evolve, hamiltonian_superop
from .problem import RATES, OpenProblem, Rate, n_thermal

_STAGE = {"OpenSettings", "open_grid", "run_point"}


def __getattr__(name: str):
    if name in _STAGE:
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RATES",
    "DickeBlocks",
    "OpenProblem",
    "OpenSettings",
    "Rate",
    "block_spectrum",
    "dissipator_superop",
    "efficiency",
    "energy_flows",
    "evolve",
    "hamiltonian_superop",
    "n_thermal",
    "open_grid",
    "run_point",
    "spectrum_ergotropy",
]
