"""Root stays root's (issue 9): what root in a container does must give no host user more rights
than it had. Each test is the attack, run as an unprivileged agent against the installed setuid
helper, with the check of what the host then honours.

- every container runs with no-new-privileges (a setuid binary in an image gives nothing);
- a sandbox must lie on a nosuid,nodev mount (exit 78 otherwise), since root in a container can
  write any owner and mode into it;
- a volume source is never, and never contains, a mesos-sandboxfs mount (root reading through it
  sees every tenant's sandbox);
- -Dsetuid=true is refused with a sanitizer or fuzzing build (the runtime reads *SAN_OPTIONS
  before main: a root file write)."""

import io
import os
import shutil
import subprocess
import tarfile
import tempfile

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, DOCKER_SOCK, HELPER_SECTION, PREFIX, SANDBOX_ROOT,
                     HelperTestCase, as_user, audit_records, container_exists, helper, launch, main, make_sandbox,
                     new_id, read, task, uid_of, wait_until, write_policy)

TOP = "/var/lib/mesos-docker-test"
# Root-owned 0755 and NOT a nosuid,nodev mount (it is on the root filesystem): the setting of a
# machine that did not follow the documentation.
PLAIN_ROOT = os.path.join(TOP, "plain-sandboxes")
VIEW_DIR = os.path.join(TOP, "nnp-view")
VIEW_MNT = os.path.join(VIEW_DIR, "mnt")
SUID_IMAGE = "mesos-test/nnp-suid:latest"
WORK = os.path.join(TOP, "nnp-work")

# prints the real and effective uid: the "prog" the attacker makes setuid
EUID_C = r"""
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("ruid=%d euid=%d\n", (int)getuid(), (int)geteuid()); return 0; }
"""


def euid_program():
    """A static program that prints its uids (static: it runs in the busybox image too)."""
    os.makedirs(WORK, mode=0o755, exist_ok=True)
    prog = os.path.join(WORK, "euid")
    if not os.path.exists(prog):
        src = os.path.join(WORK, "euid.c")
        with open(src, "w") as f:
            f.write(EUID_C)
        subprocess.run(["gcc", "-static", "-O2", "-o", prog, src], check=True)
    return prog


def is_nosuid_mount(path):
    st = os.statvfs(path)
    return bool(st.f_flag & os.ST_NOSUID)


def plain_sandbox(user):
    os.makedirs(PLAIN_ROOT, mode=0o755, exist_ok=True)
    os.chmod(PLAIN_ROOT, 0o755)
    os.chown(PLAIN_ROOT, 0, 0)
    return make_sandbox_under(PLAIN_ROOT, user)


def make_sandbox_under(root, user):
    path = tempfile.mkdtemp(prefix=f"{user}-", dir=root)
    os.chmod(path, 0o755)
    os.chown(path, uid_of(user), -1)
    return path


def policy_with(section_extra="", callers=None, roots=(SANDBOX_ROOT, PLAIN_ROOT)):
    helper_section = HELPER_SECTION.replace(f"sandbox-root  = {SANDBOX_ROOT}",
                                            "sandbox-root  = " + " ".join(roots))
    return helper_section + (callers if callers is not None else DEFAULT_CALLERS) + section_extra


ROOT_CALLER = f"""
[caller {AGENT1}]
images          = docker.io/mesos-test/*:*
networks        = host none
container-users = caller root
volumes         = {VIEW_DIR}
max-cpus        = 2
max-mem         = 1024
"""


