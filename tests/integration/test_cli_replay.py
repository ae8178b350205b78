"""mesos-docker, the docker-CLI front end, replayed with the EXACT command lines of Mesos 0.20.1 and
1.11 (docs docker-cli.md) as unprivileged agents: through /bin/sh -c where Mesos uses it, with the
environment Mesos gives (env -i for the executor's calls, HOME=SANDBOX for run and pull), each answer
parsed as Mesos' own parser does."""

import base64
import json
import os
import re
import signal
import subprocess
import time
import unittest
import uuid

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, DOCKER_SOCK, HELPER, HELPER_SECTION, IMAGE, PREFIX, REGISTRY,
                     HelperTestCase, Result, as_user, audit_records, container_exists, docker_api, main,
                     make_sandbox, read, uid_of, wait_until)

CLI = os.path.join(PREFIX, "bin", "mesos-docker")
SOCKET_FLAG = ["-H", f"unix://{DOCKER_SOCK}"]  # what a 1.x agent passes (--docker_socket)
MIB = 1024 * 1024

# agent1 may use what Mesos 1.x writes from its own settings; agent2 is the default policy's
POLICY = HELPER_SECTION + DEFAULT_CALLERS.replace(
    "parameters      = label env workdir hostname",
    "parameters      = label env workdir hostname cpu-quota memory-reservation oom-score-adj dns dns-search\n"
    "exec            = yes", 1)


def helper_knows(word):
    """Whether the installed helper has a command (inspect, kill, rm, exec) or launch's --attach."""
    out = subprocess.run([HELPER, "--help"], capture_output=True).stdout.decode()
    return word in out if word.startswith("--") else re.search(rf"^  {word} ", out, re.M) is not None


def cli(user, *args, env=None, stdin=None, timeout=300, **popen):
    """The front end run by exec, as Mesos' exec calls (agent env: PATH only unless given)."""
    proc = subprocess.run([CLI, *args], input=stdin or b"", capture_output=True,
                          env=env if env is not None else {"PATH": "/usr/bin:/bin"}, timeout=timeout,
                          **as_user(user), **popen)
    return Result(proc)


def sh(user, script, env=None, timeout=300):
    """/bin/sh -c "<string>" with the --docker value pasted in, as Mesos' "sh" calls."""
    proc = subprocess.run(["/bin/sh", "-c", script], stdin=subprocess.DEVNULL, capture_output=True,
                          env=env if env is not None else {"PATH": "/usr/bin:/bin"}, timeout=timeout,
                          **as_user(user))
    return Result(proc)


def mesos_ps_names(out):
    """Mesos' ps parser: blank lines dropped, the first line thrown away, the last token the name."""
    lines = [line for line in out.split("\n") if line.strip()]
    assert lines, "an empty ps output aborts the agent"
    return [line.strip().split(" ")[-1] for line in lines[1:]]


def mesos_020_version(out):
    for line in out.split("\n"):
        if line.startswith("Client version: "):
            return int(line[len("Client version: "):].split(".")[0])
    return None


def mesos_1x_version(out):
    word = out.split(",")[0].strip().split(" ")[-1]
    return tuple(int(p) for p in word.split(".")[:3])


def run_020(cid, sandbox, command, extra=()):
    """Mesos 0.20's run: detached, -c shares and -m bytes, the sandbox volume, --net, the shell."""
    return ["run", "-d", "-c", "512", "-m", str(64 * MIB), "-e", "MESOS_SANDBOX=/mnt/mesos/sandbox", *extra,
            "-v", f"{sandbox}:/mnt/mesos/sandbox", "--net", "host", "--entrypoint", "/bin/sh",
            "--name", f"mesos-{cid}", IMAGE, "-c", command]


def run_1x(cid, sandbox, command, extra=(), detach=False):
    """Mesos 1.11's run (attached, env sorted by key)."""
    return [*SOCKET_FLAG, "run", *(["-d"] if detach else []), "--cpu-shares", "1024", "--memory", str(128 * MIB),
            "-e", "MESOS_ALLOCATION_ROLE=*", "-e", f"MESOS_CONTAINER_NAME=mesos-{cid}",
            "-e", "MESOS_SANDBOX=/mnt/mesos/sandbox", "-v", f"{sandbox}:/mnt/mesos/sandbox", "--net", "host",
            *extra, "--entrypoint", "/bin/sh", "--name", f"mesos-{cid}", IMAGE, "-c", command]


def new_uuid():
    return str(uuid.uuid4())


