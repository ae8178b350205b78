/* usage ID: resource statistics and limits of a running container. */
#include <time.h>

#include "cleanup.h"
#include "docker.h"
#include "json_cleanup.h"
#include "running.h"

static double nested_number(json_t *o, const char *a, const char *b, const char *c)
{
        json_t *v = json_object_get(o, a);
        if (b)
                v = json_object_get(v, b);
        if (c)
                v = json_object_get(v, c);
        return json_is_number(v) ? json_number_value(v) : 0;
}

int cmd_usage(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc != 2)
                return md_fail(err, MD_EXIT_USAGE, "usage: usage ID");
        char name[MD_NAME_MAX + 1];
        _cleanup_free_ char *ref = NULL;
        struct docker *d = NULL;
        if (running_open(h, argv[1], name, &ref, &d, err) < 0)
                return -1;
        _cleanup_json_ json_t *stats = NULL, *info = NULL;
        int rc = docker_container_stats(d, ref, &stats, err);
        if (rc == 0)
                rc = docker_container_inspect(d, ref, &info, err);
        docker_close(d);
        if (rc < 0)
                return -1;
        if (helper_audit(h, name, NULL, true, "owner", "the caller's own container", err) < 0)
                return -1;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        double shares = nested_number(info, "HostConfig", "CpuShares", NULL);
        double mem_limit = nested_number(info, "HostConfig", "Memory", NULL);
        if (mem_limit == 0)
                mem_limit = nested_number(stats, "memory_stats", "limit", NULL);
        /* cgroup v1 reports rss; v2 has no rss but "anon", its closest equivalent */
        double rss = nested_number(stats, "memory_stats", "stats", "rss");
        if (rss == 0)
                rss = nested_number(stats, "memory_stats", "stats", "anon");
        _cleanup_json_ json_t *o =
                json_pack("{s:f, s:f, s:f, s:f, s:I, s:I}", "timestamp",
                          (double)now.tv_sec + now.tv_nsec / 1e9, "cpus_user_time_secs",
                          nested_number(stats, "cpu_stats", "cpu_usage", "usage_in_usermode") / 1e9,
                          "cpus_system_time_secs",
                          nested_number(stats, "cpu_stats", "cpu_usage", "usage_in_kernelmode") / 1e9,
                          "cpus_limit", shares > 0 ? shares / 1024.0 : 0.0, "mem_rss_bytes", (json_int_t)rss,
                          "mem_limit_bytes", (json_int_t)mem_limit);
        return helper_print(h, FORMAT_VIEW_USAGE, o, err);
}
