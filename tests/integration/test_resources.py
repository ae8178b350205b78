"""usage and update on a running container, within the policy's limits."""

import os

from harness import (AGENT1, DEFAULT_CALLERS, HELPER_SECTION, HelperTestCase, audit_records, docker_api, helper,
                     launch, main, read, task)

MiB = 1024 * 1024


def host_config(cid):
    code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
    assert code == 200, info
    return info["State"]["Pid"], info["HostConfig"]


def kernel_memory_limits(pid):
    """What the kernel enforces on the container's cgroup: (memory, memory+swap) in bytes, read
    from cgroup v1's memory controller or cgroup v2's memory.max and memory.swap.max."""
    with open(f"/proc/{pid}/cgroup") as f:
        lines = [line.rstrip("\n").split(":", 2) for line in f]
    for _, controllers, path in lines:
        if "memory" in controllers.split(","):
            base = "/sys/fs/cgroup/memory" + path
            return tuple(int(read(os.path.join(base, n))) for n in ("memory.limit_in_bytes",
                                                                    "memory.memsw.limit_in_bytes"))
    path = next(p for _, c, p in lines if c == "")
    mem, swap = (read(os.path.join("/sys/fs/cgroup" + path, n)).strip() for n in ("memory.max", "memory.swap.max"))
    return int(mem), int(mem) + int(swap)


class Resources(HelperTestCase):

    def test_usage_reports_resource_statistics(self):
        r, cid, _ = launch(AGENT1, task("while :; do :; done", resources={"cpus": 0.5, "mem": 64}))
        self.assertExit(r, 0)
        try:
            u = helper(AGENT1, "usage", cid)
            self.assertExit(u, 0)
            stats = u.json()
            self.assertEqual(set(stats), {"timestamp", "cpus_user_time_secs", "cpus_system_time_secs", "cpus_limit",
                                          "mem_rss_bytes", "mem_limit_bytes"})
            self.assertEqual(stats["cpus_limit"], 0.5)
            self.assertEqual(stats["mem_limit_bytes"], 64 * 1024 * 1024)
            self.assertGreater(stats["timestamp"], 1.7e9)
            self.assertGreaterEqual(stats["cpus_user_time_secs"], 0)
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_update_within_limits_and_denied_beyond(self):
        r, cid, _ = launch(AGENT1, task("sleep 60", resources={"cpus": 0.5, "mem": 64}))
        self.assertExit(r, 0)
        try:
            self.assertExit(helper(AGENT1, "update", cid, "--cpus", "2", "--mem", "128"), 0)
            code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
            self.assertEqual(info["HostConfig"]["CpuShares"], 2048)
            self.assertEqual(info["HostConfig"]["Memory"], 128 * 1024 * 1024)
            self.assertExit(helper(AGENT1, "update", cid, "--cpus", "64"), 77, "max-cpus")
            self.assertExit(helper(AGENT1, "update", cid, "--mem", "999999"), 77, "max-mem")
            self.assertExit(helper(AGENT1, "update", cid), 64)
            code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
            self.assertEqual(info["HostConfig"]["CpuShares"], 2048, "a denied update changed nothing")
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_task_without_mem_runs_under_max_mem(self):
        # attack: a task that names no mem had no memory limit at all, whatever max-mem said
        r, cid, _ = launch(AGENT1, task("sleep 60"))
        self.assertExit(r, 0)
        try:
            pid, hc = host_config(cid)
            self.assertEqual(hc["Memory"], 2048 * MiB, "the caller's max-mem")
            self.assertEqual(kernel_memory_limits(pid)[0], 2048 * MiB)
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_update_mem_raises_and_lowers_the_limit(self):
        # docker sets memory+swap to twice the memory at create; on cgroup v1 a new memory limit
        # above that swap limit was refused by the kernel (HTTP 500) unless swap moved with it
        r, cid, _ = launch(AGENT1, task("sleep 120", resources={"cpus": 0.5, "mem": 64}))
        self.assertExit(r, 0)
        try:
            pid, hc = host_config(cid)
            self.assertEqual((hc["Memory"], hc["MemorySwap"]), (64 * MiB, 128 * MiB))
            self.assertEqual(kernel_memory_limits(pid), (64 * MiB, 128 * MiB))
            for mb in (256, 48, 1024, 64):
                u = helper(AGENT1, "update", cid, "--mem", str(mb))
                self.assertExit(u, 0)
                _, hc = host_config(cid)
                self.assertEqual((hc["Memory"], hc["MemorySwap"]), (mb * MiB, 2 * mb * MiB), f"--mem {mb}")
                self.assertEqual(kernel_memory_limits(pid), (mb * MiB, 2 * mb * MiB), f"--mem {mb}: the kernel's")
            u = helper(AGENT1, "usage", cid)
            self.assertEqual(u.json()["mem_limit_bytes"], 64 * MiB)
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_usage_of_a_finished_container_is_2(self):
        r, cid, _ = launch(AGENT1, task("true"))
        helper(AGENT1, "wait", cid)
        self.assertExit(helper(AGENT1, "usage", cid), 2, "not running")


