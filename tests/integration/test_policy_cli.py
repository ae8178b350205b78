"""policy check and policy explain, as a user would run them."""

import os
import tempfile

from harness import (AGENT1, AGENT2, HELPER_SECTION, DEFAULT_CALLERS, POLICY_FILE, HelperTestCase, audit_records,
                     helper, main, make_sandbox, new_id, task, uid_of, container_exists)


class PolicyCheck(HelperTestCase):

    def test_installed_policy_is_valid(self):
        r = helper(AGENT1, "policy", "check")
        self.assertExit(r, 0)
        self.assertEqual(r.json(), {"file": POLICY_FILE, "valid": True})

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
