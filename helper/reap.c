#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "json_cleanup.h"
#include "reap.h"

static char *dup_json_string(json_t *o, const char *path1, const char *path2)
{
        json_t *v = json_object_get(json_object_get(o, path1), path2);
        return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

int reap_container(const struct policy_helper_conf *conf, int record_dirfd, const struct md_record *r,
                   md_error *err)
{
        struct md_record upd = { 0 };
        if (md_record_read(record_dirfd, r->container, &upd, err) < 0)
                return -1;
        if (!upd.docker_id) { /* a launch is still pulling or creating: nothing to reap yet */
                md_record_clear(&upd);
                return 0;
        }
        struct docker *d = NULL;
        if (docker_open(conf->docker_socket, &d, err) < 0) {
                md_record_clear(&upd);
                return -1;
        }
        _cleanup_json_ json_t *info = NULL;
        md_error ierr = { 0 };
        const char *ref = upd.docker_id ? upd.docker_id : upd.container;
        int rc = docker_container_inspect(d, ref, &info, &ierr);
        if (rc < 0 && ierr.exit_code != MD_EXIT_NO_CONTAINER) {
                *err = ierr;
                goto out;
        }
        json_t *state = json_object_get(info, "State");
        if (info && json_is_true(json_object_get(state, "Running"))) {
                rc = 0;
                goto out;
        }
        upd.state = MD_STATE_EXITED;
        upd.monitor_pid = 0;
        if (info) {
                upd.exit_code = (int)json_integer_value(json_object_get(state, "ExitCode"));
                upd.oom_killed = json_is_true(json_object_get(state, "OOMKilled"));
                free(upd.finished_at);
                upd.finished_at = dup_json_string(info, "State", "FinishedAt");
        } else {
                /* gone without a trace (removed behind our back): we cannot know the code */
                upd.exit_code = -1;
        }
        if (upd.exit_code > 128 && upd.exit_code < 128 + NSIG)
                upd.signal = upd.exit_code - 128;
        upd.status = upd.kill_requested ? MD_STATUS_KILLED : upd.exit_code == 0 ? MD_STATUS_FINISHED : MD_STATUS_FAILED;
        if (md_record_write(record_dirfd, &upd, err) < 0) {
                rc = -1;
                goto out;
        }
        if (info) {
                md_error ignored = { 0 };
                docker_container_remove(d, ref, &ignored);
        }
        rc = 1;
out:
        docker_close(d);
        md_record_clear(&upd);
        return rc;
}
