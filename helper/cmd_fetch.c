/* fetch --sandbox DIR [--task FILE]: the seed's step 1 on its own, with the caller's rights. */
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch.h"
#include "json_cleanup.h"
#include "launch_fetch.h"
#include "launch_plan.h"

int cmd_fetch(struct helper *h, int argc, char **argv, md_error *err)
{
        struct launch_args args;
        if (launch_parse_args(argc, argv, false, &args, err) < 0)
                return -1;
        _cleanup_(launch_plan_free) struct launch_plan plan;
        if (launch_plan_build(h, &args, &plan, err) < 0)
                return helper_audit_denied(h, NULL, NULL, "[helper] sandbox-root", err);
        /* only the fetch aspects matter here: the image is not pulled, nothing is run */
        const struct policy_finding *denial = NULL;
        for (size_t i = 0; i < plan.verdict->n_findings && !denial; i++) {
                const struct policy_finding *f = &plan.verdict->findings[i];
                if (!f->allow &&
                    (f->aspect == POLICY_ASPECT_FETCH_SCHEME || f->aspect == POLICY_ASPECT_CALLER))
                        denial = f;
        }
        if (denial) {
                char why[1024];
                snprintf(why, sizeof why, "%s %s: %s (%s)", policy_aspect_to_string(denial->aspect),
                         denial->subject, denial->reason, denial->rule);
                return helper_deny(h, NULL, NULL, denial->rule, why, err);
        }
        if (helper_audit(h, NULL, NULL, true, policy_section_rule(h->section), "allowed", err) < 0)
                return -1;
        _cleanup_close_ int log_fd = sandbox_open_output(&h->priv, &plan.sandbox, "stderr", err);
        if (log_fd < 0)
                return -1;
        if (launch_fetch_uris(h, &plan, log_fd, err) < 0)
                return -1;
        _cleanup_json_ json_t *o = json_pack("{s:s, s:i}", "sandbox", plan.sandbox.path, "fetched",
                                             (json_int_t)plan.spec->n_uris);
        return helper_print_json(o, err);
}
