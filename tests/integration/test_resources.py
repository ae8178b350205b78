"""usage and update on a running container, within the policy's limits."""

from harness import AGENT1, HelperTestCase, docker_api, helper, launch, main, task


class Resources(HelperTestCase):

    def test_usage_reports_resource_statistics(self):
        r, cid, _ = launch(AGENT1, task("while :; do :; done", resources={"cpus": 0.5, "mem": 64}))
        self.assertExit(r, 0)
        try:
            u = helper(AGENT1, "usage", cid)
            self.assertExit(u, 0)
            stats = u.json()
            self.assertEqual(set(stats), {"timestamp", "cpus_user_time_secs", "cpus_system_time_secs", "cpus_limit",
                                          "mem_rss_bytes", "mem_limit_bytes"})
            self.assertEqual(stats["cpus_limit"], 0.5)
            self.assertEqual(stats["mem_limit_bytes"], 64 * 1024 * 1024)
            self.assertGreater(stats["timestamp"], 1.7e9)
            self.assertGreaterEqual(stats["cpus_user_time_secs"], 0)
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_update_within_limits_and_denied_beyond(self):
        r, cid, _ = launch(AGENT1, task("sleep 60", resources={"cpus": 0.5, "mem": 64}))
        self.assertExit(r, 0)
        try:
            self.assertExit(helper(AGENT1, "update", cid, "--cpus", "2", "--mem", "128"), 0)
            code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
            self.assertEqual(info["HostConfig"]["CpuShares"], 2048)
            self.assertEqual(info["HostConfig"]["Memory"], 128 * 1024 * 1024)
            self.assertExit(helper(AGENT1, "update", cid, "--cpus", "64"), 77, "max-cpus")
            self.assertExit(helper(AGENT1, "update", cid, "--mem", "999999"), 77, "max-mem")
            self.assertExit(helper(AGENT1, "update", cid), 64)
            code, info = docker_api("GET", f"/containers/mesos-{cid}/json")
            self.assertEqual(info["HostConfig"]["CpuShares"], 2048, "a denied update changed nothing")
        finally:
            helper(AGENT1, "destroy", cid, "--grace", "0")

    def test_usage_of_a_finished_container_is_2(self):
        r, cid, _ = launch(AGENT1, task("true"))
        helper(AGENT1, "wait", cid)
        self.assertExit(helper(AGENT1, "usage", cid), 2, "not running")


if __name__ == "__main__":
    main()
