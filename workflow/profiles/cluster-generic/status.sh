#!/usr/bin/env bash
# Job status for snakemake-executor-plugin-cluster-generic on SLURM sites without sacct:
# prints running | success | failed for the SLURM job id in $1 (squeue, then scontrol).
# A job that SLURM has forgotten (older than MinJobAge) counts as success: Snakemake then
# checks that its outputs exist and reports the job as failed if they do not.
set -u
jobid="$1"
state=$(squeue -h -j "$jobid" -t all -o %T 2>/dev/null | head -n1)
if [ -z "$state" ]; then
  state=$(scontrol show job "$jobid" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n1)
fi
case "$state" in
  COMPLETED | "") echo success ;;
  PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED | RESIZING | STAGE_OUT | SIGNALING) echo running ;;
  *) echo failed ;;
esac
