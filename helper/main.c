/* mesos-docker-helper: the privileged half of the Docker containerizer for unprivileged agents.
 *
 * main() reads as the helper's phases, top to bottom: sanitize the process, identify the caller,
 * drop capabilities, load the policy, then hand the request to its command, which parses it,
 * decides, audits and acts. Only this file prints errors and exits. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "activation.h"
#include "attach.h"
#include "build_info.h"
#include "config.h"
#include "engine.h"
#include "helper.h"
#include "hygiene.h"
#include "util.h"

static const char usage_text[] = "usage: mesos-docker-helper COMMAND [ARGS]\n"
                                 "  launch  --container-id ID --sandbox DIR [--task FILE] [--attach]\n"
                                 "  wait    ID\n"
                                 "  destroy ID [--grace SECONDS]\n"
                                 "  list    [--running|--exited]\n"
                                 "  recover [--known ID[,ID...]] [--kill-orphans]\n"
                                 "  usage   ID\n"
                                 "  update  ID [--cpus N] [--mem MB]\n"
                                 "  fetch   --sandbox DIR [--task FILE]\n"
                                 "  policy  check [FILE]\n"
                                 "  policy  explain --container-id ID --sandbox DIR [--task FILE]\n"
                                 "  policy  show [--caller USER]\n"
                                 "  inspect [--type container|image] NAME\n"
                                 "  kill    ID [--signal SIG]\n"
                                 "  rm      ID [--force]\n"
                                 "  pull    IMAGE [--config FILE]\n"
                                 "  exec    ID [--] CMD [ARG...]\n"
                                 "  refuse  -- DOCKER-ARGS... (mesos-docker: audits a run line it refused)\n"
                                 "  doctor\n"
                                 "  monitor (root, from mesos-docker-monitor.service)\n"
                                 "  -h | --help,  -V | --version\n"
                                 "list, usage, policy: --format table|json (default: a table on a tty)\n"
                                 "ID: the Mesos ID, mesos-ID, or the docker id (or a unique prefix of it)\n"
                                 "    of one of the caller's own containers\n"
                                 "exit: 0 done, 1 failed, 2 no such container, 64 usage, 65 bad task,\n"
                                 "      69 daemon unavailable, 77 denied, 78 bad policy;\n"
                                 "      launch --attach and exec: the container's or the command's status\n";

/* run: engine_run for the commands that live in the engine module (engine.h), loaded only for
 * them (launch: attach_launch, which waits for an attached launch without it); creates: it creates
 * or changes a container, so it needs a policy section even for root; starts_monitor: it may start
 * the shared monitor (a launch, or an adoption when it finds a container's monitor gone), so it
 * keeps two capabilities permitted for that alone; formats: it takes --format (format.h). */
static const struct command {
        const char *name;
        int (*run)(struct helper *h, int argc, char **argv, md_error *err);
        bool creates, starts_monitor, formats;
} commands[] = {
        {"launch", attach_launch, true, true, false}, {"wait", cmd_wait, false, true, false},
        {"destroy", engine_run, false, true, false},  {"list", cmd_list, false, false, true},
        {"recover", engine_run, false, true, false},  {"usage", engine_run, false, false, true},
        {"update", engine_run, true, false, false},   {"fetch", engine_run, true, false, false},
        {"policy", cmd_policy, false, false, true},   {"inspect", engine_run, false, false, false},
        {"kill", engine_run, false, false, false},    {"rm", engine_run, false, true, false},
        {"pull", engine_run, true, false, false},     {"exec", engine_run, true, false, false},
        {"doctor", engine_run, false, false, false},  {"monitor", engine_run, false, true, false},
        {"refuse", cmd_refuse, false, false, false},
};

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; name && i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(name, commands[i].name) == 0)
                        return &commands[i];
        return NULL;
}

/* Takes --format STYLE / --format=STYLE out of argv (up to a "--"), so that the command parses
 * only its own arguments. Without it: a table on a terminal, JSON for a program. */
static int take_format_option(int *argc, char **argv, enum format_style *out, md_error *err)
{
        *out = isatty(STDOUT_FILENO) ? FORMAT_TABLE : FORMAT_JSON;
        for (int i = 2; i < *argc && strcmp(argv[i], "--") != 0;) {
                const char *value = NULL;
                int width = 0;
                if (strcmp(argv[i], "--format") == 0 && i + 1 < *argc)
                        value = argv[i + 1], width = 2;
                else if (strncmp(argv[i], "--format=", 9) == 0)
                        value = argv[i] + 9, width = 1;
                else if (strcmp(argv[i], "--format") == 0)
                        return md_fail(err, MD_EXIT_USAGE, "--format needs table or json");
                if (!value) {
                        i++;
                        continue;
                }
                if (format_parse_style(value, out) < 0)
                        return md_fail(err, MD_EXIT_USAGE, "--format \"%.32s\": table or json", value);
                memmove(&argv[i], &argv[i + width], (size_t)(*argc - i - width + 1) * sizeof *argv);
                *argc -= width;
        }
        return 0;
}

/* --version: what this binary is and the paths it was built to use. The policy is loaded only to
 * say which state dir it names; a policy that does not load is said, not fatal. */
