"""policy check and policy explain, as a user would run them."""

import os
import tempfile

from harness import (AGENT1, AGENT2, HELPER_SECTION, DEFAULT_CALLERS, POLICY_FILE, HelperTestCase, audit_records,
                     helper, main, make_sandbox, new_id, task, uid_of, container_exists)


class PolicyCheck(HelperTestCase):

    def test_installed_policy_is_valid(self):
        r = helper(AGENT1, "policy", "check")
        self.assertExit(r, 0)
        self.assertEqual(r.json(), {"file": POLICY_FILE, "valid": True, "warnings": []})
        self.assertEqual(r.err, "")

    def user_file(self, user, text, mode=0o600):
        fd, path = tempfile.mkstemp(dir="/var/lib/mesos-docker-test", suffix=".conf")
        os.write(fd, text.encode())
        os.close(fd)
        os.chown(path, uid_of(user), uid_of(user))
        os.chmod(path, mode)
        self.addCleanup(os.unlink, path)
        return path

    def test_check_a_users_file(self):
        path = self.user_file(AGENT1, HELPER_SECTION + DEFAULT_CALLERS)
        r = helper(AGENT1, "policy", "check", path)
        self.assertExit(r, 0)
        self.assertTrue(r.json()["valid"])

    def test_check_reports_file_and_line(self):
        path = self.user_file(AGENT1, HELPER_SECTION + "\n[caller x]\nnetworks = host warp\n")
        r = helper(AGENT1, "policy", "check", path)
        self.assertExit(r, 78)
        self.assertIn(f"{path}:8:", r.err)  # [helper] and 4 keys, a blank, the header, then line 8

    def test_check_reads_with_the_callers_rights(self):
        path = self.user_file(AGENT2, HELPER_SECTION, mode=0o600)
        r = helper(AGENT1, "policy", "check", path)
        self.assertExit(r, 78, "Permission denied")
        r = helper(AGENT1, "policy", "check", "/etc/shadow")
        self.assertExit(r, 78, "Permission denied")


class PolicyCheckHelpfulErrors(HelperTestCase):
    """The broken policies of issue 14: what loads but is probably wrong warns (exit 0, "FILE:LINE:
    warning: …" on stderr and in "warnings"); what is refused says why, nearer than before."""

    user_file = PolicyCheck.user_file

    def check(self, text, code):
        path = self.user_file(AGENT1, text)
        r = helper(AGENT1, "policy", "check", path)
        self.assertExit(r, code)
        return path, r

    def assertWarns(self, text, line, message):
        path, r = self.check(text, 0)
        want = f"{path}:{line}: warning: {message}"
        self.assertIn(want, r.err.splitlines())
        self.assertIn(want, r.json()["warnings"])
        self.assertTrue(r.json()["valid"])

    def test_unknown_user_and_group(self):
        self.assertWarns(HELPER_SECTION + "[caller mdac1]\nimages = busybox:*\n", 6,
                         '[caller mdac1]: no such user "mdac1": the section matches no caller until that user exists')
        self.assertWarns(HELPER_SECTION + f"[caller {AGENT1}]\nreaders = %mdacc-reader\n", 7,
                         'readers: no such group "mdacc-reader"')
        self.assertWarns(HELPER_SECTION + "[caller %mdacc-reader]\n", 6,
                         '[caller %mdacc-reader]: no such group "mdacc-reader": the section matches no caller '
                         'until that group exists')

    def test_empty_file_and_no_sandbox_root(self):
        self.assertWarns("", 1, "the file is empty")
        self.assertWarns("", 1, "no [caller] section: every caller is denied")
        self.assertWarns(f"[helper]\nstate-dir = /run/x\n[caller {AGENT1}]\n", 1,
                         "no sandbox-root in [helper]: every launch and fetch is refused")

    def test_section_no_one_can_match(self):
        text = HELPER_SECTION + f"[caller {AGENT1}]\nimages = a\n[caller #{uid_of(AGENT1)}]\n"
        path, r = self.check(text, 0)
        self.assertIn(f"{path}:6: warning: [caller {AGENT1}] never applies: [caller #{uid_of(AGENT1)}] at {path}:8 "
                      "matches the same callers and comes later (the last matching section wins, whole)", r.err)

    def test_missing_caller_header(self):
        path, r = self.check(HELPER_SECTION + "images = busybox:*\n", 78)
        self.assertIn(f"{path}:6: images: belongs in a [caller SUBJECT] section, not in [helper]", r.err)
        self.assertNotIn("unknown key", r.err)

    def test_did_you_mean(self):
        path, r = self.check(HELPER_SECTION + f"[caller {AGENT1}]\nnetwroks = host\n", 78)
        self.assertIn(f'{path}:7: unknown key "netwroks" in [caller] (did you mean networks?)', r.err)

    def test_named_characters(self):
        cases = [
            ("\ufeff" + HELPER_SECTION, 1, "column 1: U+FEFF (byte order mark): save the file without it"),
            (HELPER_SECTION + f"[caller {AGENT1}]\nimages\u00a0= busybox:*\n", 7,
             "column 7: U+00A0 (no-break space): write a plain space"),
            (HELPER_SECTION + f"[caller {AGENT1}]\nimages = \u201cbusybox:*\u201d\n", 7,
             "column 10: U+201C (left double quotation mark): values are not quoted: write them bare"),
            (HELPER_SECTION + f"[caller {AGENT1}]\nnetworks = host, bridge\n", 7,
             "column 16: ',' (comma): list items are separated by blanks, not commas"),
        ]
        for text, line, message in cases:
            path, r = self.check(text, 78)
            self.assertIn(f"{path}:{line}: {message}", r.err)

    def test_relative_path_from_the_callers_directory(self):
        path = self.user_file(AGENT1, HELPER_SECTION + DEFAULT_CALLERS)
        r = helper(AGENT1, "policy", "check", os.path.basename(path), cwd=os.path.dirname(path))
        self.assertExit(r, 0)
        self.assertEqual(r.json()["file"], os.path.basename(path))

    def test_relative_path_is_looked_up_as_the_caller(self):
        # a directory AGENT1 may not search: the helper (root) could, the caller cannot
        d = tempfile.mkdtemp(dir="/var/lib/mesos-docker-test")
        self.addCleanup(os.rmdir, d)
        os.chown(d, uid_of(AGENT2), uid_of(AGENT2))
        os.chmod(d, 0o700)
        with open(os.path.join(d, "p.conf"), "w") as f:
            f.write(HELPER_SECTION)
        os.chmod(os.path.join(d, "p.conf"), 0o644)
        self.addCleanup(os.unlink, os.path.join(d, "p.conf"))
        r = helper(AGENT1, "policy", "check", "p.conf", cwd=d)
        self.assertExit(r, 78, "p.conf: cannot open: Permission denied")


