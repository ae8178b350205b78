"""Attacks on the setuid helper, one test per class (design.md "The privilege boundary"). Each
asserts the exit code, the message, the audit record where there is a decision, and that nothing
changed: no container made, canary files untouched."""

import ctypes
import errno
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time

from harness import (AGENT1, AGENT2, AUDIT_LOG, DOCKER_SOCK, HELPER, HELPER_SECTION, DEFAULT_CALLERS, POLICY_DIR,
                     POLICY_FILE, SANDBOX_ROOT, HelperTestCase, audit_records, container_exists, docker_api, helper,
                     launch, main, make_sandbox, as_user, new_id, read, task, uid_of, wait_until, write_policy)

CANARY_DIR = "/var/lib/mesos-docker-test/canary"


def canary(name):
    os.makedirs(CANARY_DIR, mode=0o777, exist_ok=True)
    os.chmod(CANARY_DIR, 0o777)
    path = os.path.join(CANARY_DIR, name)
    if os.path.exists(path):
        os.unlink(path)
    return path


def containers_named(prefix="mesos-"):
    code, lst = docker_api("GET", "/containers/json?all=1")
    return {n[1:] for c in lst for n in c["Names"] if n[1:].startswith(prefix)}


class HostileProcessState(HelperTestCase):

    def test_hostile_environment_is_ignored(self):
        so_src = canary("evil.c")
        so = canary("evil.so")
        marker = canary("preload-ran")
        with open(so_src, "w") as f:
            f.write('#include <stdio.h>\n__attribute__((constructor)) static void c(void)'
                    f'{{ FILE *f = fopen("{marker}", "w"); if (f) fclose(f); }}\n')
        subprocess.run(["gcc", "-shared", "-fPIC", "-o", so, so_src], check=True)
        os.chmod(so, 0o755)
        keylog = canary("keylog")
        proxy = socket.socket()
        proxy.bind(("127.0.0.1", 0))
        proxy.listen(4)
        proxy.settimeout(0.5)
        port = proxy.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "LD_PRELOAD": so, "LD_LIBRARY_PATH": CANARY_DIR,
               "DOCKER_HOST": "tcp://127.0.0.1:%d" % port, "http_proxy": "http://127.0.0.1:%d" % port,
               "HTTP_PROXY": "http://127.0.0.1:%d" % port, "https_proxy": "http://127.0.0.1:%d" % port,
               "ALL_PROXY": "http://127.0.0.1:%d" % port, "NO_PROXY": "", "SSLKEYLOGFILE": keylog,
               "HOME": CANARY_DIR, "CURL_HOME": CANARY_DIR, "CURL_CA_BUNDLE": "/etc/shadow",
               "MALLOC_CHECK_": "3", "GCONV_PATH": CANARY_DIR, "LOCALDOMAIN": "evil", "TZ": "/etc/shadow",
               "TMPDIR": CANARY_DIR, "DOCKER_CONFIG": CANARY_DIR, "MESOS_DOCKER_POLICY": "/tmp/evil.conf"}
        sandbox = make_sandbox(AGENT1)
        cid = new_id()
        r = helper(AGENT1, "launch", "--container-id", cid, "--sandbox", sandbox, stdin=task("echo $HOME; env"),
                   env=env)
        self.assertExit(r, 0)
        w = helper(AGENT1, "wait", cid, env=env)
        self.assertExit(w, 0)
        self.assertFalse(os.path.exists(marker), "LD_PRELOAD ran in the helper")
        self.assertFalse(os.path.exists(keylog), "SSLKEYLOGFILE was honoured")
        with self.assertRaises(socket.timeout):
            proxy.accept()  # no proxy was contacted
        proxy.close()
        # the container's environment is the task's, not the caller's
        out = read(f"{sandbox}/stdout")
        self.assertNotIn("LD_PRELOAD", out)
        self.assertNotIn("SSLKEYLOGFILE", out)

    def test_inherited_fds_are_closed(self):
        secret = canary("secret-fd")
        with open(secret, "w") as f:
            f.write("x")
        fd = os.open(secret, os.O_RDONLY)
        os.set_inheritable(fd, True)
        sandbox = make_sandbox(AGENT1)
        cid = new_id()
        argv = [HELPER, "launch", "--container-id", cid, "--sandbox", sandbox]
        p = subprocess.run(argv, input=json.dumps(task("sleep 20")).encode(), capture_output=True, pass_fds=(fd,),
                           **as_user(AGENT1))
        os.close(fd)
        self.assertEqual(p.returncode, 0, p.stderr)
        # the monitor holds no descriptor of the caller's
        mon = self.monitor_pid(cid)
        for name in os.listdir(f"/proc/{mon}/fd"):
            target = os.readlink(f"/proc/{mon}/fd/{name}")
            self.assertNotEqual(target, secret, "an inherited fd leaked into the monitor")
        helper(AGENT1, "destroy", cid, "--grace", "0")

    def monitor_pid(self, cid):
        rec = json.load(open(f"/run/mesos-docker-test/state/containers/mesos-{cid}.json"))
        self.assertGreater(rec["monitor_pid"], 0)
        return rec["monitor_pid"]

    def test_closed_stdio_does_not_redirect_output(self):
        # with 0-2 closed, the first files the helper opens must not become its stdout/stderr
        before = len(audit_records())
        p = subprocess.run([HELPER, "list"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, preexec_fn=lambda: [os.close(i) for i in (0, 1, 2)],
                           **as_user(AGENT1))
        # glibc reopens closed stdio of a setuid program read-only; the helper makes 1 and 2
        # writable /dev/null again, so the answer is discarded, not an error halfway through
        self.assertEqual(p.returncode, 0)
        for rec in audit_records()[before:]:
            self.assertIn("decision", rec)  # every line of the log is still a whole record
        with open(AUDIT_LOG) as f:
            for line in f:
                json.loads(line)

    def test_file_size_limit_fails_closed(self):
        import resource
        sandbox = make_sandbox(AGENT1)
        cid = new_id()
        argv = [HELPER, "launch", "--container-id", cid, "--sandbox", sandbox]
        p = subprocess.run(argv, input=json.dumps(task("true")).encode(), capture_output=True,
                           preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)), **as_user(AGENT1))
        self.assertEqual(p.returncode, 1, p)
        self.assertIn(b"audit", p.stderr)
        self.assertFalse(container_exists(f"mesos-{cid}"))

    def test_hostile_signal_state_is_reset(self):
        # SIGCHLD ignored would make the helper's waitpid on its caller-side child fail; blocked
        # and ignored signals would change how it can be stopped
        import signal as sig

        def hostile():
            sig.signal(sig.SIGCHLD, sig.SIG_IGN)
            sig.signal(sig.SIGTERM, sig.SIG_IGN)
            sig.signal(sig.SIGPIPE, sig.SIG_DFL)
            sig.pthread_sigmask(sig.SIG_BLOCK, {sig.SIGTERM, sig.SIGINT, sig.SIGCHLD, sig.SIGALRM})
            os.umask(0o777)
            os.chdir("/var/lib/mesos-docker-test/canary")
        r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", make_sandbox(AGENT1),
                   stdin=task("true"), preexec_fn=hostile)
        self.assertExit(r, 0)
        cid = r.json()["container"][len("mesos-"):]
        w = helper(AGENT1, "wait", cid)
        self.assertExit(w, 0)

    def test_audit_log_on_a_full_disk_fails_closed(self):
        full = "/var/log/mesos-docker-test-full"
        os.makedirs(full, exist_ok=True)
        subprocess.run(["umount", full], capture_output=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", full], check=True)
        try:
            with open(f"{full}/filler", "wb") as f:
                try:
                    f.write(b"x" * (1 << 20))
                except OSError:
                    pass
            write_policy(HELPER_SECTION.replace(AUDIT_LOG, f"{full}/audit.log") + DEFAULT_CALLERS)
            r, cid, _ = launch(AGENT1, task("true"))
            self.assertExit(r, 1, "audit")
            self.assertFalse(container_exists(f"mesos-{cid}"))
        finally:
            subprocess.run(["umount", full], capture_output=True)

    def test_argc_zero_is_refused(self):
        libc = ctypes.CDLL(None, use_errno=True)
        pid = os.fork()
        if pid == 0:
            try:  # never return into the test runner from the child
                os.setgroups([])
                os.setgid(uid_of(AGENT1))
                os.setuid(uid_of(AGENT1))
                devnull = os.open("/dev/null", os.O_WRONLY)
                os.dup2(devnull, 2)
                argv = (ctypes.c_char_p * 1)(None)
                envp = (ctypes.c_char_p * 1)(None)
                libc.execve(HELPER.encode(), argv, envp)
            finally:
                os._exit(99)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 64)


