"""Pure physics: state functionals, power, propagation, speed limits, operators, Lindblad
superoperators, the Dicke basis, thermal operations, TPM work distributions. No config, no xarray."""
