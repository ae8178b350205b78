"""What the helper checked is what the container gets mounted (issue 9, point 3).

The helper checks the sandbox and the volume sources, then fetches command.uris, then creates
and starts the container. The caller's own URI server sets the pace of the fetch: during it the
caller (md-agent1) renames a checked path component it can write and puts a symlink to a
root-only directory, or another directory, in its place. The container runs as root and reads
the path. It must see the directory that was checked, never the secret, and its output must land
in the checked sandbox."""

import os
import pwd
import shutil
import subprocess
import threading
import unittest
import uuid

from harness import (AGENT1, DEFAULT_CALLERS, HELPER_SECTION, SANDBOX_ROOT, HelperTestCase, QuietHandler,
                     as_user, container_exists, docker_api, helper, launch, main, read, serve_http, stop_http,
                     task, uid_of, wait_until, write_policy)

TOP = "/var/lib/mesos-docker-test/bind-race"
SECRET = "root-only secret behind the symlink"
ORIGINAL = "the directory the helper checked"


class StallingHandler(QuietHandler):
    """Serves /slow only once the test has done its swap: the fetch stalls in between."""

    def do_GET(self):
        self.server.requested.set()
        self.server.release.wait(120)
        body = b"fetched\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def as_agent1(script):
    """The caller's own shell: what it can do to paths, it does with its rights."""
    subprocess.run(["/bin/sh", "-ec", script], check=True, env={"PATH": "/usr/bin:/bin"}, cwd="/",
                   **as_user(AGENT1))


def owned_dir(path, user=AGENT1, mode=0o755):
    os.mkdir(path, mode)
    pw = pwd.getpwnam(user)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


def write_file(path, text, user=None):
    with open(path, "w") as f:
        f.write(text + "\n")
    if user:
        os.chown(path, uid_of(user), -1)


