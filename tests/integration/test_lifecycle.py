"""The task lifecycle through the setuid helper, run by an unprivileged agent against a real dockerd:
launch, live output in the sandbox, wait, destroy, list; nothing lost, nothing left behind."""

import os
import re
import subprocess

from harness import (AGENT1, HELPER, IMAGE_NORMALIZED, STATE_DIR, HelperTestCase, as_user, container_exists, helper,
                     launch, main, make_sandbox, read, run_task, task, uid_of, wait_until, audit_records)


def voluntary_switches(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("voluntary_ctxt_switches:"))


def sleeps_in_poll(pid):
    with open(f"/proc/{pid}/wchan") as f:
        return "poll" in f.read()


class Lifecycle(HelperTestCase):

    def test_launch_wait_output_and_removal(self):
        r, cid, sandbox = launch(AGENT1, task("echo out-line; echo err-line >&2; sleep 1"))
        self.assertExit(r, 0)
        info = r.json()
        self.assertEqual(set(info), {"container", "docker_id", "pid", "mode", "image"})
        self.assertEqual(info["container"], f"mesos-{cid}")
        self.assertRegex(info["docker_id"], r"^[0-9a-f]{64}$")
        self.assertEqual(info["mode"], "task")
        self.assertEqual(info["image"], IMAGE_NORMALIZED)
        self.assertGreater(info["pid"], 0)
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)
        res = w.json()
        self.assertEqual(res["status"], "FINISHED")
        self.assertEqual(res["exit_code"], 0)
        self.assertIsNone(res["signal"])
        self.assertFalse(res["oom_killed"])
        self.assertRegex(res["finished_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        # stdout and stderr kept apart, owned by the caller
        self.assertTrue(read(f"{sandbox}/stdout").endswith("out-line\n"))
        self.assertTrue(read(f"{sandbox}/stderr").endswith("err-line\n"))
        self.assertNotIn("err-line", read(f"{sandbox}/stdout"))
        self.assertEqual(os.stat(f"{sandbox}/stdout").st_uid, uid_of(AGENT1))
        # stopped and removed after exit (seed)
        self.assertTrue(wait_until(lambda: not container_exists(f"mesos-{cid}"), 30))

    def test_a_waiter_sleeps_through_other_containers_record_changes(self):
        """An agent keeps a `wait` per container: one container's record updates (its byte
        counters, about once a second while it writes) must not wake the waiters of the others."""
        r, quiet, _ = launch(AGENT1, task("exec sleep 600"))
        self.assertExit(r, 0)
        w = subprocess.Popen([HELPER, "wait", quiet], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT1))
        r, busy, _ = launch(AGENT1, task("while :; do echo tick; sleep 0.1; done"))
        self.assertExit(r, 0)
        try:
            self.assertTrue(wait_until(lambda: sleeps_in_poll(w.pid), 30))
            before = voluntary_switches(w.pid)
            busy_record = f"{STATE_DIR}/containers/mesos-{busy}.json"
            inodes = set()
            # the busy record replaced three times (each update is a new file renamed over it)
            self.assertTrue(wait_until(lambda: inodes.add(os.stat(busy_record).st_ino) or len(inodes) > 3, 60))
            self.assertEqual(voluntary_switches(w.pid), before, "the waiter woke for another container's record")
        finally:
            helper(AGENT1, "destroy", busy, "--grace", "0")
            helper(AGENT1, "destroy", quiet, "--grace", "0")
            out, _ = w.communicate(timeout=60)
        self.assertEqual(w.returncode, 0)
        self.assertIn(b'"KILLED"', out)

    def test_wait_works_again_after_removal(self):
        _, w1, _ = run_task(AGENT1, task("exit 0"))
        self.assertExit(w1, 0)
        cid = w1.json()["container"][len("mesos-"):]
        w2 = helper(AGENT1, "wait", cid)
        self.assertExit(w2, 0)
        self.assertEqual(w1.json(), w2.json())

    def test_failing_task_is_failed_with_its_code(self):
        _, w, _ = run_task(AGENT1, task("exit 3"))
        self.assertExit(w, 0)
        self.assertEqual(w.json()["status"], "FAILED")
        self.assertEqual(w.json()["exit_code"], 3)

    def test_destroy_gives_killed(self):
        r, cid, sandbox = launch(AGENT1, task("echo started; exec sleep 600"))
        self.assertExit(r, 0)
        self.assertTrue(wait_until(lambda: "started" in read(f"{sandbox}/stdout"), 20))
        d = helper(AGENT1, "destroy", cid, "--grace", "1", timeout=60)
        self.assertExit(d, 0)
        self.assertEqual(d.json()["status"], "KILLED")
        self.assertFalse(container_exists(f"mesos-{cid}"))
        w = helper(AGENT1, "wait", cid)
        self.assertEqual(w.json()["status"], "KILLED")

    def test_destroy_sends_sigterm_first(self):
        r, cid, sandbox = launch(AGENT1, task("trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.1; done"))
        self.assertExit(r, 0)
        self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 20))
        d = helper(AGENT1, "destroy", cid, "--grace", "20")
        self.assertExit(d, 0)
        self.assertIn("got-term", read(f"{sandbox}/stdout"))
        self.assertEqual(d.json()["status"], "KILLED")

    def test_output_is_live_while_running(self):
        r, cid, sandbox = launch(AGENT1, task("echo first; sleep 3; echo second"))
        self.assertExit(r, 0)
        self.assertTrue(wait_until(lambda: "first" in read(f"{sandbox}/stdout"), 10))
        self.assertNotIn("second", read(f"{sandbox}/stdout"))
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{sandbox}/stdout"), "first\nsecond\n")

    def test_a_few_mib_lose_no_byte(self):
        # 4 MiB of numbered lines on stdout, interleaved with stderr lines
        cmd = ("awk 'BEGIN { for (i = 0; i < 60000; i++) { printf \"line %d %050d\\n\", i, i; "
               "if (i % 1000 == 0) { print \"err \" i > \"/dev/stderr\"; fflush(\"/dev/stderr\") } } }'")
        _, w, sandbox = run_task(AGENT1, task(cmd))
        self.assertExit(w, 0)
        out = read(f"{sandbox}/stdout").splitlines()
        self.assertEqual(len(out), 60000)
        for i, line in enumerate(out):
            if line != f"line {i} {i:050d}":
                self.fail(f"line {i} is {line!r}")
        err = read(f"{sandbox}/stderr").splitlines()
        self.assertEqual(err, [f"err {i}" for i in range(0, 60000, 1000)])

    def test_binary_output_is_exact(self):
        cmd = "i=0; while [ $i -lt 256 ]; do printf \"\\\\$(printf %o $i)\"; i=$((i+1)); done"
        _, w, sandbox = run_task(AGENT1, task(cmd))
        self.assertExit(w, 0)
        self.assertEqual(read(f"{sandbox}/stdout", "rb"), bytes(range(256)))

    def test_list_shows_running_and_finished(self):
        r1, cid1, _ = launch(AGENT1, task("sleep 30"))
        self.assertExit(r1, 0)
        _, w, _ = run_task(AGENT1, task("true"))
        cid2 = w.json()["container"]
        l = helper(AGENT1, "list")
        self.assertExit(l, 0)
        entries = {e["container"]: e for e in l.json()}
        self.assertEqual(entries[f"mesos-{cid1}"]["state"], "running")
        self.assertEqual(entries[cid2]["state"], "exited")
        for e in entries.values():
            self.assertEqual(set(e), {"container", "docker_id", "state", "image", "task_id", "sandbox",
                                      "owner_uid", "exit_code", "started_at", "finished_at", "age_s"})
            self.assertEqual(e["owner_uid"], uid_of(AGENT1))
        self.assertExit(helper(AGENT1, "destroy", cid1, "--grace", "0"), 0)

    def test_same_id_twice_is_refused_while_running(self):
        r, cid, sandbox = launch(AGENT1, task("sleep 30"))
        self.assertExit(r, 0)
        r2 = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", make_sandbox(AGENT1),
                    stdin=task("true"))
        self.assertExit(r2, 1, "already exists")
        self.assertExit(helper(AGENT1, "destroy", cid, "--grace", "0"), 0)

    def test_a_start_the_daemon_refuses_leaves_nothing(self):
        # the launch alone removes a container whose start failed, before it answers
        r, cid, _ = launch(AGENT1, task("/no/such/program", shell=False))
        self.assertExit(r, 1, "/no/such/program")
        self.assertFalse(container_exists(f"mesos-{cid}"))
        self.assertExit(helper(AGENT1, "wait", cid), 2)  # its record went with it
        r2 = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", make_sandbox(AGENT1),
                    stdin=task("true"))
        self.assertExit(r2, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)

    def test_decisions_are_audited(self):
        before = len(audit_records())
        r, cid, _ = launch(AGENT1, task("true"))
        self.assertExit(r, 0)
        recs = audit_records()[before:]
        mine = [x for x in recs if x["container"] == f"mesos-{cid}" and x["command"] == "launch"]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["decision"], "allow")
        self.assertEqual(mine[0]["caller_uid"], uid_of(AGENT1))
        self.assertEqual(mine[0]["caller"], AGENT1)
        self.assertEqual(mine[0]["image"], IMAGE_NORMALIZED)
        self.assertRegex(mine[0]["rule"], r"policy\.conf:\d+$")
        helper(AGENT1, "wait", cid)


if __name__ == "__main__":
    main()
