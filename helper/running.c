#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "lookup.h"
#include "running.h"

int running_open(struct helper *h, const char *id, char name[static MD_NAME_MAX + 1], char **docker_ref,
                 struct docker **d, md_error *err)
{
        _cleanup_close_ int record_dirfd = lookup_open_records(h, id, err);
        _cleanup_record_ struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, id, &r, err) < 0)
                return -1;
        snprintf(name, MD_NAME_MAX + 1, "%s", r.container);
        bool running = r.state == MD_STATE_RUNNING && r.docker_id;
        *docker_ref = running ? strdup(r.docker_id) : NULL;
        if (!running)
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%s: not running", name);
        return docker_open(h->conf->docker_socket, d, err);
}
