"""qbattery: physics library of quantum-battery charging protocols.

Public API (see README): state functionals (energy, ergotropy, capacity, passive_state,
von_neumann_entropy, mutual_information), power analysis, the model registry and
``simulate`` returning xarray Datasets identical to what the workflow writes, and ``charge`` for a
battery from the user's own operators (docs/custom-battery.md). Every entry
point checks its arguments with the config schema's rules and raises ``InputError`` (a
ValueError, the same type as the config's ``ConfigError``) naming the argument.
"""

import sys
import types

#: public name -> submodule that defines it; imported on first access (PEP 562), so that
#: ``import qbattery.figures`` or ``qbattery.io`` does not pay for the whole library
_LAZY = {
    "analyse_power": ".analysis",
    "export": ".api",
    "load": ".api",
    "open_dataset": ".io",
    "write_netcdf": ".io",
    "charge": ".custom_battery",
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
    """Import a public name (or a submodule, ``qbattery.models``) on first access."""
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif not name.startswith("__"):
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """``qbattery.simulate`` is the function, as with an eager ``from .simulate import simulate``,
    even after the submodule of the same name is imported (the import system then binds the
    submodule on the package, which this setter ignores)."""

    @property
    def simulate(self):
        from .simulate import simulate

        return simulate

    @simulate.setter
    def simulate(self, value) -> None:
        pass


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
    "charge",
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
