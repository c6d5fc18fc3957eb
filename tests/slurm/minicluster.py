"""A throw-away one-node SLURM cluster on the loopback interface, for tests.

Everything lives in one scratch directory (config, munge key and socket, state, spool,
logs); nothing under /etc is touched. munged, slurmctld and slurmd are started in the
foreground as child processes, so they are stopped by their own PIDs (``stop()``), also
when a test fails. The client commands (sbatch, squeue, scancel, sacct) find the cluster
through the ``SLURM_CONF`` environment variable, which ``env()`` returns.

Accounting: no slurmdbd. ``AccountingStorageType=accounting_storage/none`` and
``JobCompType=jobcomp/filetxt`` (one line per finished job in ``jobcomp.log``: our
proof that jobs ran through SLURM), and ``MinJobAge`` large so that ``squeue`` still
reports finished jobs: the Snakemake SLURM plugin is then run with
``--slurm-status-command squeue`` (its own option to work without sacct).

The same file is also written to /etc/slurm/slurm.conf (Debian's compiled-in default path)
while the cluster runs, and removed by ``stop()``: the SLURM job-step plugin of Snakemake
strips ``SLURM_*`` variables (``SLURM_CONF`` included) before its inner ``srun``, which then
only finds the default path. An existing /etc/slurm/slurm.conf that we did not write is never
touched (``start()`` refuses; the tests skip).

Usage as a script (for debugging): ``python tests/slurm/minicluster.py DIR`` starts the
cluster, prints the environment to use, and stops it on Enter.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

DEBIAN_PACKAGES = ("slurm-wlm", "munge")
DAEMONS = ("munged", "slurmctld", "slurmd")
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# one-node test cluster written by tests/slurm/minicluster.py"


def unavailable_reason() -> str | None:
    """Why a real SLURM cluster cannot be started on this machine, or None if it can."""
    if platform.system() != "Linux":
        return "needs Linux (SLURM daemons)"
    if os.geteuid() != 0:
        return "needs root (installs slurm-wlm/munge with apt-get, runs slurmd)"
    if SYSTEM_CONF.exists() and MARKER not in SYSTEM_CONF.read_text(errors="replace"):
        return f"{SYSTEM_CONF} exists (a real SLURM setup?): the test cluster does not overwrite it"
    if all(shutil.which(d) for d in DAEMONS) and shutil.which("sbatch"):
        return None
    if not shutil.which("apt-get"):
        return "slurm-wlm/munge are not installed and there is no apt-get to install them"
    return None


def ensure_installed(timeout: int = 600) -> None:
    """apt-get install slurm-wlm munge if a daemon is missing, without starting services.

    A temporary /usr/sbin/policy-rc.d (exit 101) stops the packages' postinst scripts from
    starting system services; it is removed again unless it was there before.
    """
    if all(shutil.which(d) for d in DAEMONS) and shutil.which("sbatch"):
        return
    policy = Path("/usr/sbin/policy-rc.d")
    own_policy = not policy.exists()
    if own_policy:
        policy.write_text("#!/bin/sh\n# qbattery tests: no service starts during apt-get install\nexit 101\n")
        policy.chmod(0o755)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *DEBIAN_PACKAGES]
        if subprocess.run(install, env=env, capture_output=True, timeout=timeout).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=True, timeout=timeout)
            p = subprocess.run(install, env=env, capture_output=True, text=True, timeout=timeout)
            if p.returncode != 0:
                raise RuntimeError(f"apt-get install {' '.join(DEBIAN_PACKAGES)} failed:\n{p.stderr[-2000:]}")
    finally:
        if own_policy:
            policy.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_line() -> str:
    """The machine's node description from ``slurmd -C`` (CPUs, sockets, cores, RealMemory)."""
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("NodeName="))
    return line


