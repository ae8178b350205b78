"""The Debian package (suite 'package'): built twice from a fresh clone by tools/package (the
second with a newer changelog entry), checked by lintian, installed, upgraded and purged on this
machine. It installs into /, so run it alone: `meson test -C BUILD --suite package`. It needs
no docker daemon and leaves the shared test prefix alone.

It packages what is committed (HEAD of the checkout), not the working tree."""

import glob
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import tap

SOURCE = os.environ.get("MD_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
PACKAGE = "mesos-docker"
HELPER = "/usr/bin/mesos-docker-helper"
UNIT_DIR = "/lib/systemd/system"
UNITS = ["mesos-docker-monitor.socket", "mesos-docker-monitor.service", "mesos-docker.slice",
         "mesos-sandboxfs.service"]


def run(*argv, check=True, user=None, **kw):
    if user:
        pw = pwd.getpwnam(user)
        argv = ("setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups", "--") + argv
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{argv}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def installed_version():
    p = run("dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE, check=False)
    if p.returncode != 0 or not p.stdout.startswith("install ok installed"):
        return None
    return p.stdout.split()[-1]


def purge():
    run("dpkg", "--purge", PACKAGE, check=False)
    run("dpkg-statoverride", "--remove", HELPER, check=False)


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="md-package-")
        base = run("dpkg-parsechangelog", "-l", os.path.join(SOURCE, "debian", "changelog"),
                   "-S", "Version").stdout.strip()
        cls.v1, cls.v2 = f"{base}+test1", f"{base}+test2"
        tool = os.path.join(SOURCE, "tools", "package")
        cls.deb1 = run(tool, "--version", cls.v1, "--out", cls.out).stdout.strip().splitlines()[-1]
        # the unit tests ran in the first build; the second only needs to be newer
        env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck")
        cls.deb2 = run(tool, "--version", cls.v2, "--out", cls.out, env=env).stdout.strip().splitlines()[-1]
        purge()

    @classmethod
    def tearDownClass(cls):
        purge()
        shutil.rmtree(cls.out, ignore_errors=True)

    def assert_helper_setuid(self):
        st = os.stat(HELPER)
        self.assertEqual((st.st_uid, st.st_gid), (0, 0))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o4755, oct(st.st_mode))

    def test_1_lintian(self):
        # no error, no warning: each one is fixed or overridden in debian/ with its reason
        p = run("lintian", "--fail-on", "error,warning", self.deb1, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotRegex(p.stdout, r"(?m)^[EW]: ", p.stdout)

    def test_2_contents(self):
        listing = run("dpkg-deb", "-c", self.deb1).stdout
        # the deb carries the helper 0755: the setuid bit is the postinst's (dpkg-statoverride)
        self.assertRegex(listing, r"-rwxr-xr-x root/root .* \./usr/bin/mesos-docker-helper\n")
        for path in ["./usr/bin/mesos-sandboxfs", "./usr/share/man/man8/mesos-docker-helper.8.gz",
                     "./usr/share/man/man5/mesos-docker-policy.5.gz", "./etc/mesos-docker/policy.d/",
                     "./etc/logrotate.d/mesos-docker"] + [f".{UNIT_DIR}/{u}" for u in UNITS]:
            self.assertIn(path, listing)
        with tempfile.TemporaryDirectory() as d:
            run("dpkg-deb", "-e", self.deb1, d)
            with open(os.path.join(d, "conffiles")) as f:
                conffiles = f.read().split()
        self.assertIn("/etc/mesos-docker/policy.conf", conffiles)
        self.assertIn("/etc/logrotate.d/mesos-docker", conffiles)

    def test_3_install_upgrade_purge(self):
        run("dpkg", "-i", self.deb1)
        self.assertEqual(installed_version(), self.v1)
        self.assert_helper_setuid()
        p = run(HELPER, "--version", user="nobody")
        self.assertRegex(p.stdout, r"^mesos-docker-helper \d+\.\d+\.\d+\n")
        # the package's helper reads the policy under /etc, and says so
        self.assertIn("\npolicy: /etc/mesos-docker/policy.conf, then /etc/mesos-docker/policy.d/*.conf\n", p.stdout)
        self.assertIn("\nbuild: -Dsetuid=false, ", p.stdout)  # the postinst sets the bit
        self.assertIn("\nthis binary: setuid root\n", p.stdout)

        # the installed policy is valid and allows nothing: an agent is denied, audited
        run(HELPER, "policy", "check", user="nobody")
        sandbox = tempfile.mkdtemp(dir="/var/tmp")
        p = run(HELPER, "launch", "--container-id", "pkg1", "--sandbox", sandbox, user="nobody",
                input='{"container":{"type":"DOCKER","docker":{"image":"busybox"}}}', check=False)
        os.rmdir(sandbox)
        self.assertEqual(p.returncode, 77, p.stderr)
        self.assertIn("no [caller] section", p.stderr)
        with open("/var/log/mesos-docker/audit.log") as f:
            self.assertIn('"decision":"deny"', f.read())
        # doctor says so, with the fix, and fails for this caller
        p = run(HELPER, "doctor", user="nobody", check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"(?m)^fail caller .*no \[caller\] section names you.*; fix: ")

        for unit in UNITS:
            p = run("systemd-analyze", "verify", os.path.join(UNIT_DIR, unit), check=False)
            self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""), unit)
        p = run("logrotate", "-d", "/etc/logrotate.d/mesos-docker", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("/var/log/mesos-docker/audit.log", p.stderr)

        # a local edit of the policy survives the upgrade; an administrator's statoverride wins
        with open("/etc/mesos-docker/policy.conf", "a") as f:
            f.write("# edited by the package test\n")
        run("dpkg-statoverride", "--add", "root", "root", "0755", HELPER)
        run("dpkg", "-i", "--force-confold", self.deb2)
        self.assertEqual(installed_version(), self.v2)
        self.assertEqual(stat.S_IMODE(os.stat(HELPER).st_mode), 0o755)
        with open("/etc/mesos-docker/policy.conf") as f:
            self.assertIn("# edited by the package test", f.read())
        run("dpkg-statoverride", "--remove", HELPER)
        run("dpkg", "-i", "--force-confold", self.deb2)  # reinstall: the postinst sets it again
        self.assert_helper_setuid()
        p = run(HELPER, "--version", user="nobody")
        self.assertIn("mesos-docker-helper ", p.stdout)

        run("dpkg", "--purge", PACKAGE)
        self.assertIsNone(installed_version())
        for gone in [HELPER, "/usr/bin/mesos-sandboxfs", "/etc/mesos-docker", "/var/log/mesos-docker",
                     "/etc/logrotate.d/mesos-docker"] + [os.path.join(UNIT_DIR, u) for u in UNITS]:
            self.assertFalse(os.path.lexists(gone), gone)
        # nothing enabled is left behind either
        self.assertEqual(glob.glob("/etc/systemd/system/*/mesos-*"), [])


def main():
    why = None
    if os.geteuid() != 0:
        why = "not root"
    for tool in ("dpkg-buildpackage", "dh", "lintian", "systemd-analyze", "logrotate", "git"):
        if not why and not shutil.which(tool):
            why = f"{tool} is missing (apt-get install debhelper lintian systemd logrotate)"
    if not why and not os.path.isdir(os.path.join(SOURCE, ".git")) and \
            not os.path.isfile(os.path.join(SOURCE, ".git")):
        why = f"{SOURCE} is not a git checkout"
    if why:
        tap.skip_suite(why)
    tap.main()


if __name__ == "__main__":
    main()