static int print_version(void)
{
        struct policy *p = NULL;
        md_error err = {0};
        bool loaded = policy_load(MD_POLICY_FILE, MD_POLICY_DIR, true, &p, &err) == 0;
        printf("mesos-docker-helper %s\n", MD_VERSION);
        md_one_line(err.message);
        md_print_build_info(stdout, loaded ? policy_helper(p)->state_dir : NULL, err.message);
        printf("engine module: %s\n", MD_ENGINE_PATH);
        /* what the install made of this file (a package sets the bit in its postinst, whatever
         * the build option said) */
        struct stat st;
        bool setuid_root = stat("/proc/self/exe", &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0;
        printf("this binary: %s\n", setuid_root ? "setuid root" : "not setuid root: it serves root only");
        policy_free(p);
        return fflush(stdout) == 0 ? 0 : MD_EXIT_FAILED;
}

static _Noreturn __attribute__((format(printf, 3, 4))) void die(int code, const char *command,
                                                                const char *fmt, ...)
{
        char msg[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        md_one_line(msg); /* whatever it carries from the caller or the daemon */
        if (command)
                fprintf(stderr, "mesos-docker-helper: %s: %s\n", command, msg);
        else
                fprintf(stderr, "mesos-docker-helper: %s\n", msg);
        exit(code);
}

static _Noreturn void die_error(const char *command, const md_error *err)
{
        /* A command's synopsis ("usage: wait ID") already names the command: no "wait: " before
         * it ("mesos-docker-helper: usage: wait ID"). */
        int code = md_error_exit_code(err);
        if (code == MD_EXIT_USAGE && strncmp(err->message, "usage: ", 7) == 0)
                die(MD_EXIT_USAGE, NULL, "%s", err->message);
        die(code, command, "%s", err->message);
}

int main(int argc, char **argv)
{
        md_error err = {0};
        struct helper h = {.audit_fd = -1, .priv.caller_cwd = -1};

        /* Phase 1: sanitize the process we inherited from an untrusted caller. argc 0 would make
         * argv[0] NULL and shift the environment into argv for code that assumes otherwise. */
        if (argc < 1 || !argv[0])
                die(MD_EXIT_USAGE, NULL, "refusing to run with an empty argument vector");
        activation_take_socket(argc, argv); /* systemd's socket for root's `monitor`, onto fd 0 */
        if (hygiene_fix_fds(&err) < 0 || hygiene_clear_environment(&err) < 0 ||
            hygiene_reset_signals(&err) < 0 || hygiene_fix_process(&h.priv.caller_cwd, &err) < 0)
                die_error(NULL, &err);

        /* Phase 2: who is calling, recorded once; then give up every capability. We keep euid 0
         * only for owner access to root's files (socket, state dir, audit log, policy). The
         * commands that may start the shared monitor keep two capabilities permitted for it
         * alone (privilege.h: keep_for_monitor). */
        const struct command *cmd = argc >= 2 ? find_command(argv[1]) : NULL;
        /* Only the commands that read a file the caller names (--task, policy check FILE) keep
         * its working directory: a `wait` of hours must not hold a mount busy. */
        if (!cmd || (strcmp(cmd->name, "launch") != 0 && strcmp(cmd->name, "fetch") != 0 &&
                     strcmp(cmd->name, "policy") != 0)) {
                if (h.priv.caller_cwd >= 0)
                        close(h.priv.caller_cwd);
                h.priv.caller_cwd = -1;
        }
        h.priv.keep_for_monitor = cmd && cmd->starts_monitor;
        if (privilege_identify(&h.priv, &err) < 0 || privilege_drop_capabilities(&h.priv, &err) < 0)
                die_error(NULL, &err);
        if (caller_identify(h.priv.caller_uid, h.priv.caller_gid, &h.caller, &err) < 0)
                die_error(NULL, &err);

        if (argc < 2)
                die(MD_EXIT_USAGE, NULL, "no command (see --help)");
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                fputs(usage_text, stdout);
                return fflush(stdout) == 0 ? 0 : MD_EXIT_FAILED;
        }
        if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
                return print_version();
        if (!cmd)
                die(MD_EXIT_USAGE, NULL, "unknown command \"%.64s\" (see --help)", argv[1]);
        h.command = cmd->name;
        if (cmd->formats && take_format_option(&argc, argv, &h.format, &err) < 0)
                die_error(h.command, &err);

        /* Phase 3: the root-owned policy, from the build-time path only. `policy check FILE`
         * reads its own file as the caller, but still loads this one to know the audit log. */
        bool checks_own_file = cmd->run == cmd_policy && argc == 4 && strcmp(argv[2], "check") == 0;
        bool doctor = strcmp(h.command, "doctor") == 0;
        if (policy_load(MD_POLICY_FILE, MD_POLICY_DIR, true, &h.policy, &err) < 0) {
                if (!checks_own_file && !doctor)
                        die_error(h.command, &err);
                md_error_clear(&err);
                h.policy = NULL; /* `policy check FILE` needs nothing from the installed policy;
                                  * doctor reports why it does not load */
        }
        if (h.policy) {
                h.conf = policy_helper(h.policy);
                struct policy_caller pc = caller_policy_view(&h.caller);
                h.section = policy_match_caller(h.policy, &pc);
        }

        /* Default deny: a caller that no section names may do nothing but ask the policy (policy,
         * doctor). Root, who may see every container anyway, still may look after them (wait,
         * list, destroy, recover, usage); what creates or changes a container needs a section
         * even for root. */
        bool creates = cmd->creates;
        bool asks = cmd->run == cmd_policy || doctor;
        if (h.policy && !h.section && !asks && (creates || !h.priv.caller_is_root)) {
                if (helper_audit(&h, NULL, NULL, false, MD_POLICY_FILE, "no [caller] section matches", &err) <
                    0)
                        die_error(h.command, &err);
                die(MD_EXIT_DENIED, h.command, "denied: no [caller] section of the policy matches uid %u",
                    (unsigned)h.caller.uid);
        }

        /* Phase 4: the command parses its request, decides, audits and acts. */
        int rc = cmd->run(&h, argc - 1, argv + 1, &err);
        policy_free(h.policy);
        if (rc < 0)
                die_error(h.command, &err);
        return h.exit_status;
}
