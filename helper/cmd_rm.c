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

#define RM_GONE_POLLS 100
#define RM_GONE_POLL_MS 100

/* docker rm returns once the container is gone: the monitor removes it only after it has
 * recorded the exit, so remove it here too (the exit is recorded, the output drained) and wait
 * for a removal already in progress. */
static int remove_from_daemon(struct helper *h, const char *docker_id, md_error *err)
{
        struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        int rc = docker_container_remove(d, docker_id, err);
        for (int i = 0; rc == 0 && i < RM_GONE_POLLS; i++) {
                _cleanup_json_ json_t *info = NULL;
                md_error ierr = {0};
                if (docker_container_inspect(d, docker_id, &info, &ierr) < 0) {
                        if (ierr.exit_code != MD_EXIT_NO_CONTAINER)
                                rc = md_fail(err, ierr.exit_code, "%s", ierr.message);
                        break;
                }
                struct timespec ts = {0, RM_GONE_POLL_MS * 1000000L};
                nanosleep(&ts, NULL);
        }
        docker_close(d);
        return rc;
}

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
        if (rc < 0 || (docker_id[0] && remove_from_daemon(h, docker_id, err) < 0))
                return -1;
        md_record_remove(record_dirfd, name);
        _cleanup_json_ json_t *o = json_pack("{s:s, s:b}", "container", name, "removed", true);
        return helper_print_json(o, err);
}
