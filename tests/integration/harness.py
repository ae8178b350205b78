"""Shared set-up for the integration suites: the installed setuid helper, its policy, test users,
sandboxes, and a view of the real docker daemon. See tests/integration/README.md.

Every suite runs as root and acts through unprivileged users with runuser/setpriv, as an agent
would. A suite that finds the environment missing is skipped, saying why (tap.py: a failure in CI)."""

import http.server
import json
import os
import pwd
import shutil
import subprocess
import sys
import threading
import time
import unittest
import uuid

import tap

PREFIX = os.environ.get("MD_TEST_PREFIX", "/opt/mesos-docker-test")
HELPER = os.path.join(PREFIX, "bin", "mesos-docker-helper")
SANDBOXFS = os.path.join(PREFIX, "bin", "mesos-sandboxfs")
POLICY_DIR = os.path.join(PREFIX, "etc", "mesos-docker")
POLICY_FILE = os.path.join(POLICY_DIR, "policy.conf")
DOCKER_SOCK = os.environ.get("MD_TEST_DOCKER_SOCK", "/run/mesos-docker-test/docker.sock")
REGISTRY = os.environ.get("MD_TEST_REGISTRY", "127.0.0.1:5000")
SANDBOX_ROOT = "/var/lib/mesos-docker-test/sandboxes"
STATE_DIR = "/run/mesos-docker-test/state"
AUDIT_LOG = "/var/log/mesos-docker-test/audit.log"
IMAGE = "mesos-test/busybox:latest"
IMAGE_NORMALIZED = "docker.io/mesos-test/busybox:latest"
ENTRYPOINT_IMAGE = "mesos-test/entrypoint:latest"
AGENT1, AGENT2, READER = "md-agent1", "md-agent2", "md-reader"

HELPER_SECTION = f"""[helper]
sandbox-root  = {SANDBOX_ROOT}
state-dir     = {STATE_DIR}
audit-log     = {AUDIT_LOG}
docker-socket = {DOCKER_SOCK}
"""

DEFAULT_CALLERS = f"""
[caller {AGENT1}]
images          = docker.io/mesos-test/*:* {REGISTRY}/mesos-test/*:*
networks        = host bridge none
privileged      = no
container-users = caller
parameters      = label env workdir hostname
max-cpus        = 4
max-mem         = 2048
fetch-schemes   = http https ftp file
fetch-max-bytes = 1073741824
readers         = %md-readers

[caller {AGENT2}]
images          = docker.io/mesos-test/*:*
networks        = host none
container-users = caller
max-cpus        = 2
max-mem         = 1024
"""


def skip_unless_ready():
    """Exits 77 unless the environment of tools/testenv is there."""
    why = None
    if os.geteuid() != 0:
        why = "not root"
    elif not os.path.exists(HELPER):
        why = f"{HELPER} is not installed (run tools/test)"
    elif not (os.stat(HELPER).st_mode & 0o4000):
        why = f"{HELPER} is not setuid"
    elif subprocess.run(["curl", "-fsS", "--max-time", "3", "--unix-socket", DOCKER_SOCK,
                         "http://docker/_ping"], capture_output=True).returncode != 0:
        why = f"no docker daemon on {DOCKER_SOCK} (run tools/testenv start)"
    else:
        for user in (AGENT1, AGENT2, READER):
            try:
                pwd.getpwnam(user)
            except KeyError:
                why = f"user {user} missing (run tools/testenv start)"
    if why:
        tap.skip_suite(why)


def write_policy(text=None, dropins=None):
    """Installs the helper's policy (root-owned 0644) and replaces policy.d with dropins."""
    if text is None:
        text = HELPER_SECTION + DEFAULT_CALLERS
    os.makedirs(POLICY_DIR, mode=0o755, exist_ok=True)
    tmp = POLICY_FILE + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.chown(tmp, 0, 0)
    os.replace(tmp, POLICY_FILE)
    dropdir = os.path.join(POLICY_DIR, "policy.d")
    shutil.rmtree(dropdir, ignore_errors=True)
    if dropins:
        os.makedirs(dropdir, mode=0o755)
        for name, body in dropins.items():
            with open(os.path.join(dropdir, name), "w") as f:
                f.write(body)
            os.chmod(os.path.join(dropdir, name), 0o644)


def uid_of(user):
    return pwd.getpwnam(user).pw_uid


def make_sandbox(user, name=None):
    """A fresh sandbox directory owned by user under the policy's sandbox-root."""
    os.makedirs(SANDBOX_ROOT, mode=0o755, exist_ok=True)
    path = os.path.join(SANDBOX_ROOT, name or f"{user}-{uuid.uuid4().hex[:12]}")
    os.mkdir(path, 0o755)
    pw = pwd.getpwnam(user)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


