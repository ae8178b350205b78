/* libFuzzer: the policy parser and the matcher behind it. Beyond memory safety: an error is
 * always "fuzz.conf:..." with exit 78; a parsed policy answers for any caller, and a verdict
 * allows exactly when every finding does, and names a rule for each of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static struct policy_verdict v;

static void check_verdict(const struct policy_verdict *vd)
{
        bool all = vd->n_findings > 0;
        for (size_t i = 0; i < vd->n_findings; i++) {
                if (!vd->findings[i].allow)
                        all = false;
                if (vd->findings[i].aspect >= _POLICY_ASPECT_MAX)
                        abort();
        }
        if (all != vd->allow || (!vd->allow && vd->findings[vd->first_denial].allow))
                abort();
        if (!vd->allow && vd->run_uid != (uid_t)-1)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct policy *p = NULL;
        md_error err = {0};
        if (policy_parse_text("fuzz.conf", (const char *)data, size, &p, &err) < 0) {
                if (p || err.exit_code != MD_EXIT_POLICY || strncmp(err.message, "fuzz.conf", 9) != 0)
                        abort();
                return 0;
        }
        const struct policy_helper_conf *h = policy_helper(p);
        if (!h->state_dir || h->state_dir[0] != '/' || !h->docker_socket || !h->audit_log ||
            h->sandbox_roots[h->n_sandbox_roots] != NULL)
                abort();
        /* the warnings of `policy check`: each "fuzz.conf:LINE: warning: …", one line */
        policy_lint(p);
        for (size_t i = 0; i < policy_n_warnings(p); i++)
                if (strncmp(policy_warning(p, i), "fuzz.conf:", 10) != 0 ||
                    strchr(policy_warning(p, i), '\n'))
                        abort();

        static const gid_t groups[] = {1000, 0, 100};
        const struct policy_caller callers[] = {
                {.uid = 1000, .gid = 1000, .name = "mesos", .groups = groups, .n_groups = 3},
                {.uid = 0, .gid = 0, .name = "root", .groups = groups + 1, .n_groups = 1},
                {.uid = 2001, .gid = 2001, .name = NULL, .groups = NULL, .n_groups = 0},
        };
        static const char *const params[] = {"env", "label"}, *const schemes[] = {"http", "file"};
        const struct policy_volume_request vols[] = {
                {"/srv/shared/x", true}, {"/", false}, {"/var/run", false}};
        const struct policy_request reqs[] = {
                {.image = "docker.io/library/busybox:latest", .network = "host"},
                {.image = "registry.example.com:5000/a/b:1",
                 .network = "bridge",
                 .privileged = true,
                 .volumes = vols,
                 .n_volumes = 3,
                 .user = "1000:1000",
                 .parameters = params,
                 .n_parameters = 2,
                 .cpus = 2,
                 .mem_mb = 512,
                 .fetch_schemes = schemes,
                 .n_fetch_schemes = 2},
                {.image = "docker.io/me/x:v1", .network = "none", .user = "root", .cpus = 0.5},
        };
        for (size_t c = 0; c < sizeof callers / sizeof callers[0]; c++) {
                const struct policy_section *s = policy_match_caller(p, &callers[c]);
                (void)policy_section_rule(s);
                (void)policy_fetch_max_bytes(s);
                (void)policy_max_cpus(s);
                (void)policy_max_mem_mb(s);
                for (size_t r = 0; r < sizeof reqs / sizeof reqs[0]; r++) {
                        policy_decide(s, &callers[c], &reqs[r], &v);
                        check_verdict(&v);
                        if (v.allow && reqs[r].n_volumes > 0)
                                abort(); /* "/" is never allowed */
                }
                for (size_t o = 0; o < sizeof callers / sizeof callers[0]; o++) {
                        bool ok = policy_reader_allowed(p, &callers[o], &callers[c]);
                        if ((callers[c].uid == 0 || o == c) && !ok)
                                abort();
                }
        }
        policy_free(p);
        return 0;
}
