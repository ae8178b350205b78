"""The helper commands the docker-CLI front end uses (FRONTEND-INTERFACE.md): ID forms,
launch --attach, inspect, kill, rm, pull, exec. Run as unprivileged agents against the
installed setuid helper; two agents never reach each other's containers."""

import base64
import json
import os
import signal
import subprocess
import time

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, HELPER, HELPER_SECTION, IMAGE, IMAGE_NORMALIZED, REGISTRY,
                     HelperTestCase, as_user, audit_records, container_exists, docker_api, helper, launch, main,
                     make_sandbox, new_id, read, task, uid_of, wait_until)

# agent1 may exec into its own containers; agent2's section has no exec key (default no)
EXEC_POLICY = HELPER_SECTION + DEFAULT_CALLERS.replace("readers         = %md-readers\n",
                                                       "readers         = %md-readers\nexec            = yes\n")
assert "exec            = yes" in EXEC_POLICY


def running(user, command):
    r, cid, sandbox = launch(user, task(command))
    assert r.code == 0, r
    return cid, r.json(), sandbox


class IdForms(HelperTestCase):

    def test_id_mesos_id_and_docker_id_name_the_same_container(self):
        _, w, _ = None, None, None
        r, cid, _ = launch(AGENT1, task("exit 4"))
        self.assertExit(r, 0)
        docker_id = r.json()["docker_id"]
        for form in (cid, f"mesos-{cid}", docker_id, docker_id[:12]):
            w = helper(AGENT1, "wait", form)
            self.assertExit(w, 0)
            self.assertEqual(w.json()["container"], f"mesos-{cid}", form)
            self.assertEqual(w.json()["exit_code"], 4)

    def test_usage_takes_mesos_id(self):
        cid, _, _ = running(AGENT1, "sleep 60")
        try:
            u = helper(AGENT1, "usage", f"mesos-{cid}")
            self.assertExit(u, 0)
            self.assertIn("mem_rss_bytes", u.json())
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_an_id_that_starts_with_mesos(self):
        r, cid, _ = launch(AGENT1, task("exit 5"), cid="mesos-" + new_id())
        self.assertExit(r, 0)
        self.assertEqual(r.json()["container"], f"mesos-{cid}")
        w = helper(AGENT1, "wait", cid)  # "mesos-X": no record mesos-X, so the ID mesos-X
        self.assertExit(w, 0)
        self.assertEqual(w.json()["exit_code"], 5)

    def test_another_agents_container_in_every_form_is_no_such_container(self):
        cid, info, _ = running(AGENT1, "sleep 60")
        try:
            for form in (cid, f"mesos-{cid}", info["docker_id"], info["docker_id"][:12]):
                for cmd in (["wait", form], ["usage", form], ["destroy", form, "--grace", "0"]):
                    self.assertExit(helper(AGENT2, *cmd), 2, "no such container")
            self.assertTrue(docker_api("GET", f"/containers/mesos-{cid}/json")[1]["State"]["Running"])
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_not_an_id_is_a_usage_error(self):
        self.assertExit(helper(AGENT1, "wait", "../x"), 64)


def denials(command, user, since):
    return [a for a in audit_records()[since:] if a["command"] == command and a["decision"] == "deny"
            and a["caller_uid"] == uid_of(user)]


