"""The whole path with real parts: a task launched by an unprivileged agent through the setuid
helper on the real dockerd, its live output read through a real mesos-sandboxfs mount by real
readers (cat, tail -f, grep -r, ls), as the owner, as a reader the policy names, and as a stranger."""

import json
import os
import subprocess
import time
import unittest

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, HELPER_SECTION, PREFIX, READER, HelperTestCase, as_user,
                     helper, launch, main, task, wait_until, write_policy)

SANDBOXFS = os.path.join(PREFIX, "bin", "mesos-sandboxfs")
MNT = "/run/mesos-docker-test/mnt"


class SandboxfsLive(HelperTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.exists("/dev/fuse"):
            raise unittest.SkipTest("no /dev/fuse")

    def setUp(self):
        super().setUp()
        os.makedirs(MNT, exist_ok=True)
        subprocess.run(["fusermount3", "-u", MNT], capture_output=True)
        self.fs = subprocess.Popen([SANDBOXFS, "-f", MNT], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertTrue(wait_until(lambda: os.path.ismount(MNT), 10), "mounted")

    def tearDown(self):
        subprocess.run(["fusermount3", "-u", MNT], capture_output=True)
        try:
            self.fs.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.fs.kill()
            self.fs.wait()
        self.fs.stdout.close()
        self.fs.stderr.close()

    def run_as(self, user, *argv, timeout=60):
        return subprocess.run(list(argv), capture_output=True, timeout=timeout, **as_user(user))

    def test_follow_shows_live_output_to_the_reader_and_ends_at_exit(self):
        r, cid, sandbox = launch(AGENT1, task("for i in 1 2 3 4; do echo line-$i; sleep 0.5; done"))
        self.assertExit(r, 0)
        path = f"{MNT}/mesos-{cid}/follow/stdout"
        self.assertTrue(wait_until(lambda: os.path.exists(path), 10))
        t0 = time.time()
        p = self.run_as(READER, "cat", path)  # blocks until the container exits, like docker logs -f
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b"line-1\nline-2\nline-3\nline-4\n")
        self.assertGreater(time.time() - t0, 0.5, "cat followed the task rather than reading a finished file")
        info = json.loads(self.run_as(AGENT1, "cat", f"{MNT}/mesos-{cid}/info.json").stdout)
        self.assertEqual(info["container"], f"mesos-{cid}")
        self.assertEqual(helper(AGENT1, "wait", cid).json()["status"], "FINISHED")

    def test_tail_f_sees_a_line_written_after_it_started(self):
        r, cid, sandbox = launch(AGENT1, task("echo first; sleep 3; echo second; sleep 30"))
        self.assertExit(r, 0)
        path = f"{MNT}/mesos-{cid}/stdout"
        self.assertTrue(wait_until(lambda: os.path.exists(path), 10))
        tail = subprocess.Popen(["tail", "-f", "-n", "+1", "-s", "0.2", path], stdout=subprocess.PIPE,
                                **as_user(AGENT1))
        try:
            out = b""
            deadline = time.time() + 20
            while b"second" not in out and time.time() < deadline:
                out += os.read(tail.stdout.fileno(), 4096)
            self.assertEqual(out, b"first\nsecond\n")
        finally:
            tail.kill()
            tail.wait()
            tail.stdout.close()
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_stranger_sees_nothing_and_grep_finds_the_owners_output(self):
        r, cid, sandbox = launch(AGENT1, task("echo needle-in-sandbox"))
        self.assertExit(r, 0)
        helper(AGENT1, "wait", cid)
        p = self.run_as(AGENT1, "grep", "-r", "needle-in-sandbox", f"{MNT}/mesos-{cid}/sandbox")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"sandbox/stdout:needle-in-sandbox", p.stdout)
        p = self.run_as(AGENT2, "ls", MNT)
        self.assertNotIn(f"mesos-{cid}".encode(), p.stdout)
        p = self.run_as(AGENT2, "cat", f"{MNT}/mesos-{cid}/stdout")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"No such file", p.stderr)
        p = self.run_as(AGENT1, "sh", "-c", f"echo x > {MNT}/mesos-{cid}/sandbox/new")
        self.assertIn(b"Read-only", p.stderr)

    def test_pruned_container_is_dropped(self):
        write_policy(HELPER_SECTION + "keep-exited   = 5s\n" + DEFAULT_CALLERS)
        r, cid, sandbox = launch(AGENT1, task("echo bye"))
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        path = f"{MNT}/mesos-{cid}"
        # finished and within the retention: shown, with its output
        self.assertEqual(self.run_as(AGENT1, "cat", f"{path}/stdout").stdout, b"bye\n")
        # pruned by the monitor (nobody lists): gone from the mount, though its sandbox is not
        self.assertTrue(wait_until(lambda: self.run_as(AGENT1, "test", "-e", path).returncode != 0, 60))
        self.assertTrue(os.path.isdir(sandbox))
        self.assertNotIn(f"mesos-{cid}".encode(), self.run_as(AGENT1, "ls", MNT).stdout)


if __name__ == "__main__":
    main()