def sandbox_file(user, sandbox, name):
    """SANDBOX/name opened O_APPEND as the agent's launcher opens the executor's stdout/stderr."""
    path = os.path.join(sandbox, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.fchown(fd, uid_of(user), uid_of(user))
    return fd


def processes_with(word):
    pids = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if word.encode() in f.read():
                        pids.append(int(pid))
            except OSError:
                pass
    return pids


class Version(HelperTestCase):
    policy = POLICY

    def test_version_satisfies_both_parsers(self):
        r020 = sh(AGENT1, f"{CLI} version")
        self.assertEqual(r020.code, 0, r020)
        self.assertGreaterEqual(mesos_020_version(r020.out), 1, r020)
        r1x = sh(AGENT1, f"{CLI} -H unix://{DOCKER_SOCK} --version")
        self.assertEqual(r1x.code, 0, r1x)
        self.assertGreaterEqual(mesos_1x_version(r1x.out), (1, 12, 0), r1x)
        # and each parser accepts the other command's answer
        self.assertGreaterEqual(mesos_020_version(r1x.out), 1)
        self.assertGreaterEqual(mesos_1x_version(r020.out), (1, 8, 0))


class Mesos020(HelperTestCase):
    policy = POLICY

    def launch_020(self, user, command):
        cid, sandbox = new_uuid(), make_sandbox(user)
        env = {"PATH": "/usr/bin:/bin", "HOME": sandbox}  # run gets HOME=SANDBOX
        r = cli(user, *run_020(cid, sandbox, command), env=env)
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.out, r"^[0-9a-f]{64}\n$")
        return cid, sandbox

    def test_run_logs_wait_script_each_byte_once(self):
        n = 20000
        cid, sandbox = self.launch_020(AGENT1, f"i=1; while [ $i -le {n} ]; do echo line-$i; i=$((i+1)); done; "
                                               "echo to-stderr >&2; exit 3")
        # the agent: logs in the background, redirected into the sandbox files the monitor writes too
        logs = sh(AGENT1, f"{CLI} logs --follow mesos-{cid} >>{sandbox}/stdout 2>>{sandbox}/stderr &")
        self.assertEqual(logs.code, 0, logs)
        # a logs process that copied into its own file would never end: kill it whatever happens
        self.addCleanup(lambda: [os.kill(p, signal.SIGKILL) for p in processes_with(f"logs\0--follow\0mesos-{cid}")])
        # the command executor, env -i
        w = sh(AGENT1, f"exit `{CLI} wait mesos-{cid}`", env={})
        self.assertEqual(w.code, 3, w)
        self.assertLess(os.path.getsize(f"{sandbox}/stdout"), 16 * n, "no byte written twice")
        lines = read(f"{sandbox}/stdout").splitlines()
        self.assertEqual(lines, [f"line-{i}" for i in range(1, n + 1)])
        self.assertEqual(read(f"{sandbox}/stderr"), "to-stderr\n", "and no complaint from logs")
        # nothing kills the logs process in 0.20's script: it ends by itself
        self.assertTrue(wait_until(lambda: not processes_with(f"logs\0--follow\0mesos-{cid}"), 60))

    def test_logs_to_a_pipe_copies_each_byte_once_and_ends(self):
        cid, sandbox = self.launch_020(AGENT1, "echo a; sleep 2; i=0; while [ $i -lt 3000 ]; do echo b$i; "
                                               "i=$((i+1)); done; echo e >&2")
        r = cli(AGENT1, "logs", "-f", f"mesos-{cid}")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out, read(f"{sandbox}/stdout"))
        self.assertEqual(r.out.count("b2999\n"), 1)
        self.assertEqual(r.err, "e\n")
        again = cli(AGENT1, "logs", f"/mesos-{cid}")
        self.assertEqual((again.code, again.out), (0, r.out))

    def test_ps_stop_wait(self):
        cid, _ = self.launch_020(AGENT1, "exec sleep 600")
        ps = sh(AGENT1, f"{CLI} ps -a")
        self.assertEqual(ps.code, 0, ps)
        self.assertIn(f"mesos-{cid}", mesos_ps_names(ps.out))
        self.assertTrue(ps.out.startswith("CONTAINER ID"))
        stop = cli(AGENT1, "stop", "-t", "1", f"mesos-{cid}")
        self.assertEqual((stop.code, stop.out), (0, f"mesos-{cid}\n"), stop)
        w = sh(AGENT1, f"{CLI} wait mesos-{cid}", env={})
        self.assertEqual(w.code, 0, w)
        self.assertRegex(w.out, r"^-?\d+\n$")
        self.assertFalse(container_exists(f"mesos-{cid}"))

    def test_ps_of_an_agent_with_no_container_is_a_header(self):
        ps = sh(AGENT2, f"{CLI} ps -a")
        self.assertEqual(ps.code, 0, ps)
        self.assertTrue(ps.out.startswith("CONTAINER ID"))
        mesos_ps_names(ps.out)


