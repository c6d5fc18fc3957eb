# Stage: correlations (see the issue). Append this stage's final outputs to ALL_TARGETS.
