/* kill ID [--signal SIG]: a signal to the caller's running container (docker kill; default
 * KILL), through the daemon, audited. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "signals.h"
#include "util.h"

int cmd_kill(struct helper *h, int argc, char **argv, md_error *err)
{
        static const struct option opts[] = {{"signal", required_argument, NULL, 's'}, {0}};
        optind = 1;
        opterr = 0;
        int c, signo = 9;
        while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1)
                if (c != 's' || md_parse_signal(optarg, &signo) < 0)
                        return md_fail(err, MD_EXIT_USAGE,
                                       "bad or unknown option \"%s\" (--signal NAME|NUMBER)",
                                       argv[optind - 1]);
        if (optind != argc - 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: kill ID [--signal SIG]");
        const char *id = argv[optind];
        struct lookup_target t;
        if (lookup_target(h, id, &t, err) < 0)
                return -1;
        const char *name = t.name, *ref = t.docker_id;
        bool running = t.running;
        char reason[96];
        const char *sig_name = md_signal_name(signo);
        snprintf(reason, sizeof reason, "signal %d%s%s to the caller's own container", signo,
                 sig_name ? " " : "", sig_name ? sig_name : "");
        if (helper_audit(h, name, NULL, true, "owner", reason, err) < 0)
                return -1;
        if (!running)
                return md_fail(err, MD_EXIT_FAILED, "%s: is not running", name);
        struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        char num[16];
        snprintf(num, sizeof num, "%d", signo);
        int rc = docker_container_kill(d, ref, num, err);
        docker_close(d);
        if (rc < 0)
                return -1;
        _cleanup_json_ json_t *o = json_pack("{s:s, s:i}", "container", name, "signal", (json_int_t)signo);
        return helper_print_json(o, err);
}