@unittest.skipUnless(os.path.exists(HELPER) and helper_knows("inspect") and helper_knows("rm"),
                     "the helper has no inspect/kill/rm/pull yet")
class Mesos020Commands(HelperTestCase):
    """0.20's inspect (sh), inspect of an image and pull (exec, HOME=SANDBOX), kill then rm."""
    policy = POLICY

    def test_inspect_kill_rm(self):
        cid, sandbox = new_uuid(), make_sandbox(AGENT1)
        r = cli(AGENT1, *run_020(cid, sandbox, "exec sleep 600"), env={"HOME": sandbox})
        self.assertEqual(r.code, 0, r)
        docker_id = r.out.strip()
        for name in (f"mesos-{cid}", docker_id):
            i = sh(AGENT1, f"{CLI} inspect {name}")
            self.assertEqual(i.code, 0, i)
            arr = json.loads(i.out)
            self.assertEqual(len(arr), 1)
            self.assertEqual(arr[0]["Id"], docker_id)
            # the container ID is Name with the leading /mesos- removed
            self.assertEqual(re.sub(r"^/?mesos-", "", arr[0]["Name"]), cid)
            pid = arr[0]["State"]["Pid"]
            self.assertIsInstance(pid, int)
            os.kill(pid, 0)  # the real host pid, alive
        k = sh(AGENT1, f"{CLI} kill mesos-{cid}")
        self.assertEqual(k.code, 0, k)
        w = sh(AGENT1, f"{CLI} wait mesos-{cid}", env={})
        self.assertEqual(w.out, "137\n", w)
        rm = sh(AGENT1, f"{CLI} rm mesos-{cid}")
        self.assertEqual(rm.code, 0, rm)
        self.assertNotIn(f"mesos-{cid}", mesos_ps_names(sh(AGENT1, f"{CLI} ps -a").out))
        gone = sh(AGENT1, f"{CLI} inspect mesos-{cid}")
        self.assertEqual((gone.code, gone.err), (1, f"Error: No such object: mesos-{cid}\n"), gone)

    def test_inspect_image_and_pull_with_the_sandboxs_dockercfg(self):
        i = cli(AGENT1, "inspect", IMAGE)  # 0.20.1: exec, IMAGE[:latest]
        self.assertEqual(i.code, 0, i)
        entrypoint = json.loads(i.out)[0]["ContainerConfig"]["Entrypoint"]
        self.assertTrue(entrypoint is None or isinstance(entrypoint, list))
        image = f"{REGISTRY}/mesos-test/busybox:latest"
        docker_api("DELETE", f"/images/{image}?force=1")
        sandbox = make_sandbox(AGENT1)
        nocreds = cli(AGENT1, "pull", image, env={"HOME": sandbox})
        self.assertNotEqual(nocreds.code, 0, nocreds)
        self.assertNotEqual(nocreds.err, "")
        auth = base64.b64encode(b"tester:tester-secret").decode()
        with open(f"{sandbox}/.dockercfg", "w") as f:
            json.dump({REGISTRY: {"auth": auth, "email": ""}}, f)
        os.chown(f"{sandbox}/.dockercfg", uid_of(AGENT1), uid_of(AGENT1))
        os.chmod(f"{sandbox}/.dockercfg", 0o600)
        p = cli(AGENT1, *SOCKET_FLAG, "pull", image, env={"HOME": sandbox})
        self.assertEqual(p.code, 0, p)
        self.assertEqual(docker_api("GET", f"/images/{image}/json")[0], 200)
        missing = cli(AGENT1, "inspect", "--type=image", f"{REGISTRY}/mesos-test/nothing-here:latest")
        self.assertEqual(missing.code, 1, missing)