class Ptrace(HelperTestCase):
    """The processes that hold the docker connection cannot be traced, read or signalled."""

    def as_agent(self, fn):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.setgroups([])
            os.setgid(uid_of(AGENT1))
            os.setuid(uid_of(AGENT1))
            try:
                res = fn()
            except Exception as e:  # noqa: BLE001
                res = f"exception {e!r}"
            os.write(w, json.dumps(res).encode())
            os._exit(0)
        os.close(w)
        out = b""
        while chunk := os.read(r, 65536):
            out += chunk
        os.waitpid(pid, 0)
        return json.loads(out)

    def probes(self, pid):
        def probe():
            libc = ctypes.CDLL(None, use_errno=True)
            res = {}
            PTRACE_ATTACH = 16
            rc = libc.ptrace(PTRACE_ATTACH, pid, None, None)
            res["ptrace"] = ctypes.get_errno() if rc != 0 else 0
            for what in ("fd", "environ", "mem"):
                try:
                    if what == "fd":
                        os.listdir(f"/proc/{pid}/fd")
                    else:
                        open(f"/proc/{pid}/{what}", "rb").read(1)
                    res[what] = 0
                except OSError as e:
                    res[what] = e.errno
            try:
                os.kill(pid, 0)
                res["kill"] = 0
            except OSError as e:
                res["kill"] = e.errno
            return res
        return self.as_agent(probe)

    def test_monitor_cannot_be_traced_or_signalled(self):
        r, cid, _ = launch(AGENT1, task("sleep 30"))
        self.assertExit(r, 0)
        rec = json.load(open(f"/run/mesos-docker-test/state/containers/mesos-{cid}.json"))
        res = self.probes(rec["monitor_pid"])
        self.assertEqual(res["ptrace"], errno.EPERM)
        self.assertIn(res["fd"], (errno.EACCES, errno.EPERM))
        self.assertIn(res["environ"], (errno.EACCES, errno.EPERM))
        self.assertIn(res["mem"], (errno.EACCES, errno.EPERM))
        self.assertEqual(res["kill"], errno.EPERM)
        helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_waiting_helper_cannot_be_traced(self):
        r, cid, _ = launch(AGENT1, task("sleep 30"))
        self.assertExit(r, 0)
        p = subprocess.Popen([HELPER, "wait", cid], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             **as_user(AGENT1))
        time.sleep(0.5)
        res = self.probes(p.pid)  # setpriv execs the helper: same pid
        self.assertEqual(res["ptrace"], errno.EPERM)
        self.assertIn(res["fd"], (errno.EACCES, errno.EPERM))
        self.assertIn(res["environ"], (errno.EACCES, errno.EPERM))
        helper(AGENT1, "destroy", cid, "--grace", "0")
        p.communicate(timeout=60)


