"""qbattery.load returns an xarray.DataTree of a study's merged files; qbattery.export writes it
as one NetCDF-4 file with groups that reads back identical (values, attributes, config)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import qbattery
from qbattery.analysis import analyse_power
from qbattery.io import write_netcdf


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory):
    """A two-stage study on disk as the workflow lays it out: merged files and one per-job part."""
    root = tmp_path_factory.mktemp("results")
    t = np.linspace(0.0, 2.0, 9)
    cfg = {"models": {"parallel": {"N": [1, 2]}}, "numerics": {"norm_tol": 1e-8}}
    sim = qbattery.simulate("parallel", N=[1, 2], times=t, config=cfg)
    write_netcdf(sim, root / "s" / "simulate" / "parallel.nc")
    write_netcdf(sim.sel(N=[1]), root / "s" / "simulate" / "parallel" / "N1.nc")  # a per-job part: not loaded
    power = analyse_power(sim, config={"models": {"parallel": {"N": [1, 2]}}, "power": {"x": 1}})
    write_netcdf(power, root / "s" / "power" / "parallel.nc")
    return root, cfg


def test_load_is_a_datatree_of_stage_and_model_nodes_with_the_union_config(study_dir):
    root, cfg = study_dir
    tree = qbattery.load("s", results_dir=root)
    assert isinstance(tree, xr.DataTree)
    assert sorted(tree.children) == ["power", "simulate"] and sorted(tree["simulate"].children) == ["parallel"]
    ds = tree["simulate/parallel"].to_dataset()
    xr.testing.assert_identical(ds, qbattery.open_dataset(root / "s" / "simulate" / "parallel.nc"))
    assert tree["simulate/parallel"].ergotropy.sel(N=2).shape == (9,)
    assert tree.config == {**cfg, "power": {"x": 1}}  # the union of the nodes' job configs
    with pytest.raises(FileNotFoundError, match="no results for study 'nope'"):
        qbattery.load("nope", results_dir=root)


def test_export_writes_one_grouped_netcdf_that_round_trips(study_dir, tmp_path):
    """Every node of the exported file equals the loaded one (values, dims, attributes); the
    config reads back; coordinates keep no _FillValue and the CF attributes of the stage files."""
    root, _ = study_dir
    tree = qbattery.load("s", results_dir=root)
    path = qbattery.export("s", tmp_path / "s.nc", results_dir=root)
    back = xr.open_datatree(path, engine="netcdf4")
    try:
        assert back.identical(tree)
        for node in tree.subtree:
            xr.testing.assert_identical(back[node.path].to_dataset(), node.to_dataset())
        assert back.config == tree.config and json.loads(back["power/parallel"].attrs["config_json"])["power"] == {"x": 1}
    finally:
        back.close()
    import netCDF4

    with netCDF4.Dataset(path) as nc:
        g = nc["/simulate/parallel"]
        assert "_FillValue" not in g["t"].ncattrs() and g["t"].units == "1" and g["t"].reduced_units == "omega_a^-1"
        assert nc.groups.keys() == {"power", "simulate"} and g.title.startswith("qbattery simulate")


def test_export_command_line_writes_the_file_and_names_a_missing_study(study_dir, tmp_path, capsys):
    from qbattery.tools.export import main

    root, _ = study_dir
    assert main(["s", str(tmp_path / "cli.nc"), "--results-dir", str(root)]) == 0
    with xr.open_datatree(tmp_path / "cli.nc") as back:
        assert sorted(back.children) == ["power", "simulate"]
    assert main(["nope", str(tmp_path / "x.nc"), "--results-dir", str(root)]) == 2
    assert "no results for study 'nope'" in capsys.readouterr().err
