#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"
#include "json_cleanup.h"

static json_t *str_or_null(const char *s)
{
        json_t *v = s ? json_string(s) : NULL;
        return v ? v : json_null();
}

int sbfs_info_render(const struct md_record *r, char **out, size_t *out_len)
{
        _cleanup_json_ json_t *o = json_object();
        if (!o)
                return -ENOMEM;
        /* json_string refuses invalid UTF-8 (NULL): such a field is shown as null */
        int e = 0;
        e |= json_object_set_new(o, "container", str_or_null(r->container));
        e |= json_object_set_new(o, "docker_id", str_or_null(r->docker_id));
        e |= json_object_set_new(o, "task_id", str_or_null(r->task_id));
        e |= json_object_set_new(o, "image", str_or_null(r->image));
        e |= json_object_set_new(o, "state", json_string(md_state_to_string(r->state)));
        e |= json_object_set_new(o, "pid", r->pid > 0 ? json_integer(r->pid) : json_null());
        e |= json_object_set_new(o, "exit_code",
                                 r->state == MD_STATE_EXITED ? json_integer(r->exit_code) : json_null());
        e |= json_object_set_new(o, "started_at", str_or_null(r->started_at));
        e |= json_object_set_new(o, "finished_at", str_or_null(r->finished_at));
        e |= json_object_set_new(o, "owner_uid", json_integer(r->owner_uid));
        e |= json_object_set_new(o, "sandbox", str_or_null(r->sandbox));
        if (e)
                return -ENOMEM;
        char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text)
                return -ENOMEM;
        size_t len = strlen(text);
        char *withnl = realloc(text, len + 2);
        if (!withnl) {
                free(text);
                return -ENOMEM;
        }
        withnl[len] = '\n';
        withnl[len + 1] = '\0';
        *out = withnl;
        *out_len = len + 1;
        return 0;
}