RESOURCE_PARAMS = ("cpu-shares", "cpu-quota", "cpu-period", "cpuset-cpus", "memory-swap", "memory-reservation",
                   "shm-size")


class ResourceParameters(HelperTestCase):
    """Docker parameters that set CPU or memory are held to max-cpus and max-mem (md-agent1: 4 cpus,
    2048 MB), as the task's own resources are."""

    policy = HELPER_SECTION + DEFAULT_CALLERS.replace(
        "parameters      = label env workdir hostname",
        "parameters      = label env workdir hostname " + " ".join(RESOURCE_PARAMS), 1)

    def launch_with(self, *params, mem=64):
        t = task("sleep 60", resources={"cpus": 0.5, "mem": mem},
                 parameters=[{"key": k, "value": v} for k, v in params])
        return launch(AGENT1, t)

    def test_over_the_limits_is_denied_and_audited(self):
        # attack: cpu-shares, memory-swap … went to docker whatever max-cpus and max-mem said
        for key, value in (("cpu-shares", "8192"), ("cpu-quota", "500000"), ("cpuset-cpus", "0-4"),
                           ("memory-swap", "-1"), ("memory-swap", "5g"), ("memory-reservation", "3g"),
                           ("shm-size", "3g")):
            with self.subTest(key=key, value=value):
                params = [(key, value)]
                if key == "cpu-quota":
                    params.append(("cpu-period", "100000"))
                r, cid, _ = self.launch_with(*params)
                self.assertExit(r, 77, key)
                self.assertEqual(docker_api("GET", f"/containers/mesos-{cid}/json")[0], 404)
                rec = [x for x in audit_records() if x["container"] == f"mesos-{cid}"]
                self.assertEqual([x["decision"] for x in rec], ["deny"])
                self.assertIn(key, rec[0]["reason"])

    def test_within_the_limits_runs_with_those_values(self):
        r, cid, _ = self.launch_with(("cpu-shares", "4096"), ("cpu-quota", "200000"), ("cpu-period", "100000"),
                                     ("cpuset-cpus", "0"), ("memory-swap", "4g"), ("memory-reservation", "32m"),
                                     ("shm-size", "16m"))
        self.assertExit(r, 0)
        try:
            _, hc = host_config(cid)
            self.assertEqual(hc["CpuShares"], 4096)
            self.assertEqual((hc["CpuQuota"], hc["CpuPeriod"], hc["CpusetCpus"]), (200000, 100000, "0"))
            self.assertEqual((hc["Memory"], hc["MemorySwap"]), (64 * MiB, 4096 * MiB))
            self.assertEqual((hc["MemoryReservation"], hc["ShmSize"]), (32 * MiB, 16 * MiB))
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_update_keeps_a_task_without_swap_without_swap(self):
        r, cid, _ = self.launch_with(("memory-swap", "64m"))
        self.assertExit(r, 0)
        try:
            self.assertExit(helper(AGENT1, "update", cid, "--mem", "256"), 0)
            pid, hc = host_config(cid)
            self.assertEqual((hc["Memory"], hc["MemorySwap"]), (256 * MiB, 256 * MiB))
            self.assertEqual(kernel_memory_limits(pid), (256 * MiB, 256 * MiB))
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")


if __name__ == "__main__":
    main()
