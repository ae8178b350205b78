/* destroy ID [--grace SECONDS]: stop (SIGTERM, then SIGKILL after the grace), drain, remove.
 * The exit is KILLED; the result is printed as `wait` prints it. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "docker.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "util.h"

#define DESTROY_DEFAULT_GRACE 10
#define DESTROY_MAX_GRACE 3600

static int parse_args(int argc, char **argv, const char **id, unsigned *grace, md_error *err)
{
        static const struct option opts[] = {{"grace", required_argument, NULL, 'g'}, {0}};
        optind = 1;
        opterr = 0;
        *grace = DESTROY_DEFAULT_GRACE;
        int c;
        uint64_t v;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (c != 'g')
                        return md_fail(err, MD_EXIT_USAGE, "unknown or incomplete option \"%s\"",
                                       argv[optind - 1]);
                if (md_parse_u64(optarg, &v) < 0 || v > DESTROY_MAX_GRACE)
                        return md_fail(err, MD_EXIT_USAGE, "--grace \"%s\": not a number of seconds up to %d",
                                       optarg, DESTROY_MAX_GRACE);
                *grace = (unsigned)v;
        }
        if (optind != argc - 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: destroy ID [--grace SECONDS]");
        *id = argv[optind];
        return 0;
}

/* Marks the record so that the monitor reports KILLED whatever exit code the stop produces. */
static int mark_kill_requested(int record_dirfd, const char *name, md_error *err)
{
        int r = md_record_request_kill(record_dirfd, name, err);
        return r == -ENOENT ? md_fail(err, MD_EXIT_NO_CONTAINER, "%s: no such container", name) : r;
}

#define RM_GONE_POLLS 100
#define RM_GONE_POLL_MS 100

/* docker rm returns once the container is gone: the monitor removes it only after it has
 * recorded the exit, so remove it here too (the exit is recorded, the output drained) and wait
 * for a removal already in progress. */
int destroy_remove_from_daemon(struct helper *h, const char *docker_id, md_error *err)
{
        _cleanup_docker_ struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        int rc = docker_container_remove(d, docker_id, err);
        if (rc == -ENOENT) { /* the monitor was quicker */
                md_error_clear(err);
                return 0;
        }
        for (int i = 0; rc == 0 && i < RM_GONE_POLLS; i++) {
                _cleanup_json_ json_t *info = NULL;
                md_error ierr = {0};
                int r = docker_container_inspect(d, docker_id, &info, &ierr);
                if (r < 0) {
                        if (r != -ENOENT) {
                                *err = ierr;
                                rc = r;
                        }
                        break;
                }
                struct timespec ts = {0, RM_GONE_POLL_MS * 1000000L};
                nanosleep(&ts, NULL);
        }
        return rc;
}

int destroy_container(struct helper *h, int record_dirfd, const struct md_record *r, unsigned grace,
                      struct md_record *out, md_error *err)
{
        _cleanup_free_ char *name = strdup(r->container);
        _cleanup_free_ char *docker_ref = strdup(r->docker_id ? r->docker_id : r->container);
        if (!name || !docker_ref)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        if (r->state != MD_STATE_EXITED) {
                if (mark_kill_requested(record_dirfd, name, err) < 0)
                        return -1;
                _cleanup_docker_ struct docker *d = NULL;
                if (docker_open(h->conf->docker_socket, &d, err) < 0)
                        return -1;
                int rc = docker_container_stop(d, docker_ref, grace, err);
                /* already gone is fine: the monitor (or wait's reaper) records the exit */
                if (rc < 0 && rc != -ENOENT)
                        return -1;
                md_error_clear(err);
        }
        if (exit_wait_for_record(h, record_dirfd, name, out, err) < 0)
                return -1;
        /* the seed's "stopped and removed": the container is gone when destroy returns */
        if (out->docker_id && destroy_remove_from_daemon(h, out->docker_id, err) < 0) {
                md_record_clear(out);
                return -1;
        }
        return 0;
}

int cmd_destroy(struct helper *h, int argc, char **argv, md_error *err)
{
        const char *id = NULL;
        unsigned grace;
        if (parse_args(argc, argv, &id, &grace, err) < 0)
                return -1;
        _cleanup_close_ int record_dirfd = lookup_open_records(h, id, err);
        _cleanup_record_ struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, id, &r, err) < 0)
                return helper_audit_not_found(h, id, err);
        _cleanup_record_ struct md_record done = {0};
        if (helper_audit(h, r.container, NULL, true, "owner", "the caller's own container", err) < 0 ||
            destroy_container(h, record_dirfd, &r, grace, &done, err) < 0)
                return -1;
        _cleanup_json_ json_t *o = exit_wait_result_json(&done);
        return helper_print_json(o, err);
}
