"""`mesos-docker-helper doctor` on a good setup and on broken ones (each failure it reports, with
its fix), and the socket-activated monitor (`mesos-docker-helper monitor`, as systemd's
mesos-docker-monitor.service runs it: LISTEN_PID/LISTEN_FDS and the listening socket on fd 3)."""

import json
import os
import re
import shutil
import socket
import subprocess

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, DOCKER_SOCK, HELPER, HELPER_SECTION, POLICY_FILE,
                     READER, SANDBOX_ROOT, HelperTestCase, as_user, audit_records, helper, launch, main,
                     make_sandbox, new_id, read, task, uid_of, write_policy)

# A directory on the root file system, which is mounted without nosuid,nodev here.
PLAIN_ROOT = "/var/lib/mesos-docker-test-plain"
# The activated monitor gets a state dir of its own, so that a monitor other tests left idle
# cannot remove its socket.
ACT_STATE = "/run/mesos-docker-test/state-activated"


def lines(result, level):
    return [l for l in result.out.splitlines() if l.startswith(level + " ")]


def policy_with(**helper_keys):
    text = HELPER_SECTION
    for key, value in helper_keys.items():
        key = key.replace("_", "-")
        text = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
    return text + DEFAULT_CALLERS


def ensure_nosuid_sandbox_root():
    """The good setup has the sandbox root on a nosuid,nodev mount (tools/testenv makes it one;
    in a private mount namespace a covering bind mount can hide it, and doctor says so)."""
    flags = os.statvfs(SANDBOX_ROOT).f_flag
    if flags & os.ST_NOSUID and flags & os.ST_NODEV:
        return
    print(f"note: {SANDBOX_ROOT} was not on a nosuid,nodev mount here; making it one")
    subprocess.run(["mount", "--bind", SANDBOX_ROOT, SANDBOX_ROOT], check=True)
    subprocess.run(["mount", "-o", "remount,bind,nosuid,nodev", SANDBOX_ROOT], check=True)


