"""Sphinx configuration: API reference (autodoc, from the docstrings), the config and vocabulary
references (Markdown generated from the schema and ``qbattery.vocabulary``, read by myst-parser)
and the tutorials (sphinx-gallery: plain ``# %%`` Python scripts executed and rendered with their
figures, each also offered as a downloadable Jupyter notebook).

Build: ``pip install -e '.[docs]' && sphinx-build -W -b html docs docs/_build/html``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))
os.environ.setdefault("MPLBACKEND", "Agg")

project = "qbattery"
author = "the qbattery developers"
copyright = "2026, the qbattery developers"
release = version = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "auto_tutorials/*.ipynb", "auto_tutorials/*.py", "**/*.zip", "tutorials/README.rst"]
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autosummary_generate = False
napoleon_numpy_docstring = True
myst_heading_anchors = 3
html_theme = "alabaster"
html_static_path: list[str] = []
nitpicky = False

# QBATTERY_DOCS_RUN_TUTORIALS=0 renders the tutorials without executing them (the test suite
# executes each tutorial separately, with its assertions)
_run = os.environ.get("QBATTERY_DOCS_RUN_TUTORIALS", "1") != "0"
sphinx_gallery_conf = {
    "examples_dirs": "tutorials",
    "gallery_dirs": "auto_tutorials",
    "filename_pattern": r"/t\d\d_",
    "plot_gallery": "True" if _run else "False",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
}


def _docstring_as_written(app, what, name, obj, options, lines: list[str]) -> None:
    """The library's docstrings are plain text with ASCII formulas (``|psi><psi|``, ``Tr(rho H)``),
    written to read well in ``help()``; reST would parse their bars and stars as markup. Render
    each one verbatim as a literal block, so the reference shows exactly what ``help()`` shows."""
    if lines:
        body = [("    " + line) if line.strip() else "" for line in lines]
        lines[:] = ["::", "", *body, ""]


def setup(app):
    app.connect("autodoc-process-docstring", _docstring_as_written)
