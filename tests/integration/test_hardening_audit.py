"""Hardening of the audit trail and of private images (issue 9, points 5 and 7), attacked as
unprivileged callers against the installed setuid helper.

- A caller's resource limits (RLIMIT_FSIZE just above the log's size, few open files) or a full
  disk must never leave half a record in the audit log: every line stays one whole record.
- An image that one caller pulled from a registry with its credentials must not run for another
  caller that has none: the helper re-authorizes the launch with that caller's credentials."""

import base64
import json
import os
import shutil
import subprocess
import threading

from harness import (AGENT1, AGENT2, AUDIT_LOG, REGISTRY, HELPER_SECTION, DEFAULT_CALLERS, HelperTestCase,
                     audit_records, container_exists, docker_api, helper, launch, main, make_sandbox, read, task,
                     uid_of, write_policy)

RECORD_KEYS = {"time", "caller_uid", "caller", "pid", "command", "container", "image", "decision", "rule",
               "reason"}
LOG_DIR = "/var/log/mesos-docker-test-hardening"
LOG = f"{LOG_DIR}/audit.log"
FULL_DIR = "/var/log/mesos-docker-test-hardening-full"


def assert_whole_records(test, path):
    """Every line of the log is one JSON record with the contract's keys, and the file ends
    with a newline (no half record waiting for the next caller's to be glued onto it)."""
    with open(path, "rb") as f:
        data = f.read()
    test.assertTrue(data.endswith(b"\n"), f"the log ends in half a record: {data[-200:]!r}")
    lines = data.split(b"\n")[:-1]
    test.assertGreater(len(lines), 0)
    for n, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except ValueError:
            test.fail(f"{path}:{n}: not one JSON record: {line[:300]!r}")
        test.assertIsInstance(rec, dict, f"{path}:{n}")
        test.assertEqual(set(rec), RECORD_KEYS, f"{path}:{n}: {line[:300]!r}")
    return [json.loads(x) for x in lines]


def assert_fails_closed_or_works(test, r):
    """A hostile limit may make the command fail (closed, naming the audit), never half-work."""
    if r.code != 0:
        test.assertEqual(r.code, 1, r)
        test.assertEqual(r.out, "", r)
        test.assertIn("audit", r.err, r)


