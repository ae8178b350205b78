#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "signals.h"
#include "util.h"

static const struct {
        const char *name; /* without "SIG" */
        int signo;
} signal_names[] = {
        {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},     {"TRAP", SIGTRAP},
        {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},   {"FPE", SIGFPE},     {"KILL", SIGKILL},
        {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},     {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
        {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP},
        {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU},
        {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
        {"POLL", SIGPOLL}, {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

/* The kernel's range, not glibc's SIGRTMIN/SIGRTMAX (which reserve two for threads): the
 * signal goes to a process in a container, whatever libc it uses. */
#define MD_SIG_RTMIN 34
#define MD_SIG_RTMAX 64

static int parse_rt(const char *s, int *signo)
{
        uint64_t off = 0;
        if (strncasecmp(s, "RTMIN", 5) == 0) {
                if (s[5] &&
                    (s[5] != '+' || md_parse_u64(s + 6, &off) < 0 || off > MD_SIG_RTMAX - MD_SIG_RTMIN))
                        return -EINVAL;
                *signo = MD_SIG_RTMIN + (int)off;
                return 0;
        }
        if (strncasecmp(s, "RTMAX", 5) == 0) {
                if (s[5] &&
                    (s[5] != '-' || md_parse_u64(s + 6, &off) < 0 || off > MD_SIG_RTMAX - MD_SIG_RTMIN))
                        return -EINVAL;
                *signo = MD_SIG_RTMAX - (int)off;
                return 0;
        }
        return -EINVAL;
}

int md_parse_signal(const char *s, int *signo)
{
        if (!s || !*s)
                return -EINVAL;
        uint64_t n;
        if (s[0] >= '0' && s[0] <= '9') {
                if (md_parse_u64(s, &n) < 0 || n == 0 || n > MD_SIG_RTMAX)
                        return -EINVAL;
                *signo = (int)n;
                return 0;
        }
        const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
        for (size_t i = 0; i < sizeof signal_names / sizeof *signal_names; i++)
                if (strcasecmp(name, signal_names[i].name) == 0) {
                        *signo = signal_names[i].signo;
                        return 0;
                }
        return parse_rt(name, signo);
}

const char *md_signal_name(int signo)
{
        static const char *const full[] = {
                [SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
                [SIGILL] = "SIGILL",       [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
                [SIGBUS] = "SIGBUS",       [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
                [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
                [SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
                [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
                [SIGSTOP] = "SIGSTOP",     [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
                [SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU",
                [SIGXFSZ] = "SIGXFSZ",     [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
                [SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",         [SIGPWR] = "SIGPWR",
                [SIGSYS] = "SIGSYS",
        };
        if (signo <= 0 || (size_t)signo >= sizeof full / sizeof *full)
                return NULL;
        return full[signo];
}
