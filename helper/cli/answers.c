/* The helper's JSON answers -> what docker prints and what Mesos parses from it. Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"

static const char *entry_string(json_t *entry, const char *key)
{
        const char *s = json_string_value(json_object_get(entry, key));
        return s ? s : "";
}

/* docker's name forms: "mesos-ID", "/mesos-ID", "ID", a docker id or a unique prefix of one. */
int cli_match_container(json_t *list, const char *name, json_t **out)
{
        name = cli_strip_slash(name);
        if (!name[0])
                return -ENOENT;
        json_t *prefix_match = NULL;
        size_t n_prefix = 0, len = strlen(name);
        for (size_t i = 0; i < json_array_size(list); i++) {
                json_t *e = json_array_get(list, i);
                const char *cname = entry_string(e, "container");
                const char *docker_id = entry_string(e, "docker_id");
                if (strcmp(cname, name) == 0 || strcmp(docker_id, name) == 0 ||
                    (strncmp(cname, "mesos-", 6) == 0 && strcmp(cname + 6, name) == 0)) {
                        *out = e;
                        return 0;
                }
                if (docker_id[0] && strncmp(docker_id, name, len) == 0) {
                        prefix_match = e;
                        n_prefix++;
                }
        }
        if (n_prefix == 1) {
                *out = prefix_match;
                return 0;
        }
        return n_prefix > 1 ? -EEXIST : -ENOENT;
}

const char *cli_entry_id(json_t *entry)
{
        const char *cname = entry_string(entry, "container");
        return strncmp(cname, "mesos-", 6) == 0 ? cname + 6 : cname;
}

/* Columns Mesos can split on spaces: the name is the last token of every line, the first line
 * is a header that it throws away. */
char *cli_format_ps(json_t *list, bool all, bool no_trunc)
{
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        if (!f)
                return NULL;
        fprintf(f, "%-12s   %-40s   %-10s   %s\n", "CONTAINER ID", "IMAGE", "STATUS", "NAMES");
        for (size_t i = 0; i < json_array_size(list); i++) {
                json_t *e = json_array_get(list, i);
                const char *state = entry_string(e, "state");
                bool exited = strcmp(state, "exited") == 0;
                if (exited && !all)
                        continue;
                const char *id = entry_string(e, "docker_id");
                const char *image = entry_string(e, "image");
                fprintf(f, "%-12.*s   %-40s   %-10s   %s\n", no_trunc ? 64 : 12, id[0] ? id : "<none>",
                        image[0] ? image : "<none>",
                        exited                          ? "Exited"
                        : strcmp(state, "running") == 0 ? "Up"
                                                        : "Created",
                        entry_string(e, "container"));
        }
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

int cli_wait_exit_code(json_t *result, long *code)
{
        json_t *c = json_object_get(result, "exit_code");
        if (!json_is_integer(c))
                return -EINVAL;
        *code = (long)json_integer_value(c);
        return 0;
}