class UnsafePolicy(HelperTestCase):
    """The policy must be root-owned, not writable by others, no symlink: else 78, and nothing runs."""

    def assertRefused(self, part=None):
        r = helper(AGENT1, "list")
        self.assertExit(r, 78, part)
        return r

    def tearDown(self):
        os.chmod(POLICY_DIR, 0o755)
        os.chown(POLICY_DIR, 0, 0)
        write_policy()

    def test_group_writable(self):
        os.chmod(POLICY_FILE, 0o664)
        self.assertRefused()

    def test_world_writable(self):
        os.chmod(POLICY_FILE, 0o646)
        self.assertRefused()

    def test_not_root_owned(self):
        os.chown(POLICY_FILE, uid_of(AGENT1), 0)
        self.assertRefused()

    def test_symlink(self):
        real = POLICY_FILE + ".real"
        shutil.copy(POLICY_FILE, real)
        os.unlink(POLICY_FILE)
        os.symlink(real, POLICY_FILE)
        try:
            self.assertRefused()
        finally:
            os.unlink(POLICY_FILE)
            os.unlink(real)

    def test_directory_writable_by_others(self):
        os.chmod(POLICY_DIR, 0o777)
        self.assertRefused()

    def test_dropin_writable(self):
        write_policy(None, {"10-x.conf": f"[caller {AGENT2}]\nimages = *\n"})
        os.chmod(os.path.join(POLICY_DIR, "policy.d", "10-x.conf"), 0o666)
        self.assertRefused()

    def test_missing(self):
        os.unlink(POLICY_FILE)
        self.assertRefused()

    def test_invalid_names_file_and_line(self):
        write_policy(HELPER_SECTION + "\n[caller md-agent1]\nimages = x\nnot-a-key = 1\n")
        r = self.assertRefused()
        self.assertRegex(r.err, r"policy\.conf:\d+: ")


