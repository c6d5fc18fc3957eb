"""Open-system charging (issue 4): Lindblad dynamics, first law, efficiency, self-discharge.

Own registry ``OPEN_MODELS`` and config section ``open_systems`` (the closed ``models``
registry is untouched). See docs/open-systems.md.
"""

from .ensemble import DickeBlocks, block_spectrum, spectrum_ergotropy
from .first_law import efficiency, energy_flows
from .lindblad import dissipator_superop, evolve, hamiltonian_superop
from .models import OPEN_MODELS, OpenModel, get_open_model, n_thermal
from .run import OpenSettings, open_grid, run_point

__all__ = [
    "OPEN_MODELS",
    "DickeBlocks",
    "OpenModel",
    "OpenSettings",
    "block_spectrum",
    "dissipator_superop",
    "efficiency",
    "energy_flows",
    "evolve",
    "get_open_model",
    "hamiltonian_superop",
    "n_thermal",
    "open_grid",
    "run_point",
    "spectrum_ergotropy",
]