class NoNewPrivileges(HelperTestCase):
    """Point 1: a setuid-root binary that an allowed image ships gives no euid 0 to a task that runs
    as the caller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.build_suid_image()

    @classmethod
    def build_suid_image(cls):
        """busybox plus the euid program installed setuid root, as a vendor image would ship su."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            def add(name, path=None, mode=0o755, uid=0, kind=tarfile.REGTYPE, link=None):
                info = tarfile.TarInfo(name)
                info.mode, info.uid, info.gid, info.type = mode, uid, 0, kind
                if link:
                    info.linkname = link
                if path:
                    with open(path, "rb") as f:
                        data = f.read()
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                else:
                    tar.addfile(info)
            for d in ("bin", "tmp", "etc", "mnt", "mnt/mesos", "mnt/mesos/sandbox"):
                add(d, mode=0o1777 if d == "tmp" else 0o755, kind=tarfile.DIRTYPE)
            add("bin/busybox", "/bin/busybox")
            for applet in ("sh", "cat", "grep", "id", "echo"):
                add(f"bin/{applet}", kind=tarfile.SYMTYPE, link="busybox")
            add("bin/suid-busybox", "/bin/busybox", mode=0o4755)
            add("bin/suid-euid", euid_program(), mode=0o4755)
        tarball = os.path.join(WORK, "suid-rootfs.tar")
        with open(tarball, "wb") as f:
            f.write(buf.getvalue())
        repo, tag = SUID_IMAGE.split(":")
        subprocess.run(["curl", "-fsS", "--max-time", "120", "--unix-socket", DOCKER_SOCK, "-X", "POST",
                        "-H", "Content-Type: application/x-tar", "--data-binary", "@" + tarball,
                        f"http://docker/v1.41/images/create?fromSrc=-&repo={repo}&tag={tag}"
                        "&changes=ENV%20PATH%3D%2Fbin"], check=True, capture_output=True)

    def run_as_caller(self, command):
        sandbox = make_sandbox(AGENT1)
        r, cid, _ = launch(AGENT1, task(command, image=SUID_IMAGE), sandbox)
        self.assertExit(r, 0)
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)
        return read(os.path.join(sandbox, "stdout"))

    def test_container_has_no_new_privs(self):
        out = self.run_as_caller("grep NoNewPrivs /proc/self/status")
        self.assertIn("NoNewPrivs:\t1", out, "the container's processes may gain privileges")

    def test_setuid_binary_in_image_gives_no_root(self):
        uid = uid_of(AGENT1)
        out = self.run_as_caller("/bin/suid-euid; /bin/suid-busybox id -u")
        lines = out.split()
        self.assertIn(f"ruid={uid}", out, out)
        self.assertNotIn("euid=0", out, f"a setuid-root binary of the image made the task root: {out!r}")
        self.assertIn(f"euid={uid}", out, out)
        self.assertNotIn("0", lines[-1:], f"setuid busybox ran as root: {out!r}")

    def test_security_opt_parameter_cannot_lift_it(self):
        write_policy(HELPER_SECTION + DEFAULT_CALLERS.replace("label env workdir hostname",
                                                              "label env workdir hostname security-opt"))
        sandbox = make_sandbox(AGENT1)
        t = task("grep NoNewPrivs /proc/self/status; /bin/suid-euid", image=SUID_IMAGE,
                 parameters=[{"key": "security-opt", "value": "no-new-privileges=false"},
                             {"key": "security-opt", "value": "no-new-privileges:false"}])
        r, cid, _ = launch(AGENT1, t, sandbox)
        self.assertExit(r, 0)
        self.assertExit(helper(AGENT1, "wait", cid), 0)
        out = read(os.path.join(sandbox, "stdout"))
        self.assertIn("NoNewPrivs:\t1", out)
        self.assertNotIn("euid=0", out)

    def test_explain_shows_the_option(self):
        sandbox = make_sandbox(AGENT1)
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", sandbox,
                   stdin=task("true", image=SUID_IMAGE))
        self.assertExit(r, 0)
        host = r.json()["create"]["body"]["HostConfig"]
        self.assertIn("no-new-privileges", host.get("SecurityOpt") or [])


