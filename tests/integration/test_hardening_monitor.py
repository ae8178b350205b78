"""Issue 9, point 6: nothing a caller can stop, slow or starve blocks the shared monitor or another
caller. A caller that starts the monitor from a starved, pinned, OOM-preferred process in a cgroup
of its own does not hand that state to the monitor; a caller that SIGSTOPs its own helper while
that helper holds a lock in the state dir does not stop another caller's output, launches or
waits; and two launches of one container ID cannot both claim it."""

import json
import os
import pwd
import signal
import subprocess
import sys
import time

from harness import (AGENT1, AGENT2, HELPER, STATE_DIR, HelperTestCase, as_user, container_exists, helper, launch,
                     main, make_sandbox, new_id, read, task, uid_of, wait_until)

RECORDS = os.path.join(STATE_DIR, "containers")
AGENT_CGROUP = f"md-test-agent2-{os.getpid()}"  # cgroups are the machine's, not this environment's
CGROUP_ROOT = "/sys/fs/cgroup"
IOPRIO_IDLE = 3
# numbered lines, a few a second, until killed: the output that must keep arriving
WRITER = "i=0; while true; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done"


def monitors():
    """Pids of this environment's shared monitors: the helper's name, every uid 0 (a helper keeps
    the caller's), in this mount namespace (other test environments run beside this one)."""
    out = subprocess.run(["pgrep", "-u", "0", "-U", "0", "-x", "mesos-docker-he"], capture_output=True, text=True)
    ours = os.readlink("/proc/self/ns/mnt")
    pids = []
    for p in out.stdout.split():
        try:
            if os.readlink(f"/proc/{p}/ns/mnt") == ours:
                pids.append(int(p))
        except OSError:
            pass
    return pids


def kill_monitors():
    for pid in monitors():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    wait_until(lambda: not monitors(), 10)


def record(cid):
    with open(os.path.join(RECORDS, f"mesos-{cid}.json")) as f:
        return json.load(f)


def lines(path):
    try:
        return read(path).count("\n")
    except FileNotFoundError:
        return 0


def cgroup_dirs():
    """The mounted cgroup hierarchies (v1 controllers, name=systemd, the v2 tree), by mount point."""
    dirs = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            fstype = fields[fields.index("-") + 1]
            if fstype in ("cgroup", "cgroup2"):
                dirs.append(fields[4])
    return dirs


def make_agent_cgroups():
    """A cgroup of md-agent2's in every hierarchy, made by root as an agent's service would be."""
    made = []
    for d in cgroup_dirs():
        path = os.path.join(d, AGENT_CGROUP)
        os.makedirs(path, exist_ok=True)
        if os.path.exists(os.path.join(path, "cpuset.cpus")):
            for k in ("cpuset.cpus", "cpuset.mems"):
                with open(os.path.join(path, k), "w") as f:
                    f.write(read(os.path.join(d, k)).strip() or "0")
        made.append(path)
    return made


def remove_agent_cgroups(paths):
    for p in paths:
        try:
            os.rmdir(p)
        except OSError:
            pass


def starved(user, cgroups=(), oom=True):
    """A wrapper for harness.helper(None, ...): root puts the process into cgroups, then it becomes
    user, which makes itself as unattractive as a caller can: OOM score 1000, SCHED_IDLE, nice 19,
    idle I/O class, pinned to CPU 0."""
    pw_uid = uid_of(user)
    enter = "".join(f"echo $$ > {p}/cgroup.procs || exit 99; " for p in cgroups)
    inner = ("echo 1000 > /proc/self/oom_score_adj && " if oom else "") + \
        'exec chrt -i 0 nice -n 19 ionice -c 3 taskset -c 0 "$@"'
    script = f"{enter}exec setpriv --reuid={pw_uid} --regid={pw_uid} --init-groups -- sh -c '{inner}' sh \"$@\""
    return ["sh", "-c", script, "sh"]


