"""Two agents, two users: neither sees, waits on, destroys or lists the other's containers."""

from harness import (AGENT1, AGENT2, HelperTestCase, container_exists, helper, launch, main, new_id, task,
                     audit_records)


class Isolation(HelperTestCase):

    def test_other_users_containers_are_invisible(self):
        r, cid, _ = launch(AGENT1, task("sleep 60"))
        self.assertExit(r, 0)
        try:
            self.assertExit(helper(AGENT2, "wait", cid), 2, "no such container")
            self.assertExit(helper(AGENT2, "destroy", cid), 2, "no such container")
            self.assertExit(helper(AGENT2, "usage", cid), 2)
            self.assertExit(helper(AGENT2, "update", cid, "--cpus", "1"), 2)
            names = [e["container"] for e in helper(AGENT2, "list").json()]
            self.assertNotIn(f"mesos-{cid}", names)
            self.assertTrue(container_exists(f"mesos-{cid}"), "still running after the other's attempts")
            denied = [x for x in audit_records() if x["container"] == f"mesos-{cid}" and x["decision"] == "deny"]
            self.assertTrue(denied, "the refused destroy is on the audit trail")
            # root sees everything
            names = [e["container"] for e in helper(None, "list").json()]
            self.assertIn(f"mesos-{cid}", names)
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_recover_never_touches_a_foreign_mesos_container(self):
        # named mesos- but not made by the helper (no managed-by label, or a forged owner label only)
        from harness import IMAGE, docker_api, uid_of
        names = [f"mesos-foreign-{new_id()}", f"mesos-forged-{new_id()}"]
        labels = [{}, {"org.apache.mesos.docker.owner-uid": str(uid_of(AGENT1))}]
        for name, lab in zip(names, labels):
            code, _ = docker_api("POST", f"/containers/create?name={name}",
                                 {"Image": IMAGE, "Cmd": ["sleep", "60"], "Labels": lab,
                                  "HostConfig": {"NetworkMode": "none"}})
            self.assertEqual(code, 201)
            docker_api("POST", f"/containers/{name}/start")
        try:
            for user in (AGENT1, None):
                rec = helper(user, "recover", "--kill-orphans")
                self.assertExit(rec, 0)
                self.assertFalse({e["container"] for e in rec.json()} & set(names), rec.out)
            for name in names:
                self.assertTrue(container_exists(name))
                self.assertExit(helper(AGENT1, "destroy", name[len("mesos-"):]), 2)
        finally:
            for name in names:
                docker_api("DELETE", f"/containers/{name}?force=1")

    def test_recover_kills_only_own_orphans(self):
        r1, cid1, _ = launch(AGENT1, task("sleep 60"))
        r2, cid2, _ = launch(AGENT2, task("sleep 60"))
        r3, cid3, _ = launch(AGENT1, task("sleep 60"))
        for r in (r1, r2, r3):
            self.assertExit(r, 0)
        try:
            rec = helper(AGENT1, "recover", "--known", cid3, "--kill-orphans")
            self.assertExit(rec, 0)
            actions = {e["container"]: e["action"] for e in rec.json()}
            self.assertEqual(actions.get(f"mesos-{cid1}"), "killed")
            self.assertEqual(actions.get(f"mesos-{cid3}"), "none")
            self.assertNotIn(f"mesos-{cid2}", actions)
            self.assertEqual(helper(AGENT1, "wait", cid1).json()["status"], "KILLED")
            self.assertTrue(container_exists(f"mesos-{cid2}"))
            self.assertTrue(container_exists(f"mesos-{cid3}"))
        finally:
            helper(AGENT1, "destroy", cid3, "--grace", "0")
            helper(AGENT2, "destroy", cid2, "--grace", "0")


if __name__ == "__main__":
    main()
