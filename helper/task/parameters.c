/* DockerInfo.parameters: keys looked up in param_table.c, checked at parse time, translated
 * into the create request. Keys are docker run's option names without dashes, as Mesos
 * passes them ("env", or the alias "e"); a leading '-' is refused rather than guessed at. */
#include <stdio.h>
#include <string.h>

#include "json_cleanup.h"
#include "task_internal.h"

const struct task_param_info *task_param_lookup(const char *key)
{
        for (const struct task_param_info *p = task_param_table; p->name; p++)
                if (strcmp(p->name, key) == 0 || (p->alias && strcmp(p->alias, key) == 0))
                        return p;
        return NULL;
}

static void param_path(const struct task_spec *t, size_t i, const char *field,
                       char path[static TASK_PATH_MAX])
{
        snprintf(path, TASK_PATH_MAX, "%s.parameters[%zu].%s", t->docker_path, i, field);
}

int task_apply_parameters(const struct task_spec *t, struct task_param_apply *a, md_error *err)
{
        for (size_t i = 0; i < t->n_parameters; i++) {
                char path[TASK_PATH_MAX];
                const struct task_param_info *p = task_param_lookup(t->parameters[i].key);
                param_path(t, i, "value", path);
                if (!p || p->refusal) /* task_check_parameters said so already */
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: parameter not allowed", path);
                if (p->apply(p, t->parameters[i].value, a, path, err) < 0)
                        return -1;
        }
        return 0;
}

int task_scratch_host_config(const struct task_spec *t, json_t **out, md_error *err)
{
        _cleanup_json_ json_t *config = json_object();
        _cleanup_json_ json_t *host = json_object();
        if (!config || !host)
                return md_fail(err, MD_EXIT_FAILED, "task: out of memory");
        struct task_param_apply a = {.config = config, .host = host};
        if (task_apply_parameters(t, &a, err) < 0)
                return -1;
        *out = MD_TAKE_PTR(host);
        return 0;
}

static int check_key(const struct task_spec *t, size_t i, const struct task_param_info **out, md_error *err)
{
        char path[TASK_PATH_MAX], q[300];
        const char *key = t->parameters[i].key;
        param_path(t, i, "key", path);
        if (key[0] == '-')
                return md_fail(err, MD_EXIT_BAD_TASK,
                               "%s: give the option's name without dashes (\"env\", not \"--env\")", path);
        const struct task_param_info *p = task_param_lookup(key);
        if (!p)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: unknown docker parameter %s", path,
                               task_quote(key, q));
        if (p->refusal)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: %s is not supported: %s", path, task_quote(key, q),
                               p->refusal);
        if (!p->repeatable)
                for (size_t j = 0; j < i; j++)
                        if (task_param_lookup(t->parameters[j].key) == p)
                                return md_fail(err, MD_EXIT_BAD_TASK,
                                               "%s: %s given twice (also parameters[%zu])", path,
                                               task_quote(p->name, q), j);
        *out = p;
        return 0;
}

int task_check_parameters(struct task_spec *t, md_error *err)
{
        const char *user = NULL;
        size_t user_index = 0;
        int privileged = -1;

        for (size_t i = 0; i < t->n_parameters; i++) {
                const struct task_param_info *p = NULL;
                if (check_key(t, i, &p, err) < 0)
                        return -1;
                bool b;
                if (strcmp(p->name, "user") == 0) {
                        user = t->parameters[i].value;
                        user_index = i;
                } else if (strcmp(p->name, "privileged") == 0 &&
                           task_param_bool(t->parameters[i].value, &b) == 0)
                        privileged = b;
        }

        /* the values, on a scratch request: bad ones are 65 before the policy is asked */
        _cleanup_json_ json_t *host = NULL;
        if (task_scratch_host_config(t, &host, err) < 0)
                return -1;

        /* two different answers to "who runs this" would leave the policy judging one and
         * docker running the other */
        if (user && t->user && strcmp(user, t->user) != 0) {
                char path[TASK_PATH_MAX], q1[300], q2[300];
                param_path(t, user_index, "value", path);
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: user %s conflicts with the command's user %s",
                               path, task_quote(user, q1), task_quote(t->user, q2));
        }
        t->container_user = user ? user : t->user;
        if (privileged >= 0)
                t->privileged = privileged;
        return 0;
}