class DoctorTest(HelperTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ensure_nosuid_sandbox_root()

    def test_good_setup(self):
        r = helper(AGENT1, "doctor")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(lines(r, "fail"), [], r.out)
        self.assertRegex(r.out, rf"(?m)^ok   policy {re.escape(POLICY_FILE)} .*valid$")
        # its own section, in one paragraph, and no other caller's
        self.assertRegex(r.out, rf"(?m)^ok   caller {AGENT1} \(uid {uid_of(AGENT1)}\): \[caller {AGENT1}\] at "
                                r".*allows: images docker\.io/mesos-test/\*:\* .*; networks host bridge none;"
                                r" privileged no; .*at most 4 cpus and 2048 MB; .*readers .*: %md-readers\.$")
        self.assertNotIn(f"[caller {AGENT2}]", r.out)
        self.assertRegex(r.out, rf"(?m)^ok   docker daemon {re.escape(DOCKER_SOCK)}: Docker \S+, API 1\.\d+$")
        self.assertRegex(r.out, r"(?m)^ok   cgroup v[12] ")
        self.assertRegex(r.out, r"(?m)^ok   log driver json-file")
        self.assertRegex(r.out, rf"(?m)^ok   sandbox root {re.escape(SANDBOX_ROOT)}: on \S+, mounted nosuid,nodev$")
        self.assertRegex(r.out, r"(?m)^(ok|warn) mesos-sandboxfs: ")
        self.assertRegex(r.out, r"(?m)^0 failed, \d+ warnings$")
        for warn in lines(r, "warn"):
            self.assertIn("; fix: ", warn)
        self.assertEqual(r.err, "")

    def test_root_sees_every_section(self):
        r = helper(None, "doctor")
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.out, rf"(?m)^ok   \[caller {AGENT1}\] at ")
        self.assertRegex(r.out, rf"(?m)^ok   \[caller {AGENT2}\] at .*docker parameters none; at most 2 cpus")

    def test_caller_without_section(self):
        r = helper(READER, "doctor")
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.out, rf"(?m)^fail caller {READER} \(uid \d+\): no \[caller\] section names you: .*"
                                rf"; fix: as root, add a \[caller {READER}\] section to ")
        self.assertRegex(r.out, r"(?m)^1 failed, ")
        self.assertEqual(r.err, "mesos-docker-helper: doctor: 1 check failed\n")

    def test_policy_not_root_owned(self):
        os.chown(POLICY_FILE, uid_of(AGENT1), 0)
        r = helper(AGENT1, "doctor")
        self.assertEqual(r.code, 1, r)
        fails = lines(r, "fail")
        self.assertEqual(len(fails), 1, r.out)
        self.assertRegex(fails[0], rf"^fail policy: .*{re.escape(POLICY_FILE)}.*root.*exit 78.*; fix: .*chown root:root")
        # the other checks need the policy; sandboxfs is still looked at
        self.assertNotIn("docker daemon", r.out)
        self.assertRegex(r.out, r"(?m)^(ok|warn) mesos-sandboxfs: ")

    def test_sandbox_root_not_nosuid(self):
        os.makedirs(PLAIN_ROOT, exist_ok=True)
        self.addCleanup(shutil.rmtree, PLAIN_ROOT, True)
        probe = subprocess.run(["findmnt", "-no", "OPTIONS", "-T", PLAIN_ROOT], capture_output=True, text=True)
        if "nosuid" in probe.stdout.split(",") and "nodev" in probe.stdout.split(","):
            self.skipTest(f"{PLAIN_ROOT} is on a nosuid,nodev mount here")
        write_policy(policy_with(sandbox_root=f"{SANDBOX_ROOT} {PLAIN_ROOT}"))
        r = helper(AGENT1, "doctor")
        self.assertEqual(r.code, 1, r)
        fails = lines(r, "fail")
        self.assertEqual(len(fails), 1, r.out)
        self.assertRegex(fails[0], rf"^fail sandbox root {re.escape(PLAIN_ROOT)}: its mount \S+ lacks( nosuid)?( nodev)?: "
                                   r".*launches are refused \(exit 78\); fix: mount -o remount,nosuid,nodev .*"
                                   rf"mount --bind {re.escape(PLAIN_ROOT)} {re.escape(PLAIN_ROOT)}")
        self.assertRegex(r.out, rf"(?m)^ok   sandbox root {re.escape(SANDBOX_ROOT)}: ")

    def test_daemon_unreachable(self):
        dead = "/run/mesos-docker-test/dead-docker.sock"
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(dead):
            os.unlink(dead)
        s.bind(dead)  # bound, never listening: connect is refused
        self.addCleanup(os.unlink, dead)
        self.addCleanup(s.close)
        write_policy(policy_with(docker_socket=dead))
        r = helper(AGENT1, "doctor")
        self.assertEqual(r.code, 1, r)
        fails = lines(r, "fail")
        self.assertEqual(len(fails), 1, r.out)
        self.assertRegex(fails[0], rf"^fail docker daemon {re.escape(dead)}: unreachable: .*; fix: start dockerd")

    def test_state_dir_not_roots(self):
        bad = "/run/mesos-docker-test/state-owned-by-agent"
        os.makedirs(bad, exist_ok=True)
        self.addCleanup(shutil.rmtree, bad, True)
        os.chown(bad, uid_of(AGENT1), 0)
        write_policy(policy_with(state_dir=bad))
        r = helper(AGENT1, "doctor")
        self.assertEqual(r.code, 1, r)
        fails = lines(r, "fail")
        self.assertEqual(len(fails), 1, r.out)
        self.assertRegex(fails[0], rf"^fail state dir {re.escape(bad)}: not a root-owned directory closed to "
                                   rf"others \(uid {uid_of(AGENT1)}, .*; fix: chown root:root {re.escape(bad)}")
        self.assertRegex(r.out, r"(?m)^ok   audit log directory \S+: root's, mode ")

    def test_sees_the_running_monitor(self):
        r, cid, sandbox = self.launch_sleeper()
        record = json.loads(read(f"/run/mesos-docker-test/state/containers/mesos-{cid}.json"))
        pid = record["monitor_pid"]
        d = helper(None, "doctor")
        self.assertRegex(d.out, rf"(?m)^(ok|warn) monitor pid {pid}: running,? in cgroup ")
        self.assertRegex(d.out, r"(?m)^ok   monitor socket \S+/monitor\.sock: listening$")

    def launch_sleeper(self):
        r, cid, sandbox = launch(AGENT1, task("sleep 600"))
        self.assertEqual(r.code, 0, r)
        self.addCleanup(helper, AGENT1, "destroy", cid, "--grace", "0")
        return r, cid, sandbox

    def test_is_read_only(self):
        """doctor as an agent changes nothing: no audit record, no state dir (so no monitor)."""
        write_policy(policy_with(state_dir="/run/mesos-docker-test/state-doctor-untouched"))
        before = len(audit_records())
        r = helper(AGENT1, "doctor")
        self.assertEqual(lines(r, "fail"), [], r.out)
        self.assertFalse(os.path.exists("/run/mesos-docker-test/state-doctor-untouched"))
        self.assertEqual(len(audit_records()), before)