class BusyLoops:
    """A caller's load on CPU 0, next to its SCHED_IDLE helpers there (the machine has 2): a busy
    loop, which leaves them a sliver of the CPU, and a process that wakes every 50 us, which
    preempts them wherever they are (a SCHED_IDLE task yields to any wakeup). So a helper is
    stopped in the scheduler's queue at any point of its work, often for long, and a lock it
    holds for a few microseconds is held for a long while."""

    WAKER = "import time\nwhile True:\n    time.sleep(0.00005)\n"

    def __init__(self, user):
        self.ps = [subprocess.Popen(["taskset", "-c", "0", "sh", "-c", "while :; do :; done"], **as_user(user)),
                   subprocess.Popen(["taskset", "-c", "0", "/usr/bin/python3", "-c", self.WAKER], **as_user(user))]

    def stop(self):
        for p in self.ps:
            if p.poll() is None:
                p.kill()
                p.wait()


class Stopper:
    """A process of the caller's own that SIGSTOPs/SIGCONTs the pids it reads: the caller, not
    root, stops its helper."""

    def __init__(self, user):
        self.p = subprocess.Popen(["sh", "-c", "while read sig pid; do kill -s $sig $pid && echo ok || echo err; done"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env={"PATH": "/usr/bin:/bin"}, **as_user(user))

    def send(self, sig, pid):
        self.p.stdin.write(f"{sig} {pid}\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def state_dir_inodes():
    """Inode numbers of what may be locked in the state dir: its files, its records and their dir."""
    inos = set()
    for d in (STATE_DIR, RECORDS):
        try:
            inos.add(os.stat(d).st_ino)
            with os.scandir(d) as it:
                for e in it:
                    try:
                        inos.add(e.inode())
                    except OSError:
                        pass
        except FileNotFoundError:
            pass
    return inos


def flocks_held_by(pid):
    """Inodes of the locks (flock, POSIX, OFD) that pid holds, not waits for, per /proc/locks."""
    held = set()
    with open("/proc/locks") as f:
        for line in f:
            if "->" in line:
                continue
            fields = line.split()
            if len(fields) >= 6 and fields[4] == str(pid):
                held.add(int(fields[5].split(":")[2]))
    return held


class MonitorHardening(HelperTestCase):

    def setUp(self):
        super().setUp()
        self.cleanups = []

    def tearDown(self):
        for fn in reversed(self.cleanups):
            try:
                fn()
            except ProcessLookupError:  # gone already
                pass
            except Exception as e:  # keep cleaning up
                print(f"# cleanup: {e!r}", file=sys.stderr)

    def destroy_later(self, user, cid):
        self.cleanups.append(lambda: helper(user, "destroy", cid, "--grace", "0", timeout=120))

    def test_monitor_does_not_inherit_the_starting_callers_process_state(self):
        kill_monitors()  # md-agent2's launch is the one that starts it
        cgroups = make_agent_cgroups()
        self.cleanups.append(lambda: remove_agent_cgroups(cgroups))
        # a monitor left in the caller's cgroups (as on main) must be gone before they can go
        self.cleanups.append(lambda: (kill_monitors(), remove_agent_cgroups(cgroups)))
        cid = new_id("hyg")
        sandbox = make_sandbox(AGENT2)
        r = helper(None, "launch", "--container-id", cid, "--sandbox", sandbox, stdin=task("sleep 300"),
                   wrapper=starved(AGENT2, cgroups), timeout=300)
        self.destroy_later(AGENT2, cid)
        self.assertExit(r, 0)
        mon = record(cid)["monitor_pid"]
        self.assertTrue(mon > 0)
        # the helper itself did run in that state (the wrapper worked), the monitor must not
        stat = read(f"/proc/{mon}/stat")
        fields = stat[stat.rindex(")") + 2:].split()  # fields from 3 (state) on
        nice, policy = int(fields[19 - 3]), int(fields[41 - 3])
        ioprio = subprocess.run(["ionice", "-p", str(mon)], capture_output=True, text=True).stdout.strip()
        oom = int(read(f"/proc/{mon}/oom_score_adj"))
        cpus = [l.split(":", 1)[1].strip() for l in read(f"/proc/{mon}/status").splitlines()
                if l.startswith("Cpus_allowed_list:")][0]
        online = read("/sys/devices/system/cpu/online").strip()
        cgroup = read(f"/proc/{mon}/cgroup")
        wrong = []
        if nice != 0:
            wrong.append(f"nice {nice}")
        if policy != 0:
            wrong.append(f"scheduling policy {policy} (not SCHED_OTHER)")
        if ioprio.startswith("idle"):
            wrong.append(f"I/O class {ioprio}")
        if oom > 0:
            wrong.append(f"oom_score_adj {oom}")
        if cpus != online:
            wrong.append(f"CPUs {cpus} of {online}")
        if AGENT_CGROUP in cgroup:
            wrong.append("in the caller's cgroup: " + " ".join(l for l in cgroup.splitlines() if AGENT_CGROUP in l))
        self.assertEqual(wrong, [], "the monitor kept the starting caller's process state")

    def test_a_stopped_helper_holding_a_lock_blocks_no_other_caller(self):
        kill_monitors()
        # md-agent1's container writes numbered lines all along (its launch starts the monitor)
        r, cid1, sb1 = launch(AGENT1, task(WRITER))
        self.destroy_later(AGENT1, cid1)
        self.assertExit(r, 0)
        self.assertTrue(wait_until(lambda: lines(f"{sb1}/stdout") > 5, 30))
        stopper = Stopper(AGENT2)
        self.cleanups.append(stopper.close)
        busy = BusyLoops(AGENT2)
        self.cleanups.append(busy.stop)
        caught = None
        for attempt in range(20):
            # md-agent2 destroys a container of its own from a starved helper, and stops that
            # helper the moment it holds a lock in the state dir (any: the records', a record's,
            # the monitor's)
            r2, cid2, _ = launch(AGENT2, task("sleep 300"))
            self.assertExit(r2, 0)
            self.destroy_later(AGENT2, cid2)
            p = subprocess.Popen(starved(AGENT2, oom=False) + [HELPER, "destroy", cid2, "--grace", "0"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"})
            self.cleanups.append(lambda p=p: (p.poll() is None and os.kill(p.pid, signal.SIGKILL), p.wait()))
            while p.poll() is None:
                if flocks_held_by(p.pid) & state_dir_inodes():
                    self.assertEqual(stopper.send("STOP", p.pid), "ok")
                    if flocks_held_by(p.pid) & state_dir_inodes():
                        caught = p
                        break
                    self.assertEqual(stopper.send("CONT", p.pid), "ok")
            if caught:
                break
            p.wait()
        busy.stop()
        self.assertIsNotNone(caught, "never caught md-agent2's helper holding a lock")
        print(f"# caught md-agent2's helper holding a lock at attempt {attempt + 1}", file=sys.stderr)
        self.cleanups.append(lambda: os.kill(caught.pid, signal.SIGCONT))
        try:
            # md-agent1's output keeps arriving while the helper stays stopped with its lock
            n = lines(f"{sb1}/stdout")
            self.assertTrue(wait_until(lambda: lines(f"{sb1}/stdout") > n + 20, 60),
                            f"md-agent1's output stopped at {lines(f'{sb1}/stdout')} lines")
            # and md-agent1 launches and waits other containers
            r3, cid3, sb3 = launch(AGENT1, task("echo other"))
            self.assertExit(r3, 0)
            w3 = helper(AGENT1, "wait", cid3, timeout=120)
            self.assertExit(w3, 0)
            self.assertEqual(w3.json()["status"], "FINISHED")
            self.assertEqual(read(f"{sb3}/stdout"), "other\n")
            self.assertTrue(caught.poll() is None, "the stopped helper went on")
        except subprocess.TimeoutExpired as e:
            self.fail(f"md-agent1's helper blocked: {e}")
        finally:
            self.assertEqual(stopper.send("CONT", caught.pid), "ok")
        # continued, the stopped helper finishes its destroy
        out, err = caught.communicate(timeout=120)
        self.assertEqual(caught.returncode, 0, err)
        self.assertEqual(json.loads(out)["status"], "KILLED")
        self.assertTrue(wait_until(lambda: not container_exists(f"mesos-{cid2}"), 60), f"mesos-{cid2} left")
        # and md-agent1's task was copied without a gap or a repeat
        got = read(f"{sb1}/stdout").splitlines()
        self.assertEqual(got, [f"line {i}" for i in range(len(got))])

    def test_a_sandbox_on_fuse_is_refused(self):
        # Any user can mount a FUSE filesystem on a directory it owns (fusermount3; /dev/fuse is
        # 0666 on a stock Debian host, closed on this test machine, so root mounts it here for
        # the agent) and stall every write into it by stopping its server. The monitor writes
        # every tenant's output in one loop: a sandbox whose output files are on FUSE would let
        # one caller stop everyone's output. Before the fix the launch was accepted.
        sandbox = make_sandbox(AGENT1)
        layers = sandbox + "-layers"
        for d in ("lower", "upper", "work"):
            os.makedirs(os.path.join(layers, d))
        pw = pwd.getpwnam(AGENT1)
        for root, dirs, _ in os.walk(layers):
            for d in dirs + [""]:
                os.chown(os.path.join(root, d), pw.pw_uid, pw.pw_gid)
        subprocess.run(["fuse-overlayfs", "-o", f"allow_other,nosuid,nodev,lowerdir={layers}/lower,upperdir={layers}/upper,"
                        f"workdir={layers}/work", sandbox], check=True)
        self.addCleanup(subprocess.run, ["fusermount3", "-u", "-z", sandbox])
        r, cid, _ = launch(AGENT1, task("echo hi"), sandbox=sandbox)
        self.assertExit(r, 78, "FUSE")
        self.assertFalse(container_exists(f"mesos-{cid}"))

    def test_two_launches_of_one_id_exactly_one_wins(self):
        for round_ in range(10):
            cid = new_id("twin")
            procs = []
            for _ in range(2):
                # both block reading the task from stdin: writing both at once is the starting gun
                procs.append(subprocess.Popen([HELPER, "launch", "--container-id", cid, "--sandbox",
                                               make_sandbox(AGENT1)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"},
                                              **as_user(AGENT1)))
            self.destroy_later(AGENT1, cid)
            body = json.dumps(task("sleep 300")).encode()
            time.sleep(0.3)  # both are in their read of stdin by now (a slower one only lowers the odds)
            for p in procs:
                p.stdin.write(body)
            for p in procs:
                p.stdin.close()
            results = [(p.wait(timeout=300), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
            for p in procs:
                p.stdout.close()
                p.stderr.close()
            winners = [r for r in results if r[0] == 0]
            losers = [r for r in results if r[0] != 0]
            self.assertEqual(len(winners), 1, f"round {round_}: {results}")
            self.assertIn("already exists", losers[0][2], f"round {round_}: {results}")
            # the loser removed nothing of the winner's: the record names the winner's container
            docker_id = json.loads(winners[0][1])["docker_id"]
            self.assertEqual(record(cid).get("docker_id"), docker_id, f"round {round_}: {results}")
            self.assertTrue(container_exists(docker_id))
            d = helper(AGENT1, "destroy", cid, "--grace", "0", timeout=120)
            self.assertExit(d, 0)
            self.assertEqual(d.json()["status"], "KILLED")


if __name__ == "__main__":
    main()
