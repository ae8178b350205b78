"""Faults, each counting bytes: the monitor killed while a task writes numbered lines, and the
helper killed at every step of a launch. After each, `recover` puts things right: every line is
in the sandbox file exactly once and in order, and nothing is left running unowned."""

import json
import os
import signal
import subprocess
import time

from harness import (AGENT1, HELPER, uid_of, HelperTestCase, as_user, container_exists, docker_api, helper, launch, main,
                     make_sandbox, new_id, read, task, wait_until)

STATE = "/run/mesos-docker-test/state/containers"


def record(cid):
    with open(f"{STATE}/mesos-{cid}.json") as f:
        return json.load(f)


class Recovery(HelperTestCase):

    def test_monitor_killed_then_recover_adopts_without_loss_or_duplicate(self):
        n = 600
        cmd = f"i=0; while [ $i -lt {n} ]; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done"
        r, cid, sandbox = launch(AGENT1, task(cmd))
        self.assertExit(r, 0)
        self.assertTrue(wait_until(lambda: read(f"{sandbox}/stdout").count("\n") > 50, 30))
        mon = record(cid)["monitor_pid"]
        os.kill(mon, signal.SIGKILL)
        time.sleep(1)  # the task goes on writing while nobody copies
        rec = helper(AGENT1, "recover", "--known", cid)
        self.assertExit(rec, 0)
        actions = {e["container"]: e["action"] for e in rec.json()}
        self.assertEqual(actions.get(f"mesos-{cid}"), "adopted", rec.out)
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)
        self.assertEqual(w.json()["status"], "FINISHED")
        self.assertEqual(read(f"{sandbox}/stdout").splitlines(), [f"line {i}" for i in range(n)])

    def launch_numbered(self, n):
        cmd = f"i=0; while [ $i -lt {n} ]; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done"
        r, cid, sandbox = launch(AGENT1, task(cmd))
        self.assertExit(r, 0)
        return cid, sandbox

    def kill_monitor_midway(self, cid, sandbox):
        self.assertTrue(wait_until(lambda: read(f"{sandbox}/stdout").count("\n") > 20, 30))
        os.kill(record(cid)["monitor_pid"], signal.SIGKILL)

    def test_wait_adopts_when_the_monitor_died(self):
        cid, sandbox = self.launch_numbered(300)
        self.kill_monitor_midway(cid, sandbox)
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)
        self.assertEqual(read(f"{sandbox}/stdout").splitlines(), [f"line {i}" for i in range(300)])

    def test_a_waiting_wait_adopts_when_the_monitor_dies(self):
        # the waiter sleeps until its container's exit is recorded: the monitor's death must
        # wake it too, and it takes the container over without losing a line
        cid, sandbox = self.launch_numbered(300)
        p = subprocess.Popen([HELPER, "wait", cid], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT1))
        self.kill_monitor_midway(cid, sandbox)
        out, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(json.loads(out)["status"], "FINISHED")
        self.assertEqual(read(f"{sandbox}/stdout").splitlines(), [f"line {i}" for i in range(300)])

    def test_agent_killed_while_waiting(self):
        # the agent (its waiting helper) dies; the task goes on, and a new agent's wait gets it all
        n = 200
        cmd = f"i=0; while [ $i -lt {n} ]; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done"
        r, cid, sandbox = launch(AGENT1, task(cmd))
        self.assertExit(r, 0)
        p = subprocess.Popen([HELPER, "wait", cid], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT1))
        time.sleep(0.5)
        p.kill()
        p.wait()
        p.stdout.close()
        p.stderr.close()
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)
        self.assertEqual(w.json()["status"], "FINISHED")
        self.assertEqual(read(f"{sandbox}/stdout").splitlines(), [f"line {i}" for i in range(n)])

    def test_sandbox_disk_full(self):
        # a 256 KiB sandbox gets 1 MiB of numbered lines: the task still finishes, the helper
        # and the monitor carry on, and what fitted is a prefix in order, nothing doubled
        sandbox = make_sandbox(AGENT1)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"nosuid,nodev,size=256k,uid={uid_of(AGENT1)},gid={uid_of(AGENT1)},mode=0755",
                        "tmpfs", sandbox], check=True)
        try:
            cmd = "awk 'BEGIN { for (i = 0; i < 16384; i++) printf \"%08d %054d\\n\", i, i }'"
            r, cid, _ = launch(AGENT1, task(cmd), sandbox)
            self.assertExit(r, 0)
            w = helper(AGENT1, "wait", cid)
            self.assertExit(w, 0)
            self.assertEqual(w.json()["status"], "FINISHED")
            lines = read(f"{sandbox}/stdout").split("\n")
            whole = [l for l in lines[:-1]]
            self.assertGreater(len(whole), 100)
            self.assertEqual(whole, [f"{i:08d} {i:054d}" for i in range(len(whole))])
            # removed after its output was drained: the monitor does it just after writing the exit
            self.assertTrue(wait_until(lambda: not container_exists(f"mesos-{cid}"), 30))
            # the monitor survived: the next launch in a healthy sandbox works
            r2, cid2, sb2 = launch(AGENT1, task("echo after"))
            self.assertExit(r2, 0)
            helper(AGENT1, "wait", cid2)
            self.assertEqual(read(f"{sb2}/stdout"), "after\n")
        finally:
            subprocess.run(["umount", "-l", sandbox], capture_output=True)

    def test_helper_killed_at_every_step_of_launch(self):
        ids = []
        for delay in (0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5):
            cid = new_id("kill")
            ids.append(cid)
            p = subprocess.Popen([HELPER, "launch", "--container-id", cid, "--sandbox", make_sandbox(AGENT1)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT1))
            p.stdin.write(json.dumps(task("sleep 300")).encode())
            p.stdin.close()
            time.sleep(delay)
            p.kill()
            p.wait()
            p.stdout.close()
            p.stderr.close()
        # a request the killed helper had already sent still completes in the daemon; an agent
        # that restarts takes longer than that
        time.sleep(3)
        rec = helper(AGENT1, "recover", "--kill-orphans")
        self.assertExit(rec, 0)
        for cid in ids:
            self.assertTrue(wait_until(lambda: not container_exists(f"mesos-{cid}"), 30),
                            f"mesos-{cid} left behind after recover")
        for e in helper(AGENT1, "list").json():
            if e["container"][len("mesos-"):] in ids:
                self.assertNotEqual(e["state"], "running", e)


if __name__ == "__main__":
    main()
