"""Retention of finished containers' records (policy [helper] keep-exited): the monitor prunes
them on its timer, list and recover before they answer; wait on a pruned one is exit 2 naming
the retention; list's --running/--exited filters and each entry's exit code and age, as two
agents."""

import os
import time

from harness import (AGENT1, AGENT2, DEFAULT_CALLERS, HELPER_SECTION, STATE_DIR, HelperTestCase, helper,
                     launch, main, run_task, task, uid_of, wait_until, write_policy)


def record_path(name):
    return os.path.join(STATE_DIR, "containers", name + ".json")


def listed(user, *flags):
    r = helper(user, "list", *flags)
    assert r.code == 0, r
    return {e["container"]: e for e in r.json()}


class ShortRetention(HelperTestCase):
    policy = HELPER_SECTION + "keep-exited   = 2s\n" + DEFAULT_CALLERS

    def test_monitor_prunes_without_anyone_listing(self):
        _, w, _ = run_task(AGENT1, task("exit 3"))
        self.assertExit(w, 0)
        name = w.json()["container"]
        self.assertTrue(os.path.exists(record_path(name)))
        # nobody lists or recovers: the monitor's timer alone removes it
        self.assertTrue(wait_until(lambda: not os.path.exists(record_path(name)), 60), name)
        again = helper(AGENT1, "wait", name)
        self.assertExit(again, 2, "record was pruned")
        self.assertIn("kept for 2s: keep-exited", again.err)

    def test_list_and_recover_prune_without_the_monitor(self):
        # launched under "never": the monitor that ran them prunes nothing
        write_policy(HELPER_SECTION + "keep-exited   = never\n" + DEFAULT_CALLERS)
        names = []
        for _ in range(2):
            _, w, _ = run_task(AGENT2, task("true"))
            self.assertExit(w, 0)
            names.append(w.json()["container"])
        write_policy(self.policy)
        time.sleep(3)  # past the 2s retention; no launch tells the monitor of it
        self.assertTrue(all(os.path.exists(record_path(n)) for n in names))
        # list prunes before it answers (as another agent: the records are not its own)
        self.assertNotIn(names[0], listed(AGENT1))
        self.assertFalse(any(os.path.exists(record_path(n)) for n in names))
        self.assertExit(helper(AGENT2, "wait", names[0]), 2, "keep-exited")

    def test_recover_prunes(self):
        write_policy(HELPER_SECTION + "keep-exited   = never\n" + DEFAULT_CALLERS)
        _, w, _ = run_task(AGENT2, task("true"))
        name = w.json()["container"]
        write_policy(self.policy)
        time.sleep(3)
        self.assertTrue(os.path.exists(record_path(name)))
        self.assertExit(helper(AGENT2, "recover"), 0)
        self.assertFalse(os.path.exists(record_path(name)))

    def test_running_container_is_never_pruned(self):
        r, cid, _ = launch(AGENT1, task("exec sleep 60"))
        self.assertExit(r, 0)
        name = f"mesos-{cid}"
        # well past the retention, still running: still there and waitable
        self.assertFalse(wait_until(lambda: name not in listed(AGENT1, "--running"), 5, interval=0.5))
        self.assertTrue(os.path.exists(record_path(name)))
        d = helper(AGENT1, "destroy", cid, "--grace", "0")
        self.assertExit(d, 0)
        self.assertEqual(d.json()["status"], "KILLED")


class ListFilters(HelperTestCase):

    def test_running_and_exited_as_two_agents(self):
        r, cid, _ = launch(AGENT1, task("exec sleep 60"))
        self.assertExit(r, 0)
        running = f"mesos-{cid}"
        _, w1, _ = run_task(AGENT1, task("exit 3"))
        done1 = w1.json()["container"]
        _, w2, _ = run_task(AGENT2, task("true"))
        done2 = w2.json()["container"]

        run1 = listed(AGENT1, "--running")
        self.assertIn(running, run1)
        self.assertNotIn(done1, run1)
        self.assertEqual(run1[running]["state"], "running")
        self.assertIsNone(run1[running]["exit_code"])
        self.assertIsInstance(run1[running]["age_s"], int)
        self.assertGreaterEqual(run1[running]["age_s"], 0)
        self.assertIsNone(run1[running]["finished_at"])

        ex1 = listed(AGENT1, "--exited")
        self.assertIn(done1, ex1)
        self.assertNotIn(running, ex1)
        self.assertNotIn(done2, ex1)  # another agent's
        self.assertEqual(ex1[done1]["exit_code"], 3)
        self.assertEqual(ex1[done1]["finished_at"], w1.json()["finished_at"])
        self.assertIsInstance(ex1[done1]["age_s"], int)
        self.assertGreaterEqual(ex1[done1]["age_s"], 0)
        for e in ex1.values():
            self.assertEqual(e["state"], "exited")
            self.assertEqual(e["owner_uid"], uid_of(AGENT1))

        # the table shows the same: exit code and age in their columns
        t = helper(AGENT1, "list", "--exited", "--format", "table")
        self.assertExit(t, 0)
        row = [line.split() for line in t.out.splitlines() if line.startswith(done1 + " ")]
        self.assertEqual(row[0][1:3], ["exited", "3"], t.out)
        self.assertRegex(row[0][3], r"^\d+[smhd]$")
        self.assertNotIn(running, t.out)

        ex2 = listed(AGENT2, "--exited")
        self.assertIn(done2, ex2)
        self.assertEqual(ex2[done2]["exit_code"], 0)
        self.assertNotIn(done1, ex2)
        self.assertNotIn(running, listed(AGENT2, "--running"))
        self.assertNotIn(running, listed(AGENT2))

        every = listed(AGENT1)
        self.assertIn(running, every)
        self.assertIn(done1, every)
        self.assertExit(helper(AGENT1, "destroy", cid, "--grace", "0"), 0)

    def test_bad_flags(self):
        self.assertExit(helper(AGENT1, "list", "--exitted"), 64, "usage: list [--running|--exited]")
        self.assertExit(helper(AGENT1, "list", "--running", "--exited"), 64)

    def test_default_retention_keeps_and_wait_never_seen_names_it(self):
        _, w, _ = run_task(AGENT1, task("true"))
        name = w.json()["container"]
        self.assertIn(name, listed(AGENT1, "--exited"))  # 6h by default
        self.assertExit(helper(AGENT1, "wait", name), 0)
        self.assertExit(helper(AGENT1, "wait", "never-launched-xyz"), 2, "kept for 6h: keep-exited")


if __name__ == "__main__":
    main()
