"""Helpers of the real-SLURM tests: a throw-away one-node SLURM cluster on 127.0.0.1."""
