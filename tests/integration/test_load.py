"""Load (issue: no lost byte under load): four agents, four users, launch 100 tasks at once, 25
each, every task writing 1 MiB of numbered lines. All must finish, all output must be complete,
nothing may be left running, and each agent must see only its own. Prints wall time and the peak
memory (PSS) of the project's processes (the monitor and the helpers)."""

import concurrent.futures
import os
import pwd
import subprocess
import time

from harness import (HelperTestCase, HELPER_SECTION, container_exists, helper, launch, main, make_sandbox, read,
                     task, uid_of, docker_api)

AGENTS = ["md-agent1", "md-agent2", "md-agent3", "md-agent4"]
PER_AGENT = 25
LINES = 16384  # 16384 lines of 64 bytes: 1 MiB


def policy():
    sections = "".join(f"""
[caller {a}]
images          = docker.io/mesos-test/*:*
networks        = host none
container-users = caller
max-cpus        = 4
max-mem         = 2048
""" for a in AGENTS)
    return HELPER_SECTION + sections


def project_pss_kib():
    """Summed PSS of every mesos-docker-helper process (the waiting helpers and the shared
    monitor): shared library pages are divided among their users, not counted in each."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() != "mesos-docker-he":
                    continue
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


class Load(HelperTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for a in AGENTS:
            try:
                pwd.getpwnam(a)
            except KeyError:
                subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", a], check=True)

    def setUp(self):
        self.policy = policy()
        super().setUp()

    def test_100_tasks_from_4_agents(self):
        cmd = (f"awk 'BEGIN {{ for (i = 0; i < {LINES}; i++) printf \"%08d %054d\\n\", i, i }}'")
        jobs = [(a, n) for n in range(PER_AGENT) for a in AGENTS]
        peak = [0]
        stop = [False]

        def sample():
            while not stop[0]:
                peak[0] = max(peak[0], project_pss_kib())
                time.sleep(0.2)

        def one(job):
            agent, n = job
            r, cid, sandbox = launch(agent, task(cmd))
            if r.code != 0:
                return agent, cid, sandbox, r, None
            return agent, cid, sandbox, r, helper(agent, "wait", cid, timeout=900)

        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs) + 1) as pool:
            sampler = pool.submit(sample)
            results = list(pool.map(one, jobs))
            stop[0] = True
            sampler.result()
        wall = time.time() - t0
        print(f"\n100 tasks x 1 MiB from 4 agents: wall {wall:.1f} s, peak PSS of the project's processes "
              f"{peak[0] / 1024:.1f} MiB")
        expected = "".join(f"{i:08d} {i:054d}\n" for i in range(LINES))
        for agent, cid, sandbox, r, w in results:
            self.assertEqual(r.code, 0, r)
            self.assertEqual(w.code, 0, w)
            self.assertEqual(w.json()["status"], "FINISHED")
            self.assertTrue(read(f"{sandbox}/stdout") == expected, f"{cid}: output incomplete or out of order")
            self.assertFalse(container_exists(f"mesos-{cid}"), f"{cid} left behind")
        for agent in AGENTS:
            mine = {e["container"] for e in helper(agent, "list").json()}
            owners = {e["owner_uid"] for e in helper(agent, "list").json()}
            self.assertEqual(owners, {uid_of(agent)})
            for a2, cid, _, _, _ in results:
                self.assertEqual(f"mesos-{cid}" in mine, a2 == agent)


if __name__ == "__main__":
    main()
