"""qbattery: physics library of quantum-battery charging protocols.

Public API (see README): state functionals (energy, ergotropy, capacity, passive_state,
von_neumann_entropy, mutual_information), power analysis, the model registry and
``simulate`` returning xarray Datasets identical to what the workflow writes. Every entry
point checks its arguments with the config schema's rules and raises ``InputError`` (a
ValueError, the same type as the config's ``ConfigError``) naming the argument.
"""

#: public name -> submodule that defines it; imported on first access (PEP 562), so that
#: ``import qbattery.figures`` or ``qbattery.io`` does not pay for the whole library
_LAZY = {
    "analyse_power": ".analysis",
    "Study": ".api",
    "load": ".api",
    "open_dataset": ".io",
    "write_netcdf": ".io",
    "MODELS": ".models",
    "Numerics": ".models",
    "get_model": ".models",
    "average_power": ".physics.power",
    "instantaneous_power": ".physics.power",
    "stored_energy": ".physics.power",
    "summarise": ".physics.power",
    "Spectrum": ".physics.quantities",
    "capacity": ".physics.quantities",
    "cells_spectrum": ".physics.quantities",
    "energy": ".physics.quantities",
    "ergotropy": ".physics.quantities",
    "gibbs_state": ".physics.quantities",
    "mutual_information": ".physics.quantities",
    "partial_trace": ".physics.quantities",
    "passive_state": ".physics.quantities",
    "von_neumann_entropy": ".physics.quantities",
    "NumericalHealthError": ".simulate",
    "simulate": ".simulate",
    "InputError": ".validation",
}


def __getattr__(name: str):
    """Import a public name from its submodule on first access."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "InputError",
    "MODELS",
    "NumericalHealthError",
    "Numerics",
    "Spectrum",
    "Study",
    "analyse_power",
    "average_power",
    "capacity",
    "cells_spectrum",
    "energy",
    "ergotropy",
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