class SandboxMount(HelperTestCase):
    """Point 2: root in a container makes a program of the caller's setuid root in the sandbox; on a
    mount without nosuid the host would honour it."""

    def setUp(self):
        self.policy = policy_with(callers=ROOT_CALLER)
        super().setUp()
        self.assertFalse(is_nosuid_mount(TOP), f"{TOP} is itself nosuid: this test needs a plain mount")

    def plant(self, sandbox):
        """The caller puts its static program into its sandbox (its own file, mode 0755)."""
        dst = os.path.join(sandbox, "prog")
        shutil.copy(euid_program(), dst)
        os.chown(dst, uid_of(AGENT1), -1)
        os.chmod(dst, 0o755)
        return dst

    ESCALATE = "chown 0:0 /mnt/mesos/sandbox/prog; chmod 4755 /mnt/mesos/sandbox/prog; mknod " \
               "/mnt/mesos/sandbox/mem c 1 1; chmod 666 /mnt/mesos/sandbox/mem"

    def escalate(self, sandbox):
        t = task(self.ESCALATE)
        t["command"]["user"] = "root"
        r, cid, _ = launch(AGENT1, t, sandbox)
        if r.code == 0:
            self.assertExit(helper(AGENT1, "wait", cid), 0)
        return r

    def host_euid(self, prog):
        p = subprocess.run([prog], capture_output=True, **as_user(AGENT1))
        return p.stdout.decode()

    def test_plain_sandbox_is_refused(self):
        sandbox = plain_sandbox(AGENT1)
        prog = self.plant(sandbox)
        r = self.escalate(sandbox)
        if r.code == 0:
            out = self.host_euid(prog)
            self.fail(f"launch in a sandbox on a suid mount was allowed; then the caller ran {prog}: {out!r}")
        self.assertExit(r, 78)
        self.assertIn(f"sandbox {sandbox}", r.err)
        self.assertIn("nosuid", r.err)
        self.assertIn("nodev", r.err)
        self.assertIn("mount --bind", r.err)  # the fix is in the message
        st = os.stat(prog)
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (uid_of(AGENT1), 0o755), "the program was touched")
        self.assertFalse(os.path.exists(os.path.join(sandbox, "mem")))

    def test_fetch_and_explain_refuse_a_plain_sandbox(self):
        sandbox = plain_sandbox(AGENT1)
        t = task("true")
        t["command"]["user"] = "root"
        r = helper(AGENT1, "fetch", "--sandbox", sandbox, stdin=t)
        self.assertExit(r, 78, "nosuid")
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", sandbox, stdin=t)
        self.assertExit(r, 78, "nosuid")

    def test_nosuid_sandbox_honours_nothing(self):
        """The same attack in the test's nosuid,nodev sandbox root runs, and the host ignores both."""
        self.assertTrue(is_nosuid_mount(SANDBOX_ROOT))
        sandbox = make_sandbox(AGENT1)
        prog = self.plant(sandbox)
        self.assertExit(self.escalate(sandbox), 0)
        st = os.stat(prog)
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (0, 0o4755), "the container did not do its part")
        out = self.host_euid(prog)
        self.assertIn(f"euid={uid_of(AGENT1)}", out)
        self.assertNotIn("euid=0", out)
        # a device node the container made (if its capabilities let it) opens to nothing on the host
        mem = os.path.join(sandbox, "mem")
        if os.path.exists(mem):
            p = subprocess.run(["head", "-c", "1", mem], capture_output=True, **as_user(AGENT1))
            self.assertNotEqual(p.returncode, 0, "a device node in the sandbox opened on the host")
            self.assertIn("Permission denied", p.stderr.decode())