class Attach(HelperTestCase):
    """launch --attach: output on the helper's own fds, the helper lives as long as the container."""

    def start(self, user, command, out_path, err_path, cid=None):
        sandbox = make_sandbox(user)
        cid = cid or new_id()
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        out = os.open(out_path, flags, 0o644)
        err = os.open(err_path, flags, 0o644)
        proc = subprocess.Popen([HELPER, "launch", "--container-id", cid, "--sandbox", sandbox, "--attach"],
                                stdin=subprocess.PIPE, stdout=out, stderr=err, env={"PATH": "/usr/bin:/bin"},
                                **as_user(user))
        os.close(out)
        os.close(err)
        proc.stdin.write(json.dumps(task(command)).encode())
        proc.stdin.close()
        return proc, cid, sandbox

    def paths(self):
        d = make_sandbox(AGENT1)  # any directory; the test opens the files, not the agent
        return f"{d}/out", f"{d}/err"

    def test_20000_lines_on_an_append_file_no_gap_no_duplicate(self):
        out, err = self.paths()
        with open(out, "w") as f:
            f.write("before\n")  # O_APPEND: the container's output goes after it
        proc, cid, sandbox = self.start(
            AGENT1, "i=0; while [ $i -lt 20000 ]; do echo \"line $i\"; i=$((i+1)); done; echo done >&2; exit 3",
            out, err)
        self.assertEqual(proc.wait(timeout=300), 3)
        lines = read(out).split("\n")
        self.assertEqual(lines[0], "before")
        self.assertEqual(lines[-1], "")
        body = lines[1:-1]
        self.assertEqual(len(body), 20000)
        for i, line in enumerate(body):
            if line != f"line {i}":
                self.fail(f"line {i} is {line!r}")
        self.assertEqual(read(err), "done\n")  # nothing but the container's stderr
        self.assertFalse(os.path.exists(f"{sandbox}/stdout"))
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)
        self.assertEqual(w.json()["exit_code"], 3)

    def test_sigterm_reaches_the_container_and_the_helper_exits_with_its_status(self):
        out, err = self.paths()
        proc, cid, _ = self.start(AGENT1, "trap 'echo got-term; exit 7' TERM; echo ready; "
                                  "while :; do sleep 0.1; done", out, err)
        self.assertTrue(wait_until(lambda: "ready" in read(out), 60), read(err))
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=60), 7)
        self.assertEqual(read(out), "ready\ngot-term\n")
        self.assertEqual(read(err), "")

    def test_usr1_hup_int_are_forwarded_and_audited(self):
        out, err = self.paths()
        proc, cid, _ = self.start(AGENT1, "trap 'echo got-usr1' USR1; trap 'echo got-hup' HUP; "
                                  "trap 'echo got-int; exit 2' INT; echo ready; while :; do sleep 0.1; done",
                                  out, err)
        self.assertTrue(wait_until(lambda: "ready" in read(out), 60), read(err))
        proc.send_signal(signal.SIGUSR1)
        self.assertTrue(wait_until(lambda: "got-usr1" in read(out), 30))
        proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: "got-hup" in read(out), 30))
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(timeout=60), 2)
        self.assertEqual(read(out), "ready\ngot-usr1\ngot-hup\ngot-int\n")
        reasons = [a["reason"] for a in audit_records() if a["container"] == f"mesos-{cid}"]
        for sig in ("SIGUSR1", "SIGHUP", "SIGINT"):
            self.assertIn(f"launch --attach forwards {sig}", reasons)

    def test_a_monitor_that_dies_is_replaced_and_the_output_stays_ours(self):
        out, err = self.paths()
        n = 300
        proc, cid, sandbox = self.start(
            AGENT1, f"i=0; while [ $i -lt {n} ]; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done", out, err)
        self.assertTrue(wait_until(lambda: read(out).count("\n") > 20, 60), read(err))
        with open(f"/run/mesos-docker-test/state/containers/mesos-{cid}.json") as f:
            monitor = json.load(f)["monitor_pid"]
        os.kill(monitor, signal.SIGKILL)
        self.assertEqual(proc.wait(timeout=120), 0)
        self.assertEqual(read(out).splitlines(), [f"line {i}" for i in range(n)])
        self.assertFalse(os.path.exists(f"{sandbox}/stdout"))

    def test_killed_by_a_signal_exits_128_plus_n(self):
        out, err = self.paths()
        proc, cid, _ = self.start(AGENT1, "echo ready; while :; do sleep 0.1; done", out, err)
        self.assertTrue(wait_until(lambda: "ready" in read(out), 60), read(err))
        k = helper(AGENT1, "kill", cid, "--signal", "KILL")
        self.assertExit(k, 0)
        self.assertEqual(proc.wait(timeout=60), 137)

    def test_a_pipe_is_refused(self):
        sandbox = make_sandbox(AGENT1)
        cid = new_id()
        r = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", sandbox, "--attach", stdin=task("true"))
        self.assertEqual(r.code, 64, r)
        self.assertIn("regular file", r.err)
        self.assertFalse(container_exists(f"mesos-{cid}"))

    def test_a_denied_launch_says_so_before_anything_runs(self):
        out, err = self.paths()
        sandbox = make_sandbox(AGENT2)
        with open(out, "ab") as o, open(err, "ab") as e:
            p = subprocess.run([HELPER, "launch", "--container-id", new_id(), "--sandbox", sandbox, "--attach"],
                               input=json.dumps(task("true", image=f"{REGISTRY}/mesos-test/busybox:latest")).encode(),
                               stdout=o, stderr=e, env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT2))
        self.assertEqual(p.returncode, 77)
        self.assertEqual(read(out), "")
        self.assertIn("denied", read(err))