class BindRace(HelperTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = serve_http(StallingHandler)
        cls.url = f"{cls.server.base}/slow"

    @classmethod
    def tearDownClass(cls):
        cls.server.release.set()
        stop_http(cls.server)

    def setUp(self):
        self.top = os.path.join(TOP, uuid.uuid4().hex[:12])
        os.makedirs(self.top, mode=0o755)
        os.chmod(TOP, 0o755)
        # the secret: a root-owned 0700 directory the caller can name but not read
        self.secret = os.path.join(self.top, "secret")
        os.mkdir(self.secret, 0o700)
        write_file(os.path.join(self.secret, "which"), SECRET)
        os.chmod(os.path.join(self.secret, "which"), 0o600)
        # an absolute volume the policy allows, in a directory the caller can write
        self.writable = owned_dir(os.path.join(self.top, "writable"))
        self.volume = owned_dir(os.path.join(self.writable, "vol"))
        write_file(os.path.join(self.volume, "which"), ORIGINAL, AGENT1)
        # the container runs as root, so that what is mounted is what it reads
        write_policy(HELPER_SECTION + DEFAULT_CALLERS.replace(
            "container-users = caller", f"container-users = root\nvolumes         = {self.volume}", 1))
        self.server.requested = threading.Event()
        self.server.release = threading.Event()

    def tearDown(self):
        self.server.release.set()
        shutil.rmtree(self.top, ignore_errors=True)

    @staticmethod
    def volume_count():
        code, body = docker_api("GET", "/volumes")
        return len(body["Volumes"] or [])

    @staticmethod
    def holders_of(paths):
        """The processes with a descriptor on one of paths (root reads every /proc/PID/fd)."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in paths:
                        found.append((int(pid), read(f"/proc/{pid}/comm").strip()))
            except OSError:
                continue
        return found

    def sandbox_in_callers_dir(self):
        """The usual Mesos layout: the caller owns the directory its sandbox lies in."""
        parent = owned_dir(os.path.join(SANDBOX_ROOT, f"bind-race-{uuid.uuid4().hex[:12]}"))
        self.addCleanup(shutil.rmtree, parent, True)
        sandbox = owned_dir(os.path.join(parent, "sandbox"))
        return parent, sandbox

    def launch_racing(self, task_info, sandbox, swap):
        """Launches task_info; while its fetch stalls, runs swap() as the caller; then lets the
        fetch finish and waits for the container. Returns the launch and wait results."""
        result = {}

        def run():
            result["launch"] = launch(AGENT1, task_info, sandbox)

        t = threading.Thread(target=run)
        t.start()
        self.assertTrue(self.server.requested.wait(120), "the helper never fetched")
        swap()
        self.server.release.set()
        t.join(300)
        r, cid, _ = result["launch"]
        w = helper(AGENT1, "wait", cid) if r.code == 0 else None
        return r, w

    def assert_original_seen(self, r, w, out_dir, others=()):
        """The launch ran, the container printed the checked directory's file, and the secret is
        nowhere: not in the output, not in any directory the caller can read."""
        self.assertExit(r, 0)
        self.assertExit(w, 0)
        out = read(os.path.join(out_dir, "stdout"))
        err = read(os.path.join(out_dir, "stderr"))
        self.assertNotIn(SECRET, out + err)
        self.assertIn(ORIGINAL, out, f"stdout={out!r} stderr={err!r}")
        for d in others:
            for name in ("stdout", "stderr", "copy"):
                p = os.path.join(d, name)
                if os.path.isfile(p):
                    self.assertNotIn(SECRET, read(p), p)

    def test_relative_volume_renamed_and_replaced_by_a_symlink(self):
        _, sandbox = self.sandbox_in_callers_dir()
        data = owned_dir(os.path.join(sandbox, "data"))
        write_file(os.path.join(data, "which"), ORIGINAL, AGENT1)
        t = task("cat /data/which; cat /data/which > /mnt/mesos/sandbox/copy",
                 uris=[{"value": self.url, "output_file": "fetched"}],
                 volumes=[{"container_path": "/data", "host_path": "data", "mode": "RO"}])

        def swap():
            as_agent1(f"cd {sandbox}; mv data data.moved; ln -s {self.secret} data")

        r, w = self.launch_racing(t, sandbox, swap)
        self.assert_original_seen(r, w, sandbox)
        self.assertTrue(os.path.islink(os.path.join(sandbox, "data")), "the swap happened")
        self.assertEqual(read(os.path.join(sandbox, "fetched")), "fetched\n")
        self.assertEqual(read(os.path.join(sandbox, "copy")), ORIGINAL + "\n")

    def test_sandbox_renamed_and_replaced_by_a_symlink(self):
        parent, sandbox = self.sandbox_in_callers_dir()
        write_file(os.path.join(sandbox, "which"), ORIGINAL, AGENT1)
        t = task("cat /mnt/mesos/sandbox/which; echo seen > /mnt/mesos/sandbox/marker",
                 uris=[{"value": self.url, "output_file": "fetched"}])
        moved = os.path.join(parent, "sandbox.moved")

        def swap():
            as_agent1(f"cd {parent}; mv sandbox sandbox.moved; ln -s {self.secret} sandbox")

        r, w = self.launch_racing(t, sandbox, swap)
        # the output files, the fetched file and what the container wrote are all in the
        # directory that was checked, which now lies at sandbox.moved
        self.assert_original_seen(r, w, moved)
        self.assertEqual(read(os.path.join(moved, "fetched")), "fetched\n")
        self.assertEqual(read(os.path.join(moved, "marker")), "seen\n")
        self.assertFalse(os.path.exists(os.path.join(self.secret, "marker")))

    def test_sandbox_renamed_and_replaced_by_another_directory(self):
        parent, sandbox = self.sandbox_in_callers_dir()
        write_file(os.path.join(sandbox, "which"), ORIGINAL, AGENT1)
        t = task("cat /mnt/mesos/sandbox/which; echo seen > /mnt/mesos/sandbox/marker",
                 uris=[{"value": self.url, "output_file": "fetched"}])
        moved = os.path.join(parent, "sandbox.moved")

        def swap():
            # the new sandbox holds a relative symlink the container would follow as root
            as_agent1(f"cd {parent}; mv sandbox sandbox.moved; mkdir sandbox; ln -s {self.secret}/which sandbox/which")

        r, w = self.launch_racing(t, sandbox, swap)
        self.assert_original_seen(r, w, moved, others=[sandbox])
        self.assertEqual(read(os.path.join(moved, "marker")), "seen\n")
        self.assertFalse(os.path.exists(os.path.join(sandbox, "marker")), "the replacement was not mounted")
        self.assertFalse(os.path.exists(os.path.join(sandbox, "stdout")))

    def test_absolute_volume_in_a_writable_directory_replaced_by_a_symlink(self):
        _, sandbox = self.sandbox_in_callers_dir()
        t = task("cat /vol/which; cat /vol/which > /mnt/mesos/sandbox/copy",
                 uris=[{"value": self.url, "output_file": "fetched"}],
                 volumes=[{"container_path": "/vol", "host_path": self.volume, "mode": "RO"}])

        def swap():
            as_agent1(f"cd {self.writable}; mv vol vol.moved; ln -s {self.secret} vol")

        r, w = self.launch_racing(t, sandbox, swap)
        self.assert_original_seen(r, w, sandbox)
        self.assertEqual(read(os.path.join(sandbox, "copy")), ORIGINAL + "\n")

    def test_read_write_volume_still_writable_and_read_only_still_read_only(self):
        """Not a race: the modes survive the way the sources are handed to docker."""
        _, sandbox = self.sandbox_in_callers_dir()
        owned_dir(os.path.join(sandbox, "rw"))
        owned_dir(os.path.join(sandbox, "ro"))
        t = task("echo w > /rw/f && echo rw-ok; echo w > /ro/f || echo ro-refused",
                 volumes=[{"container_path": "/rw", "host_path": "rw", "mode": "RW"},
                          {"container_path": "/ro", "host_path": "ro", "mode": "RO"}])
        volumes_before = self.volume_count()
        r, cid, _ = launch(AGENT1, t, sandbox)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        # the volumes that carry the sources go with the container
        self.assertTrue(wait_until(lambda: not container_exists(f"mesos-{cid}")), "container not removed")
        self.assertEqual(self.volume_count(), volumes_before)
        # and nothing holds the checked directories any more: the holder went with the launch
        held = {os.path.realpath(p) for p in (sandbox, f"{sandbox}/rw", f"{sandbox}/ro")}
        self.assertEqual(self.holders_of(held), [])
        out = read(os.path.join(sandbox, "stdout"))
        self.assertIn("rw-ok", out)
        self.assertIn("ro-refused", out)
        self.assertEqual(read(os.path.join(sandbox, "rw", "f")), "w\n")
        self.assertFalse(os.path.exists(os.path.join(sandbox, "ro", "f")))
        # docker did not copy the image's files into the sandbox nor take it over
        self.assertEqual(os.stat(sandbox).st_uid, uid_of(AGENT1))

    def test_a_file_is_refused_as_a_volume_source(self):
        """Only a directory can be mounted through its descriptor: a file is refused, never bound
        by its path (exit 65, naming the volume), relative or absolute."""
        _, sandbox = self.sandbox_in_callers_dir()
        write_file(os.path.join(sandbox, "conf"), "x", AGENT1)
        afile = os.path.join(self.volume, "which")
        write_policy(HELPER_SECTION + DEFAULT_CALLERS.replace(
            "container-users = caller", f"container-users = root\nvolumes         = {afile}", 1))
        for hp in ("conf", afile):
            with self.subTest(host_path=hp):
                r, cid, _ = launch(AGENT1, task("true", volumes=[{"container_path": "/c", "host_path": hp,
                                                                  "mode": "RO"}]), sandbox)
                self.assertExit(r, 65, "not a directory")
                self.assertFalse(container_exists(f"mesos-{cid}"))


if __name__ == "__main__":
    main()