def new_id(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode(errors="replace")
        self.err = proc.stderr.decode(errors="replace")

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"<exit {self.code} stdout={self.out!r} stderr={self.err!r}>"


def as_user(user):
    """subprocess arguments that run the child as user: the ids change in the forked child right
    before exec, so nothing else (no setpriv) runs with the test's environment or fds."""
    if user is None:
        return {}
    pw = pwd.getpwnam(user)
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": os.getgrouplist(user, pw.pw_gid)}


def helper(user, *args, stdin=None, env=None, timeout=300, wrapper=None, **popen):
    """Runs the installed helper as user (None: as root) with a clean environment."""
    argv = [HELPER, *args]
    if wrapper:
        argv = wrapper + argv
    if isinstance(stdin, (dict, list)):
        stdin = json.dumps(stdin)
    if isinstance(stdin, str):
        stdin = stdin.encode()
    proc = subprocess.run(argv, input=stdin if stdin is not None else b"", capture_output=True,
                          env=env if env is not None else {"PATH": "/usr/bin:/bin"}, timeout=timeout,
                          **as_user(user), **popen)
    return Result(proc)


def task(command=None, image=IMAGE, shell=None, arguments=None, **extra):
    """A TaskInfo in the protobuf JSON mapping."""
    t = {"name": "test", "task_id": {"value": new_id("task")},
         "container": {"type": "DOCKER", "docker": {"image": image}}}
    cmd = {}
    if command is not None:
        cmd["value"] = command
    if shell is not None:
        cmd["shell"] = shell
    if arguments is not None:
        cmd["arguments"] = arguments
    t["command"] = cmd
    for k, v in extra.items():
        if k in ("network", "port_mappings", "privileged", "parameters", "force_pull_image"):
            t["container"]["docker"][k] = v
        elif k == "volumes":
            t["container"]["volumes"] = v
        elif k == "uris":
            t["command"]["uris"] = v
        elif k == "resources":
            t["resources"] = [{"name": n, "type": "SCALAR", "scalar": {"value": val}} for n, val in v.items()]
        else:
            t[k] = v
    return t


def launch(user, task_info, sandbox=None, cid=None):
    sandbox = sandbox or make_sandbox(user)
    cid = cid or new_id()
    r = helper(user, "launch", "--container-id", cid, "--sandbox", sandbox, stdin=task_info)
    return r, cid, sandbox


def run_task(user, task_info, sandbox=None):
    """launch then wait; returns (launch result, wait result, sandbox)."""
    r, cid, sandbox = launch(user, task_info, sandbox)
    if r.code != 0:
        return r, None, sandbox
    w = helper(user, "wait", cid)
    return r, w, sandbox


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that keeps the test output to TAP (no access log on stderr)."""

    def log_message(self, *args):
        pass


def serve_http(handler_class):
    """A threading HTTP server on a free port of 127.0.0.1, serving in a thread; its URL is .base.
    Stop it with stop_http()."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_http(server):
    server.shutdown()
    server.server_close()


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def docker_api(method, path, body=None):
    """The daemon's own view, through curl on the socket (the test checks what really happened)."""
    argv = ["curl", "-sS", "--max-time", "30", "--unix-socket", DOCKER_SOCK, "-X", method,
            "-w", "\n%{http_code}", f"http://docker/v1.41{path}"]
    if body is not None:
        argv += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
    out = subprocess.run(argv, capture_output=True, check=True).stdout.decode()
    text, _, code = out.rpartition("\n")
    try:
        return int(code), json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        return int(code), text


def container_exists(name):
    code, _ = docker_api("GET", f"/containers/{name}/json")
    return code == 200


def audit_records():
    if not os.path.exists(AUDIT_LOG):
        return []
    with open(AUDIT_LOG) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_until(predicate, timeout=30, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(interval)
    return predicate()


class HelperTestCase(unittest.TestCase):
    """Installs the default policy before each test; removes the test's containers after."""

    policy = None
    dropins = None

    @classmethod
    def setUpClass(cls):
        skip_unless_ready()

    def setUp(self):
        write_policy(self.policy, self.dropins)

    def assertExit(self, result, code, msg_part=None):
        self.assertEqual(result.code, code, f"expected exit {code}: {result!r}")
        if msg_part is not None:
            self.assertIn(msg_part, result.err, result)
        if code != 0:
            self.assertEqual(result.out, "", "nothing on stdout after an error")
            self.assertTrue(result.err.startswith("mesos-docker-helper: "), result)
            self.assertEqual(result.err.count("\n"), 1, f"one line on stderr: {result.err!r}")


def main():
    skip_unless_ready()
    tap.main()
