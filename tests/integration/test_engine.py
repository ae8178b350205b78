"""The engine module (helper/engine.h): what talks to the daemon is loaded only when a command
needs it, and only from a root-owned file that nobody else can write."""

import glob
import json
import os
import signal
import subprocess

from harness import (AGENT1, HELPER, PREFIX, STATE_DIR, HelperTestCase, as_user, helper, launch, main, make_sandbox,
                     new_id, read, task, wait_until)

ENGINE = glob.glob(os.path.join(PREFIX, "lib", "**", "mesos-docker-engine.so"), recursive=True)


def mapped_files(pid):
    with open(f"/proc/{pid}/maps") as f:
        return {line.split()[-1] for line in f if "/" in line}


class Engine(HelperTestCase):

    def test_installed_next_to_the_helper(self):
        self.assertEqual(len(ENGINE), 1, ENGINE)
        st = os.stat(ENGINE[0])
        self.assertEqual(st.st_uid, 0)
        self.assertFalse(st.st_mode & 0o022)

    def test_a_waiting_helper_maps_no_curl_and_no_archive(self):
        r, cid, _ = launch(AGENT1, task("sleep 60"))
        self.assertExit(r, 0)
        w = subprocess.Popen([HELPER, "wait", cid], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT1))
        try:
            # the record says RUNNING once launch returned: the helper is blocked on it by now
            self.assertTrue(wait_until(lambda: os.path.exists(f"/proc/{w.pid}/maps") and
                                       any("libjansson" in m for m in mapped_files(w.pid)), 10))
            maps = mapped_files(w.pid)
            for lib in ("libcurl", "libarchive", "libssl", "libcrypto", "mesos-docker-engine"):
                self.assertFalse([m for m in maps if lib in m], f"{lib} is mapped by a waiting helper")
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")
            out, _ = w.communicate(timeout=60)
        self.assertEqual(w.returncode, 0)
        self.assertIn(b'"KILLED"', out)

    def assert_light(self, pid, when):
        maps = mapped_files(pid)
        self.assertTrue([m for m in maps if "libjansson" in m], maps)
        for lib in ("libcurl", "libarchive", "libssl", "libcrypto", "mesos-docker-engine"):
            self.assertFalse([m for m in maps if lib in m], f"{lib} is mapped by an attached helper {when}")

    def test_an_attached_launch_waits_without_the_engine(self):
        """The process an agent keeps per attached run (Mesos 1.x) costs what `wait` costs: the
        launch, a forwarded signal and the adoption after a monitor crash run apart."""
        sandbox, cid = make_sandbox(AGENT1), new_id()
        out_path, err_path = f"{sandbox}/out", f"{sandbox}/err"
        fds = [os.open(p, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) for p in (out_path, err_path)]
        proc = subprocess.Popen([HELPER, "launch", "--container-id", cid, "--sandbox", sandbox, "--attach"],
                                stdin=subprocess.PIPE, stdout=fds[0], stderr=fds[1], env={"PATH": "/usr/bin:/bin"},
                                **as_user(AGENT1))
        for fd in fds:
            os.close(fd)
        proc.stdin.write(json.dumps(task("trap 'echo got-usr1' USR1; echo ready; "
                                         "while :; do sleep 0.1; done")).encode())
        proc.stdin.close()
        try:
            self.assertTrue(wait_until(lambda: "ready" in read(out_path), 60), read(err_path))
            self.assert_light(proc.pid, "after the launch")
            proc.send_signal(signal.SIGUSR1)
            self.assertTrue(wait_until(lambda: "got-usr1" in read(out_path), 30), read(err_path))
            self.assert_light(proc.pid, "after forwarding a signal")
            record = f"{STATE_DIR}/containers/mesos-{cid}.json"
            with open(record) as f:
                monitor = json.load(f)["monitor_pid"]
            os.kill(monitor, signal.SIGKILL)

            def adopted():
                with open(record) as f:
                    pid = json.load(f).get("monitor_pid")
                return pid and pid != monitor and os.path.exists(f"/proc/{pid}")
            self.assertTrue(wait_until(adopted, 60), read(err_path))
            self.assert_light(proc.pid, "after its container was adopted")
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")
            proc.wait(timeout=60)

    def test_an_engine_others_can_write_is_refused(self):
        path = ENGINE[0]
        mode = os.stat(path).st_mode & 0o7777
        os.chmod(path, mode | 0o020)
        try:
            r, _, _ = launch(AGENT1, task("true"))
            self.assertExit(r, 1, "not a regular file owned by root")
            self.assertExit(helper(AGENT1, "list"), 0)  # what needs no engine still works
        finally:
            os.chmod(path, mode)
        r, cid, _ = launch(AGENT1, task("true"))
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)


if __name__ == "__main__":
    main()