class AuditLog(HelperTestCase):

    def tearDown(self):
        if os.path.islink(AUDIT_LOG):
            os.unlink(AUDIT_LOG)

    def test_symlinked_audit_log_fails_closed(self):
        target = canary("audit-target")
        open(target, "w").close()
        if os.path.exists(AUDIT_LOG):
            os.rename(AUDIT_LOG, AUDIT_LOG + ".saved")
        os.symlink(target, AUDIT_LOG)
        try:
            r, cid, _ = launch(AGENT1, task("true"))
            self.assertExit(r, 1, "audit")
            self.assertFalse(container_exists(f"mesos-{cid}"))
            self.assertEqual(os.path.getsize(target), 0)
        finally:
            os.unlink(AUDIT_LOG)
            if os.path.exists(AUDIT_LOG + ".saved"):
                os.rename(AUDIT_LOG + ".saved", AUDIT_LOG)

    def test_deny_is_audited_with_rule(self):
        r, cid, _ = launch(AGENT2, task("true", network="BRIDGE"))
        self.assertExit(r, 77, "network")
        rec = [x for x in audit_records() if x["container"] == f"mesos-{cid}"]
        self.assertEqual(len(rec), 1)
        self.assertEqual(rec[0]["decision"], "deny")
        self.assertRegex(rec[0]["rule"], r"policy\.conf:\d+$")
        self.assertIn("network", rec[0]["reason"])

    def test_control_characters_in_reason_are_escaped(self):
        r, cid, _ = launch(AGENT1, task("true", parameters=[{"key": "label", "value": "a=b"},
                                                             {"key": "privileged", "value": "true\n\x1b[31m"}]))
        self.assertNotEqual(r.code, 0)
        with open(AUDIT_LOG, "rb") as f:
            for line in f:
                self.assertNotIn(b"\x1b", line)
                json.loads(line)