class AuditUnderHostileLimits(HelperTestCase):

    def setUp(self):
        shutil.rmtree(LOG_DIR, ignore_errors=True)
        self.policy = HELPER_SECTION.replace(AUDIT_LOG, LOG) + DEFAULT_CALLERS
        super().setUp()
        # a first record makes the log and its directory
        self.assertEqual(helper(AGENT2, "list").code, 0)

    def tearDown(self):
        shutil.rmtree(LOG_DIR, ignore_errors=True)

    def record_length(self):
        with open(LOG, "rb") as f:
            return len(f.read().split(b"\n")[-2]) + 1

    def test_file_size_limits_around_the_log_size_never_break_a_record(self):
        length = self.record_length()
        hostile = 0
        for delta in (0, 1, 2, 10, 50, 100, length // 2, length - 2, length - 1, length, length + 1,
                      length + 50, 2 * length - 1):
            size = os.path.getsize(LOG)
            r = helper(AGENT1, "list", wrapper=["prlimit", f"--fsize={size + delta}"])
            assert_fails_closed_or_works(self, r)
            hostile += r.code != 0
            # another caller's record right after the hostile one
            self.assertEqual(helper(AGENT2, "list").code, 0)
        self.assertGreater(hostile, 0, "no limit made the write fail: the test tested nothing")
        assert_whole_records(self, LOG)

    def test_concurrent_callers_beside_hostile_limits(self):
        results, honest_results = [], []

        def hostile():
            for _ in range(8):
                size = os.path.getsize(LOG)
                results.append(helper(AGENT1, "list", wrapper=["prlimit", f"--fsize={size + 40}"]))

        def honest():
            for _ in range(8):
                honest_results.append(helper(AGENT2, "list"))

        threads = [threading.Thread(target=f) for f in (hostile, honest, hostile, honest)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for r in results:
            assert_fails_closed_or_works(self, r)
        for r in honest_results:
            self.assertEqual(r.code, 0, r)
        recs = assert_whole_records(self, LOG)
        self.assertGreaterEqual(sum(1 for x in recs if x["caller_uid"] == uid_of(AGENT2)), 16)

    def test_the_fragment_a_killed_helper_left_is_cut_off(self):
        # what a helper SIGKILLed by its caller in the middle of its write leaves (the kill
        # itself cannot be timed from here): the start of a record without its newline
        with open(LOG, "ab") as f:
            f.write(b'{"time":"2026-01-01T00:00:00Z","caller_uid":')
        self.assertEqual(helper(AGENT2, "list").code, 0)
        recs = assert_whole_records(self, LOG)
        self.assertEqual(len(recs), 2)

    def test_few_open_files_never_break_a_record(self):
        for n in (4, 5, 6, 7, 8, 16):  # below 4 the dynamic loader itself cannot start
            r = helper(AGENT1, "list", wrapper=["prlimit", f"--nofile={n}"])
            if r.code != 0:  # 1, or 78 when the policy cannot be opened: closed either way
                self.assertIn(r.code, (1, 78), r)
                self.assertEqual(r.out, "", r)
            self.assertEqual(helper(AGENT2, "list").code, 0)
        assert_whole_records(self, LOG)


class AuditOnAFullDisk(HelperTestCase):
    """The log's last page has room for part of a record only, and the disk is full."""

    def setUp(self):
        os.makedirs(FULL_DIR, exist_ok=True)
        subprocess.run(["umount", FULL_DIR], capture_output=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", FULL_DIR], check=True)
        self.log = f"{FULL_DIR}/audit.log"
        self.policy = HELPER_SECTION.replace(AUDIT_LOG, self.log) + DEFAULT_CALLERS
        super().setUp()

    def tearDown(self):
        subprocess.run(["umount", FULL_DIR], capture_output=True)

    def test_a_record_that_does_not_fit_is_not_left_half_written(self):
        self.assertEqual(helper(AGENT2, "list").code, 0)
        with open(self.log, "rb") as f:
            template = json.loads(f.read().split(b"\n")[0])
        # whole records up to 100 bytes short of a page: the next record fits only in part
        with open(self.log, "ab") as f:
            while True:
                room = 4096 - f.tell() % 4096 - 100
                template["reason"] = ""
                bare = len(json.dumps(template, separators=(",", ":"))) + 1
                if room < bare:
                    template["reason"] = "x" * 400
                    f.write(json.dumps(template, separators=(",", ":")).encode() + b"\n")
                    continue
                template["reason"] = "x" * (room - bare)
                f.write(json.dumps(template, separators=(",", ":")).encode() + b"\n")
                break
        self.assertEqual(os.path.getsize(self.log) % 4096, 4096 - 100)
        filler = f"{FULL_DIR}/filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"x" * 4096) > 0:
                pass
        except OSError:
            pass
        os.close(fd)
        r = helper(AGENT1, "list")
        self.assertEqual(r.code, 1, r)
        self.assertIn("audit", r.err)
        os.unlink(filler)
        # the disk has room again: the next caller's record must be a line of its own
        self.assertEqual(helper(AGENT2, "list").code, 0)
        recs = assert_whole_records(self, self.log)
        self.assertEqual(recs[-1]["caller_uid"], uid_of(AGENT2))
        self.assertNotIn(uid_of(AGENT1), [x["caller_uid"] for x in recs], "the failed record was kept")


def dockercfg_sandbox(user, password):
    sandbox = make_sandbox(user)
    auth = base64.b64encode(f"tester:{password}".encode()).decode()
    os.makedirs(f"{sandbox}/.docker")
    with open(f"{sandbox}/.docker/config.json", "w") as f:
        json.dump({"auths": {REGISTRY: {"auth": auth}}}, f)
    for p in (f"{sandbox}/.docker", f"{sandbox}/.docker/config.json"):
        os.chown(p, uid_of(user), uid_of(user))
    return sandbox


class PrivateImagesPerCaller(HelperTestCase):
    """Both callers' image patterns match the private registry; only what each caller's own
    credentials allow may run, whatever another caller left in the daemon's image store."""

    image = f"{REGISTRY}/mesos-test/busybox:latest"
    policy = HELPER_SECTION + DEFAULT_CALLERS.replace(
        "images          = docker.io/mesos-test/*:*\n",
        f"images          = docker.io/mesos-test/*:* {REGISTRY}/mesos-test/*:*\n")

    def setUp(self):
        super().setUp()
        docker_api("DELETE", f"/images/{self.image}?force=1")

    def image_present(self):
        return docker_api("GET", f"/images/{self.image}/json")[0] == 200

    def test_an_image_pulled_with_credentials_does_not_run_for_a_caller_without(self):
        self.assertFalse(self.image_present())
        a = dockercfg_sandbox(AGENT1, "tester-secret")
        r, cid, _ = launch(AGENT1, task("echo A", image=self.image), a)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{a}/stdout"), "A\n")
        self.assertTrue(self.image_present(), "the image must be local when B tries: that is the attack")

        # B, without credentials: refused like a failed pull, and audited
        r, cid, b = launch(AGENT2, task("echo B", image=self.image))
        self.assertExit(r, 1, "registry")
        self.assertRegex(r.err, "credentials|unauthorized|authentication")
        self.assertFalse(container_exists(f"mesos-{cid}"))
        self.assertEqual(read(f"{b}/stdout"), "")
        denied = [x for x in audit_records() if x["container"] == f"mesos-{cid}" and x["decision"] == "deny"]
        self.assertEqual(len(denied), 1, denied)
        self.assertEqual(denied[0]["caller_uid"], uid_of(AGENT2))
        self.assertEqual(denied[0]["image"], self.image)
        self.assertEqual(denied[0]["rule"], "registry")

        # B with wrong credentials: refused too
        self.assertTrue(self.image_present())
        r, cid, _ = launch(AGENT2, task("echo B", image=self.image), dockercfg_sandbox(AGENT2, "wrong"))
        self.assertExit(r, 1, "registry")
        self.assertFalse(container_exists(f"mesos-{cid}"))

        # B with its own valid credentials runs the image
        b = dockercfg_sandbox(AGENT2, "tester-secret")
        r, cid, _ = launch(AGENT2, task("echo B", image=self.image), b)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT2, "wait", cid), 0)
        self.assertEqual(read(f"{b}/stdout"), "B\n")

    def test_public_local_images_still_run_without_credentials(self):
        r, cid, s = launch(AGENT2, task("echo local"))
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT2, "wait", cid), 0)
        self.assertEqual(read(f"{s}/stdout"), "local\n")


if __name__ == "__main__":
    main()
