#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "util.h"

int helper_open_audit(struct helper *h, md_error *err)
{
        if (h->audit_fd >= 0)
                return 0;
        h->audit_fd = audit_open(h->conf->audit_log, err);
        return h->audit_fd < 0 ? -1 : 0;
}

int helper_audit(struct helper *h, const char *container, const char *image, bool allow, const char *rule,
                 const char *reason, md_error *err)
{
        if (helper_open_audit(h, err) < 0)
                return -1;
        struct audit_event ev = {
                .caller_uid = h->caller.uid,
                .caller = h->caller.name[0] ? h->caller.name : NULL,
                .pid = getpid(),
                .command = h->command,
                .container = container,
                .image = image,
                .allow = allow,
                .rule = rule,
                .reason = reason,
        };
        return audit_write(h->audit_fd, &ev, err);
}

int helper_container_name(const char *id, char name[static MD_NAME_MAX + 1], md_error *err)
{
        if (!md_valid_container_id(id))
                return md_fail(err, MD_EXIT_USAGE,
                               "container id \"%.*s\": must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}", 200,
                               id ? id : "");
        snprintf(name, MD_NAME_MAX + 1, "%s%s", MD_CONTAINER_PREFIX, id);
        return 0;
}

int helper_audit_not_found(struct helper *h, const char *arg, md_error *err)
{
        if (md_error_exit_code(err) != MD_EXIT_NO_CONTAINER)
                return -1;
        /* "mesos-ID" for what reads as an ID, the argument itself for anything else */
        char names[2][MD_NAME_MAX + 1];
        if (md_container_name_candidates(arg, names) == 0)
                snprintf(names[0], sizeof names[0], "%.*s", (int)MD_NAME_MAX, arg ? arg : "");
        const char *subject = names[0];
        md_error audit_err = {0};
        if (helper_audit(h, subject, NULL, false, "owner", "no such container of the caller's", &audit_err) <
            0)
                *err = audit_err;
        return -1;
}

int helper_audit_denied(struct helper *h, const char *container, const char *image, const char *rule,
                        md_error *err)
{
        if (md_error_exit_code(err) != MD_EXIT_DENIED)
                return -1;
        md_error audit_err = {0};
        if (helper_audit(h, container, image, false, rule, err->message, &audit_err) < 0)
                *err = audit_err;
        return -1;
}

int helper_deny(struct helper *h, const char *container, const char *image, const char *rule, const char *why,
                md_error *err)
{
        if (helper_audit(h, container, image, false, rule, why, err) < 0)
                return -1;
        return md_fail(err, MD_EXIT_DENIED, "denied: %s", why);
}

bool helper_may_see(const struct helper *h, uid_t owner_uid)
{
        return h->priv.caller_is_root || h->caller.uid == owner_uid;
}

int helper_print_json(json_t *value, md_error *err)
{
        _cleanup_free_ char *text = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        if (!text)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        if (printf("%s\n", text) < 0 || fflush(stdout) != 0)
                return md_fail(err, MD_EXIT_FAILED, "cannot write the result to stdout");
        return 0;
}

int helper_print(const struct helper *h, enum format_view view, json_t *value, md_error *err)
{
        if (h->format != FORMAT_TABLE)
                return helper_print_json(value, err);
        if (format_print(stdout, view, value) < 0)
                return md_fail(err, MD_EXIT_FAILED, "cannot write the result to stdout");
        return 0;
}