class Inspect(HelperTestCase):

    def test_running_container_is_the_daemons_json_with_the_real_pid(self):
        cid, info, _ = running(AGENT1, "sleep 60")
        try:
            for args in (["inspect", cid], ["inspect", "--type", "container", f"mesos-{cid}"],
                         ["inspect", info["docker_id"][:10]]):
                r = helper(AGENT1, *args)
                self.assertExit(r, 0)
                arr = r.json()
                self.assertEqual(len(arr), 1)
                obj = arr[0]
                self.assertEqual(obj["Id"], info["docker_id"])
                self.assertEqual(obj["Name"], f"/mesos-{cid}")
                _, daemon = docker_api("GET", f"/containers/{info['docker_id']}/json")
                self.assertEqual(obj["State"]["Pid"], daemon["State"]["Pid"])
                self.assertEqual(obj["State"]["Pid"], info["pid"])
                self.assertTrue(os.path.exists(f"/proc/{obj['State']['Pid']}"))
                self.assertNotEqual(obj["State"]["StartedAt"], "0001-01-01T00:00:00Z")
                self.assertIn("NetworkMode", obj["HostConfig"])
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_removed_container_is_synthesized_from_the_record(self):
        r, cid, _ = launch(AGENT1, task("exit 3"))
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertTrue(wait_until(lambda: not container_exists(f"mesos-{cid}"), 30))
        i = helper(AGENT1, "inspect", f"mesos-{cid}")
        self.assertExit(i, 0)
        obj = i.json()[0]
        self.assertEqual(obj["Id"], r.json()["docker_id"])
        self.assertEqual(obj["Name"], f"/mesos-{cid}")
        self.assertEqual(obj["State"]["Status"], "exited")
        self.assertFalse(obj["State"]["Running"])
        self.assertEqual(obj["State"]["Pid"], 0)
        self.assertEqual(obj["State"]["ExitCode"], 3)
        self.assertEqual(obj["Config"]["Image"], IMAGE_NORMALIZED)
        self.assertIn("NetworkMode", obj["HostConfig"])

    def test_image_has_container_config_entrypoint_and_env(self):
        for args in (["inspect", "--type", "image", IMAGE], ["inspect", IMAGE]):
            r = helper(AGENT1, *args)
            self.assertExit(r, 0)
            obj = r.json()[0]
            cc = obj["ContainerConfig"]
            self.assertIn("Entrypoint", cc)
            self.assertIsInstance(cc["Env"], list)
            self.assertTrue(any(e.startswith("PATH=") for e in cc["Env"]), cc)

    def test_image_not_allowed_is_denied_and_audited(self):
        n = len(audit_records())
        r = helper(AGENT2, "inspect", "--type", "image", f"{REGISTRY}/mesos-test/busybox:latest")
        self.assertExit(r, 77, "denied")
        self.assertTrue(denials("inspect", AGENT2, n))
        # without --type, not a container and not an allowed image: no such object
        self.assertExit(helper(AGENT2, "inspect", f"{REGISTRY}/mesos-test/busybox:latest"), 2)

    def test_missing_image_is_2(self):
        self.assertExit(helper(AGENT1, "inspect", "--type", "image", "mesos-test/nonexistent:1"), 2)


