"""Human output (issue 14): a table on a terminal or with --format table, JSON otherwise and
byte for byte as before; policy explain's 77 on a deny; policy show; --version of the three
programs."""

import json
import os
import pty
import subprocess

from harness import (AGENT1, AGENT2, HELPER, IMAGE_NORMALIZED, POLICY_DIR, POLICY_FILE, PREFIX, READER,
                     SANDBOXFS, STATE_DIR, HelperTestCase, Result, as_user, helper, launch, main,
                     make_sandbox, new_id, task)

CLI = os.path.join(PREFIX, "bin", "mesos-docker")


def on_tty(user, *args, stdin=b"", argv0=HELPER):
    """Runs a program as user with its stdout on a pseudo-terminal, as a person at a shell has it
    (stderr and stdin stay pipes). Returns a Result whose out is what the terminal showed, with
    the terminal's \\r\\n made \\n again."""
    if isinstance(stdin, (dict, list)):
        stdin = json.dumps(stdin).encode()
    master, slave = pty.openpty()
    proc = subprocess.Popen([argv0, *args], stdin=subprocess.PIPE, stdout=slave, stderr=subprocess.PIPE,
                            env={"PATH": "/usr/bin:/bin"}, **as_user(user))
    os.close(slave)
    proc.stdin.write(stdin)
    proc.stdin.close()
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = proc.stderr.read()
    proc.wait()
    return Result(subprocess.CompletedProcess(proc.args, proc.returncode, out.replace(b"\r\n", b"\n"), err))


class Formats(HelperTestCase):

    def test_json_on_a_pipe_is_what_it_was(self):
        r = helper(AGENT1, "policy", "check")
        self.assertExit(r, 0)
        self.assertEqual(r.out, json.dumps({"file": POLICY_FILE, "valid": True, "warnings": []}, separators=(",", ":")) + "\n")
        r = helper(AGENT1, "list")
        self.assertExit(r, 0)
        self.assertIsInstance(r.json(), list)
        self.assertEqual(r.out.count("\n"), 1, "one line")

    def test_table_on_a_terminal_json_when_asked(self):
        t = on_tty(AGENT1, "policy", "check")
        self.assertEqual(t.code, 0, t)
        self.assertEqual(t.out, f"{POLICY_FILE}: valid\n")
        t = on_tty(AGENT1, "policy", "check", "--format", "json")
        self.assertEqual(json.loads(t.out), {"file": POLICY_FILE, "valid": True, "warnings": []})
        r = helper(AGENT1, "policy", "check", "--format=table")
        self.assertExit(r, 0)
        self.assertEqual(r.out, f"{POLICY_FILE}: valid\n")

    def test_a_bad_format_is_a_usage_error(self):
        self.assertExit(helper(AGENT1, "list", "--format", "yaml"), 64, "table or json")
        self.assertExit(helper(AGENT1, "list", "--format"), 64, "table or json")

    def test_list_and_usage_tables(self):
        r, cid, _ = launch(AGENT1, task("sleep 120", resources={"cpus": 1, "mem": 64}))
        self.assertExit(r, 0)
        self.addCleanup(helper, AGENT1, "destroy", cid, "--grace", "0")
        t = on_tty(AGENT1, "list")
        self.assertEqual(t.code, 0, t)
        lines = t.out.splitlines()
        self.assertEqual(lines[0].split(), ["CONTAINER", "STATE", "EXIT", "AGE", "IMAGE"])
        row = [line.split() for line in lines if line.startswith(f"mesos-{cid} ")]
        self.assertEqual(len(row), 1, t.out)
        self.assertEqual(row[0][1], "running")
        self.assertEqual(row[0][-1], IMAGE_NORMALIZED)
        self.assertNotIn("{", t.out)
        # the same list for a program, on a pipe
        entries = helper(AGENT1, "list").json()
        self.assertIn(f"mesos-{cid}", [e["container"] for e in entries])
        # another caller's table does not show it
        self.assertNotIn(f"mesos-{cid}", on_tty(AGENT2, "list").out)

        t = on_tty(AGENT1, "usage", cid)
        self.assertEqual(t.code, 0, t)
        self.assertIn("memory limit", t.out)
        self.assertRegex(t.out, r"memory limit\s+64\.0 MiB\n")
        self.assertRegex(t.out, r"cpu limit\s+1\.00\n")
        u = helper(AGENT1, "usage", cid)
        self.assertExit(u, 0)
        self.assertEqual(u.json()["mem_limit_bytes"], 64 * 1024 * 1024)


