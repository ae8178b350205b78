/* recover [--known ID,...] [--kill-orphans]: after an agent restart, what of the caller's is
 * still there. Containers whose monitor is gone and that have exited are reaped (their exit
 * recorded, the container removed); with --kill-orphans, the caller's containers that the agent
 * does not know are destroyed. Only containers this helper made (the managed-by label) and that
 * the caller owns are ever touched. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "adopt.h"
#include "cleanup.h"
#include "docker.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "reap.h"
#include "task.h"
#include "util.h"

#define RECOVER_MAX_KNOWN 4096

struct recover_args {
        char *known_buf;
        const char *known[RECOVER_MAX_KNOWN];
        size_t n_known;
        bool kill_orphans;
};

static int parse_args(int argc, char **argv, struct recover_args *a, md_error *err)
{
        static const struct option opts[] = {
                {"known", required_argument, NULL, 'k'}, {"kill-orphans", no_argument, NULL, 'o'}, {0}};
        optind = 1;
        opterr = 0;
        int c;
        while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
                if (c == 'o') {
                        a->kill_orphans = true;
                        continue;
                }
                if (c != 'k' || a->known_buf)
                        return md_fail(err, MD_EXIT_USAGE, "bad or repeated option \"%s\"", argv[optind - 1]);
                a->known_buf = strdup(optarg);
                if (!a->known_buf)
                        return md_fail(err, MD_EXIT_FAILED, "out of memory");
                char *save = NULL;
                for (char *id = strtok_r(a->known_buf, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
                        if (!md_valid_container_id(id))
                                return md_fail(err, MD_EXIT_USAGE, "--known: bad container id \"%.64s\"", id);
                        if (a->n_known == RECOVER_MAX_KNOWN)
                                return md_fail(err, MD_EXIT_USAGE, "--known: more than %d ids",
                                               RECOVER_MAX_KNOWN);
                        a->known[a->n_known++] = id;
                }
        }
        if (optind != argc)
                return md_fail(err, MD_EXIT_USAGE, "usage: recover [--known ID[,ID...]] [--kill-orphans]");
        return 0;
}

static bool is_known(const struct recover_args *a, const char *id)
{
        for (size_t i = 0; i < a->n_known; i++)
                if (strcmp(a->known[i], id) == 0)
                        return true;
        return false;
}

/* One container the daemon has with our managed-by label and the caller as owner. */
static json_t *recover_one(struct helper *h, struct docker *d, int record_dirfd, const struct recover_args *a,
                           json_t *c, md_error *err)
{
        json_t *names = json_object_get(c, "Names");
        const char *n = json_string_value(json_array_get(names, 0));
        const char *docker_id = json_string_value(json_object_get(c, "Id"));
        const char *name = n && n[0] == '/' ? n + 1 : n;
        const char *id = md_container_id_of_name(name);
        if (!id || !docker_id)
                return NULL;
        const char *action = "none";
        bool known = is_known(a, id);
        _cleanup_record_ struct md_record r = {0};
        bool have_record = md_record_read(record_dirfd, name, &r, err) == 0;
        md_error_clear(err);
        /* a helper killed between the create and writing the id leaves a record without one:
         * the daemon's listing names the container */
        if (have_record && !r.docker_id)
                r.docker_id = strdup(docker_id);
        if (a->kill_orphans && !known) {
                if (have_record && r.state != MD_STATE_EXITED)
                        md_record_request_kill(record_dirfd, name, err);
                md_error ignored = {0};
                docker_container_stop(d, docker_id, 0, &ignored);
                action = "killed";
        }
        bool monitor_gone = !have_record || !md_pid_alive(r.monitor_pid);
        if (have_record && monitor_gone && r.state != MD_STATE_EXITED) {
                md_error rerr = {0};
                /* a running container goes to a new monitor, which resumes its output where the
                 * files stop; an exited one (or one that cannot be adopted) is reaped */
                if (strcmp(action, "killed") != 0 && adopt_container(h, &r, &rerr) == 1)
                        action = "adopted";
                else if (reap_container(h->conf, record_dirfd, &r, &rerr) == 1)
                        action = strcmp(action, "killed") == 0 ? "killed" : "reaped";
        } else if (!have_record && strcmp(action, "killed") == 0) {
                md_error ignored = {0};
                docker_container_remove(d, docker_id, &ignored);
        }
        const char *state = json_string_value(json_object_get(c, "State"));
        return json_pack("{s:s, s:s, s:s?, s:b, s:s}", "container", name, "docker_id", docker_id, "state",
                         state, "known", known, "action", action);
}

int cmd_recover(struct helper *h, int argc, char **argv, md_error *err)
{
        struct recover_args a = {0};
        int rc = parse_args(argc, argv, &a, err);
        if (rc < 0) {
                free(a.known_buf);
                return -1;
        }
        _cleanup_free_ char *known_buf = a.known_buf;
        if (helper_audit(h, NULL, NULL, true, "owner",
                         a.kill_orphans ? "recover, killing the caller's orphans" : "recover", err) < 0)
                return -1;
        _cleanup_close_ int record_dirfd = md_record_dir_open(h->conf->state_dir, true, err);
        if (record_dirfd < 0)
                return -1;
        /* after an agent restart: the records that aged out while no monitor ran */
        md_record_prune(record_dirfd, h->conf->keep_exited, time(NULL));
        _cleanup_docker_ struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        char filter[128];
        if (h->priv.caller_is_root)
                snprintf(filter, sizeof filter, "%s=mesos-docker-helper", TASK_LABEL_MANAGED);
        else
                snprintf(filter, sizeof filter, "%s=%u", TASK_LABEL_OWNER, (unsigned)h->caller.uid);
        _cleanup_json_ json_t *list = NULL;
        if (docker_container_list(d, filter, &list, err) < 0)
                return -1;
        _cleanup_json_ json_t *out = json_array();
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c)
        {
                json_t *labels = json_object_get(c, "Labels");
                /* both labels: the owner's uid and our mark; a stranger's mesos- container is not ours */
                if (!json_is_string(json_object_get(labels, TASK_LABEL_MANAGED)))
                        continue;
                const char *owner = json_string_value(json_object_get(labels, TASK_LABEL_OWNER));
                uid_t owner_uid;
                if (!owner || md_parse_uid(owner, &owner_uid) < 0 || !helper_may_see(h, owner_uid))
                        continue;
                json_t *o = recover_one(h, d, record_dirfd, &a, c, err);
                if (o)
                        json_array_append_new(out, o);
        }
        return helper_print_json(out, err);
}
