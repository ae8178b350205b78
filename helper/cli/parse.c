/* The docker command line apart from `run`'s options (run_args.c): the global options, the
 * command word, and each command's few options, as docker's CLI (cobra/pflag) spells them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "util.h"

#define MAX_STOP_TIME 3600 /* the helper's longest grace */

const char cli_version_text[] = "Docker version " CLI_DOCKER_VERSION ", build mesos-docker-" MD_VERSION "\n"
                                "Client version: " CLI_DOCKER_VERSION "\n";

const char cli_usage_text[] =
        "usage: mesos-docker [-H|--host SOCKET] COMMAND [ARGS]\n"
        "  the docker command line of a Mesos agent, carried out by mesos-docker-helper:\n"
        "  run [OPTIONS] IMAGE [COMMAND] [ARG...]     (-d: detached)\n"
        "  explain run [OPTIONS] IMAGE [COMMAND]...   (the policy's decision on that run)\n"
        "  inspect [--type container|image] NAME\n"
        "  ps [-a] [--no-trunc]\n"
        "  wait NAME...\n"
        "  logs [-f] NAME\n"
        "  stop [-t SECONDS] NAME...\n"
        "  kill [-s SIGNAL] NAME...\n"
        "  rm [-f] [-v] NAME...\n"
        "  pull IMAGE\n"
        "  exec NAME COMMAND [ARG...]\n"
        "  version | -v | --version     (docker's two lines, what Mesos parses)\n"
        "  -V                           (those, then the helper's --version: its policy file,\n"
        "                               state dir, engine module and build)\n"
        "  -h | --help\n";

static const struct {
        const char *name;
        enum cli_command command;
} commands[] = {
        {"version", CLI_VERSION}, {"help", CLI_HELP}, {"run", CLI_RUN},   {"explain", CLI_EXPLAIN},
        {"inspect", CLI_INSPECT}, {"ps", CLI_PS},     {"wait", CLI_WAIT}, {"logs", CLI_LOGS},
        {"stop", CLI_STOP},       {"kill", CLI_KILL}, {"rm", CLI_RM},     {"pull", CLI_PULL},
        {"exec", CLI_EXEC},
};

enum opt_id { OPT_TYPE, OPT_ALL, OPT_NO_TRUNC, OPT_FOLLOW, OPT_TIME, OPT_SIGNAL, OPT_FORCE, OPT_VOLUMES };

struct opt {
        const char *name;
        char short_name;
        bool takes_value;
        enum opt_id id;
};

/* Per command: its options, how many operands, and whether flags may follow operands. */
struct command_syntax {
        const struct opt *opts;
        size_t n_opts;
        size_t min_operands, max_operands;
        bool interspersed;
        const char *usage;
};

static const struct opt inspect_opts[] = {{"type", 0, true, OPT_TYPE}};
static const struct opt ps_opts[] = {{"all", 'a', false, OPT_ALL}, {"no-trunc", 0, false, OPT_NO_TRUNC}};
static const struct opt logs_opts[] = {{"follow", 'f', false, OPT_FOLLOW}};
static const struct opt stop_opts[] = {{"time", 't', true, OPT_TIME}};
static const struct opt kill_opts[] = {{"signal", 's', true, OPT_SIGNAL}};
/* -v removes anonymous volumes; the helper never makes any, so there is nothing more to remove */
static const struct opt rm_opts[] = {{"force", 'f', false, OPT_FORCE}, {"volumes", 'v', false, OPT_VOLUMES}};

#define OPTS(a) a, sizeof a / sizeof a[0]
static const struct command_syntax syntax[_CLI_COMMAND_MAX] = {
        [CLI_VERSION] = {NULL, 0, 0, 0, true, "version"},
        [CLI_HELP] = {NULL, 0, 0, 0, true, "help"},
        [CLI_INSPECT] = {OPTS(inspect_opts), 1, 1, true, "inspect [--type container|image] NAME"},
        [CLI_PS] = {OPTS(ps_opts), 0, 0, true, "ps [-a] [--no-trunc]"},
        [CLI_WAIT] = {NULL, 0, 1, SIZE_MAX, true, "wait NAME..."},
        [CLI_LOGS] = {OPTS(logs_opts), 1, 1, true, "logs [-f] NAME"},
        [CLI_STOP] = {OPTS(stop_opts), 1, SIZE_MAX, true, "stop [-t SECONDS] NAME..."},
        [CLI_KILL] = {OPTS(kill_opts), 1, SIZE_MAX, true, "kill [-s SIGNAL] NAME..."},
        [CLI_RM] = {OPTS(rm_opts), 1, SIZE_MAX, true, "rm [-f] [-v] NAME..."},
        [CLI_PULL] = {NULL, 0, 1, 1, true, "pull IMAGE"},
        [CLI_EXEC] = {NULL, 0, 2, SIZE_MAX, false, "exec NAME COMMAND [ARG...]"},
};