class Explain(HelperTestCase):

    def test_a_deny_exits_77_with_its_answer(self):
        r = helper(AGENT2, "policy", "explain", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT2),
                   stdin=task("x", network="BRIDGE"))
        self.assertEqual(r.code, 77, r)
        self.assertEqual(r.err, "")
        e = r.json()
        self.assertEqual(e["decision"], "deny")
        self.assertIsNone(e["create"])

    def test_a_deny_on_a_terminal_names_the_rule_first(self):
        cid = new_id()
        t = on_tty(AGENT2, "policy", "explain", "--container-id", cid, "--sandbox", make_sandbox(AGENT2),
                   stdin=task("x", network="BRIDGE"))
        self.assertEqual(t.code, 77, t)
        first = t.out.splitlines()[0]
        self.assertRegex(first, rf"^mesos-{cid}: DENIED: network bridge: .*\({POLICY_FILE}:\d+\)$")
        self.assertIn("Nothing would be created.", t.out)

    def test_an_allow_on_a_terminal_shows_the_container(self):
        sandbox = make_sandbox(AGENT1)
        cid = new_id()
        t = on_tty(AGENT1, "policy", "explain", "--container-id", cid, "--sandbox", sandbox,
                   stdin=task("echo hi", resources={"cpus": 1, "mem": 128}))
        self.assertEqual(t.code, 0, t)
        self.assertRegex(t.out.splitlines()[0], rf"^mesos-{cid}: ALLOWED by the \[caller\] section at {POLICY_FILE}:\d+$")
        self.assertIn(f"It would create mesos-{cid}:", t.out)
        self.assertRegex(t.out, r"\n  command +/bin/sh -c echo hi\n")
        self.assertIn(f"{sandbox}:/mnt/mesos/sandbox:rw", t.out)
        self.assertRegex(t.out, r"\n  cpu shares +1024\n")

    def test_the_front_end_passes_the_deny_on(self):
        sandbox = make_sandbox(AGENT2)
        proc = subprocess.run([CLI, "explain", "run", "--privileged", "-v", f"{sandbox}:/mnt/mesos/sandbox",
                               "--net", "host", "--name", f"mesos-{new_id()}", "mesos-test/busybox", "true"],
                              capture_output=True, env={"PATH": "/usr/bin:/bin"}, **as_user(AGENT2))
        self.assertEqual(proc.returncode, 77, proc)
        self.assertEqual(json.loads(proc.stdout)["decision"], "deny")


