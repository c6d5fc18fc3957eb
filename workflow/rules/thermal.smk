# Stage: thermal (see the issue). Append this stage's final outputs to ALL_TARGETS.
