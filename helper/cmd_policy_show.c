/* policy show [--caller USER]: what a caller may do, from its one matching section, in plain
 * words (like `sudo -l`). Root may ask about anyone; any other caller only about itself, since a
 * section can name paths and images that are another user's business. */
#include <string.h>

#include "cleanup.h"
#include "json_cleanup.h"

#include "helper.h"

/* The section's clauses (policy_describe_lines), one string each. */
static json_t *allows_json(const struct policy_section *s, md_error *err)
{
        _cleanup_free_ char *text = policy_describe_lines(s);
        json_t *arr = json_array();
        if (!text || !arr) {
                json_decref(arr);
                md_fail(err, MD_EXIT_FAILED, "out of memory");
                return NULL;
        }
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                json_array_append_new(arr, json_string(line));
        return arr;
}

int cmd_policy_show(struct helper *h, int argc, char **argv, md_error *err)
{
        const char *user = NULL;
        if (argc == 3 && strcmp(argv[1], "--caller") == 0)
                user = argv[2];
        else if (argc != 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: policy show [--caller USER]");
        struct caller who = h->caller;
        if (user && caller_lookup(user, &who, err) < 0)
                return -1;
        if (who.uid != h->caller.uid && !h->priv.caller_is_root)
                return md_fail(err, MD_EXIT_DENIED, "denied: only root may show another user's section");
        struct policy_caller pc = caller_policy_view(&who);
        const struct policy_section *s = policy_match_caller(h->policy, &pc);
        json_t *allows = s ? allows_json(s, err) : json_array();
        if (!allows)
                return -1;
        _cleanup_json_ json_t *o = json_pack("{s:s?, s:I, s:s?, s:o}", "caller",
                                             who.name[0] ? who.name : NULL, "uid", (json_int_t)who.uid,
                                             "section", s ? policy_section_rule(s) : NULL, "allows", allows);
        if (!o)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        return helper_print(h, FORMAT_VIEW_POLICY_SHOW, o, err);
}
