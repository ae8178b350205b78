"""mesos-sandboxfs with real readers on a real mount, as unprivileged users.

Self-contained (no helper, no docker): a root-owned test prefix /opt/mesos-docker-test-sbfs holds a
build of the project configured with that prefix (so the binary reads PREFIX/etc/mesos-docker/
policy.conf), a policy, a state dir and sandboxes; the tests write container records themselves
(the JSON of common/record.c) and append to the logs as a container's monitor would.

Users: md-sbfs-a (owner), md-sbfs-b (another owner), md-sbfs-r (in md-sbfs-readers, which the
policy names as readers of md-sbfs-a). Needs root and /dev/fuse, else exits 77."""

import errno
import json
import os
import pwd
import grp
import hashlib
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import unittest

import tap

PREFIX = "/opt/mesos-docker-test-sbfs"
BIN = os.path.join(PREFIX, "bin", "mesos-sandboxfs")
POLICY = os.path.join(PREFIX, "etc", "mesos-docker", "policy.conf")
STATE = os.path.join(PREFIX, "state")
RECORDS = os.path.join(STATE, "containers")
SANDBOXES = os.path.join(PREFIX, "sandboxes")
MNT = os.path.join(PREFIX, "mnt")
BUILD = os.path.join(PREFIX, "build")
OWNER, OTHER, READER = "md-sbfs-a", "md-sbfs-b", "md-sbfs-r"
READERS_GROUP = "md-sbfs-readers"


def skip(why):
    tap.skip_suite(why)