class ArgumentPolicy(HelperTestCase):
    """Every Docker option is allowed only through a policy key, whatever its spelling."""

    def refused(self, t, codes=(65, 77)):
        r, cid, _ = launch(AGENT1, t)
        self.assertIn(r.code, codes, r)
        self.assertEqual(r.out, "")
        self.assertFalse(container_exists(f"mesos-{cid}"), "no container made")
        self.assertFalse(os.path.exists(f"/run/mesos-docker-test/state/containers/mesos-{cid}.json"),
                         "no record left")
        return r

    def test_dangerous_parameters_are_denied(self):
        for key, value in [("privileged", "true"), ("pid", "host"), ("ipc", "host"), ("uts", "host"),
                           ("userns", "host"), ("network", "container:x"), ("net", "host"),
                           ("cap-add", "SYS_ADMIN"), ("device", "/dev/sda"), ("security-opt", "seccomp=unconfined"),
                           ("volumes-from", "other"), ("volume-driver", "local"), ("user", "0"), ("u", "root"),
                           ("volume", "/:/host"), ("v", "/:/host"), ("mount", "type=bind,src=/,dst=/h"),
                           ("cgroup-parent", "/"), ("sysctl", "kernel.x=1"), ("log-driver", "none"),
                           ("--privileged", "true"), ("PRIVILEGED", "true"), ("privileged ", "true"),
                           ("", "x"), ("runtime", "x")]:
            with self.subTest(key=key):
                self.refused(task("true", parameters=[{"key": key, "value": value}]))

    def test_privileged_field_is_denied(self):
        r = self.refused(task("true", privileged=True), (77,))
        self.assertIn("privileged", r.err)

    def test_bind_of_root_socket_and_outside_is_denied(self):
        for path in ["/", "/etc", DOCKER_SOCK, "/run/mesos-docker-test", "/var/lib/mesos-docker-test/canary"]:
            with self.subTest(path=path):
                self.refused(task("true", volumes=[{"container_path": "/h", "host_path": path, "mode": "RO"}]),
                             (1, 77))

    def test_symlink_leading_outside_is_denied(self):
        allowed = "/var/lib/mesos-docker-test/shared"
        os.makedirs(allowed, exist_ok=True)
        link = os.path.join(allowed, "etc-link")
        if not os.path.islink(link):
            os.symlink("/etc", link)
        write_policy(HELPER_SECTION + DEFAULT_CALLERS.replace("fetch-schemes", f"volumes = {allowed}\nfetch-schemes", 1))
        self.refused(task("true", volumes=[{"container_path": "/h", "host_path": link, "mode": "RO"}]), (1, 77))
        # the allowed directory itself works
        r, cid, _ = launch(AGENT1, task("ls /h", volumes=[{"container_path": "/h", "host_path": allowed, "mode": "RO"}]))
        self.assertExit(r, 0)
        helper(AGENT1, "wait", cid)

    def test_relative_volume_escapes_are_refused(self):
        sandbox = make_sandbox(AGENT1)
        os.symlink("/etc", f"{sandbox}/etc-link")
        for hp in ["../..", "a/../../..", "etc-link", "etc-link/passwd"]:
            with self.subTest(host_path=hp):
                r, cid, _ = launch(AGENT1, task("true", volumes=[{"container_path": "/h", "host_path": hp,
                                                                  "mode": "RW"}]), sandbox)
                self.assertIn(r.code, (65, 77), r)
                self.assertFalse(container_exists(f"mesos-{cid}"))

    def test_image_not_in_policy(self):
        r = self.refused(task("true", image="busybox"), (77,))
        self.assertIn("docker.io/library/busybox:latest", r.err)

    def test_image_references_with_options_or_shell(self):
        for ref in ["--privileged", "a;b", "a b", "a$(x)", "A/B", "x@sha256:zz", "a" * 300, "a\nb", "-", ""]:
            with self.subTest(ref=ref):
                self.refused(task("true", image=ref), (65,))

    def test_container_user_outside_policy(self):
        t = task("id -u")
        t["command"]["user"] = "root"
        self.refused(t, (77,))

    def test_resources_over_limits(self):
        self.refused(task("true", resources={"cpus": 64}), (77,))
        self.refused(task("true", resources={"mem": 1 << 20}), (77,))

    def test_caller_without_section_may_do_nothing(self):
        write_policy(HELPER_SECTION + f"[caller {AGENT2}]\nimages = *:*\n")
        self.assertExit(helper(AGENT1, "list"), 77)
        self.refused(task("true"), (77,))