class MiniCluster:
    """One-node SLURM on 127.0.0.1, all files under ``root``. Use as a context manager."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.procs: dict[str, subprocess.Popen] = {}
        fields = dict(kv.split("=", 1) for kv in node_line().split())
        self.node = fields["NodeName"]
        self.cpus = int(fields["CPUs"])
        self.conf = self.root / "slurm.conf"
        self.socket = self.root / "munge" / "munge.socket"
        self.jobcomp = self.root / "jobcomp.log"

    # -- configuration -------------------------------------------------------------------
    def write_config(self) -> None:
        r = self.root
        for d in ("munge", "state", "spool", "log"):
            (r / d).mkdir(parents=True, exist_ok=True)
        (r / "munge").chmod(0o700)
        key = r / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        (r / "plugstack.conf").write_text("")
        self.conf.write_text(
            "\n".join(
                [
                    MARKER,
                    "ClusterName=qbattery-test",
                    f"SlurmctldHost={self.node}(127.0.0.1)",
                    f"SlurmctldPort={free_port()}",
                    f"SlurmdPort={free_port()}",
                    "AuthType=auth/munge",
                    "CredType=cred/munge",
                    f"AuthInfo=socket={self.socket}",
                    "SlurmUser=root",
                    "SlurmdUser=root",
                    f"StateSaveLocation={r / 'state'}",
                    f"SlurmdSpoolDir={r / 'spool'}",
                    f"SlurmctldPidFile={r / 'slurmctld.pid'}",
                    f"SlurmdPidFile={r / 'slurmd.pid'}",
                    f"SlurmctldLogFile={r / 'log' / 'slurmctld.log'}",
                    f"SlurmdLogFile={r / 'log' / 'slurmd.log'}",
                    f"PlugStackConfig={r / 'plugstack.conf'}",
                    "ProctrackType=proctrack/linuxproc",
                    "TaskPlugin=task/none",
                    "JobAcctGatherType=jobacct_gather/none",
                    "AccountingStorageType=accounting_storage/none",
                    "JobCompType=jobcomp/filetxt",
                    f"JobCompLoc={self.jobcomp}",
                    "SelectType=select/cons_tres",
                    "SelectTypeParameters=CR_Core_Memory",
                    "SchedulerType=sched/backfill",
                    "MpiDefault=none",
                    "ReturnToService=2",
                    "MinJobAge=3600",
                    "SlurmctldTimeout=30",
                    "SlurmdTimeout=30",
                    "InactiveLimit=0",
                    "KillWait=5",
                    "SlurmctldDebug=info",
                    "SlurmdDebug=info",
                    f"{node_line()} NodeAddr=127.0.0.1 State=UNKNOWN",
                    f"PartitionName=debug Nodes={self.node} Default=YES MaxTime=INFINITE State=UP",
                    "",
                ]
            )
        )

        if SYSTEM_CONF.exists() and MARKER not in SYSTEM_CONF.read_text(errors="replace"):
            raise RuntimeError(f"{SYSTEM_CONF} exists and was not written by this helper; not overwriting it")
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.conf, SYSTEM_CONF)
        self.wrote_system_conf = True

    def env(self) -> dict[str, str]:
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    # -- daemons ---------------------------------------------------------------------------
    def _start(self, name: str, cmd: list[str]) -> None:
        log = open(self.root / "log" / f"{name}.stdout", "wb")
        self.procs[name] = subprocess.Popen(cmd, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def start(self, timeout: float = 60) -> None:
        self.write_config()
        m = self.root / "munge"
        self._start(
            "munged",
            [
                "munged",
                "--foreground",
                "--force",
                f"--key-file={m / 'munge.key'}",
                f"--socket={self.socket}",
                f"--pid-file={m / 'munged.pid'}",
                f"--log-file={m / 'munged.log'}",
                f"--seed-file={m / 'munged.seed'}",
            ],
        )
        self._wait(lambda: self.socket.exists(), timeout, "munged socket")
        self._start("slurmctld", ["slurmctld", "-D", "-c", "-f", str(self.conf)])
        self._wait(lambda: "UP" in self._run("scontrol", "ping").stdout, timeout, "slurmctld")
        self._start("slurmd", ["slurmd", "-D", "-N", self.node, "-f", str(self.conf)])
        self._wait(lambda: self.node_state() in ("idle", "mixed", "allocated"), timeout, "slurmd node idle")

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(cmd), env=self.env(), capture_output=True, text=True, timeout=30)

    def node_state(self) -> str:
        return self._run("sinfo", "-h", "-N", "-o", "%T").stdout.strip().rstrip("*~#")

    def _wait(self, ready, timeout: float, what: str) -> None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise RuntimeError(f"{name} exited with {p.returncode} while waiting for {what}:\n{self.logs()}")
            if ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"timeout ({timeout} s) waiting for {what}:\n{self.logs()}")

    def logs(self, tail: int = 3000) -> str:
        parts = []
        for f in sorted((self.root / "log").glob("*")) + [self.root / "munge" / "munged.log"]:
            if f.exists():
                parts.append(f"--- {f.name}\n{f.read_text(errors='replace')[-tail:]}")
        return "\n".join(parts)

    def stop(self, grace: float = 15) -> None:
        """Stop the daemons we started, by PID, in reverse order (SIGTERM, then SIGKILL)."""
        for name in reversed(list(self.procs)):
            p = self.procs[name]
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(grace)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(grace)
        self.procs.clear()
        if getattr(self, "wrote_system_conf", False) and SYSTEM_CONF.exists() and MARKER in SYSTEM_CONF.read_text(errors="replace"):
            SYSTEM_CONF.unlink()
        self.wrote_system_conf = False

    def __enter__(self) -> MiniCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    import sys

    root = Path(sys.argv[1]).resolve()
    ensure_installed()
    with MiniCluster(root) as c:
        print(f"export SLURM_CONF={c.conf}")
        print({n: p.pid for n, p in c.procs.items()})
        input("cluster up; press Enter to stop ")
