"""mesos-sandboxfs against hostile sandboxes and callers: every write refused, nothing escapes
the sandbox (symlinks, hard links, FIFOs, devices, a swap loop), foreign roots see nothing, the
daemon keeps only the capability it needs. Same self-contained environment as test_sandboxfs.py.
Needs root and /dev/fuse, else exits 77."""

import errno
import os
import pwd
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from test_sandboxfs import (MNT, OWNER, OTHER, READER, SANDBOXES, Fs, as_user, popen_as, run,  # noqa: E402
                            setup_environment, wait_for)

CAP_DAC_READ_SEARCH = 2
CAP_SYS_ADMIN = 21


def chown_tree(path, user):
    pw = pwd.getpwnam(user)
    os.lchown(path, pw.pw_uid, pw.pw_gid)
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)


class SecurityTests(unittest.TestCase):
    def setUp(self):
        self.fs = Fs()
        self.addCleanup(self.fs.cleanup)

    def test_every_write_is_erofs(self):
        sb = self.fs.make("s1")
        with open(os.path.join(sb, "data"), "w") as f:
            f.write("data\n")
        chown_tree(sb, OWNER)
        self.fs.mount()
        d = self.fs.path("s1", "sandbox")
        attempts = {
            "create": ["touch", os.path.join(d, "new")],
            "write": ["sh", "-c", f"echo x >> {d}/data"],
            "truncate": ["truncate", "-s", "0", os.path.join(d, "data")],
            "chmod": ["chmod", "777", os.path.join(d, "data")],
            "chown": ["chown", f"{OWNER}:", os.path.join(d, "data")],
            "mkdir": ["mkdir", os.path.join(d, "dir")],
            "rm": ["rm", "-f", os.path.join(d, "data")],
            "rmdir": ["rmdir", d],
            "mv": ["mv", os.path.join(d, "data"), os.path.join(d, "moved")],
            "ln": ["ln", os.path.join(d, "data"), os.path.join(d, "hard")],
            "symlink": ["ln", "-s", "/etc/passwd", os.path.join(d, "sym")],
            "mkfifo": ["mkfifo", os.path.join(d, "fifo")],
            "touch-time": ["touch", "-d", "2001-01-01", os.path.join(d, "data")],
            "log-write": ["sh", "-c", f"echo x >> {self.fs.path('s1', 'stdout')}"],
            "info-write": ["sh", "-c", f"echo x > {self.fs.path('s1', 'info.json')}"],
            "setxattr": ["python3", "-c", f"import os; os.setxattr('{d}/data', 'user.x', b'1')"],
            "top-mkdir": ["mkdir", os.path.join(MNT, "mesos-new")],
        }
        for user in (OWNER, "root"):
            for what, cmd in attempts.items():
                r = as_user(user, *cmd)
                self.assertNotEqual(r.returncode, 0, f"{what} as {user} succeeded")
                self.assertIn("Read-only file system", r.stderr, f"{what} as {user}: {r.stderr}")
        with open(os.path.join(sb, "data")) as f:
            self.assertEqual(f.read(), "data\n")
        self.assertEqual(sorted(os.listdir(sb)), ["data", "stderr", "stdout"])

    def test_names_the_kernel_caches_do_not_reach_a_stranger(self):
        # What lies below mesos-ID is cached by the kernel for a while (the dentry cache is
        # shared by every user); mesos-ID itself never is, so a stranger who walks right after
        # the owner still gets ENOENT at mesos-ID, on every path below it and by every call.
        sb = self.fs.make("s0")
        os.makedirs(os.path.join(sb, "dir"))
        with open(os.path.join(sb, "dir", "file"), "w") as f:
            f.write("secret\n")
        chown_tree(sb, OWNER)
        self.fs.append("s0", "out\n")
        self.fs.mount()
        paths = ["stdout", "stderr", "info.json", "follow", "follow/stderr", "sandbox", "sandbox/dir",
                 "sandbox/dir/file"]
        for _ in range(2):
            for p in paths:  # the owner walks every path: the kernel now holds their names
                self.assertEqual(as_user(OWNER, "stat", self.fs.path("s0", p)).returncode, 0, p)
            self.assertEqual(as_user(OWNER, "cat", self.fs.path("s0", "sandbox", "dir", "file")).stdout,
                             "secret\n")
            for p in paths:
                full = self.fs.path("s0", p)
                for cmd in (["stat", full], ["cat", full], ["ls", full], ["python3", "-c", f"import os; os.chdir({full!r})"]):
                    r = as_user(OTHER, *cmd)
                    self.assertNotEqual(r.returncode, 0, f"{cmd} as a stranger")
                    self.assertIn("No such file or directory", r.stderr, f"{cmd}: {r.stderr}")

    def test_cached_listings_do_not_reach_a_stranger_or_outlive_the_container(self):
        # A sandbox folder's listing is kept in the kernel while unchanged, shared by every
        # user: it is served only to a reader the filesystem let open the folder, and once the
        # container is gone no listing of it is served, cached or not.
        sb = self.fs.make("s9")
        os.makedirs(os.path.join(sb, "dir"))
        open(os.path.join(sb, "dir", "secret-name"), "w").close()
        chown_tree(sb, OWNER)
        self.fs.mount()
        d = self.fs.path("s9", "sandbox", "dir")
        for _ in range(2):  # the second listing comes from the kernel's cache
            self.assertEqual(as_user(OWNER, "ls", d, check=True).stdout.split(), ["secret-name"])
            self.assertEqual(as_user(READER, "ls", d, check=True).stdout.split(), ["secret-name"])
            r = as_user(OTHER, "ls", d)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("No such file or directory", r.stderr)
            self.assertNotIn("secret-name", r.stdout)
        self.fs.remove_record("s9")
        wait_for(lambda: "mesos-s9" not in os.listdir(MNT))
        for user in (OWNER, READER, "root"):
            r = as_user(user, "ls", d)
            self.assertNotEqual(r.returncode, 0, user)
            self.assertNotIn("secret-name", r.stdout, user)

    def test_symlinks_are_shown_and_never_followed_by_the_filesystem(self):
        sb = self.fs.make("s2")
        other = self.fs.make("s2b", owner=OTHER, mode=0o700)
        with open(os.path.join(other, "secret"), "w") as f:
            f.write("other's secret\n")
        chown_tree(other, OTHER)
        os.symlink("/etc/shadow", os.path.join(sb, "shadow"))
        os.symlink(os.path.join(other, "secret"), os.path.join(sb, "other-abs"))
        os.symlink("../../mesos-s2b/sandbox/secret", os.path.join(sb, "other-rel"))
        os.symlink("/etc", os.path.join(sb, "etc"))
        chown_tree(sb, OWNER)
        # the log itself replaced by a symlink to a root file
        os.unlink(os.path.join(sb, "stderr"))
        os.symlink("/etc/shadow", os.path.join(sb, "stderr"))
        os.lchown(os.path.join(sb, "stderr"), pwd.getpwnam(OWNER).pw_uid, -1)
        self.fs.mount()
        d = self.fs.path("s2", "sandbox")
        self.assertEqual(os.readlink(os.path.join(d, "shadow")), "/etc/shadow")
        self.assertEqual(os.readlink(os.path.join(d, "other-rel")), "../../mesos-s2b/sandbox/secret")
        r = as_user(OWNER, "ls", "-l", d, check=True)
        self.assertIn("shadow -> /etc/shadow", r.stdout)
        # OWNER may read OTHER's containers (OTHER's policy section names it): through the
        # mount, with OTHER's rights; READER may not, and finds nothing there
        r = as_user(OWNER, "cat", os.path.join(d, "other-rel"))
        self.assertEqual(r.stdout, "other's secret\n")
        r = as_user(READER, "cat", os.path.join(d, "other-rel"))
        self.assertIn("No such file or directory", r.stderr)
        self.assertEqual(r.stdout, "")
        for user in (OWNER, READER):
            for name, why in (("shadow", "Permission denied"), ("other-abs", "Permission denied")):
                r = as_user(user, "cat", os.path.join(d, name))
                self.assertNotEqual(r.returncode, 0, f"{user} read {name}")
                self.assertIn(why, r.stderr)
                self.assertNotIn("secret", r.stdout)
            # the filesystem does not follow the log symlink either
            r = as_user(user, "cat", self.fs.path("s2", "stderr"))
            self.assertNotEqual(r.returncode, 0)
            self.assertEqual(r.stdout, "")
            r = as_user(user, "cat", self.fs.path("s2", "follow", "stderr"), timeout=10)
            self.assertNotEqual(r.returncode, 0)
        # a walk does not descend through the symlink to /etc
        r = as_user(READER, "find", d)
        self.assertNotIn(os.path.join(d, "etc", "passwd"), r.stdout)
        r = as_user(READER, "grep", "-r", "root:", d)
        self.assertEqual(r.stdout, "")

    def test_hard_links_and_root_files_are_served_with_the_owners_rights(self):
        sb = self.fs.make("s3")
        # what a hard link to /etc/shadow would look like (made by root here: the kernel's
        # protected_hardlinks stops the user): root-owned, not readable by the owner
        with open("/tmp/md-sbfs-rootonly", "w") as f:
            f.write("root only\n")
        os.chmod("/tmp/md-sbfs-rootonly", 0o600)
        os.link("/tmp/md-sbfs-rootonly", os.path.join(sb, "hardlink"))
        # and in place of the log
        os.unlink(os.path.join(sb, "stderr"))
        os.link("/tmp/md-sbfs-rootonly", os.path.join(sb, "stderr"))
        os.unlink("/tmp/md-sbfs-rootonly")
        os.mkdir(os.path.join(sb, "rootdir"), 0o700)
        with open(os.path.join(sb, "rootdir", "inside"), "w") as f:
            f.write("inside\n")
        os.chmod(os.path.join(sb, "rootdir", "inside"), 0o644)
        self.fs.mount()
        d = self.fs.path("s3", "sandbox")
        for user in (OWNER, READER):
            r = as_user(user, "cat", os.path.join(d, "hardlink"))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Permission denied", r.stderr)
            r = as_user(user, "cat", os.path.join(d, "rootdir", "inside"))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Permission denied", r.stderr)
            r = as_user(user, "ls", os.path.join(d, "rootdir"))
            self.assertNotEqual(r.returncode, 0)
            for log in ("stderr", "follow/stderr"):
                r = as_user(user, "cat", self.fs.path("s3", log), timeout=10)
                self.assertNotEqual(r.returncode, 0)
                self.assertNotIn("root only", r.stdout)

    def test_fifos_sockets_and_devices_are_never_served(self):
        sb = self.fs.make("s4")
        os.mkfifo(os.path.join(sb, "fifo"))
        os.mknod(os.path.join(sb, "null"), 0o666 | 0o020000, os.makedev(1, 3))
        os.mknod(os.path.join(sb, "mem"), 0o666 | 0o020000, os.makedev(1, 1))
        os.mknod(os.path.join(sb, "disk"), 0o666 | 0o060000, os.makedev(7, 0))
        import socket
        s = socket.socket(socket.AF_UNIX)
        s.bind(os.path.join(sb, "sock"))
        self.addCleanup(s.close)
        # the log a FIFO: no reader may hang on it
        os.unlink(os.path.join(sb, "stdout"))
        os.mkfifo(os.path.join(sb, "stdout"))
        chown_tree(sb, OWNER)
        self.fs.mount()
        d = self.fs.path("s4", "sandbox")
        # an open that blocks is killed by each reader's timeout, which fails the case
        for name in ("fifo", "null", "mem", "disk", "sock"):
            os.lstat(os.path.join(d, name))  # getattr is fine
            r = as_user(OWNER, "cat", os.path.join(d, name), timeout=10)
            self.assertNotEqual(r.returncode, 0, name)
            self.assertEqual(r.stdout, "")
        for p in ("stdout", "follow/stdout"):
            r = as_user(READER, "cat", self.fs.path("s4", p), timeout=10)
            self.assertNotEqual(r.returncode, 0, p)
        r = as_user(READER, "python3", "-c", f"import os; os.open('{d}/fifo', os.O_WRONLY | os.O_NONBLOCK)")
        self.assertNotEqual(r.returncode, 0)

    def test_mode_bits_masked(self):
        sb = self.fs.make("s5")
        for name, mode in (("suid", 0o4755), ("sgid", 0o2755), ("writable", 0o666)):
            with open(os.path.join(sb, name), "w") as f:
                f.write("#!/bin/sh\necho ran\n")
            os.chmod(os.path.join(sb, name), mode)
        os.mkdir(os.path.join(sb, "sticky"))
        os.chmod(os.path.join(sb, "sticky"), 0o1777)
        chown_tree(sb, OWNER)
        for name, mode in (("suid", 0o4755), ("sgid", 0o2755)):
            os.chmod(os.path.join(sb, name), mode)
        self.fs.mount()
        d = self.fs.path("s5", "sandbox")
        self.assertEqual(os.stat(os.path.join(d, "suid")).st_mode & 0o7777, 0o555)
        self.assertEqual(os.stat(os.path.join(d, "sgid")).st_mode & 0o7777, 0o555)
        self.assertEqual(os.stat(os.path.join(d, "writable")).st_mode & 0o7777, 0o444)
        self.assertEqual(os.stat(os.path.join(d, "sticky")).st_mode & 0o7777, 0o555)
        r = as_user(READER, os.path.join(d, "suid"))  # noexec mount
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("ran", r.stdout)
        with open("/proc/self/mounts") as f:
            opts = [l.split()[3].split(",") for l in f if l.split()[1] == MNT][0]
        for o in ("ro", "nosuid", "nodev", "noexec"):
            self.assertIn(o, opts)
        self.assertIn("allow_other", opts)
        self.assertNotIn("default_permissions", opts)

    def test_swap_loop_does_not_escape_or_crash(self):
        sb = self.fs.make("s6")
        os.makedirs(os.path.join(sb, "real", "sub"))
        with open(os.path.join(sb, "real", "sub", "file"), "w") as f:
            f.write("inside the sandbox\n")
        # a root-only directory: what an escape would reach
        secret = "/opt/mesos-docker-test-sbfs-secret"
        os.makedirs(secret, exist_ok=True)
        os.chmod(secret, 0o700)
        with open(os.path.join(secret, "passwd"), "w") as f:
            f.write("TOPSECRET\n")
        os.makedirs(os.path.join(secret, "sub"), exist_ok=True)
        with open(os.path.join(secret, "sub", "file"), "w") as f:
            f.write("TOPSECRET sub\n")
        self.addCleanup(shutil.rmtree, secret, True)
        os.symlink(secret, os.path.join(sb, "link"))
        chown_tree(sb, OWNER)
        self.fs.mount()
        # the task swaps a directory and a symlink to /etc back and forth as fast as it can
        swap = ("import os, time\n"
                f"os.chdir('{sb}')\n"
                "end = time.time() + 6\n"
                "while time.time() < end:\n"
                "    os.rename('real', 'tmp'); os.rename('link', 'real'); os.rename('tmp', 'link')\n")
        swapper = popen_as(OWNER, "python3", "-c", swap)
        d = self.fs.path("s6", "sandbox")
        leaks = []
        end = time.time() + 5
        while time.time() < end:
            for cmd in (["find", d], ["cat", f"{d}/real/passwd", f"{d}/link/passwd", f"{d}/real/sub/file",
                                      f"{d}/link/sub/file"],
                        ["grep", "-r", "TOPSECRET", d], ["ls", "-lR", d]):
                for user in (READER, OWNER):
                    r = as_user(user, *cmd, timeout=30)
                    if "TOPSECRET" in r.stdout or (cmd[0] == "find" and "/passwd" in r.stdout):
                        leaks.append((user, cmd, r.stdout[:200]))
        swapper.wait(30)
        self.assertEqual(leaks, [])
        self.assertIsNone(self.fs.proc.poll(), "the daemon died")
        self.assertEqual(as_user(READER, "cat", f"{d}/link/sub/file", f"{d}/real/sub/file").stdout.count("inside"), 1)

    def test_foreign_roots_see_nothing(self):
        self.fs.make("s7")
        self.fs.mount()
        self.assertIn("mesos-s7", os.listdir(MNT))
        # uid 0 inside a user namespace that maps it to host root, but is not ours
        r = run("unshare", "--user", "--map-root-user", "ls", MNT, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("mesos-s7", r.stdout)
        r = run("unshare", "--user", "--map-root-user", "cat", self.fs.path("s7", "info.json"), check=False)
        self.assertNotEqual(r.returncode, 0)
        # an unprivileged user's "root" is that user
        r = as_user(OTHER, "unshare", "--user", "--map-root-user", "ls", MNT)
        self.assertNotIn("mesos-s7", r.stdout)
        r = as_user(OWNER, "unshare", "--user", "--map-root-user", "ls", MNT)
        self.assertIn("mesos-s7", r.stdout)

    def test_records_that_lie_are_not_shown(self):
        outside = "/opt/mesos-docker-test-sbfs-outside"
        os.makedirs(outside, exist_ok=True)
        os.chown(outside, pwd.getpwnam(OWNER).pw_uid, -1)
        self.addCleanup(shutil.rmtree, outside, True)
        other = self.fs.make("s8b", owner=OTHER)
        self.fs.make("s8c")
        real = os.path.join(SANDBOXES, "s8real")
        os.makedirs(real, exist_ok=True)
        chown_tree(real, OWNER)
        self.addCleanup(shutil.rmtree, real, True)
        os.symlink(real, os.path.join(SANDBOXES, "s8link"))
        self.addCleanup(os.unlink, os.path.join(SANDBOXES, "s8link"))
        self.fs.ids += ["s8a", "s8d", "s8e"]
        self.fs.mount()
        self.fs.record("s8a", sandbox=outside)                            # not under a sandbox-root
        self.fs.record("s8d", sandbox=other)                              # another user's sandbox
        self.fs.record("s8e", sandbox=os.path.join(SANDBOXES, "s8link"))  # through a symlink
        self.fs.record("s8c", sandbox=os.path.join(SANDBOXES, "s8c", "..", "s8b"))  # dot-dot
        time.sleep(0.5)
        names = os.listdir(MNT)
        for cid in ("s8a", "s8d", "s8e", "s8c"):
            self.assertNotIn(f"mesos-{cid}", names)
        self.assertIn("mesos-s8b", names)
        # a garbage record hides the container; the daemon survives it
        with open(os.path.join("/opt/mesos-docker-test-sbfs/state/containers", "mesos-s8b.json"), "w") as f:
            f.write("{not json")
        self.assertTrue(wait_for(lambda: "mesos-s8b" not in os.listdir(MNT)))
        self.assertIsNone(self.fs.proc.poll())

    def test_capabilities_after_mount(self):
        self.fs.make("s9")
        self.fs.mount()
        pids = wait_for(lambda: len(self.fs.daemon_pids()) == 2 and self.fs.daemon_pids())
        self.assertTrue(pids, "the daemon and its unmount keeper")
        seen = {}
        for pid in pids:
            with open(f"/proc/{pid}/status") as f:
                st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
            seen[pid] = {k: int(st[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
            self.assertEqual(st["NoNewPrivs"], "1")
        serving = self.fs.proc.pid
        self.assertEqual(seen[serving]["CapEff"], 1 << CAP_DAC_READ_SEARCH)
        self.assertEqual(seen[serving]["CapPrm"], 1 << CAP_DAC_READ_SEARCH)
        keeper = [p for p in pids if p != serving][0]
        self.assertEqual(seen[keeper]["CapEff"], 1 << CAP_SYS_ADMIN)
        for pid in pids:
            self.assertEqual(seen[pid]["CapBnd"], 0)
            self.assertEqual(seen[pid]["CapInh"], 0)
            self.assertEqual(seen[pid]["CapAmb"], 0)
        # a reader cannot look into the daemon
        r = as_user(OWNER, "ls", f"/proc/{serving}/fd")
        self.assertNotEqual(r.returncode, 0)

    def test_unprivileged_start_refused(self):
        r = as_user(OWNER, "/opt/mesos-docker-test-sbfs/bin/mesos-sandboxfs", "-f", "/tmp")
        self.assertEqual(r.returncode, 64)
        self.assertIn("must be started by root", r.stderr)
        # root may not turn on the kernel's own checks, which would change who reads what
        r = run("/opt/mesos-docker-test-sbfs/bin/mesos-sandboxfs", "-f", "-o", "ro,default_permissions", MNT,
                check=False)
        self.assertEqual(r.returncode, 64)
        self.assertIn("default_permissions", r.stderr)
        with open("/proc/self/mounts") as f:
            self.assertNotIn(MNT, f.read())


if __name__ == "__main__":
    setup_environment()
    tap.main()
