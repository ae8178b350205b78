"""Every bad input gets its documented exit code, one clear line naming the field, and changes nothing."""

import json
import os
import socket
import subprocess
import threading
import time

from harness import (AGENT1, DOCKER_SOCK, HELPER_SECTION, DEFAULT_CALLERS, SANDBOX_ROOT, HelperTestCase,
                     container_exists, helper, main, make_sandbox, task, write_policy, new_id, uid_of)


class BadInput(HelperTestCase):

    def launch(self, stdin, sandbox=None, cid=None):
        sandbox = sandbox or make_sandbox(AGENT1)
        cid = cid or new_id()
        r = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", sandbox, stdin=stdin)
        if r.code != 0:
            self.assertFalse(container_exists(f"mesos-{cid}"), "nothing was created")
        return r

    def test_malformed_json(self):
        self.assertExit(self.launch("{not json"), 65)

    def test_wrong_types(self):
        t = task("x")
        t["command"]["value"] = 5
        self.assertExit(self.launch(t), 65, "command.value")
        t = task("x")
        t["command"]["shell"] = "yes"
        self.assertExit(self.launch(t), 65, "command.shell")

    def test_unknown_enum(self):
        self.assertExit(self.launch(task("x", network="HOSTT")), 65,
                        'container.docker.network: unknown value "HOSTT"')

    def test_misspelled_fields_are_refused_with_the_nearest_name(self):
        t = task("x")
        t["contianer"] = t.pop("container")
        self.assertExit(self.launch(t), 65, "contianer: no such field in TaskInfo (did you mean container?)")
        t = task("x")
        t["container"]["docker"]["netwrok"] = "BRIDGE"
        self.assertExit(self.launch(t), 65,
                        "container.docker.netwrok: no such field in DockerInfo (did you mean network?)")
        t = task("x", uris=[{"value": "http://x/y", "extrat": True}])
        self.assertExit(self.launch(t), 65, "command.uris[0].extrat: no such field in CommandInfo.URI "
                                            "(did you mean extract?)")

    def test_mesos_fields_the_helper_does_not_use_are_accepted(self):
        t = task("x", labels={"labels": [{"key": "a", "value": "b"}]}, health_check={"anything": 1},
                 discovery={"visibility": "FRAMEWORK"}, kill_policy={"grace_period": {"nanoseconds": 1}},
                 slave_id={"value": "s1"}, data="aGk=")
        t["container"]["network_infos"] = [{"name": "x"}]
        t["command"]["environment"] = {"variables": [{"name": "A", "value": "1"}]}
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT1),
                   stdin=t)
        self.assertExit(r, 0)

    def test_enum_errors_list_the_values(self):
        self.assertExit(self.launch(task("x", network="HOSTT")), 65,
                        'container.docker.network: unknown value "HOSTT" (HOST, BRIDGE, NONE or USER)')
        t = task("x", volumes=[{"container_path": "/x", "host_path": "y", "mode": "rw"}])
        self.assertExit(self.launch(t), 65, 'container.volumes[0].mode: unknown value "rw" (RW or RO)')

    def test_not_docker_is_65_and_says_so(self):
        t = task("x")
        t["container"]["type"] = "MESOS"
        r = self.launch(t)
        self.assertExit(r, 65, "not DOCKER")

    def test_missing_image(self):
        t = task("x")
        del t["container"]["docker"]["image"]
        self.assertExit(self.launch(t), 65, "container.docker.image")

    def test_bad_image_reference(self):
        self.assertExit(self.launch(task("x", image="Bad Image;rm -rf /")), 65, "container.docker.image")
        self.assertExit(self.launch(task("x", image="-v/:/host")), 65, "container.docker.image")

    def test_huge_task_is_refused(self):
        t = task("x" * (2 * 1024 * 1024))
        self.assertExit(self.launch(t), 65)

    def test_sandbox_missing(self):
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", f"{SANDBOX_ROOT}/does-not-exist",
                   stdin=task("x"))
        self.assertExit(r, 64, "does-not-exist")

    def test_sandbox_not_a_directory(self):
        path = f"{SANDBOX_ROOT}/file-{new_id()}"
        open(path, "w").close()
        os.chown(path, uid_of(AGENT1), uid_of(AGENT1))
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", path, stdin=task("x"))
        self.assertExit(r, 64, "not a directory")

    def test_sandbox_symlink(self):
        real = make_sandbox(AGENT1)
        link = f"{SANDBOX_ROOT}/link-{new_id()}"
        os.symlink(real, link)
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", link, stdin=task("x"))
        self.assertExit(r, 64, "symlink")
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", link + "/.", stdin=task("x"))
        self.assertExit(r, 64, "symlink")

    def test_sandbox_not_the_callers(self):
        other = make_sandbox("md-agent2")
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", other, stdin=task("x"))
        self.assertExit(r, 77, "not owned by uid")

    def test_sandbox_outside_root(self):
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", "/tmp", stdin=task("x"))
        self.assertExit(r, 77, f"sandbox /tmp: not under a sandbox-root of the policy ({SANDBOX_ROOT})")
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", f"{SANDBOX_ROOT}/../../..",
                   stdin=task("x"))
        self.assertIn(r.code, (64, 77))

    def test_bad_ids(self):
        sandbox = make_sandbox(AGENT1)
        for bad in ["", "-x", "a/b", "../x", "a" * 129, "a b", "é"]:
            r = helper(AGENT1, "launch", "--container-id", bad, "--sandbox", sandbox, stdin=task("x"))
            self.assertExit(r, 64)
            self.assertExit(helper(AGENT1, "wait", bad), 64)
            self.assertExit(helper(AGENT1, "destroy", bad), 64)

    def test_usage_errors(self):
        self.assertExit(helper(AGENT1), 64)
        self.assertExit(helper(AGENT1, "frobnicate"), 64)
        self.assertExit(helper(AGENT1, "launch", "--sandbox", make_sandbox(AGENT1)), 64, "--container-id")
        self.assertExit(helper(AGENT1, "wait"), 64)
        self.assertExit(helper(AGENT1, "destroy", "x", "--grace", "soon"), 64, "--grace")
        self.assertExit(helper(AGENT1, "launch", "--bogus"), 64)

    def test_usage_message_says_usage_once(self):
        r = helper(AGENT1, "usage")
        self.assertExit(r, 64)
        self.assertEqual(r.err, "mesos-docker-helper: usage: usage ID\n")
        self.assertEqual(helper(AGENT1, "wait").err, "mesos-docker-helper: usage: wait ID\n")

    def test_relative_task_file_is_read_from_the_callers_directory(self):
        sandbox = make_sandbox(AGENT1)
        with open(os.path.join(sandbox, "task.json"), "w") as f:
            json.dump(task("echo hi"), f)
        os.chown(os.path.join(sandbox, "task.json"), uid_of(AGENT1), uid_of(AGENT1))
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", sandbox,
                   "--task", "task.json", cwd=sandbox)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["create"]["body"]["Cmd"], ["/bin/sh", "-c", "echo hi"])

    def test_unknown_container(self):
        self.assertExit(helper(AGENT1, "wait", new_id()), 2, "no such container")
        self.assertExit(helper(AGENT1, "destroy", new_id()), 2, "no such container")

    def test_help_and_version(self):
        r = helper(AGENT1, "--version")
        self.assertEqual(r.code, 0)
        self.assertRegex(r.out, r"^mesos-docker-helper \d+\.\d+")
        r = helper(AGENT1, "--help")
        self.assertEqual(r.code, 0)
        self.assertIn("launch", r.out)


class DaemonDown(HelperTestCase):
    """A daemon that is not there, or accepts and never answers: exit 69 in bounded time."""

    def with_socket(self, path):
        write_policy(HELPER_SECTION.replace(DOCKER_SOCK, path) + DEFAULT_CALLERS)

    def test_no_daemon(self):
        self.with_socket("/run/mesos-docker-test/nobody.sock")
        # bounded: a helper that hangs is killed by the timeout and fails the case
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT1), stdin=task("x"),
                   timeout=60)
        self.assertExit(r, 69)

    def test_silent_daemon(self):
        path = "/run/mesos-docker-test/silent.sock"
        if os.path.exists(path):
            os.unlink(path)
        srv = socket.socket(socket.AF_UNIX)
        srv.bind(path)
        srv.listen(16)
        held = []
        stop = threading.Event()

        def accept():
            srv.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(srv.accept()[0])
                except OSError:
                    pass
        th = threading.Thread(target=accept, daemon=True)
        th.start()
        try:
            self.with_socket(path)
            r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT1),
                       stdin=task("x"), timeout=120)
            self.assertExit(r, 69)
        finally:
            stop.set()
            th.join()
            srv.close()
            os.unlink(path)


if __name__ == "__main__":
    main()
