"""qbattery: physics library of quantum-battery charging protocols.

Public API (see README): state functionals (energy, ergotropy, capacity, passive_state,
von_neumann_entropy, mutual_information), power analysis, the model registry and
``simulate`` returning xarray Datasets identical to what the workflow writes. Every entry
point checks its arguments with the config schema's rules and raises ``InputError`` (a
ValueError, the same type as the config's ``ConfigError``) naming the argument.
"""

from .analysis import analyse_power
from .api import export, load
from .io import open_dataset, write_netcdf
from .models import MODELS, Numerics, get_model
from .physics.power import average_power, instantaneous_power, stored_energy, summarise
from .physics.quantities import (
    Spectrum,
    capacity,
    cells_spectrum,
    energy,
    ergotropy,
    gibbs_state,
    mutual_information,
    partial_trace,
    passive_state,
    von_neumann_entropy,
)
from .simulate import NumericalHealthError, simulate
from .validation import InputError

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "MODELS",
    "NumericalHealthError",
    "Numerics",
    "Spectrum",
    "analyse_power",
    "average_power",
    "capacity",
    "cells_spectrum",
    "energy",
    "ergotropy",
    "export",
    "get_model",
    "gibbs_state",
    "instantaneous_power",
    "load",
    "mutual_information",
    "open_dataset",
    "partial_trace",
    "passive_state",
    "simulate",
    "stored_energy",
    "summarise",
    "von_neumann_entropy",
    "write_netcdf",
]