class ReadWriteVolumeMount(HelperTestCase):
    """The sandbox attack through a read-write volume: a host directory the policy allows, on a
    mount that honours setuid bits, written by root in a container."""

    SHARED = os.path.join(TOP, "nnp-shared")

    def setUp(self):
        self.policy = policy_with(callers=ROOT_CALLER.replace(f"volumes         = {VIEW_DIR}",
                                                              f"volumes         = {self.SHARED}"))
        super().setUp()
        os.makedirs(self.SHARED, mode=0o755, exist_ok=True)
        self.dir = make_sandbox_under(self.SHARED, AGENT1)  # a directory of the caller's in it
        self.prog = os.path.join(self.dir, "prog")
        shutil.copy(euid_program(), self.prog)
        os.chown(self.prog, uid_of(AGENT1), -1)
        os.chmod(self.prog, 0o755)

    def run_with(self, user, mode):
        t = task("chown 0:0 /v/prog; chmod 4755 /v/prog",
                 volumes=[{"container_path": "/v", "host_path": self.dir, "mode": mode}])
        if user:
            t["command"]["user"] = user
        r, cid, _ = launch(AGENT1, t)
        if r.code == 0:
            helper(AGENT1, "wait", cid)
        return r

    def test_root_with_a_rw_volume_on_a_suid_mount_is_refused(self):
        r = self.run_with("root", "RW")
        if r.code == 0:
            out = subprocess.run([self.prog], capture_output=True, **as_user(AGENT1)).stdout.decode()
            self.fail(f"root wrote a read-write volume on a suid mount; then the caller ran {self.prog}: {out!r}")
        self.assertExit(r, 78, "nosuid")
        self.assertIn(self.dir, r.err)
        self.assertEqual(os.stat(self.prog).st_uid, uid_of(AGENT1))

    def test_read_only_or_as_the_caller_is_fine(self):
        self.assertExit(self.run_with("root", "RO"), 0)
        self.assertExit(self.run_with(None, "RW"), 0)  # the caller's own rights: nothing to gain
        self.assertEqual(os.stat(self.prog).st_uid, uid_of(AGENT1))


