"""The seed's rules, each checked in the container the daemon really ran."""

import json
import os

from harness import (AGENT1, ENTRYPOINT_IMAGE, HelperTestCase, helper, launch, main, make_sandbox, new_id, read,
                     run_task, task, uid_of, docker_api, wait_until)


class SeedRules(HelperTestCase):

    def out(self, t, sandbox=None):
        _, w, sandbox = run_task(AGENT1, t, sandbox)
        self.assertIsNotNone(w, "launch failed")
        self.assertExit(w, 0)
        return w.json(), read(f"{sandbox}/stdout"), sandbox

    def test_relative_task_file_from_the_agents_working_directory(self):
        # an agent that writes task.json into the sandbox and runs the helper from there
        sandbox = make_sandbox(AGENT1)
        with open(os.path.join(sandbox, "task.json"), "w") as f:
            json.dump(task("echo relative"), f)
        os.chown(os.path.join(sandbox, "task.json"), uid_of(AGENT1), uid_of(AGENT1))
        cid = new_id()
        r = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", sandbox, "--task", "task.json",
                   cwd=sandbox)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{sandbox}/stdout"), "relative\n")

    def test_default_command_when_value_unset(self):
        res, out, _ = self.out(task())
        self.assertEqual(out, "default-command\n")

    def test_shell_wraps_in_sh_c(self):
        res, out, _ = self.out(task("echo $((6*7)) | cat"))
        self.assertEqual(out, "42\n")

    def test_shell_words_become_entrypoint_arguments(self):
        res, out, _ = self.out(task("hello", image=ENTRYPOINT_IMAGE))
        self.assertEqual(out, "entry /bin/sh -c hello\n")

    def test_shell_false_passes_value_and_arguments_to_entrypoint(self):
        res, out, _ = self.out(task("a b", image=ENTRYPOINT_IMAGE, shell=False, arguments=["c", "d e"]))
        self.assertEqual(out, "entry a b c d e\n")

    def test_shell_false_without_value_uses_arguments(self):
        res, out, _ = self.out(task(None, image=ENTRYPOINT_IMAGE, shell=False, arguments=["x"]))
        self.assertEqual(out, "entry x\n")

    def test_entrypoint_image_default(self):
        res, out, _ = self.out(task(image=ENTRYPOINT_IMAGE))
        self.assertEqual(out, "entry default-arg\n")

    def test_sandbox_is_mounted_with_env(self):
        sandbox = make_sandbox(AGENT1)
        with open(f"{sandbox}/input.txt", "w") as f:
            f.write("from-host\n")
        t = task("cat $MESOS_SANDBOX/input.txt; echo $MESOS_SANDBOX $MESOS_CONTAINER_NAME; pwd; "
                 "echo made > /mnt/mesos/sandbox/made.txt; id -u")
        r, cid, _ = launch(AGENT1, t, sandbox)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        lines = read(f"{sandbox}/stdout").splitlines()
        self.assertEqual(lines[0], "from-host")
        self.assertEqual(lines[1], f"/mnt/mesos/sandbox mesos-{cid}")
        self.assertEqual(lines[2], "/mnt/mesos/sandbox")
        self.assertEqual(read(f"{sandbox}/made.txt"), "made\n")
        # container-users = caller: the task ran as the agent, and its files are the agent's
        self.assertEqual(lines[3], str(uid_of(AGENT1)))
        self.assertEqual(os.stat(f"{sandbox}/made.txt").st_uid, uid_of(AGENT1))

    def inspect_running(self, t):
        r, cid, sandbox = launch(AGENT1, t)
        self.assertExit(r, 0)
        code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
        self.assertEqual(code, 200)
        helper(AGENT1, "destroy", cid, "--grace", "0")
        return info

    def test_host_network_by_default(self):
        info = self.inspect_running(task("sleep 30"))
        self.assertEqual(info["HostConfig"]["NetworkMode"], "host")

    def test_network_none(self):
        info = self.inspect_running(task("sleep 30", network="NONE"))
        self.assertEqual(info["HostConfig"]["NetworkMode"], "none")

    def test_resources_to_shares_and_memory(self):
        info = self.inspect_running(task("sleep 30", resources={"cpus": 0.5, "mem": 64}))
        self.assertEqual(info["HostConfig"]["CpuShares"], 512)
        self.assertEqual(info["HostConfig"]["Memory"], 64 * 1024 * 1024)
        info = self.inspect_running(task("sleep 30", resources={"cpus": 0.0001, "mem": 4}))
        self.assertEqual(info["HostConfig"]["CpuShares"], 2)
        self.assertEqual(info["HostConfig"]["Memory"], 32 * 1024 * 1024)

    def test_owner_label_on_every_container(self):
        info = self.inspect_running(task("sleep 30"))
        labels = info["Config"]["Labels"]
        self.assertEqual(labels["org.apache.mesos.docker.owner-uid"], str(uid_of(AGENT1)))
        self.assertEqual(labels["org.apache.mesos.docker.managed-by"], "mesos-docker-helper")

    def test_relative_volume_is_inside_the_sandbox(self):
        sandbox = make_sandbox(AGENT1)
        os.mkdir(f"{sandbox}/data")
        os.chown(f"{sandbox}/data", uid_of(AGENT1), uid_of(AGENT1))
        with open(f"{sandbox}/data/x", "w") as f:
            f.write("vol\n")
        t = task("cat /data/x; cat sub/x", volumes=[
            {"container_path": "/data", "host_path": "data", "mode": "RO"},
            {"container_path": "sub", "host_path": "data", "mode": "RW"}])
        res, out, _ = self.out(t, sandbox)
        self.assertEqual(out, "vol\nvol\n")

    def test_read_only_volume_is_read_only(self):
        sandbox = make_sandbox(AGENT1)
        os.mkdir(f"{sandbox}/ro")
        os.chown(f"{sandbox}/ro", uid_of(AGENT1), uid_of(AGENT1))
        t = task("touch /ro/x && echo wrote || echo refused", volumes=[
            {"container_path": "/ro", "host_path": "ro", "mode": "RO"}])
        res, out, _ = self.out(t, sandbox)
        self.assertEqual(out, "refused\n")

    def test_executor_mode(self):
        t = {"task_id": {"value": "exec-task"},
             "executor": {"executor_id": {"value": "ex1"},
                          "command": {"value": "echo executor-ran"},
                          "container": {"type": "DOCKER", "docker": {"image": "mesos-test/busybox:latest"}}}}
        r, cid, sandbox = launch(AGENT1, t)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["mode"], "executor")
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{sandbox}/stdout"), "executor-ran\n")

    def test_pull_when_missing_from_private_registry_needs_credentials(self):
        # the image exists only in the registry; without credentials the pull is refused
        from harness import REGISTRY
        docker_api("DELETE", f"/images/{REGISTRY}/mesos-test/busybox:latest?force=1")
        r, _, _ = launch(AGENT1, task("true", image=f"{REGISTRY}/mesos-test/busybox:latest"))
        self.assertExit(r, 1)
        self.assertIn("pull", r.err)


if __name__ == "__main__":
    main()
