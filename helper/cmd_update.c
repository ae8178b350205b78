/* update ID [--cpus N] [--mem MB]: new limits for a running container, within the policy's. */
#include <getopt.h>
#include <stdio.h>

#include "cleanup.h"
#include "docker.h"
#include "json_cleanup.h"
#include "running.h"
#include "task.h"
#include "util.h"

static double host_config_number(json_t *info, const char *key)
{
        return json_number_value(json_object_get(json_object_get(info, "HostConfig"), key));
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
                memory, (int64_t)host_config_number(info, "Memory"),
                (int64_t)host_config_number(info, "MemorySwap"),
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
        char name[MD_NAME_MAX + 1];
        _cleanup_free_ char *ref = NULL;
        _cleanup_docker_ struct docker *d = NULL;
        if (running_open(h, argv[optind], name, &ref, &d, err) < 0)
                return -1;
        char why[256] = "";
        if (cpus > 0 && cpus > policy_max_cpus(h->section))
                snprintf(why, sizeof why, "cpus %g: more than max-cpus %g", cpus,
                         policy_max_cpus(h->section));
        else if (mem > 0 && mem > policy_max_mem_mb(h->section))
                snprintf(why, sizeof why, "mem %llu: more than max-mem %llu", (unsigned long long)mem,
                         (unsigned long long)policy_max_mem_mb(h->section));
        if (helper_audit(h, name, NULL, !why[0], policy_section_rule(h->section),
                         why[0] ? why : "within limits", err) < 0)
                return -1;
        if (why[0])
                return md_fail(err, MD_EXIT_DENIED, "denied: %s", why);
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
        if (rc < 0)
                return -1;
        _cleanup_json_ json_t *o = json_pack("{s:s, s:O}", "container", name, "updated", body);
        return helper_print_json(o, err);
}
