"""Charging-protocol models; importing this package fills the registry ``MODELS``.

Every module in this package except the helpers below is imported, so adding a model is
adding one module with a ``@register``-ed :class:`Model` subclass.
"""

import importlib
import pkgutil

from .base import (
    FACES,
    MODELS,
    Diagnostic,
    JointTrajectory,
    Model,
    Numerics,
    Parameter,
    Trajectory,
    get_model,
    models_with,
    register,
    user_models,
)

_HELPERS = {"base", "cavity_common", "fock_need"}  # custom.py: the user battery (models.custom), registered too
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if _info.name not in _HELPERS and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = [
    "FACES",
    "MODELS",
    "models_with",
    "Diagnostic",
    "JointTrajectory",
    "Model",
    "Numerics",
    "Parameter",
    "Trajectory",
    "get_model",
    "register",
    "user_models",
]