class Show(HelperTestCase):

    def test_root_names_any_caller(self):
        r = helper(None, "policy", "show", "--caller", AGENT1)
        self.assertExit(r, 0)
        s = r.json()
        self.assertEqual(s["caller"], AGENT1)
        self.assertRegex(s["section"], rf"^{POLICY_FILE}:\d+$")
        self.assertIn("images docker.io/mesos-test/*:* 127.0.0.1:5000/mesos-test/*:*", s["allows"])
        self.assertIn("networks host bridge none", s["allows"])
        self.assertIn("at most 4 cpus and 2048 MB", s["allows"])
        self.assertIn("exec in its running containers no", s["allows"])
        t = on_tty(None, "policy", "show", "--caller", AGENT2)
        self.assertEqual(t.code, 0, t)
        self.assertRegex(t.out.splitlines()[0],
                         rf"^{AGENT2} \(uid \d+\) is governed by the \[caller\] section at {POLICY_FILE}:\d+ and may:$")
        self.assertIn("\n  networks host none\n", t.out)
        self.assertIn("\n  privileged no\n", t.out)

    def test_a_caller_sees_its_own_only(self):
        mine = helper(AGENT2, "policy", "show")
        self.assertExit(mine, 0)
        self.assertEqual(mine.json()["caller"], AGENT2)
        self.assertIn("at most 2 cpus and 1024 MB", mine.json()["allows"])
        self.assertEqual(helper(AGENT2, "policy", "show", "--caller", AGENT2).json(), mine.json())
        self.assertExit(helper(AGENT2, "policy", "show", "--caller", AGENT1), 77, "only root")
        self.assertExit(helper(AGENT2, "policy", "show", "--caller", "no-such-user-md"), 64, "no such user")

    def test_no_section_is_default_deny(self):
        r = helper(READER, "policy", "show")
        self.assertExit(r, 0)
        self.assertIsNone(r.json()["section"])
        self.assertEqual(r.json()["allows"], [])
        t = on_tty(READER, "policy", "show")
        self.assertIn("no [caller] section of the policy matches: nothing is allowed", t.out)


class Version(HelperTestCase):

    def expect_build_lines(self, out):
        self.assertIn(f"\npolicy: {POLICY_FILE}, then {POLICY_DIR}/policy.d/*.conf\n", out)
        self.assertIn(f"\nstate dir: {STATE_DIR}\n", out)
        # tools/test's sanitized stage builds without -Dsetuid (meson refuses both) and sets the
        # bit by hand: the build line says so, and "this binary" says setuid root either way
        self.assertRegex(out, r"\nbuild: -Dsetuid=(true|false), -Db_sanitize=\S+\n")

    def test_helper(self):
        r = helper(AGENT1, "--version")
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^mesos-docker-helper \d+\.\d+\.\d+\n")
        self.expect_build_lines(r.out)
        self.assertRegex(r.out, r"\nengine module: /\S+/mesos-docker-engine\.so\n")
        self.assertIn("\nthis binary: setuid root\n", r.out)
        self.assertEqual(helper(AGENT1, "-V").out, r.out)

    def test_a_policy_that_does_not_load_is_said(self):
        os.chmod(POLICY_FILE, 0o666)
        r = helper(AGENT1, "--version")
        self.assertExit(r, 0)
        self.assertIn("state dir: unknown, the policy does not load: ", r.out)

    def test_sandboxfs(self):
        proc = subprocess.run([SANDBOXFS, "-V"], capture_output=True, env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(proc.returncode, 0, proc)
        out = proc.stdout.decode()
        self.assertRegex(out, r"^mesos-sandboxfs \d+\.\d+\.\d+ \(libfuse [\d.]+\)\n")
        self.expect_build_lines(out)
        self.assertEqual(subprocess.run([SANDBOXFS, "--version"], capture_output=True).stdout.decode(), out)

    def test_front_end_keeps_what_mesos_parses(self):
        run = lambda *a: subprocess.run([CLI, *a], capture_output=True, env={"PATH": "/usr/bin:/bin"},
                                        **as_user(AGENT1))
        plain = run("--version")
        self.assertEqual(plain.returncode, 0, plain)
        lines = plain.stdout.decode().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertRegex(lines[0], r"^Docker version \d+\.\d+\.\d+, build ")
        self.assertTrue(lines[1].startswith("Client version: "))
        self.assertEqual(run("version").stdout, plain.stdout)
        verbose = run("-V").stdout.decode()
        self.assertTrue(verbose.startswith(plain.stdout.decode()))
        self.assertIn(f"\nhelper: {HELPER}\nmesos-docker-helper ", verbose)
        self.expect_build_lines(verbose)


if __name__ == "__main__":
    main()
