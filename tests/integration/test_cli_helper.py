"""The helper commands the docker-CLI front end uses (FRONTEND-INTERFACE.md): ID forms,
launch --attach, inspect, kill, rm, pull, exec. Run as unprivileged agents against the
installed setuid helper; two agents never reach each other's containers."""

import json
import os
import signal
import subprocess
import time

from harness import (AGENT1, AGENT2, HELPER, IMAGE, IMAGE_NORMALIZED, HelperTestCase, as_user, audit_records,
                     docker_api, helper, launch, main, make_sandbox, new_id, read, task, wait_until)


def running(user, command):
    r, cid, sandbox = launch(user, task(command))
    assert r.code == 0, r
    return cid, r.json(), sandbox


class IdForms(HelperTestCase):

    def test_id_mesos_id_and_docker_id_name_the_same_container(self):
        _, w, _ = None, None, None
        r, cid, _ = launch(AGENT1, task("exit 4"))
        self.assertExit(r, 0)
        docker_id = r.json()["docker_id"]
        for form in (cid, f"mesos-{cid}", docker_id, docker_id[:12]):
            w = helper(AGENT1, "wait", form)
            self.assertExit(w, 0)
            self.assertEqual(w.json()["container"], f"mesos-{cid}", form)
            self.assertEqual(w.json()["exit_code"], 4)

    def test_usage_takes_mesos_id(self):
        cid, _, _ = running(AGENT1, "sleep 60")
        try:
            u = helper(AGENT1, "usage", f"mesos-{cid}")
            self.assertExit(u, 0)
            self.assertIn("mem_rss_bytes", u.json())
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_an_id_that_starts_with_mesos(self):
        r, cid, _ = launch(AGENT1, task("exit 5"), cid="mesos-" + new_id())
        self.assertExit(r, 0)
        self.assertEqual(r.json()["container"], f"mesos-{cid}")
        w = helper(AGENT1, "wait", cid)  # "mesos-X": no record mesos-X, so the ID mesos-X
        self.assertExit(w, 0)
        self.assertEqual(w.json()["exit_code"], 5)

    def test_another_agents_container_in_every_form_is_no_such_container(self):
        cid, info, _ = running(AGENT1, "sleep 60")
        try:
            for form in (cid, f"mesos-{cid}", info["docker_id"], info["docker_id"][:12]):
                for cmd in (["wait", form], ["usage", form], ["destroy", form, "--grace", "0"]):
                    self.assertExit(helper(AGENT2, *cmd), 2, "no such container")
            self.assertTrue(docker_api("GET", f"/containers/mesos-{cid}/json")[1]["State"]["Running"])
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_not_an_id_is_a_usage_error(self):
        self.assertExit(helper(AGENT1, "wait", "../x"), 64)


if __name__ == "__main__":
    main()