def run(*cmd, check=True, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", 120)
    r = subprocess.run(list(cmd), text=True, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{cmd}: exit {r.returncode}: {r.stderr}")
    return r


def as_user(user, *cmd, timeout=30, check=False):
    return run("runuser", "-u", user, "--", *cmd, check=check, timeout=timeout)


def popen_as(user, *cmd, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(["runuser", "-u", user, "--", *cmd], **kw)


def ensure_users():
    try:
        grp.getgrnam(READERS_GROUP)
    except KeyError:
        run("groupadd", READERS_GROUP)
    for u in (OWNER, OTHER, READER):
        try:
            pwd.getpwnam(u)
        except KeyError:
            run("useradd", "-M", "-s", "/bin/sh", u)
    if READER not in grp.getgrnam(READERS_GROUP).gr_mem:
        run("usermod", "-aG", READERS_GROUP, READER)


def source_root():
    return os.environ.get("MD_SOURCE_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ensure_binary():
    """Builds mesos-sandboxfs with --prefix=PREFIX (only that target) and installs it in PREFIX/bin,
    or installs $MD_TEST_SBFS_BIN when set."""
    given = os.environ.get("MD_TEST_SBFS_BIN")  # e.g. a sanitizer build, configured with PREFIX
    if given:
        shutil.copyfile(given, BIN + ".new")
        os.chmod(BIN + ".new", 0o755)
        os.rename(BIN + ".new", BIN)
        return
    src = source_root()
    # the build dir belongs to one source tree: another checkout's is made anew, never reused
    info = os.path.join(BUILD, "meson-info", "meson-info.json")
    if os.path.exists(info):
        with open(info) as f:
            built_from = json.load(f)["directories"]["source"]
        if os.path.realpath(built_from) != os.path.realpath(src):
            shutil.rmtree(BUILD)
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        run("meson", "setup", BUILD, src, f"--prefix={PREFIX}", "-Dtests=false", timeout=300)
    run("ninja", "-C", BUILD, "sandboxfs/mesos-sandboxfs", timeout=600)
    os.makedirs(os.path.dirname(BIN), exist_ok=True)
    shutil.copyfile(os.path.join(BUILD, "sandboxfs", "mesos-sandboxfs"), BIN + ".new")
    os.chmod(BIN + ".new", 0o755)
    os.rename(BIN + ".new", BIN)


def write_policy(extra=""):
    os.makedirs(os.path.dirname(POLICY), exist_ok=True)
    with open(POLICY + ".tmp", "w") as f:
        f.write(f"[helper]\nsandbox-root = {SANDBOXES}\nstate-dir = {STATE}\n\n"
                f"[caller {OWNER}]\nreaders = %{READERS_GROUP}\n\n"
                f"[caller {OTHER}]\nreaders = #{pwd.getpwnam(OWNER).pw_uid}\n" + extra)
    os.chmod(POLICY + ".tmp", 0o644)
    os.rename(POLICY + ".tmp", POLICY)


def prepare_prefix():
    for d in (PREFIX, os.path.join(PREFIX, "etc"), os.path.dirname(POLICY), SANDBOXES, MNT):
        os.makedirs(d, exist_ok=True)
        os.chown(d, 0, 0)
        os.chmod(d, 0o755)
    for d in (STATE, RECORDS):
        os.makedirs(d, exist_ok=True)
        os.chown(d, 0, 0)
        os.chmod(d, 0o700)


def is_mounted(path=MNT):
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == path for line in f)


class Fs:
    """The daemon, records and sandboxes of one test."""

    def __init__(self):
        self.proc = None
        self.ids = []

    # ----- the daemon -----
    def mount(self, *options):
        self.log = open(os.path.join(PREFIX, "sandboxfs.log"), "ab")
        self.proc = subprocess.Popen([BIN, "-f", *options, MNT], stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            if is_mounted() and self._answers():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"mesos-sandboxfs exited {self.proc.returncode}, see {self.log.name}")
            time.sleep(0.05)
        raise AssertionError("mount did not appear")

    def _answers(self):
        try:
            os.stat(MNT)
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None
        deadline = time.time() + 5
        while is_mounted() and time.time() < deadline:
            time.sleep(0.05)
        if is_mounted():
            subprocess.run(["umount", "-l", MNT])

    def daemon_pids(self):
        pids = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/cmdline", "rb") as f:
                        if f.read().split(b"\0")[0] == BIN.encode():
                            pids.append(int(p))
                except OSError:
                    pass
        return pids

    # ----- containers -----
    def sandbox(self, cid):
        return os.path.join(SANDBOXES, cid)

    def make(self, cid, owner=OWNER, state="running", mode=0o755, logs=True):
        sb = self.sandbox(cid)
        if os.path.lexists(sb):
            shutil.rmtree(sb)
        os.makedirs(sb)
        pw = pwd.getpwnam(owner)
        if logs:
            for name in ("stdout", "stderr"):
                open(os.path.join(sb, name), "w").close()
                os.chown(os.path.join(sb, name), pw.pw_uid, pw.pw_gid)
        os.chown(sb, pw.pw_uid, pw.pw_gid)
        os.chmod(sb, mode)
        self.ids.append(cid)
        self.record(cid, owner=owner, state=state)
        return sb

    def record(self, cid, owner=OWNER, state="running", exit_code=None, sandbox=None, **extra):
        pw = pwd.getpwnam(owner)
        rec = {
            "container": f"mesos-{cid}", "docker_id": "d" * 64, "task_id": f"task-{cid}",
            "image": "docker.io/mesos-test/busybox:latest", "mode": "task",
            "sandbox": sandbox or self.sandbox(cid), "owner_uid": pw.pw_uid, "owner_gid": pw.pw_gid,
            "pid": 4242, "monitor_pid": 0, "state": state, "started_at": "2026-11-25T05:00:00Z",
            "finished_at": "2026-11-25T05:01:00Z" if state == "exited" else None,
            "status": "FINISHED" if state == "exited" else None,
            "exit_code": exit_code if state == "exited" else None, "signal": None,
            "oom_killed": False, "kill_requested": False, "stdout_bytes": 0, "stderr_bytes": 0,
            "last_log_time": None,
        }
        rec.update(extra)
        tmp = os.path.join(RECORDS, f".mesos-{cid}.json.tmp")
        with open(tmp, "w") as f:
            json.dump(rec, f)
        os.chmod(tmp, 0o600)
        os.rename(tmp, os.path.join(RECORDS, f"mesos-{cid}.json"))

    def remove_record(self, cid):
        try:
            os.unlink(os.path.join(RECORDS, f"mesos-{cid}.json"))
        except FileNotFoundError:
            pass

    def append(self, cid, text, stream="stdout"):
        with open(os.path.join(self.sandbox(cid), stream), "a") as f:
            f.write(text)

    def path(self, cid, *parts):
        return os.path.join(MNT, f"mesos-{cid}", *parts)

    def cleanup(self):
        self.stop()
        for cid in self.ids:
            self.remove_record(cid)
            shutil.rmtree(self.sandbox(cid), ignore_errors=True)


def wait_for(pred, timeout=10, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return pred()


def setup_environment():
    if os.geteuid() != 0:
        skip("needs root")
    if not os.path.exists("/dev/fuse"):
        skip("no /dev/fuse")
    for tool in ("runuser", "meson", "ninja"):
        if not shutil.which(tool):
            skip(f"no {tool}")
    ensure_users()
    prepare_prefix()
    if is_mounted():
        subprocess.run(["umount", "-l", MNT])
    for f in os.listdir(RECORDS):
        os.unlink(os.path.join(RECORDS, f))
    ensure_binary()
    write_policy()


class SandboxfsTestCase(unittest.TestCase):
    def setUp(self):
        self.fs = Fs()
        self.addCleanup(self.fs.cleanup)

    def assertVisible(self, user, cid):
        r = as_user(user, "ls", MNT, check=True)
        self.assertIn(f"mesos-{cid}", r.stdout.split(), f"{user} should see mesos-{cid}")
        self.assertEqual(as_user(user, "stat", self.fs.path(cid)).returncode, 0)

    def assertHidden(self, user, cid):
        r = as_user(user, "ls", MNT, check=True)
        self.assertNotIn(f"mesos-{cid}", r.stdout.split(), f"{user} must not see mesos-{cid}")
        for p in ("", "stdout", "info.json", "sandbox", "follow/stdout"):
            r = as_user(user, "stat", self.fs.path(cid, p) if p else self.fs.path(cid))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("No such file or directory", r.stderr)


class TreeTests(SandboxfsTestCase):
    def test_tree_info_and_logs(self):
        self.fs.make("t1")
        self.fs.append("t1", "out-1\n")
        self.fs.append("t1", "err-1\n", "stderr")
        self.fs.mount()
        r = as_user(OWNER, "ls", "-A", self.fs.path("t1"), check=True)
        self.assertEqual(sorted(r.stdout.split()), ["follow", "info.json", "sandbox", "stderr", "stdout"])
        self.assertEqual(sorted(as_user(OWNER, "ls", self.fs.path("t1", "follow"), check=True).stdout.split()),
                         ["stderr", "stdout"])
        self.assertEqual(as_user(OWNER, "cat", self.fs.path("t1", "stdout"), check=True).stdout, "out-1\n")
        self.assertEqual(as_user(OWNER, "cat", self.fs.path("t1", "stderr"), check=True).stdout, "err-1\n")
        info = json.loads(as_user(OWNER, "cat", self.fs.path("t1", "info.json"), check=True).stdout)
        self.assertEqual(set(info), {"container", "docker_id", "task_id", "image", "state", "pid", "exit_code",
                                     "started_at", "finished_at", "owner_uid", "sandbox"})
        self.assertEqual(info["container"], "mesos-t1")
        self.assertEqual(info["state"], "running")
        self.assertEqual(info["owner_uid"], pwd.getpwnam(OWNER).pw_uid)
        self.assertEqual(info["sandbox"], self.fs.sandbox("t1"))
        self.assertIsNone(info["exit_code"])
        # ls -l: sizes are the files' current sizes, everything read-only
        r = as_user(READER, "ls", "-l", self.fs.path("t1"), check=True)
        line = [l for l in r.stdout.splitlines() if l.endswith(" stdout")][0]
        self.assertTrue(line.startswith("-r--r--r--"), line)
        self.assertEqual(line.split()[4], "6")
        self.fs.append("t1", "more\n")
        self.assertEqual(os.stat(self.fs.path("t1", "stdout")).st_size, 11)  # st_size always current
        # the record changes: info.json follows it
        self.fs.record("t1", state="exited", exit_code=3)
        info = json.loads(wait_for(lambda: '"exited"' in (t := as_user(OWNER, "cat", self.fs.path("t1", "info.json")).stdout) and t))
        self.assertEqual(info["exit_code"], 3)

    def test_sandbox_browsing_with_grep_find_stat(self):
        sb = self.fs.make("t2")
        pw = pwd.getpwnam(OWNER)
        os.makedirs(os.path.join(sb, "work", "deep"))
        with open(os.path.join(sb, "work", "deep", "result.txt"), "w") as f:
            f.write("needle in the sandbox\n")
        with open(os.path.join(sb, "private"), "w") as f:
            f.write("owner only needle\n")
        os.chmod(os.path.join(sb, "private"), 0o600)
        for root, dirs, files in os.walk(sb):
            for n in dirs + files:
                os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)
        self.fs.mount()
        # follow/ files of a running container wait for more, as documented: a recursive grep
        # of a live container leaves them out
        r = as_user(READER, "grep", "-r", "--exclude-dir=follow", "needle", self.fs.path("t2"), check=True)
        self.assertIn("sandbox/work/deep/result.txt:needle in the sandbox", r.stdout)
        # a reader granted by the policy reads the owner's 0600 files: the filesystem reads them
        # with the owner's rights, not the reader's
        self.assertIn("sandbox/private:owner only needle", r.stdout)
        r = as_user(READER, "find", self.fs.path("t2"), check=True)
        found = {os.path.relpath(p, self.fs.path("t2")) for p in r.stdout.split()}
        for p in ("sandbox/work/deep/result.txt", "follow/stdout", "info.json", "stdout", "sandbox/private"):
            self.assertIn(p, found)
        self.assertEqual(r.stderr, "")
        r = as_user(READER, "stat", "-c", "%s %U %A", self.fs.path("t2", "sandbox", "private"), check=True)
        self.assertEqual(r.stdout.split(), ["18", OWNER, "-r--------"])
        r = as_user(READER, "ls", "-lR", self.fs.path("t2"), check=True)
        self.assertIn("result.txt", r.stdout)
        # once the container has exited, a plain grep -r of the whole mount ends
        self.fs.record("t2", state="exited", exit_code=0)
        r = as_user(READER, "grep", "-r", "needle", MNT, check=True)
        self.assertIn("mesos-t2/sandbox/work/deep/result.txt:needle", r.stdout)

    def test_sandbox_listing_and_names_are_current_at_once(self):
        # A folder's listing is kept by the kernel while the folder is unchanged: a create, a
        # rename or an unlink in it is seen by the very next listing and lookup, however soon
        # after the change (many rounds, each faster than a clock tick). Both the sandbox
        # folder itself (whose name the kernel caches) and a folder inside it.
        sb = self.fs.make("t11")
        os.mkdir(os.path.join(sb, "dir"))
        os.chown(os.path.join(sb, "dir"), *pwd.getpwnam(OWNER)[2:4])
        self.fs.mount()
        for d, m, fixed in ((sb, self.fs.path("t11", "sandbox"), ["dir", "stderr", "stdout"]),
                            (os.path.join(sb, "dir"), self.fs.path("t11", "sandbox", "dir"), [])):
            def listing():
                return sorted(set(os.listdir(m)) - set(fixed))
            self.assertEqual(listing(), [])
            for i in range(100):
                self.assertEqual(listing(), [] if i == 0 else [f"b{i - 1}"])  # unchanged: cached
                open(os.path.join(d, f"a{i}"), "w").close()
                self.assertEqual(listing(), sorted([f"a{i}"] + ([f"b{i - 1}"] if i else [])))
                if i:
                    os.unlink(os.path.join(d, f"b{i - 1}"))
                self.assertEqual(listing(), [f"a{i}"])
                os.rename(os.path.join(d, f"a{i}"), os.path.join(d, f"b{i}"))
                self.assertFalse(os.path.lexists(os.path.join(m, f"a{i}")))
                self.assertTrue(os.path.exists(os.path.join(m, f"b{i}")))
                self.assertEqual(listing(), [f"b{i}"])
            # a reader's own listing, as the owner: the same current names
            r = as_user(OWNER, "ls", m, check=True)
            self.assertEqual(sorted(set(r.stdout.split()) - set(fixed)), ["b99"])

    def test_tail_f_sees_a_line_written_after_it_started(self):
        self.fs.make("t3")
        self.fs.append("t3", "before\n")
        self.fs.mount()
        p = popen_as(READER, "tail", "-n", "+1", "-f", self.fs.path("t3", "stdout"), text=True)
        try:
            time.sleep(1.5)
            self.fs.append("t3", "after the start\n")
            out = ""
            deadline = time.time() + 10
            os.set_blocking(p.stdout.fileno(), False)
            while "after the start" not in out and time.time() < deadline:
                try:
                    out += os.read(p.stdout.fileno(), 4096).decode()
                except BlockingIOError:
                    time.sleep(0.1)
            self.assertIn("before\n", out)
            self.assertIn("after the start\n", out)
        finally:
            p.kill()
            p.wait()

    def test_follow_blocks_sees_new_bytes_and_ends_at_exit(self):
        self.fs.make("t4")
        self.fs.append("t4", "first\n")
        self.fs.mount()
        p = popen_as(READER, "cat", self.fs.path("t4", "follow", "stdout"))
        try:
            time.sleep(1)
            self.assertIsNone(p.poll(), "cat follow/stdout must wait for more")
            self.fs.append("t4", "second\n")
            time.sleep(1)
            self.assertIsNone(p.poll())
            # the last bytes and the exit record arrive together: nothing is cut off
            self.fs.append("t4", "last\n")
            self.fs.record("t4", state="exited", exit_code=0)
            out, err = p.communicate(timeout=10)
            self.assertEqual(p.returncode, 0, err)
            self.assertEqual(out, b"first\nsecond\nlast\n")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        # an exited container's follow file is a plain file with an end
        self.assertEqual(as_user(READER, "cat", self.fs.path("t4", "follow", "stdout"), timeout=10).stdout,
                         "first\nsecond\nlast\n")

    def test_follow_poll_and_interrupt(self):
        self.fs.make("t5")
        self.fs.mount()
        script = (
            "import os, select, signal, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "p = select.poll(); p.register(fd, select.POLLIN)\n"
            "print('idle', p.poll(300)); sys.stdout.flush()\n"
            "print('ready', p.poll(10000)); print(os.read(fd, 100)); sys.stdout.flush()\n"
            "class Alarm(Exception): pass\n"
            "def on_alarm(*a): raise Alarm()\n"
            "signal.signal(signal.SIGALRM, on_alarm); signal.alarm(1); t = time.time()\n"
            "try:\n    os.read(fd, 100); print('no interrupt')\n"
            "except Alarm:\n    print('interrupted %.1f' % (time.time() - t))\n")
        p = popen_as(READER, "python3", "-c", script, self.fs.path("t5", "follow", "stdout"), text=True)
        time.sleep(1.5)
        self.fs.append("t5", "polled\n")
        out, err = p.communicate(timeout=20)
        self.assertIn("idle []", out)
        self.assertIn("ready [(3, 1)]", out)
        self.assertIn("b'polled\\n'", out)
        self.assertIn("interrupted 1.0", out, err)

    def test_containers_come_and_go_without_remount(self):
        self.fs.mount()
        self.assertHidden(OWNER, "t6")
        self.fs.make("t6")
        wait_for(lambda: os.path.exists(self.fs.path("t6")))
        self.assertVisible(OWNER, "t6")
        # finished: still there while the sandbox exists
        self.fs.record("t6", state="exited", exit_code=0)
        time.sleep(0.3)
        self.assertVisible(OWNER, "t6")
        # the sandbox goes: so does the container, with its record still there
        shutil.rmtree(self.fs.sandbox("t6"))
        self.assertHidden(OWNER, "t6")
        # a new sandbox under the same name is a new container once its record is rewritten
        self.fs.make("t6")
        self.assertTrue(wait_for(lambda: os.path.exists(self.fs.path("t6"))))
        self.fs.remove_record("t6")
        self.assertTrue(wait_for(lambda: not os.path.exists(self.fs.path("t6"))))
        # a record written before its sandbox exists: shown once the sandbox appears
        shutil.rmtree(self.fs.sandbox("t6"))
        self.fs.record("t6")
        time.sleep(0.3)
        self.assertFalse(os.path.exists(self.fs.path("t6")))
        os.makedirs(self.fs.sandbox("t6"))
        os.chown(self.fs.sandbox("t6"), pwd.getpwnam(OWNER).pw_uid, pwd.getpwnam(OWNER).pw_gid)
        self.assertTrue(wait_for(lambda: os.path.exists(self.fs.path("t6")), timeout=15))

    def test_removed_while_read(self):
        self.fs.make("t7")
        self.fs.append("t7", "x" * 100000)
        self.fs.mount()
        f = open(self.fs.path("t7", "stdout"), "rb")
        p = popen_as(OWNER, "cat", self.fs.path("t7", "follow", "stdout"))
        time.sleep(0.5)
        self.fs.remove_record("t7")
        out, _ = p.communicate(timeout=10)  # a parked follow read ends with EOF
        self.assertEqual(len(out), 100000)
        self.assertEqual(len(f.read()), 100000)  # an open file still reads what it opened
        f.close()
        self.assertFalse(os.path.exists(self.fs.path("t7")))
        self.assertIsNone(self.fs.proc.poll())

    def test_killed_daemon_gives_enotconn_and_restart_remounts(self):
        self.fs.make("t8")
        self.fs.mount()
        self.assertTrue(os.path.exists(self.fs.path("t8")))
        self.fs.proc.kill()
        self.fs.proc.wait()
        time.sleep(0.3)
        with self.assertRaises(OSError) as cm:
            os.stat(self.fs.path("t8"))
        self.assertEqual(cm.exception.errno, errno.ENOTCONN)
        r = as_user(OWNER, "ls", MNT)
        self.assertIn("Transport endpoint is not connected", r.stderr)
        self.fs.mount()
        self.assertVisible(OWNER, "t8")
        with open("/proc/self/mounts") as f:
            self.assertEqual(sum(1 for line in f if line.split()[1] == MNT), 1)
        # a clean stop unmounts
        self.fs.stop()
        self.assertFalse(is_mounted())

    def test_many_followers_do_not_slow_another_users_ls(self):
        self.fs.make("t9")
        self.fs.make("u9", owner=OTHER)
        self.fs.mount()
        followers = [popen_as(OWNER, "cat", self.fs.path("t9", "follow", "stdout"), stdout=subprocess.DEVNULL)
                     for _ in range(200)]
        try:
            time.sleep(2)
            self.assertTrue(all(p.poll() is None for p in followers))
            t = time.time()
            for _ in range(20):
                r = as_user(OTHER, "ls", "-l", self.fs.path("u9"), self.fs.path("u9", "sandbox"), check=True)
            per_ls = (time.time() - t) / 20
            self.assertLess(per_ls, 0.5, f"ls -l took {per_ls:.3f} s with 200 parked readers")
            self.fs.record("t9", state="exited", exit_code=0)
            for p in followers:
                p.wait(20)
                self.assertEqual(p.returncode, 0)
        finally:
            for p in followers:
                if p.poll() is None:
                    p.kill()
                    p.wait()

    def test_huge_directory_streams(self):
        sb = self.fs.make("t10")
        big = os.path.join(sb, "big")
        os.mkdir(big)
        for i in range(20000):
            open(os.path.join(big, f"f{i:05d}"), "w").close()
        self.fs.mount()
        r = as_user(OWNER, "ls", "-f", self.fs.path("t10", "sandbox", "big"), check=True, timeout=120)
        names = [n for n in r.stdout.split() if n not in (".", "..")]
        self.assertEqual(len(names), 20000)
        self.assertEqual(len(set(names)), 20000)
        r = as_user(OWNER, "find", self.fs.path("t10", "sandbox", "big"), "-type", "f", check=True, timeout=120)
        self.assertEqual(len(r.stdout.split()), 20000)


class LoopTests(SandboxfsTestCase):
    """The session loop (sandboxfs/loop.c): one thread answers a sequence of requests, and the
    reading passes to other threads for data and when requests queue up."""

    def serve_a_crowd(self):
        """Eight readers of four 8 MiB logs, ls -l and find over and over, and a parked follower,
        all at once: every reader gets every byte."""
        block = bytes(range(256)) * 4096
        for i in range(4):
            self.fs.make(f"l{i}")
            with open(os.path.join(SANDBOXES, f"l{i}", "stdout"), "wb") as f:
                for _ in range(8):
                    f.write(block)
        follower = popen_as(OWNER, "cat", self.fs.path("l0", "follow", "stdout"), stdout=subprocess.DEVNULL)
        readers = [popen_as(OWNER, "sh", "-c", f"cat {self.fs.path(f'l{i % 4}', 'stdout')} | md5sum",
                            stdout=subprocess.PIPE, text=True) for i in range(8)]
        listers = [popen_as(READER, "sh", "-c", f"for i in $(seq 20); do ls -l {MNT} >/dev/null && "
                            f"find {MNT}/ -path '*/follow' -prune -o -print >/dev/null || exit 1; done")
                   for _ in range(2)]
        want = hashlib.md5(block * 8).hexdigest()
        for p in readers:
            out, _ = p.communicate(timeout=120)
            self.assertEqual(out.split()[0], want)
        for p in listers:
            self.assertEqual(p.wait(120), 0)
        self.assertIsNone(follower.poll(), "the follower is answered only when l0 exits")
        return follower

    def stop_with_sigterm(self, follower):
        """SIGTERM ends the daemon at once, with a reader parked and the threads idle: exit 0,
        unmounted, and the parked reader let go."""
        self.fs.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.fs.proc.wait(20), 0)
        self.assertFalse(is_mounted())
        follower.wait(20)

    def test_crowd_then_sigterm(self):
        self.fs.mount()
        self.stop_with_sigterm(self.serve_a_crowd())

    def test_crowd_then_sigterm_single_threaded(self):
        self.fs.mount("-s")
        self.stop_with_sigterm(self.serve_a_crowd())

    def test_max_threads_holds_in_a_crowd(self):
        self.fs.mount("-o", "max_threads=2,max_idle_threads=1")
        seen, done = [0], threading.Event()

        def sample():
            while not done.is_set():
                try:
                    seen[0] = max(seen[0], len(os.listdir(f"/proc/{self.fs.proc.pid}/task")))
                except OSError:
                    pass
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            follower = self.serve_a_crowd()
        finally:
            done.set()
            sampler.join()
        # the main thread, the watcher and at most two serving threads
        self.assertGreaterEqual(seen[0], 3)
        self.assertLessEqual(seen[0], 4)
        self.stop_with_sigterm(follower)


class VisibilityTests(SandboxfsTestCase):
    def test_owner_reader_root_see_others_do_not(self):
        self.fs.make("v1")
        self.fs.make("v2", owner=OTHER)
        self.fs.mount()
        self.assertVisible(OWNER, "v1")
        self.assertVisible(READER, "v1")  # %md-sbfs-readers in OWNER's section
        self.assertHidden(OTHER, "v1")
        self.assertVisible(OTHER, "v2")
        self.assertVisible(OWNER, "v2")  # OTHER's section names OWNER's uid as a reader
        self.assertHidden(READER, "v2")
        self.assertIn("mesos-v1", os.listdir(MNT))  # root
        self.assertIn("mesos-v2", os.listdir(MNT))
        # what one user looked up is not served from the kernel's cache to another
        self.assertEqual(as_user(READER, "cat", self.fs.path("v1", "info.json")).returncode, 0)
        self.assertNotEqual(as_user(OTHER, "cat", self.fs.path("v1", "info.json")).returncode, 0)
        self.assertHidden(OTHER, "v1")

    def test_reader_group_taken_from_the_caller(self):
        self.fs.make("v3")
        self.fs.mount()
        # the same user without its supplementary groups is no longer a reader
        r = run("setpriv", f"--reuid={READER}", f"--regid={READER}", "--clear-groups", "ls", MNT, check=False)
        self.assertNotIn("mesos-v3", r.stdout.split())
        r = run("setpriv", f"--reuid={READER}", f"--regid={READER}", "--init-groups", "ls", MNT, check=False)
        self.assertIn("mesos-v3", r.stdout.split())


if __name__ == "__main__":
    setup_environment()
    tap.main()