class UsernsRemapAcceptsAPlainMount(HelperTestCase):
    """Point 2's one exception: with dockerd --userns-remap, root in a container is an unprivileged
    host uid, and the helper (asking GET /info) accepts a sandbox on a plain mount."""

    RUN = "/run/mesos-docker-test-nnp"
    SOCK = os.path.join(RUN, "docker.sock")

    def setUp(self):
        os.makedirs(self.RUN, mode=0o755, exist_ok=True)
        self.log = open(os.path.join(self.RUN, "dockerd.log"), "w")
        self.addCleanup(self.log.close)
        self.dockerd = subprocess.Popen(
            ["dockerd", "--host", f"unix://{self.SOCK}", "--data-root", os.path.join(TOP, "nnp-docker"),
             "--exec-root", os.path.join(self.RUN, "exec"), "--pidfile", os.path.join(self.RUN, "dockerd.pid"),
             "--bridge=none", "--iptables=false", "--ip-masq=false", "--userns-remap=default"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_dockerd)
        ping = ["curl", "-fsS", "--max-time", "2", "--unix-socket", self.SOCK, "http://docker/_ping"]
        self.assertTrue(wait_until(lambda: subprocess.run(ping, capture_output=True).returncode == 0, timeout=60),
                        "the private dockerd did not answer")
        self.policy = policy_with().replace(f"docker-socket = {DOCKER_SOCK}", f"docker-socket = {self.SOCK}")
        super().setUp()

    def stop_dockerd(self):
        self.dockerd.terminate()
        self.dockerd.wait(timeout=60)

    def test_plain_sandbox_is_accepted(self):
        sandbox = plain_sandbox(AGENT1)
        r = helper(AGENT1, "policy", "explain", "--container-id", new_id(), "--sandbox", sandbox, stdin=task("true"))
        self.assertExit(r, 0)
        self.assertEqual(r.json()["decision"], "allow")


class SandboxfsNeverAVolume(HelperTestCase):
    """Point 9: root in a container reading through a mesos-sandboxfs mount sees every tenant."""

    def setUp(self):
        self.policy = policy_with(callers=ROOT_CALLER + f"""
[caller {AGENT2}]
images          = docker.io/mesos-test/*:*
networks        = host none
container-users = caller
max-cpus        = 2
max-mem         = 1024
""", roots=(SANDBOX_ROOT,))
        super().setUp()
        os.makedirs(VIEW_MNT, mode=0o755, exist_ok=True)
        subprocess.run(["fusermount3", "-u", VIEW_MNT], capture_output=True)
        self.fs = subprocess.Popen([os.path.join(PREFIX, "bin", "mesos-sandboxfs"), "-f", VIEW_MNT],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.assertTrue(wait_until(lambda: os.path.ismount(VIEW_MNT), timeout=20), "sandboxfs did not mount")
        self.addCleanup(self.unmount)
        # another tenant's running container with a secret in its sandbox
        self.victim_sandbox = make_sandbox(AGENT2)
        with open(os.path.join(self.victim_sandbox, "secret"), "w") as f:
            f.write("agent2-secret")
        os.chown(os.path.join(self.victim_sandbox, "secret"), uid_of(AGENT2), -1)
        os.chmod(os.path.join(self.victim_sandbox, "secret"), 0o600)
        r, self.victim, _ = launch(AGENT2, task("sleep 60"), self.victim_sandbox)
        self.assertExit(r, 0)
        self.addCleanup(helper, AGENT2, "destroy", self.victim, "--grace", "0")
        self.assertTrue(wait_until(lambda: os.path.exists(
            os.path.join(VIEW_MNT, f"mesos-{self.victim}", "sandbox", "secret"))))

    def unmount(self):
        subprocess.run(["fusermount3", "-u", VIEW_MNT], capture_output=True)
        self.fs.wait(timeout=30)

    def attack(self, host_path):
        before = len(audit_records())
        sandbox = make_sandbox(AGENT1)
        inside = os.path.relpath(os.path.join(VIEW_MNT, f"mesos-{self.victim}", "sandbox", "secret"), host_path)
        t = task(f"cat /view/{inside}", volumes=[{"container_path": "/view", "host_path": host_path, "mode": "RO"}])
        t["command"]["user"] = "root"
        r, cid, _ = launch(AGENT1, t, sandbox)
        if r.code == 0:
            helper(AGENT1, "wait", cid)
            self.fail(f"a sandboxfs mount became a volume; the task read: {read(sandbox + '/stdout')!r}")
        self.assertExit(r, 77, "mesos-sandboxfs")
        self.assertIn(VIEW_MNT, r.err)
        self.assertFalse(container_exists(f"mesos-{cid}"))
        denials = [a for a in audit_records()[before:] if a["decision"] == "deny" and VIEW_MNT in a["reason"]]
        self.assertEqual(len(denials), 1, audit_records()[before:])

    def test_mountpoint_is_refused(self):
        self.attack(VIEW_MNT)

    def test_directory_containing_it_is_refused(self):
        self.attack(VIEW_DIR)


class NoSetuidSanitizedBuild(HelperTestCase):
    """Point 9: a sanitizer runtime reads ASAN_OPTIONS=log_path=... before main; setuid, that is a
    file write as root wherever the caller says."""

    def setup(self, *options):
        src = os.environ.get("MD_SOURCE_ROOT")
        if not src:
            self.skipTest("MD_SOURCE_ROOT not set (run through meson test)")
        d = tempfile.mkdtemp(prefix="nnp-setup-")
        self.addCleanup(shutil.rmtree, d, True)
        p = subprocess.run(["meson", "setup", os.path.join(d, "b"), src, "-Dsetuid=true", "-Dtests=false",
                            *options], capture_output=True, cwd=d)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")

    def test_setuid_with_sanitizer_is_refused(self):
        code, out = self.setup("-Db_sanitize=address,undefined")
        self.assertNotEqual(code, 0, "meson setup accepted -Dsetuid=true with ASan")
        self.assertIn("setuid", out)
        self.assertIn("sanitize", out)

    def test_setuid_with_fuzzing_is_refused(self):
        code, out = self.setup("-Dfuzzing=true")
        self.assertNotEqual(code, 0, "meson setup accepted -Dsetuid=true with -Dfuzzing=true")
        self.assertIn("fuzzing", out)

    def test_setuid_alone_is_accepted(self):
        code, out = self.setup()
        self.assertEqual(code, 0, out)


if __name__ == "__main__":
    main()
