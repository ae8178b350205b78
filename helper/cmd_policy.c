/* policy check [FILE] and policy explain: questions about the policy that change nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caller_child.h"
#include "cleanup.h"
#include "config.h"
#include "hygiene.h"
#include "json_cleanup.h"
#include "launch_plan.h"
#include "util.h"

#define POLICY_CHECK_MAX_BYTES (1024 * 1024)
#define POLICY_CHECK_MAX_WARNINGS_BYTES (1024 * 1024)

/* The policy's warnings, policy_lint's included, one per line. */
static char *warnings_text(struct policy *p)
{
        policy_lint(p);
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < policy_n_warnings(p); i++)
                fprintf(f, "%s\n", policy_warning(p, i));
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

/* Runs as the caller: the file is read with the caller's rights, and parsed unprivileged. The
 * answer is the warnings, one per line. */
static int check_file_as_caller(void *userdata, char **out, size_t *out_len, md_error *err)
{
        const struct caller_file *src = userdata;
        const char *file = src->path;
        _cleanup_close_ int fd =
                hygiene_open_caller_path(src->cwd, file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot open", file);
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = md_read_all(fd, POLICY_CHECK_MAX_BYTES, &text, &len);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, -r, "%s: cannot read", file);
        struct policy *p = NULL;
        if (policy_parse_text(file, text, len, &p, err) < 0)
                return -1;
        *out = warnings_text(p);
        policy_free(p);
        if (!*out)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        *out_len = strlen(*out);
        return 0;
}

/* A valid policy with warnings is still valid (exit 0): each warning goes to stderr as
 * "FILE:LINE: warning: …", as a compiler says it, and into the answer's "warnings". */
static int policy_check(struct helper *h, const char *file, md_error *err)
{
        _cleanup_free_ char *warnings = NULL;
        if (file) {
                static const int codes[] = {MD_EXIT_POLICY, MD_EXIT_BAD_TASK, 0};
                int keep[2];
                const struct caller_child c =
                        privilege_file_reader(&h->priv, keep, POLICY_CHECK_MAX_WARNINGS_BYTES, codes);
                struct caller_file src = {file, h->priv.caller_cwd};
                size_t len;
                if (caller_child_run(&c, check_file_as_caller, &src, &warnings, &len, err) < 0)
                        return -1;
        } else if (!(warnings = warnings_text(h->policy))) {
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        }
        json_t *list = json_array();
        for (char *line = warnings, *nl; line && *line; line = nl + 1) {
                nl = strchrnul(line, '\n');
                bool last = !*nl;
                *nl = '\0';
                md_one_line(line);
                fprintf(stderr, "%s\n", line);
                json_array_append_new(list, json_string(line));
                if (last)
                        break;
        }
        _cleanup_json_ json_t *o = json_pack("{s:s, s:b, s:o}", "file", file ? file : MD_POLICY_FILE, "valid",
                                             1, "warnings", list);
        return helper_print(h, FORMAT_VIEW_POLICY_CHECK, o, err);
}

static json_t *findings_json(const struct policy_verdict *v)
{
        json_t *arr = json_array();
        for (size_t i = 0; i < v->n_findings; i++) {
                const struct policy_finding *f = &v->findings[i];
                json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "aspect",
                                                     policy_aspect_to_string(f->aspect), "decision",
                                                     f->allow ? "allow" : "deny", "subject", f->subject,
                                                     "rule", f->rule, "reason", f->reason));
        }
        return arr;
}

static int policy_explain(struct helper *h, int argc, char **argv, md_error *err)
{
        struct launch_args args;
        if (launch_parse_args(argc, argv, true, &args, err) < 0)
                return -1;
        _cleanup_(launch_plan_free) struct launch_plan plan;
        if (launch_plan_build(h, &args, &plan, err) < 0)
                return -1;
        json_t *create = json_null();
        if (plan.verdict->allow) {
                struct task_context ctx = launch_plan_context(h, &plan);
                json_t *body = task_create_request(plan.spec, &ctx, err);
                if (!body)
                        return -1;
                create = json_pack("{s:s, s:s, s:o}", "method", "POST", "path", "/containers/create", "body",
                                   body);
                json_object_set_new(create, "name", json_string(plan.name));
        }
        _cleanup_json_ json_t *o =
                json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o}", "container", plan.name, "image",
                          plan.spec->image_normalized, "decision", plan.verdict->allow ? "allow" : "deny",
                          "section", h->section ? policy_section_rule(h->section) : NULL, "findings",
                          findings_json(plan.verdict), "create", create);
        if (!plan.verdict->allow)
                h->exit_status = MD_EXIT_DENIED; /* after the answer: a script may test the status */
        return helper_print(h, FORMAT_VIEW_POLICY_EXPLAIN, o, err);
}

int cmd_policy(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc >= 2 && strcmp(argv[1], "check") == 0 && argc <= 3)
                return policy_check(h, argc == 3 ? argv[2] : NULL, err);
        if (argc >= 2 && strcmp(argv[1], "explain") == 0)
                return policy_explain(h, argc - 1, argv + 1, err);
        if (argc >= 2 && strcmp(argv[1], "show") == 0)
                return cmd_policy_show(h, argc - 1, argv + 1, err);
        return md_fail(err, MD_EXIT_USAGE,
                       "usage: policy check [FILE] | policy explain --container-id ID --sandbox DIR "
                       "[--task FILE] | policy show [--caller USER]");
}