static int apply_opt(struct cli_request *req, const char *cmd, const struct opt *o, const char *v,
                     md_error *err)
{
        uint64_t n;
        switch (o->id) {
        case OPT_TYPE:
                if (strcmp(v, "container") != 0 && strcmp(v, "image") != 0)
                        return md_fail(err, CLI_EXIT_USAGE, "%s: --type \"%s\": only container or image", cmd,
                                       v);
                req->inspect_type = v;
                return 0;
        case OPT_ALL:
                req->all = true;
                return 0;
        case OPT_NO_TRUNC:
                req->no_trunc = true;
                return 0;
        case OPT_FOLLOW:
                req->follow = true;
                return 0;
        case OPT_TIME:
                if (md_parse_u64(v, &n) < 0 || n > MAX_STOP_TIME)
                        return md_fail(err, CLI_EXIT_USAGE,
                                       "%s: --time \"%s\": not a number of seconds up to %d", cmd, v,
                                       MAX_STOP_TIME);
                req->stop_time = (unsigned)n;
                return 0;
        case OPT_SIGNAL:
                if (!v[0])
                        return md_fail(err, CLI_EXIT_USAGE, "%s: --signal: empty", cmd);
                req->signal = v;
                return 0;
        case OPT_FORCE:
                req->force = true;
                return 0;
        case OPT_VOLUMES:
                return 0;
        }
        return md_fail(err, CLI_EXIT_USAGE, "%s: option not handled", cmd);
}

static const struct opt *find_opt(const struct command_syntax *cs, const char *name, char short_name)
{
        for (size_t i = 0; i < cs->n_opts; i++)
                if (name ? strcmp(cs->opts[i].name, name) == 0 : cs->opts[i].short_name == short_name)
                        return &cs->opts[i];
        return NULL;
}

/* One option word at argv[i] (long, or short letters run together). Returns words used. */
static int parse_one(struct cli_request *req, const char *cmd, const struct command_syntax *cs, int argc,
                     char **argv, int i, md_error *err)
{
        const char *a = argv[i];
        if (a[1] == '-') {
                const char *eq = strchr(a + 2, '=');
                char name[64];
                size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
                const struct opt *o = NULL;
                if (len < sizeof name) {
                        memcpy(name, a + 2, len);
                        name[len] = '\0';
                        o = find_opt(cs, name, 0);
                }
                if (!o)
                        return md_fail(err, CLI_EXIT_USAGE, "%s: unknown flag: %.*s (usage: %s)", cmd,
                                       (int)(len + 2), a, cs->usage);
                if (!o->takes_value)
                        return eq ? md_fail(err, CLI_EXIT_USAGE, "%s: --%s takes no value", cmd, o->name)
                               : apply_opt(req, cmd, o, NULL, err) < 0 ? -1
                                                                       : 1;
                if (eq)
                        return apply_opt(req, cmd, o, eq + 1, err) < 0 ? -1 : 1;
                if (i + 1 >= argc)
                        return md_fail(err, CLI_EXIT_USAGE, "%s: flag needs an argument: --%s", cmd, o->name);
                return apply_opt(req, cmd, o, argv[i + 1], err) < 0 ? -1 : 2;
        }
        for (const char *p = a + 1; *p; p++) {
                const struct opt *o = find_opt(cs, NULL, *p);
                if (!o)
                        return md_fail(err, CLI_EXIT_USAGE,
                                       "%s: unknown shorthand flag: '%c' in %s (usage: %s)", cmd, *p, a,
                                       cs->usage);
                if (!o->takes_value) {
                        if (apply_opt(req, cmd, o, NULL, err) < 0)
                                return -1;
                        continue;
                }
                const char *v = p[1] == '=' ? p + 2 : p[1] ? p + 1 : NULL;
                if (v)
                        return apply_opt(req, cmd, o, v, err) < 0 ? -1 : 1;
                if (i + 1 >= argc)
                        return md_fail(err, CLI_EXIT_USAGE, "%s: flag needs an argument: '%c' in %s", cmd, *p,
                                       a);
                return apply_opt(req, cmd, o, argv[i + 1], err) < 0 ? -1 : 2;
        }
        return 1;
}

