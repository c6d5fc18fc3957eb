# Stage: open_systems (see the issue). Append this stage's final outputs to ALL_TARGETS.