class Kill(HelperTestCase):

    def test_signal_by_name_then_default_kill(self):
        cid, info, sandbox = running(AGENT1, "trap 'echo got-usr1' USR1; echo ready; while :; do sleep 0.1; done")
        self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 30))
        k = helper(AGENT1, "kill", f"mesos-{cid}", "--signal", "SIGUSR1")
        self.assertExit(k, 0)
        self.assertTrue(wait_until(lambda: "got-usr1" in read(f"{sandbox}/stdout"), 30))
        self.assertExit(helper(AGENT1, "kill", "--signal", "9", cid), 0)  # options before the ID too
        w = helper(AGENT1, "wait", cid)
        self.assertEqual(w.json()["exit_code"], 137)
        self.assertEqual(w.json()["signal"], 9)
        self.assertExit(helper(AGENT1, "kill", cid), 1, "not running")
        self.assertTrue(any(a["command"] == "kill" and a["decision"] == "allow" and a["container"] == f"mesos-{cid}"
                            for a in audit_records()))

    def test_bad_signal_is_a_usage_error(self):
        self.assertExit(helper(AGENT1, "kill", "x", "--signal", "NOPE"), 64)


class Remove(HelperTestCase):

    def test_rm_forgets_a_finished_container(self):
        r, cid, _ = launch(AGENT1, task("true"))
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertExit(helper(AGENT1, "rm", cid), 0)
        self.assertExit(helper(AGENT1, "wait", cid), 2)

    def test_rm_of_a_running_container_needs_force(self):
        cid, info, _ = running(AGENT1, "sleep 60")
        self.assertExit(helper(AGENT1, "rm", cid), 1, "container is running")
        self.assertTrue(container_exists(f"mesos-{cid}"))
        self.assertExit(helper(AGENT1, "rm", f"mesos-{cid}", "--force"), 0)
        self.assertFalse(container_exists(info["docker_id"]))
        self.assertExit(helper(AGENT1, "inspect", cid), 2)


class TwoAgents(HelperTestCase):
    """Nothing of agent1's is reachable by agent2, in any ID form: always 2 "no such container"."""

    policy = EXEC_POLICY

    def test_agent2_cannot_touch_agent1s_container(self):
        cid, info, _ = running(AGENT1, "sleep 60")
        n = len(audit_records())
        try:
            for form in (cid, f"mesos-{cid}", info["docker_id"], info["docker_id"][:12]):
                for args in (["inspect", form], ["inspect", "--type", "container", form], ["kill", form],
                             ["rm", "--force", form], ["exec", form, "true"], ["wait", form]):
                    r = helper(AGENT2, *args)
                    self.assertExit(r, 2, "no such")
            for command in ("kill", "rm", "exec"):
                self.assertTrue(denials(command, AGENT2, n), command)
            _, daemon = docker_api("GET", f"/containers/{info['docker_id']}/json")
            self.assertTrue(daemon["State"]["Running"])
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")


