"""The pid `launch` prints is the container's init as the host saw it, even when the container had
exited before the daemon was asked (dockerd zeroes State.Pid at the exit). Checked against
containerd's own word: its /tasks/start event carries the pid dockerd would have reported."""

import json
import os
import shutil
import subprocess
import threading

from harness import AGENT1, DOCKER_SOCK, STATE_DIR, HelperTestCase, helper, launch, main, read, task, wait_until

# dockerd starts its own containerd under its exec-root (tools/lib.sh: dirname(socket)/exec)
# unless the system's runs
CONTAINERD_SOCKETS = [os.path.join(os.path.dirname(DOCKER_SOCK), "exec", "containerd", "containerd.sock"),
                      "/run/containerd/containerd.sock"]
# a race: the container is gone before the inspect only sometimes, so several launches
LAUNCHES = 8


class TaskStarts:
    """`ctr events` in the background: the pid of each container's /tasks/start, by docker id."""

    def __init__(self, address):
        self.pids = {}
        self.proc = subprocess.Popen(["ctr", "--address", address, "--namespace", "moby", "events"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            if " /tasks/start " not in line:
                continue
            ev = json.loads(line[line.index("{"):])
            self.pids[ev["container_id"]] = ev["pid"]

    def pid_of(self, docker_id):
        return wait_until(lambda: self.pids.get(docker_id), 30)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class LaunchPid(HelperTestCase):

    def setUp(self):
        super().setUp()
        address = next((s for s in CONTAINERD_SOCKETS if os.path.exists(s)), None)
        if not shutil.which("ctr") or not address:
            self.skipTest("no ctr, or no containerd socket of the test daemon")
        self.events = TaskStarts(address)
        self.addCleanup(self.events.stop)
        # the subscription is live once it reports a start: the launches below are all seen
        r, cid, _ = launch(AGENT1, task("exit 0"))
        self.assertExit(r, 0)
        self.assertTrue(self.events.pid_of(r.json()["docker_id"]), "ctr events reports no start")
        helper(AGENT1, "wait", cid)

    def test_pid_of_a_container_that_exits_at_once_is_its_init(self):
        for _ in range(LAUNCHES):
            r, cid, _ = launch(AGENT1, task("exit 0"))
            self.assertExit(r, 0)
            info = r.json()
            self.assertEqual(info["pid"], self.events.pid_of(info["docker_id"]), r)
            self.assertExit(helper(AGENT1, "wait", cid), 0)
            # the record (sandboxfs' info.json) says the same once the exit is in
            record = json.loads(read(f"{STATE_DIR}/containers/{info['container']}.json"))
            self.assertEqual(record["pid"], info["pid"])

    def test_pid_of_a_running_container_is_still_the_daemons(self):
        r, cid, _ = launch(AGENT1, task("sleep 30"))
        self.assertExit(r, 0)
        info = r.json()
        self.assertGreater(info["pid"], 0)
        self.assertEqual(info["pid"], self.events.pid_of(info["docker_id"]))
        self.assertExit(helper(AGENT1, "destroy", cid), 0)


if __name__ == "__main__":
    main()
