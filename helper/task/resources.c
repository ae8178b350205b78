/* CPU and memory: how the task's resources become docker's limits (the seed's translation),
 * which docker parameters set CPU or memory and how much they ask of the policy, and the
 * memory+swap limit an update sets with a new memory limit. One home for each rule: launch,
 * `policy explain` and `update` all come through here. */
#include <math.h>
#include <string.h>

#include "json_cleanup.h"
#include "task_internal.h"

#define MIN_CPU_SHARES 2 /* Mesos' MIN_CPU_SHARES */
#define MIN_MEMORY_MB 32 /* Mesos' MIN_MEMORY */
#define CFS_PERIOD_US 100000 /* the kernel's default cpu.cfs_period_us, docker's when unset */
#define MiB (1024.0 * 1024.0)

int64_t task_cpu_shares(double cpus)
{
        double shares = floor(1024.0 * cpus);
        return shares < MIN_CPU_SHARES ? MIN_CPU_SHARES : (int64_t)shares;
}

int64_t task_memory_bytes(uint64_t mb)
{
        return (int64_t)(mb < MIN_MEMORY_MB ? MIN_MEMORY_MB : mb) * 1024 * 1024;
}

/* How many CPUs a cpuset names ("0-3,5" is 5); -1 when it names one beyond any machine. */
static double cpuset_count(const char *s)
{
        static unsigned char seen[8192 / 8];
        memset(seen, 0, sizeof seen);
        double n = 0;
        while (*s) {
                char *end;
                unsigned long lo = strtoul(s, &end, 10), hi = lo;
                if (*end == '-')
                        hi = strtoul(end + 1, &end, 10);
                if (end == s || lo > hi || hi >= 8 * sizeof seen)
                        return -1;
                for (unsigned long c = lo; c <= hi; c++)
                        if (!(seen[c / 8] & (1u << (c % 8)))) {
                                seen[c / 8] |= (unsigned char)(1u << (c % 8));
                                n++;
                        }
                s = *end == ',' ? end + 1 : end;
                if (*end && *end != ',')
                        return -1;
        }
        return n;
}

static const char *param_value(const struct task_spec *t, const char *name)
{
        for (size_t i = t->n_parameters; i-- > 0;) {
                const struct task_param_info *p = task_param_lookup(t->parameters[i].key);
                if (p && strcmp(p->name, name) == 0)
                        return t->parameters[i].value;
        }
        return NULL;
}

int task_resource_claims(const struct task_spec *t, struct policy_claim out[static TASK_MAX_CLAIMS],
                         size_t *n, md_error *err)
{
        /* judged on what the create request will carry, after the parameters are translated */
        _cleanup_json_ json_t *host = NULL;
        if (task_scratch_host_config(t, &host, err) < 0)
                return -1;

        size_t k = 0;
        json_t *v;
        if ((v = json_object_get(host, "CpuShares")))
                out[k++] =
                        (struct policy_claim){"cpu-shares", param_value(t, "cpu-shares"), POLICY_CLAIM_CPUS,
                                              (double)json_integer_value(v) / 1024.0, false};
        json_t *quota = json_object_get(host, "CpuQuota"), *period = json_object_get(host, "CpuPeriod");
        if (quota && json_integer_value(quota) > 0) { /* 0 and -1: no cap */
                double p = period ? (double)json_integer_value(period) : CFS_PERIOD_US;
                out[k++] = (struct policy_claim){"cpu-quota", param_value(t, "cpu-quota"), POLICY_CLAIM_CPUS,
                                                 (double)json_integer_value(quota) / p, false};
        }
        if ((v = json_object_get(host, "CpusetCpus"))) {
                double c = cpuset_count(json_string_value(v));
                out[k++] = (struct policy_claim){"cpuset-cpus", param_value(t, "cpuset-cpus"),
                                                 POLICY_CLAIM_CPUS, c, c < 0};
        }
        if ((v = json_object_get(host, "MemorySwap"))) {
                json_int_t b = json_integer_value(v);
                out[k++] = (struct policy_claim){"memory-swap", param_value(t, "memory-swap"),
                                                 POLICY_CLAIM_MEM_SWAP, ceil((double)b / MiB), b < 0};
        }
        static const char *const mem[][2] = {{"memory-reservation", "MemoryReservation"},
                                             {"shm-size", "ShmSize"}};
        for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++)
                if ((v = json_object_get(host, mem[i][1])))
                        out[k++] =
                                (struct policy_claim){mem[i][0], param_value(t, mem[i][0]), POLICY_CLAIM_MEM,
                                                      ceil((double)json_integer_value(v) / MiB), false};
        *n = k;
        return 0;
}

int64_t task_update_memory_swap(int64_t memory, int64_t cur_memory, int64_t cur_swap, int64_t max_swap)
{
        /* keep the task's ratio of memory+swap to memory: twice for docker's default, once for
         * a task that asked for no swap; unknown or unlimited swap gets docker's default */
        double ratio = cur_memory > 0 && cur_swap >= cur_memory ? (double)cur_swap / (double)cur_memory : 2;
        double swap = ratio * (double)memory;
        if (max_swap > 0 && swap > (double)max_swap)
                swap = (double)max_swap;
        return swap < (double)memory ? memory : (int64_t)swap;
}