static int parse_command(struct cli_request *req, const char *cmd, int argc, char **argv, md_error *err)
{
        const struct command_syntax *cs = &syntax[req->command];
        req->names = calloc((size_t)argc + 1, sizeof *req->names);
        if (!req->names)
                return md_fail(err, CLI_EXIT_USAGE, "out of memory");
        bool options_done = false;
        int i = 1;
        while (i < argc) {
                const char *a = argv[i];
                if (!options_done && strcmp(a, "--") == 0) {
                        options_done = true;
                        i++;
                        continue;
                }
                if (!options_done && a[0] == '-' && a[1] != '\0') {
                        int used = parse_one(req, cmd, cs, argc, argv, i, err);
                        if (used < 0)
                                return -1;
                        i += used;
                        continue;
                }
                if (req->command == CLI_EXEC && req->n_names == 1) { /* the command and its own flags */
                        req->exec_argv = argv + i;
                        req->n_exec_argv = (size_t)(argc - i);
                        break;
                }
                req->names[req->n_names++] = argv[i++];
                if (!cs->interspersed)
                        options_done = true;
        }
        size_t operands = req->n_names + (req->n_exec_argv ? 1 : 0);
        if (operands < cs->min_operands || operands > cs->max_operands)
                return md_fail(err, CLI_EXIT_USAGE, "%s: wrong number of arguments (usage: %s)", cmd,
                               cs->usage);
        return 0;
}

/* The global options before the command. -H/--host is accepted and has no effect: the daemon is
 * the one the policy names, which a caller cannot choose (docker-cli.md). */
static int parse_global(int argc, char **argv, int *i, struct cli_request *req, bool *done, md_error *err)
{
        while (*i < argc && argv[*i][0] == '-') {
                const char *a = argv[*i];
                if (strcmp(a, "-H") == 0 || strcmp(a, "--host") == 0) {
                        if (*i + 1 >= argc)
                                return md_fail(err, CLI_EXIT_USAGE, "flag needs an argument: %s", a);
                        *i += 2;
                } else if (strncmp(a, "-H=", 3) == 0 || strncmp(a, "--host=", 7) == 0 ||
                           (strncmp(a, "-H", 2) == 0 && a[2] != '\0')) {
                        *i += 1;
                } else if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0 || strcmp(a, "-V") == 0) {
                        req->command = CLI_VERSION;
                        req->verbose = strcmp(a, "-V") == 0;
                        *done = true;
                        return 0;
                } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                        req->command = CLI_HELP;
                        *done = true;
                        return 0;
                } else {
                        return md_fail(err, CLI_EXIT_USAGE,
                                       "unknown flag: %s (mesos-docker takes only -H/--host "
                                       "before the command)",
                                       a);
                }
        }
        return 0;
}

int cli_parse(int argc, char **argv, cli_getenv_fn getenv_fn, struct cli_request *req, md_error *err)
{
        *req = (struct cli_request){.stop_time = 10};
        int i = 1;
        bool done = false;
        if (parse_global(argc, argv, &i, req, &done, err) < 0)
                return -1;
        if (done)
                return 0;
        if (i >= argc)
                return md_fail(err, CLI_EXIT_USAGE, "no command (see --help)");
        size_t c;
        for (c = 0; c < sizeof commands / sizeof commands[0]; c++)
                if (strcmp(argv[i], commands[c].name) == 0)
                        break;
        if (c == sizeof commands / sizeof commands[0])
                return md_fail(err, CLI_EXIT_USAGE, "unknown command \"%.64s\" (see --help)", argv[i]);
        req->command = commands[c].command;
        int rc;
        if (req->command == CLI_RUN) {
                rc = cli_parse_run(argc - i, argv + i, getenv_fn, &req->run, err);
        } else if (req->command == CLI_EXPLAIN) {
                if (i + 1 >= argc || strcmp(argv[i + 1], "run") != 0)
                        return md_fail(err, CLI_EXIT_USAGE,
                                       "explain: usage: explain run [OPTIONS] IMAGE [COMMAND]");
                rc = cli_parse_run(argc - i - 1, argv + i + 1, getenv_fn, &req->run, err);
        } else {
                rc = parse_command(req, argv[i], argc - i, argv + i, err);
        }
        if (rc < 0)
                cli_request_clear(req);
        return rc;
}

void cli_request_clear(struct cli_request *req)
{
        cli_run_clear(&req->run);
        free(req->names);
        req->names = NULL;
        req->n_names = 0;
}

const char *cli_strip_slash(const char *name)
{
        return name[0] == '/' ? name + 1 : name;
}