class ParameterValues(HelperTestCase):
    """`parameters = KEY=VALUE` allows one value of a root-equivalent key, not the key."""

    policy = HELPER_SECTION + DEFAULT_CALLERS.replace(
        "parameters      = label env workdir hostname",
        "parameters      = label env workdir cap-add=NET_BIND_SERVICE cap-add=cap_chown", 1)

    def test_only_the_listed_values(self):
        # attack: allowing cap-add for NET_BIND_SERVICE allowed SYS_ADMIN and ALL as well
        for value in ("SYS_ADMIN", "ALL", "all", "cap_sys_admin", "NET_ADMIN", "NET_BIND_SERVICE2"):
            with self.subTest(value=value):
                r, cid, _ = launch(AGENT1, task("true", parameters=[{"key": "cap-add", "value": value}]))
                self.assertExit(r, 77, "cap-add")
                self.assertFalse(container_exists(f"mesos-{cid}"))
                rec = [x for x in audit_records() if x["container"] == f"mesos-{cid}"]
                self.assertEqual([x["decision"] for x in rec], ["deny"])
                self.assertIn("cap-add", rec[0]["reason"])
                self.assertRegex(rec[0]["rule"], r"policy\.conf:\d+$")
        # capabilities are matched as docker reads them: any case, with or without CAP_
        for values in (["net_bind_service"], ["CAP_NET_BIND_SERVICE", "chown"], ["Cap_Chown"]):
            with self.subTest(values=values):
                r, cid, _ = launch(AGENT1, task("sleep 30", parameters=[{"key": "cap-add", "value": v}
                                                                       for v in values]))
                self.assertExit(r, 0)
                try:
                    _, info = docker_api("GET", f"/containers/mesos-{cid}/json")
                    self.assertEqual(info["HostConfig"]["CapAdd"], values)
                finally:
                    helper(AGENT1, "destroy", cid, "--grace", "0")
        # a key listed with values only allows nothing else; a key alone allows any value
        r, cid, _ = launch(AGENT1, task("true", parameters=[{"key": "device", "value": "/dev/sda"}]))
        self.assertExit(r, 77, "device")
        r, cid, _ = launch(AGENT1, task("true", parameters=[{"key": "e", "value": "A=anything"}]))
        self.assertExit(r, 0)
        helper(AGENT1, "wait", cid)


class HugeInputs(HelperTestCase):

    def test_huge_and_deep_json(self):
        for t in ['[' * 100000 + ']' * 100000, '{"a":"' + 'x' * (3 << 20) + '"}',
                  json.dumps(task("true", arguments=["x"] * 100000, shell=False))]:
            sandbox = make_sandbox(AGENT1)
            r = helper(AGENT1, "launch", "--container-id", new_id(), "--sandbox", sandbox, stdin=t)
            self.assertExit(r, 65)

    def test_huge_arguments(self):
        r = helper(AGENT1, "launch", "--container-id", "x" * 100000, "--sandbox", "/" + "a" * 100000)
        self.assertExit(r, 64)
        r = helper(AGENT1, "recover", "--known", ",".join(["a"] * 5000))
        self.assertExit(r, 64)


class UserNamespace(HelperTestCase):

    def test_uid0_in_user_namespace_is_not_root(self):
        r, cid, _ = launch(AGENT1, task("sleep 20"))
        self.assertExit(r, 0)
        p = subprocess.run(["unshare", "--user", "--map-root-user", HELPER, "list"], capture_output=True,
                           **as_user(AGENT2))
        self.assertNotEqual(p.returncode, 0, p)
        self.assertNotIn(cid.encode(), p.stdout)
        helper(AGENT1, "destroy", cid, "--grace", "0")


if __name__ == "__main__":
    main()