class PolicyExplain(HelperTestCase):

    def test_explain_allowed_shows_request_and_changes_nothing(self):
        before = len(audit_records())
        sandbox = make_sandbox(AGENT1)
        cid = new_id()
        r = helper(AGENT1, "policy", "explain", "--container-id", cid, "--sandbox", sandbox,
                   stdin=task("echo hi", resources={"cpus": 1, "mem": 128}))
        self.assertExit(r, 0)
        e = r.json()
        self.assertEqual(e["decision"], "allow")
        self.assertEqual(e["container"], f"mesos-{cid}")
        aspects = {f["aspect"] for f in e["findings"]}
        self.assertIn("image", aspects)
        for f in e["findings"]:
            self.assertRegex(f["rule"], r"policy\.conf:\d+$")
        body = e["create"]["body"]
        self.assertEqual(body["Cmd"], ["/bin/sh", "-c", "echo hi"])
        self.assertEqual(body["HostConfig"]["CpuShares"], 1024)
        self.assertEqual(body["HostConfig"]["NetworkMode"], "host")
        self.assertIn(f"{sandbox}:/mnt/mesos/sandbox:rw", body["HostConfig"]["Binds"])
        self.assertFalse(container_exists(f"mesos-{cid}"))
        self.assertEqual(len(audit_records()), before, "explain writes no audit record")

    def test_explain_bridge_with_port_mappings(self):
        # the test daemon runs --bridge=none, so BRIDGE is checked in the exact request the helper
        # would send rather than in a running container
        t = task("x", network="BRIDGE", port_mappings=[{"host_port": 31000, "container_port": 8080},
                                                        {"host_port": 31001, "container_port": 53, "protocol": "udp"}])
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT1),
                   stdin=t)
        self.assertExit(r, 0)
        body = r.json()["create"]["body"]
        self.assertEqual(body["HostConfig"]["NetworkMode"], "bridge")
        self.assertEqual(body["HostConfig"]["PortBindings"]["8080/tcp"], [{"HostIp": "", "HostPort": "31000"}])
        self.assertEqual(body["HostConfig"]["PortBindings"]["53/udp"], [{"HostIp": "", "HostPort": "31001"}])
        self.assertIn("8080/tcp", body["ExposedPorts"])
        t["container"]["docker"]["network"] = "HOST"
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT1),
                   stdin=t)
        self.assertExit(r, 65, "port_mappings")

    def test_explain_denied_names_the_rule(self):
        r = helper(AGENT2, "policy", "explain", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT2),
                   stdin=task("x", network="BRIDGE"))
        self.assertEqual(r.code, 77, r)  # the answer on stdout, the denial in the status
        e = r.json()
        self.assertEqual(e["decision"], "deny")
        denied = [f for f in e["findings"] if f["decision"] == "deny"]
        self.assertEqual(denied[0]["aspect"], "network")
        self.assertIsNone(e["create"])


if __name__ == "__main__":
    main()
