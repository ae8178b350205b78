"""Fetching and private registries through the setuid helper, end to end: a local HTTP server on
127.0.0.1, the real registry with htpasswd auth, files landing in the sandbox as the caller."""

import base64
import io
import json
import os
import tarfile
import unittest

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, HELPER_SECTION, REGISTRY, HelperTestCase, QuietHandler,
                     audit_records, container_exists, docker_api, helper, launch, main, make_sandbox, new_id,
                     read, serve_http, stop_http, task, uid_of, write_policy)


def make_tgz():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b"inside the archive\n"
        info = tarfile.TarInfo("pkg/readme.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


FILES = {"/hello.txt": b"hello from http\n", "/pkg.tgz": make_tgz(), "/run.sh": b"#!/bin/sh\necho ran\n"}


class Handler(QuietHandler):
    def do_GET(self):
        if self.path == "/redirect-to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = FILES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Fetch(HelperTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = serve_http(Handler)
        cls.base = cls.server.base

    @classmethod
    def tearDownClass(cls):
        stop_http(cls.server)

    def test_uris_land_in_the_sandbox_before_the_task_runs(self):
        uris = [{"value": f"{self.base}/hello.txt"},
                {"value": f"  {self.base}/pkg.tgz", "extract": True},
                {"value": f"{self.base}/run.sh", "executable": True, "output_file": "bin/run"}]
        r, cid, sandbox = launch(AGENT1, task("cat hello.txt pkg/readme.txt; ./bin/run", uris=uris))
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{sandbox}/stdout"), "hello from http\ninside the archive\nran\n")
        for name in ("hello.txt", "pkg.tgz", "pkg/readme.txt", "bin/run"):
            self.assertEqual(os.stat(f"{sandbox}/{name}").st_uid, uid_of(AGENT1), name)
        self.assertTrue(os.stat(f"{sandbox}/bin/run").st_mode & 0o100)
        self.assertIn("hello.txt", read(f"{sandbox}/stderr"))  # the fetch log comes first

    def test_fetch_command_alone(self):
        sandbox = make_sandbox(AGENT1)
        r = helper(AGENT1, "fetch", "--sandbox", sandbox, stdin=task("true", uris=[{"value": f"{self.base}/hello.txt"}]))
        self.assertExit(r, 0)
        self.assertEqual(r.json()["fetched"], 1)
        self.assertEqual(read(f"{sandbox}/hello.txt"), "hello from http\n")

    def test_failed_uri_fails_the_launch(self):
        r, cid, sandbox = launch(AGENT1, task("true", uris=[{"value": f"{self.base}/missing"}]))
        self.assertExit(r, 1, "/missing")
        self.assertFalse(container_exists(f"mesos-{cid}"))
        self.assertIn("missing", read(f"{sandbox}/stderr"))

    def test_callers_rights_only(self):
        r, cid, _ = launch(AGENT1, task("true", uris=[{"value": "file:///etc/shadow"}]))
        self.assertExit(r, 1, "Permission denied")
        other = make_sandbox(AGENT2)
        with open(f"{other}/secret", "w") as f:
            f.write("agent2's\n")
        os.chown(f"{other}/secret", uid_of(AGENT2), uid_of(AGENT2))
        os.chmod(f"{other}/secret", 0o600)
        r, cid, _ = launch(AGENT1, task("true", uris=[{"value": f"{other}/secret"}]))
        self.assertExit(r, 1, "Permission denied")

    def test_scheme_not_in_policy_is_denied_and_audited(self):
        r, cid, _ = launch(AGENT2, task("true", uris=[{"value": f"{self.base}/hello.txt"}]))
        self.assertExit(r, 77, "fetch")
        rec = [x for x in audit_records() if x["container"] == f"mesos-{cid}"]
        self.assertEqual(rec[-1]["decision"], "deny")

    def test_redirect_to_another_scheme_is_refused(self):
        r, cid, sandbox = launch(AGENT1, task("true", uris=[{"value": f"{self.base}/redirect-to-file",
                                                              "output_file": "x"}]))
        self.assertIn(r.code, (1, 77), r)
        self.assertFalse(os.path.exists(f"{sandbox}/x"))

    def test_output_file_traversal_is_refused(self):
        r, cid, sandbox = launch(AGENT1, task("true", uris=[{"value": f"{self.base}/hello.txt",
                                                              "output_file": "../escape.txt"}]))
        self.assertNotEqual(r.code, 0)
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(sandbox), "escape.txt")))