class Isolation(HelperTestCase):
    policy = POLICY

    def test_agents_cannot_see_stop_or_remove_each_others_containers(self):
        cid, sandbox = new_uuid(), make_sandbox(AGENT1)
        r = cli(AGENT1, *run_020(cid, sandbox, "echo secret; exec sleep 600"), env={"HOME": sandbox})
        self.assertEqual(r.code, 0, r)
        docker_id = r.out.strip()
        self.assertNotIn(f"mesos-{cid}", mesos_ps_names(sh(AGENT2, f"{CLI} ps -a").out))
        self.assertIn(f"mesos-{cid}", mesos_ps_names(sh(AGENT1, f"{CLI} ps -a").out))
        attempts = [["wait", f"mesos-{cid}"], ["logs", f"mesos-{cid}"], ["logs", "--follow", cid],
                    [*SOCKET_FLAG, "stop", "-t", "0", f"mesos-{cid}"], ["stop", docker_id],
                    ["stop", docker_id[:12]], ["stop", f"/mesos-{cid}"]]
        if helper_knows("kill") and helper_knows("rm") and helper_knows("exec"):
            attempts += [["kill", f"mesos-{cid}"], [*SOCKET_FLAG, "kill", "--signal=9", cid],
                         ["rm", "-f", f"mesos-{cid}"], [*SOCKET_FLAG, "rm", "-f", "-v", docker_id],
                         ["exec", f"mesos-{cid}", "sh", "-c", "echo in"]]
        for args in attempts:
            a = cli(AGENT2, *args)
            self.assertEqual(a.code, 1, (args, a))
            self.assertEqual(a.err, f"Error: No such container: {args[-1] if args[0] != 'exec' else args[1]}\n",
                             (args, a))
            self.assertNotIn("secret", a.out)
        if helper_knows("inspect"):
            for args in (["inspect", f"mesos-{cid}"], [*SOCKET_FLAG, "inspect", "--type=container", docker_id]):
                a = cli(AGENT2, *args)
                self.assertEqual(a.code, 1, (args, a))
                self.assertIn("Error: No such ", a.err)
                self.assertEqual(a.out.strip(), "[]")
        code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
        self.assertEqual(code, 200)
        self.assertTrue(info["State"]["Running"], "agent2 changed agent1's container")
        stop = cli(AGENT1, "stop", "-t", "0", f"mesos-{cid}")
        self.assertEqual(stop.code, 0, stop)


class Denials(HelperTestCase):
    policy = POLICY

    def refused(self, extra, code, audited, why):
        cid, sandbox = new_uuid(), make_sandbox(AGENT2)
        before = len(audit_records())
        r = cli(AGENT2, *run_1x(cid, sandbox, "echo never", extra=extra, detach=True))
        self.assertEqual(r.code, code, (extra, r))
        self.assertEqual(r.out, "")
        self.assertIn(why, r.err)
        new = [a for a in audit_records()[before:] if a.get("container") == f"mesos-{cid}"]
        if audited:
            self.assertTrue(new and new[-1]["decision"] == "deny", (extra, new))
        else:
            self.assertEqual(new, [], "refused before the helper")
        self.assertFalse(container_exists(f"mesos-{cid}"))
        self.assertNotIn(f"mesos-{cid}", mesos_ps_names(sh(AGENT2, f"{CLI} ps -a").out))
        self.assertEqual(os.listdir(sandbox), [], "nothing made in the sandbox")

    def test_privileged(self):
        self.refused(["--privileged"], 77, True, "denied")

    def test_host_path_volume(self):
        self.refused(["-v", "/etc:/host-etc:ro"], 77, True, "denied")

    def test_capability(self):
        self.refused(["--cap-add=SYS_ADMIN"], 77, True, "denied")

    def test_unknown_flag(self):
        self.refused(["--rm"], 125, True, "unknown flag: --rm")
        self.refused(["--security-opt-typo=x"], 125, True, "unknown flag")

    def test_unknown_flag_audit_says_which(self):
        cid, sandbox = new_uuid(), make_sandbox(AGENT2)
        before = len(audit_records())
        r = cli(AGENT2, *run_1x(cid, sandbox, "echo never", extra=["--rm"]))
        self.assertEqual(r.code, 125, r)
        new = [a for a in audit_records()[before:] if a.get("container") == f"mesos-{cid}"]
        self.assertEqual(len(new), 1, new)
        self.assertEqual((new[0]["decision"], new[0]["caller_uid"]), ("deny", uid_of(AGENT2)), new)
        self.assertIn("unknown flag: --rm", new[0]["reason"])
        self.assertNotIn("mesos-docker-helper", r.err, "a recorded refusal is the front end's message alone")

    def test_the_helper_audits_only_a_line_it_refuses_itself(self):
        """The refusal is recorded by the helper from its own parse of the line: a caller cannot
        have it write a record for a line the front end would run, nor choose the reason."""
        cid, sandbox = new_uuid(), make_sandbox(AGENT2)
        before = len(audit_records())
        r = Result(subprocess.run([HELPER, "refuse", "--", *run_1x(cid, sandbox, "echo x", detach=True)],
                                  capture_output=True, env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT2)))
        self.assertEqual(r.code, 64, r)
        self.assertEqual(len(audit_records()), before, "nothing audited for a line that is not refused")
        self.assertFalse(container_exists(f"mesos-{cid}"))

    def test_explain_shows_the_decision_of_a_run_line(self):
        cid, sandbox = new_uuid(), make_sandbox(AGENT2)
        before = len(audit_records())
        r = cli(AGENT2, "explain", *run_1x(cid, sandbox, "echo x", extra=["--privileged"])[2:])
        self.assertEqual(r.code, 77, r)
        e = json.loads(r.out)
        self.assertEqual(e["decision"], "deny")
        self.assertIn("privileged", [f["aspect"] for f in e["findings"] if f["decision"] == "deny"])
        ok = cli(AGENT1, *SOCKET_FLAG, "explain", *run_1x(cid, make_sandbox(AGENT1), "echo x")[2:])
        self.assertEqual(ok.code, 0, ok)
        self.assertEqual(json.loads(ok.out)["decision"], "allow")
        body = json.loads(ok.out)["create"]["body"]
        self.assertEqual(body["HostConfig"]["CpuShares"], 1024)
        self.assertEqual(body["HostConfig"]["Memory"], 128 * MIB)
        self.assertEqual(body["Cmd"], ["/bin/sh", "-c", "echo x"])
        self.assertEqual(len(audit_records()), before, "explain changes nothing")
        self.assertFalse(container_exists(f"mesos-{cid}"))


