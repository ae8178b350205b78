/* refuse -- DOCKER-ARGS...: the audit record of a `docker run` line that mesos-docker refused (an
 * unknown flag, a value it cannot translate). The front end is not setuid and cannot write the
 * audit log, so it hands the line here; the helper parses it again with the front end's own
 * parser (helper/cli, pure) and records a denial only when that parser refuses it as a `run`,
 * with that parser's message as the reason. So a caller can add nothing to the trail but the
 * refusal of a line it really sent, under its own uid; a line that parses is not recorded. */
#include <string.h>

#include "cli.h"
#include "helper.h"
#include "util.h"

/* The --name of the refused line, when it names a container the way run takes it. */
static const char *named_container(int argc, char **argv, char name[static MD_NAME_MAX + 1])
{
        for (int i = 1; i < argc; i++) {
                const char *v = NULL;
                if (strcmp(argv[i], "--") == 0)
                        break;
                if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
                        v = argv[i + 1];
                else if (strncmp(argv[i], "--name=", 7) == 0)
                        v = argv[i] + 7;
                const char *id = v ? md_container_id_of_name(cli_strip_slash(v)) : NULL;
                if (id) {
                        snprintf(name, MD_NAME_MAX + 1, "%s%s", MD_CONTAINER_PREFIX, id);
                        return name;
                }
        }
        return NULL;
}

static const char *no_environment(const char *name)
{
        (void)name;
        return NULL;
}

int cmd_refuse(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc < 2 || strcmp(argv[1], "--") != 0)
                return md_fail(err, MD_EXIT_USAGE, "usage: refuse -- DOCKER-ARGS...");
        /* argv[1] ("--") stands in for the front end's argv[0] */
        struct cli_request req;
        md_error refusal = {0};
        if (cli_parse(argc - 1, argv + 1, no_environment, &req, &refusal) == 0) {
                cli_request_clear(&req);
                return md_fail(err, MD_EXIT_USAGE,
                               "refuse: the command line is not refused: nothing to record");
        }
        if (req.command != CLI_RUN)
                return md_fail(err, MD_EXIT_USAGE, "refuse: only a refused run is recorded: %s",
                               refusal.message);
        char name[MD_NAME_MAX + 1];
        if (helper_audit(h, named_container(argc - 1, argv + 1, name), NULL, false, "docker run command line",
                         refusal.message, err) < 0)
                return -1;
        /* a denial like the policy's: the front end tells 77 (recorded) from 64 (not recorded) */
        return md_fail(err, MD_EXIT_DENIED, "refused: %s", refusal.message);
}