class Exec(HelperTestCase):

    policy = EXEC_POLICY

    def test_exec_output_and_exit_code(self):
        cid, _, _ = running(AGENT1, "sleep 60")
        try:
            r = helper(AGENT1, "exec", f"mesos-{cid}", "sh", "-c", "echo out; echo err >&2; id -u; exit 3")
            self.assertEqual(r.code, 3, r)
            self.assertEqual(r.out, f"out\n{uid_of(AGENT1)}\n")
            self.assertEqual(r.err, "err\n")
            ok = helper(AGENT1, "exec", cid, "--", "true")
            self.assertEqual(ok.code, 0, ok)
            self.assertEqual(ok.out, "")
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_exec_gets_no_more_privilege_than_the_container(self):
        probe = "grep -E '^(NoNewPrivs|CapEff|CapBnd|Uid|Gid):' /proc/self/status"
        cid, _, sandbox = running(AGENT1, f"{probe}; echo ready; sleep 60")
        try:
            self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 30))
            in_container = read(f"{sandbox}/stdout").replace("ready\n", "")
            r = helper(AGENT1, "exec", cid, "sh", "-c", probe)
            self.assertEqual(r.code, 0, r)
            self.assertEqual(r.out, in_container)
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_exec_denied_without_the_key_and_audited(self):
        cid, _, _ = running(AGENT2, "sleep 60")
        n = len(audit_records())
        try:
            self.assertExit(helper(AGENT2, "exec", cid, "true"), 77, "exec")
            d = denials("exec", AGENT2, n)
            self.assertTrue(d)
            self.assertEqual(d[0]["container"], f"mesos-{cid}")
        finally:
            helper(AGENT2, "destroy", cid, "--grace", "0")

    def test_exec_in_a_finished_container_fails(self):
        _, w, _ = None, None, None
        r, cid, _ = launch(AGENT1, task("true"))
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertExit(helper(AGENT1, "exec", cid, "true"), 1, "not running")


class Pull(HelperTestCase):

    image = f"{REGISTRY}/mesos-test/busybox:latest"

    def setUp(self):
        super().setUp()
        docker_api("DELETE", f"/images/{self.image}?force=1")

    def config(self, password, owner=AGENT1, name="config.json"):
        d = make_sandbox(AGENT1)
        auth = base64.b64encode(f"tester:{password}".encode()).decode()
        path = f"{d}/{name}"
        with open(path, "w") as f:
            if name == ".dockercfg":
                json.dump({REGISTRY: {"auth": auth}}, f)
            else:
                json.dump({"auths": {REGISTRY: {"auth": auth}}}, f)
        os.chown(path, uid_of(owner), uid_of(owner))
        os.chmod(path, 0o600)
        return path

    def test_pull_with_config_json_and_dockercfg(self):
        for name in ("config.json", ".dockercfg"):
            docker_api("DELETE", f"/images/{self.image}?force=1")
            r = helper(AGENT1, "pull", self.image, "--config", self.config("tester-secret", name=name))
            self.assertExit(r, 0)
            code, _ = docker_api("GET", f"/images/{self.image}/json")
            self.assertEqual(code, 200, name)
            self.assertTrue(any(a["command"] == "pull" and a["decision"] == "allow" for a in audit_records()))

    def test_config_is_read_with_the_callers_rights(self):
        # a root-owned 0600 file the agent cannot read: refused, not read by the setuid helper
        r = helper(AGENT1, "pull", self.image, "--config", self.config("tester-secret", owner="root"))
        self.assertExit(r, 1, "Permission denied")

    def test_without_credentials_the_pull_fails(self):
        self.assertExit(helper(AGENT1, "pull", self.image), 1, "pull")
        self.assertExit(helper(AGENT1, "pull", self.image, "--config", "/nonexistent/config.json"), 1, "pull")

    def test_image_not_allowed_is_denied_and_audited(self):
        n = len(audit_records())
        self.assertExit(helper(AGENT2, "pull", self.image), 77, "denied")
        self.assertTrue(denials("pull", AGENT2, n))
        self.assertExit(helper(AGENT1, "pull", "--config", "relative/config.json", self.image), 64)


if __name__ == "__main__":
    main()
