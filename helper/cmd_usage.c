/* usage ID and update ID: resource statistics and limits of a running container. */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "docker.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "task.h"
#include "util.h"

/* Finds the caller's running container and opens the daemon. */
static int open_running(struct helper *h, const char *id, char name[static 160], char **docker_ref,
                        struct docker **d, md_error *err)
{
        _cleanup_close_ int record_dirfd = lookup_open_records(h, id, err);
        struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, id, &r, err) < 0)
                return -1;
        snprintf(name, 160, "%s", r.container);
        bool running = r.state == MD_STATE_RUNNING && r.docker_id;
        *docker_ref = running ? strdup(r.docker_id) : NULL;
        md_record_clear(&r);
        if (!running)
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%s: not running", name);
        return docker_open(h->conf->docker_socket, d, err);
}

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
        char name[160];
        _cleanup_free_ char *ref = NULL;
        struct docker *d = NULL;
        if (open_running(h, argv[1], name, &ref, &d, err) < 0)
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

/* Memory and MemorySwap together. Docker made memory+swap twice the memory at create; on cgroup
 * v1 the kernel refuses a memory limit above memsw.limit_in_bytes, and docker 20.10 drops a
 * MemorySwap of -1 on update, so a raise beyond the old swap limit needs a real swap limit
 * with it (runc writes the two in the order that keeps memory <= memsw, up or down). */
static int memory_update(struct docker *d, const char *ref, uint64_t mem, uint64_t max_mem, json_t *body,
                         md_error *err)
{
        _cleanup_json_ json_t *info = NULL;
        if (docker_container_inspect(d, ref, &info, err) < 0)
                return -1;
        int64_t memory = task_memory_bytes(mem);
        int64_t swap = task_update_memory_swap(
                memory, (int64_t)nested_number(info, "HostConfig", "Memory", NULL),
                (int64_t)nested_number(info, "HostConfig", "MemorySwap", NULL),
                task_memory_bytes(max_mem) * 2); /* as a launch may: memory-swap up to twice max-mem */
        if (json_object_set_new(body, "Memory", json_integer(memory)) < 0 ||
            json_object_set_new(body, "MemorySwap", json_integer(swap)) < 0)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        return 0;
}

int cmd_update(struct helper *h, int argc, char **argv, md_error *err)
{
        static const struct option opts[] = {
                {"cpus", required_argument, NULL, 'c'}, {"mem", required_argument, NULL, 'm'}, {0}};
        double cpus = 0;
        uint64_t mem = 0;
        optind = 1;
        opterr = 0;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (c == 'c' && md_parse_double(optarg, &cpus) == 0 && cpus > 0)
                        continue;
                if (c == 'm' && md_parse_u64(optarg, &mem) == 0 && mem > 0 && mem < (UINT64_C(1) << 40))
                        continue;
                return md_fail(err, MD_EXIT_USAGE, "bad or unknown option \"%s\"", argv[optind - 1]);
        }
        if (optind != argc - 1 || (cpus == 0 && mem == 0))
                return md_fail(err, MD_EXIT_USAGE, "usage: update ID [--cpus N] [--mem MB]");
        char name[160];
        _cleanup_free_ char *ref = NULL;
        struct docker *d = NULL;
        if (open_running(h, argv[optind], name, &ref, &d, err) < 0)
                return -1;
        char why[256] = "";
        if (cpus > 0 && cpus > policy_max_cpus(h->section))
                snprintf(why, sizeof why, "cpus %g: more than max-cpus %g", cpus,
                         policy_max_cpus(h->section));
        else if (mem > 0 && mem > policy_max_mem_mb(h->section))
                snprintf(why, sizeof why, "mem %llu: more than max-mem %llu", (unsigned long long)mem,
                         (unsigned long long)policy_max_mem_mb(h->section));
        if (helper_audit(h, name, NULL, !why[0], policy_section_rule(h->section),
                         why[0] ? why : "within limits", err) < 0) {
                docker_close(d);
                return -1;
        }
        if (why[0]) {
                docker_close(d);
                return md_fail(err, MD_EXIT_DENIED, "denied: %s", why);
        }
        /* the seed's translation, as at launch: shares max(1024*cpus, 2), memory max(mem, 32) MiB */
        _cleanup_json_ json_t *body = json_object();
        int rc = body ? 0 : md_fail(err, MD_EXIT_FAILED, "out of memory");
        if (rc == 0 && cpus > 0 &&
            json_object_set_new(body, "CpuShares", json_integer(task_cpu_shares(cpus))) < 0)
                rc = md_fail(err, MD_EXIT_FAILED, "out of memory");
        if (rc == 0 && mem > 0)
                rc = memory_update(d, ref, mem, policy_max_mem_mb(h->section), body, err);
        if (rc == 0)
                rc = docker_container_update(d, ref, body, err);
        docker_close(d);
        if (rc < 0)
                return -1;
        _cleanup_json_ json_t *o = json_pack("{s:s, s:O}", "container", name, "updated", body);
        return helper_print_json(o, err);
}
