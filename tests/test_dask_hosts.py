"""A Dask cluster of separate hosts: a scheduler, two workers and the driver, each in its own
network namespace, joined by a bridge on a private /24 that exists only between them (no
route anywhere else). One worker is killed mid-batch (all its processes); every run must be
saved exactly once, with the numbers of the same batch run in this process.

Needs root and `ip` (iproute2; .ci/run installs it where it is missing). Namespaces, links
and processes are removed afterwards, also when the test fails.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.backends import SerialBackend
from experiments.batch import open_store, run_batch
from experiments.spec import load_spec
from experiments.store import VOLATILE, BatchStore

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="network namespaces need root and iproute2 ('ip')")

SPEC = """
[batch]
name = "hosts"
scenarios = ["base", "economic-asml"]
replications = 5
first_seed = 11
until = 2034
years = [2024, 2034]

[params]
scale = 0.1
"""  # runs long enough (about 0.2 s) that a worker can be killed while most are still to do
RUNS = 10
BIN = Path(sys.executable).parent
HOSTS = {"sched": 1, "w1": 2, "w2": 3, "drv": 4}


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=check)


class Network:
    """Namespaces `<prefix>-<host>` on a bridge in namespace `<prefix>-br`, 10.<a>.<b>.0/24."""

    def __init__(self):
        self.prefix = f"sm{os.getpid() % 100000}"
        self.subnet = f"10.{200 + os.getpid() % 50}.{os.getpid() % 250}"
        self.namespaces: list[str] = []

    def ns(self, host: str) -> str:
        return f"{self.prefix}-{host}"

    def address(self, host: str) -> str:
        return f"{self.subnet}.{HOSTS[host]}"

    def up(self) -> None:
        bridge = self.ns("br")
        self._add(bridge)
        sh("ip", "netns", "exec", bridge, "ip", "link", "add", "br0", "type", "bridge")
        sh("ip", "netns", "exec", bridge, "ip", "link", "set", "br0", "up")
        for host in HOSTS:
            ns, inside, outside = self.ns(host), f"{self.prefix}{host}", f"{self.prefix}{host}b"
            self._add(ns)
            sh("ip", "link", "add", inside, "type", "veth", "peer", "name", outside)
            sh("ip", "link", "set", inside, "netns", ns)
            sh("ip", "link", "set", outside, "netns", bridge)
            sh("ip", "netns", "exec", bridge, "ip", "link", "set", outside, "master", "br0", "up")
            for cmd in (["ip", "addr", "add", f"{self.address(host)}/24", "dev", inside],
                        ["ip", "link", "set", inside, "up"], ["ip", "link", "set", "lo", "up"]):
                sh("ip", "netns", "exec", ns, *cmd)

    def _add(self, ns: str) -> None:
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)

    def start(self, host: str, *cmd: str, log: Path) -> subprocess.Popen:
        with open(log, "w") as f:
            return subprocess.Popen(["ip", "netns", "exec", self.ns(host), *cmd], stdout=f,
                                    stderr=subprocess.STDOUT)

    def kill_host(self, host: str) -> list[int]:
        """SIGKILL every process of a host (a machine that dies)."""
        pids = [int(p) for p in sh("ip", "netns", "pids", self.ns(host)).stdout.split()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return pids

    def down(self) -> None:
        for ns in reversed(self.namespaces):
            if ns != self.ns("br"):
                self.kill_host(ns.removeprefix(f"{self.prefix}-"))
        time.sleep(0.2)
        for ns in reversed(self.namespaces):
            sh("ip", "netns", "del", ns, check=False)
        self.namespaces.clear()

    def leftovers(self) -> list[str]:
        names = sh("ip", "netns", "list").stdout.split()
        links = sh("ip", "-o", "link").stdout
        return [n for n in names if n.startswith(f"{self.prefix}-")] + (
            [self.prefix] if f"{self.prefix}w1" in links else [])


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def network():
    net = Network()
    try:
        net.up()
        yield net
    finally:
        net.down()
        assert net.leftovers() == []


def test_every_run_saved_once_after_a_worker_host_dies(network, tmp_path):
    spec_path = tmp_path / "hosts.toml"
    spec_path.write_text(SPEC)
    spec = load_spec(spec_path)
    assert spec.n_runs == RUNS
    reference = tmp_path / "local"
    run_batch(spec.tasks(), open_store(reference, spec.tasks(), spec), SerialBackend(),
              spec=spec)

    scheduler = f"tcp://{network.address('sched')}:8786"
    network.start("sched", str(BIN / "dask"), "scheduler", "--host",
                  network.address("sched"), "--port", "8786", "--no-dashboard",
                  log=tmp_path / "scheduler.log")
    for worker in ("w1", "w2"):
        network.start(worker, str(BIN / "dask"), "worker", scheduler, "--host",
                      network.address(worker), "--nthreads", "1", "--no-dashboard",
                      "--name", worker, log=tmp_path / f"{worker}.log")
    # the driver waits for workers: Dask queues the runs until they join
    out = tmp_path / "cluster"
    driver = network.start("drv", str(BIN / "sorteermachine"), "batch", str(spec_path),
                           "--out", str(out), "--dask-scheduler", scheduler,
                           "--save-every", "0", log=tmp_path / "driver.log")

    def saved() -> int:
        runs = out / "runs"
        return len(list(runs.glob("*.parquet"))) if runs.is_dir() else 0

    wait_until(lambda: saved() >= 1 or driver.poll() is not None, 240, "the first run")
    assert driver.poll() is None, (tmp_path / "driver.log").read_text()
    killed = network.kill_host("w1")
    at_kill = saved()
    assert killed and at_kill < RUNS, "the batch ended before the worker was killed"
    assert driver.wait(timeout=240) == 0, (tmp_path / "driver.log").read_text()

    runs = pd.read_parquet(out / "runs")
    assert sorted(runs["run"]) == list(range(RUNS))  # every run, each once
    assert (runs["status"] == "ok").all()
    assert set(runs["worker"].str.split(":").str[0]) <= {network.address(w)
                                                         for w in ("w1", "w2")} | {
        os.uname().nodename}
    here, there = BatchStore(reference), BatchStore(out)
    for table in ("city", "wijken", "buurten"):
        pd.testing.assert_frame_equal(here.table(table), there.table(table), check_exact=True)
    pd.testing.assert_frame_equal(here.runs().drop(columns=list(VOLATILE)),
                                  there.runs().drop(columns=list(VOLATILE)))
