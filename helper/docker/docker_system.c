/* Questions about the daemon itself (GET /info). */
#include <errno.h>
#include <string.h>

#include "docker.h"
#include "docker_internal.h"
#include "json_cleanup.h"

bool docker_info_userns_remap(const json_t *info)
{
        /* dockerd --userns-remap lists "name=userns" among its SecurityOptions */
        size_t i;
        json_t *opt;
        json_array_foreach(json_object_get(info, "SecurityOptions"), i, opt)
        {
                const char *s = json_string_value(opt);
                if (s && (strcmp(s, "name=userns") == 0 || strncmp(s, "name=userns,", 12) == 0))
                        return true;
        }
        return false;
}

int docker_userns_remap(struct docker *d, bool *on, md_error *err)
{
        _cleanup_json_ json_t *info = NULL;
        int r = docker_call(d, "GET", "/info", NULL, 0, false, NULL, NULL, &info, err, "daemon info");
        if (r < 0)
                return r;
        if (!json_is_object(info))
                return md_error_set(err, -EPROTO, "daemon info: the daemon's answer is not a JSON object");
        *on = docker_info_userns_remap(info);
        return 0;
}
