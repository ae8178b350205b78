/* The engine module's entry (engine.h): the commands that talk to the Docker daemon or fetch. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "adopt.h"
#include "docker.h"
#include "engine.h"
#include "exit_wait.h"
#include "mount_rules.h"
#include "reap.h"

static const struct {
        const char *name;
        int (*run)(struct helper *h, int argc, char **argv, md_error *err);
} commands[] = {
        {"launch", cmd_launch},   {"destroy", cmd_destroy}, {"recover", cmd_recover}, {"usage", cmd_usage},
        {"update", cmd_update},   {"fetch", cmd_fetch},     {"inspect", cmd_inspect}, {"kill", cmd_kill},
        {"rm", cmd_rm},           {"pull", cmd_pull},       {"exec", cmd_exec},       {"doctor", cmd_doctor},
        {"monitor", cmd_monitor},
};

static int engine_dispatch(struct helper *h, int argc, char **argv, md_error *err)
{
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(argv[0], commands[i].name) == 0)
                        return commands[i].run(h, argc, argv, err);
        return md_fail(err, MD_EXIT_USAGE, "unknown command \"%.64s\" (see --help)", argv[0]);
}

/* A container whose monitor is gone: the owner hands a running one to a new monitor, so its
 * output goes on; anything else (or a failed adoption) is reaped. */
int exit_wait_rescue(const struct helper *h, int record_dirfd, const struct md_record *r, int adopt_out_fd,
                     int adopt_err_fd, md_error *err)
{
        md_error aerr = {0};
        /* launch --attach: the new monitor writes on to the helper's own fds */
        int rc = adopt_out_fd >= 0 ? adopt_container_to(h, r, fcntl(adopt_out_fd, F_DUPFD_CLOEXEC, 3),
                                                        fcntl(adopt_err_fd, F_DUPFD_CLOEXEC, 3), &aerr)
                                   : adopt_container(h, r, &aerr);
        if (rc == 1)
                return 1;
        return reap_container(h->conf, record_dirfd, r, err);
}

int mount_rules_daemon_remaps_users(const struct helper *h, bool *on, md_error *err)
{
        struct docker *d = NULL;
        int rc = docker_open(h->conf->docker_socket, &d, err);
        if (rc == 0)
                rc = docker_userns_remap(d, on, err);
        docker_close(d);
        return rc;
}

static int kill_container(const struct helper *h, const char *docker_id, int signo, md_error *err)
{
        char num[16];
        snprintf(num, sizeof num, "%d", signo);
        struct docker *d = NULL;
        int rc = docker_open(h->conf->docker_socket, &d, err);
        if (rc == 0)
                rc = docker_container_kill(d, docker_id, num, err);
        docker_close(d);
        return rc;
}

__attribute__((visibility("default"))) const struct md_engine md_engine = {
        .abi = MD_ENGINE_ABI,
        .run = engine_dispatch,
        .rescue = exit_wait_rescue,
        .remaps_users = mount_rules_daemon_remaps_users,
        .launch_attached = launch_attached,
        .kill = kill_container,
};