class ActivatedMonitorTest(HelperTestCase):
    """The monitor as mesos-docker-monitor.service starts it: systemd's socket on fd 3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ensure_nosuid_sandbox_root()

    def setUp(self):
        super().setUp()
        shutil.rmtree(ACT_STATE, ignore_errors=True)
        os.mkdir(ACT_STATE, 0o700)  # the socket unit's DirectoryMode
        self.addCleanup(shutil.rmtree, ACT_STATE, True)

    def start(self, path, kind=socket.SOCK_SEQPACKET, user=None):
        """Binds and listens on path as systemd does, and starts `helper monitor` on it."""
        s = socket.socket(socket.AF_UNIX, kind)
        old = os.umask(0o077)
        s.bind(path)
        os.umask(old)
        s.listen(16)
        self.addCleanup(s.close)
        fd = s.fileno()
        # $$ is the shell's pid, which exec makes the helper's: LISTEN_PID names the helper;
        # the socket goes onto fd 3 in the child (after the fork, before the exec)
        script = 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" monitor'
        p = subprocess.Popen(["sh", "-c", script, HELPER], pass_fds=(3,), preexec_fn=lambda: os.dup2(fd, 3),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"},
                             **as_user(user))
        self.addCleanup(self.stop, p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.kill()
        p.wait()
        if p.stderr:
            p.stderr.close()

    def monitor_pid(self, cid):
        record = json.loads(read(os.path.join(ACT_STATE, "containers", f"mesos-{cid}.json")))
        return record["monitor_pid"]  # 0 once the exit is recorded

    def test_serves_launches_on_systemds_socket(self):
        write_policy(policy_with(state_dir=ACT_STATE))
        sock = os.path.join(ACT_STATE, "monitor.sock")
        mon = self.start(sock)
        sandbox = make_sandbox(AGENT1)
        cid, cid2 = new_id(), new_id()
        r = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", sandbox,
                   stdin=task("echo through-the-socket; echo err >&2; exec sleep 600"))
        self.assertEqual(r.code, 0, r)
        self.addCleanup(helper, AGENT1, "destroy", cid, "--grace", "0")
        self.assertEqual(self.monitor_pid(cid), mon.pid, "the activated monitor, not one the launch started")
        # a second launch goes to the same monitor
        r = helper(AGENT1, "launch", "--container-id", cid2, "--sandbox", make_sandbox(AGENT1),
                   stdin=task("exec sleep 600"))
        self.assertEqual(r.code, 0, r)
        self.addCleanup(helper, AGENT1, "destroy", cid2, "--grace", "0")
        self.assertEqual(self.monitor_pid(cid2), mon.pid)
        # doctor (as root) sees it
        d = helper(None, "doctor")
        self.assertRegex(d.out, rf"(?m)^(ok|warn) monitor pid {mon.pid}: running")
        # it streams the output, records the exit, removes the container
        self.assertEqual(helper(AGENT1, "destroy", cid, "--grace", "0").code, 0)
        w = helper(AGENT1, "wait", cid)
        self.assertEqual(w.code, 0, w)
        self.assertEqual(w.json()["status"], "KILLED")
        self.assertEqual(read(os.path.join(sandbox, "stdout")), "through-the-socket\n")
        self.assertEqual(read(os.path.join(sandbox, "stderr")), "err\n")
        self.assertIsNone(mon.poll(), "the monitor keeps serving")
        self.assertTrue(os.path.exists(sock), "the socket is systemd's: the monitor leaves it")

    def test_idle_exit_leaves_the_socket(self):
        """Idle, it exits 0 and leaves the socket to systemd, which still queues connections (and
        would start it again); a monitor of its own would have removed its socket."""
        write_policy(policy_with(state_dir=ACT_STATE))
        sock = os.path.join(ACT_STATE, "monitor.sock")
        mon = self.start(sock)
        _, err = mon.communicate(timeout=120)  # MONITOR_IDLE_EXIT_MS is 30 s
        self.assertEqual(mon.returncode, 0, err)
        self.assertTrue(os.path.exists(sock))
        c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.addCleanup(c.close)
        c.connect(sock)

    def test_socket_elsewhere_is_refused(self):
        write_policy(policy_with(state_dir=ACT_STATE))
        mon = self.start(os.path.join(ACT_STATE, "other.sock"))
        _, err = mon.communicate(timeout=60)
        self.assertEqual(mon.returncode, 78, err)
        self.assertIn(f"set ListenSequentialPacket={ACT_STATE}/monitor.sock", err.decode())

    def test_stream_socket_is_refused(self):
        write_policy(policy_with(state_dir=ACT_STATE))
        mon = self.start(os.path.join(ACT_STATE, "monitor.sock"), kind=socket.SOCK_STREAM)
        _, err = mon.communicate(timeout=60)
        self.assertEqual(mon.returncode, 64, err)
        self.assertIn("not a listening unix SOCK_SEQPACKET socket", err.decode())

    def test_only_root(self):
        write_policy(policy_with(state_dir=ACT_STATE))
        mon = self.start(os.path.join(ACT_STATE, "monitor.sock"), user=AGENT1)
        _, err = mon.communicate(timeout=60)
        self.assertEqual(mon.returncode, 77, err)
        self.assertIn("only root runs the monitor", err.decode())

    def test_without_a_socket(self):
        r = helper(None, "monitor")
        self.assertExit(r, 64, "no listening socket from systemd")


if __name__ == "__main__":
    main()
