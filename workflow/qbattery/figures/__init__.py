"""Publication figures, drawn from the NetCDF datasets only."""
