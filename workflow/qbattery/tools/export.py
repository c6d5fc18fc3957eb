"""Export a study as one NetCDF-4 file with groups (one per ``<stage>/<name>`` dataset).

    python -m qbattery.tools.export default results/default/default.nc [--results-dir results]

Read it back with ``xarray.open_datatree(path)`` (``.config`` after ``import qbattery``).
"""

from __future__ import annotations

import argparse
import sys

from ..api import export


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m qbattery.tools.export", description=__doc__.splitlines()[0])
    p.add_argument("study", help="study name (results/<study>)")
    p.add_argument("path", help="output NetCDF file")
    p.add_argument("--results-dir", default="results", help="directory holding results/<study> (default: results)")
    a = p.parse_args(argv)
    try:
        out = export(a.study, a.path, a.results_dir)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
