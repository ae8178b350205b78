/* rm ID [--force]: forget a finished container (its record; the monitor has removed the docker
 * container after its exit). A running one only with --force: destroyed with no grace first. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "docker.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "util.h"

int cmd_rm(struct helper *h, int argc, char **argv, md_error *err)
{
        static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {0}};
        optind = 1;
        opterr = 0;
        int c;
        bool force = false;
        while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
                if (c != 'f')
                        return md_fail(err, MD_EXIT_USAGE, "unknown option \"%s\"", argv[optind - 1]);
                force = true;
        }
        if (optind != argc - 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: rm ID [--force]");
        const char *id = argv[optind];
        _cleanup_close_ int record_dirfd = lookup_open_records(h, id, err);
        struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, id, &r, err) < 0)
                return helper_audit_not_found(h, id, err);
        char name[MD_NAME_MAX + 1], docker_id[65];
        snprintf(name, sizeof name, "%s", r.container);
        snprintf(docker_id, sizeof docker_id, "%s", r.docker_id ? r.docker_id : "");
        bool running = r.state != MD_STATE_EXITED;
        int rc = helper_audit(h, name, NULL, true, "owner",
                              running && force ? "force-removes the caller's own container"
                                               : "removes the caller's own container",
                              err);
        if (rc == 0 && running && !force)
                rc = md_fail(err, MD_EXIT_FAILED, "%s: container is running (stop it first, or --force)",
                             name);
        if (rc == 0 && running) {
                struct md_record done = {0};
                rc = destroy_container(h, record_dirfd, &r, 0, &done, err);
                md_record_clear(&done);
        }
        md_record_clear(&r);
        if (rc < 0 || (docker_id[0] && destroy_remove_from_daemon(h, docker_id, err) < 0))
                return -1;
        md_record_remove(record_dirfd, name);
        _cleanup_json_ json_t *o = json_pack("{s:s, s:b}", "container", name, "removed", true);
        return helper_print_json(o, err);
}