VSFTPD_CONF = """listen=YES
listen_address=127.0.0.1
listen_port={port}
anonymous_enable=YES
local_enable=NO
write_enable=NO
anon_root={root}
no_anon_password=YES
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port={pasv}
pasv_max_port={pasv_max}
secure_chroot_dir=/var/run/vsftpd/empty
background=NO
seccomp_sandbox=NO
"""


class FetchFtp(HelperTestCase):
    """ftp:// through a real anonymous vsftpd on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import shutil
        import socket
        import subprocess
        import time
        if not shutil.which("vsftpd"):
            raise unittest.SkipTest("vsftpd not installed")
        root = "/var/lib/mesos-docker-test/ftp"
        os.makedirs(f"{root}/pub", exist_ok=True)
        os.chmod(root, 0o755)
        with open(f"{root}/pub/hello.txt", "wb") as f:
            f.write(b"hello over ftp\n")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            cls.port = s.getsockname()[1]
        os.makedirs("/var/run/vsftpd/empty", exist_ok=True)
        conf = "/run/mesos-docker-test/vsftpd.conf"
        with open(conf, "w") as f:
            f.write(VSFTPD_CONF.format(port=cls.port, root=root, pasv=cls.port + 1, pasv_max=cls.port + 20))
        cls.ftpd = subprocess.Popen(["vsftpd", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", cls.port)) == 0:
                    break
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.ftpd.kill()
        cls.ftpd.wait()

    def test_ftp_uri(self):
        r, cid, sandbox = launch(AGENT1, task("cat hello.txt",
                                              uris=[{"value": f"ftp://127.0.0.1:{self.port}/pub/hello.txt"}]))
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{sandbox}/stdout"), "hello over ftp\n")

    def test_ftp_missing_file_fails(self):
        r, cid, _ = launch(AGENT1, task("true", uris=[{"value": f"ftp://127.0.0.1:{self.port}/pub/none.txt"}]))
        self.assertExit(r, 1, "none.txt")


class PrivateRegistry(HelperTestCase):
    """The image exists only in the registry, which needs a login."""

    image = f"{REGISTRY}/mesos-test/busybox:latest"

    def setUp(self):
        super().setUp()
        docker_api("DELETE", f"/images/{self.image}?force=1")

    def dockercfg_sandbox(self, password):
        sandbox = make_sandbox(AGENT1)
        auth = base64.b64encode(f"tester:{password}".encode()).decode()
        with open(f"{sandbox}/.dockercfg", "w") as f:
            json.dump({REGISTRY: {"auth": auth, "email": ""}}, f)
        os.chown(f"{sandbox}/.dockercfg", uid_of(AGENT1), uid_of(AGENT1))
        return sandbox

    def test_pull_with_the_sandboxs_dockercfg(self):
        sandbox = self.dockercfg_sandbox("tester-secret")
        r, cid, _ = launch(AGENT1, task("echo pulled", image=self.image), sandbox)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        self.assertEqual(read(f"{sandbox}/stdout"), "pulled\n")

    def test_wrong_password_fails_with_the_registrys_reason(self):
        sandbox = self.dockercfg_sandbox("wrong")
        r, cid, _ = launch(AGENT1, task("true", image=self.image), sandbox)
        self.assertExit(r, 1)
        self.assertRegex(r.err.lower(), "unauthorized|authentication")

    def test_no_credentials_fails(self):
        r, cid, _ = launch(AGENT1, task("true", image=self.image))
        self.assertExit(r, 1, "pull")


if __name__ == "__main__":
    main()