@unittest.skipUnless(os.path.exists(HELPER) and helper_knows("--attach"), "the helper has no launch --attach yet")
class Mesos1xAttached(HelperTestCase):
    policy = POLICY

    def attached(self, user, command, extra=()):
        """Starts the attached run as mesos-docker-executor does: stdout/stderr the sandbox files."""
        cid, sandbox = new_uuid(), make_sandbox(user)
        out, err = sandbox_file(user, sandbox, "stdout"), sandbox_file(user, sandbox, "stderr")
        proc = subprocess.Popen([CLI, *run_1x(cid, sandbox, command, extra=extra)], stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, env={}, **as_user(user))
        os.close(out)
        os.close(err)
        return proc, cid, sandbox

    def test_20000_lines_no_gap_no_duplicate(self):
        n = 20000
        proc, cid, sandbox = self.attached(AGENT1, f"i=1; while [ $i -le {n} ]; do echo line-$i; "
                                                    "i=$((i+1)); done; echo bye >&2; exit 7")
        self.assertEqual(proc.wait(timeout=300), 7)
        self.assertEqual(read(f"{sandbox}/stdout").splitlines(), [f"line-{i}" for i in range(1, n + 1)])
        self.assertEqual(read(f"{sandbox}/stderr"), "bye\n")
        w = cli(AGENT1, "wait", f"mesos-{cid}", env={})
        self.assertEqual(w.out, "7\n", w)

    def test_one_process_per_container(self):
        proc, cid, sandbox = self.attached(AGENT1, "echo up; exec sleep 600")
        self.assertTrue(wait_until(lambda: "up" in read(f"{sandbox}/stdout"), 60))
        # the front end became the helper: the pid Mesos holds is the helper itself
        with open(f"/proc/{proc.pid}/exe", "rb"):
            pass
        self.assertEqual(os.readlink(f"/proc/{proc.pid}/exe"), os.path.realpath(HELPER))
        stop = cli(AGENT1, *SOCKET_FLAG, "stop", "-t", "1", f"mesos-{cid}")
        self.assertEqual(stop.code, 0, stop)
        self.assertNotEqual(proc.wait(timeout=60), 0)

    def test_sigterm_reaches_the_container(self):
        proc, cid, sandbox = self.attached(AGENT1, "trap 'echo got-term; exit 0' TERM; echo ready; "
                                                    "while :; do sleep 0.1; done")
        self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 60))
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=60), 0)
        self.assertIn("got-term", read(f"{sandbox}/stdout"))

    def test_stop_of_an_attached_run(self):
        proc, cid, sandbox = self.attached(AGENT1, "echo ready; exec sleep 600")
        self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 60))
        stop = cli(AGENT1, *SOCKET_FLAG, "stop", "-t", "1", cid)
        self.assertEqual((stop.code, stop.out), (0, f"{cid}\n"), stop)
        code = proc.wait(timeout=60)
        self.assertNotEqual(code, 0)
        self.assertEqual(cli(AGENT1, "wait", cid).out, f"{code}\n", "the run's status is docker wait's code")

    @unittest.skipUnless(helper_knows("inspect"), "the helper has no inspect yet")
    def test_inspect_polled_like_1x_and_shaped_like_docker(self):
        proc, cid, sandbox = self.attached(AGENT1, "echo ready; exec sleep 600")
        self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 60))
        r = cli(AGENT1, *SOCKET_FLAG, "inspect", "--type=container", f"mesos-{cid}")
        self.assertEqual(r.code, 0, r)
        ours = json.loads(r.out)
        self.assertEqual(len(ours), 1)
        o = ours[0]
        self.assertNotEqual(o["State"]["StartedAt"], "0001-01-01T00:00:00Z")
        self.assertEqual(o["Name"], f"/mesos-{cid}")
        self.assertGreater(o["State"]["Pid"], 0)
        os.kill(o["State"]["Pid"], 0)  # the real host pid
        mode = o["HostConfig"]["NetworkMode"]
        nets = o["NetworkSettings"].get("Networks") or {}
        self.assertTrue(mode in nets and "IPAddress" in nets[mode] or "IPAddress" in o["NetworkSettings"])
        # the docker CLI's own inspect of the same container, for the fields Mesos reads
        # (at the Engine API version the helper speaks, so that both are the same daemon answer)
        real = json.loads(subprocess.run(["docker", "-H", f"unix://{DOCKER_SOCK}", "inspect", f"mesos-{cid}"],
                                         capture_output=True, check=True,
                                         env={"PATH": "/usr/local/bin:/usr/bin:/bin", "DOCKER_API_VERSION": "1.41",
                                              "HOME": "/root"}).stdout)[0]
        for keys in (["Id"], ["Name"], ["State", "Pid"], ["State", "StartedAt"], ["HostConfig", "NetworkMode"],
                     ["NetworkSettings", "IPAddress"], ["HostConfig", "Devices"], ["HostConfig", "Dns"],
                     ["HostConfig", "DnsOptions"], ["HostConfig", "DnsSearch"]):
            a, b = o, real
            for k in keys:
                a, b = a.get(k) if a else None, b.get(k) if b else None
            self.assertEqual(type(a), type(b), keys)
            self.assertEqual(a, b, keys)
        self.assertIsInstance(o["State"]["Pid"], int)
        img = cli(AGENT1, *SOCKET_FLAG, "inspect", IMAGE)
        self.assertEqual(img.code, 0, img)
        c = json.loads(img.out)[0]["ContainerConfig"]
        self.assertIn("Entrypoint", c)
        self.assertIn("Env", c)
        cli(AGENT1, "stop", "-t", "0", cid)
        proc.wait(timeout=60)

    @unittest.skipUnless(helper_knows("exec"), "the helper has no exec yet")
    def test_exec_health_check_kill_and_rm(self):
        proc, cid, sandbox = self.attached(AGENT1, "echo ready; exec sleep 600")
        self.assertTrue(wait_until(lambda: "ready" in read(f"{sandbox}/stdout"), 60))
        ok = cli(AGENT1, *SOCKET_FLAG, "exec", f"mesos-{cid}", "sh", "-c", "exit 0", env={})
        bad = cli(AGENT1, *SOCKET_FLAG, "exec", f"mesos-{cid}", "sh", "-c", "exit 5", env={})
        self.assertEqual(ok.code, 0, ok)
        self.assertEqual(bad.code, 5, bad)
        k = cli(AGENT1, *SOCKET_FLAG, "kill", "--signal=9", f"mesos-{cid}")
        self.assertEqual(k.code, 0, k)
        self.assertEqual(proc.wait(timeout=60), 137)
        rm = cli(AGENT1, *SOCKET_FLAG, "rm", "-f", "-v", f"mesos-{cid}")
        self.assertEqual(rm.code, 0, rm)
        self.assertNotIn(f"mesos-{cid}", mesos_ps_names(sh(AGENT1, f"{CLI} -H unix://{DOCKER_SOCK} ps -a").out))


if __name__ == "__main__":
    main()
