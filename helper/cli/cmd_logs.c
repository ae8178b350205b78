/* logs [-f] NAME: the container's output, which the helper's monitor writes (for run -d) to
 * SANDBOX/stdout and SANDBOX/stderr, each byte once.
 *
 * Mesos 0.20 runs `logs --follow NAME &` with stdout and stderr redirected (O_APPEND) to those
 * very files, while the monitor already writes them: copying would double every byte. So each
 * stream whose destination IS the sandbox file (same st_dev and st_ino) gets nothing from us;
 * any other destination gets a copy of the file, read with the caller's own rights, from its
 * start, following it until the container has exited (the helper's `wait`, after which every
 * byte is in the file) and the rest is drained. The command then ends by itself, which 0.20's
 * script needs: nothing ever kills it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "helper_call.h"
#include "json_cleanup.h"
#include "answers.h"
#include "util.h"

#define LOGS_TICK_MS 100

struct log_stream {
        int src; /* the sandbox file, -1: nothing to copy */
        int dst; /* our fd 1 or 2 */
        bool failed; /* the destination went away: stop writing there */
};

static bool same_file(int a, int b)
{
        struct stat sa, sb;
        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int open_stream(const char *sandbox, const char *file, int dst, struct log_stream *s, md_error *err)
{
        *s = (struct log_stream){.src = -1, .dst = dst};
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", sandbox, file);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0) {
                if (errno == ENOENT) /* not made yet: nothing written yet */
                        return 0;
                return md_fail_errno(err, 1, errno, "logs: %s", path);
        }
        if (same_file(fd, dst)) /* the agent's redirect: the monitor writes it already */
                close(fd);
        else
                s->src = fd;
        return 0;
}

static void copy_new(struct log_stream *s)
{
        char buf[65536];
        while (s->src >= 0 && !s->failed) {
                ssize_t n = read(s->src, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return;
                if (md_write_all(s->dst, buf, (size_t)n) < 0)
                        s->failed = true;
        }
}

static void copy_both(void *arg)
{
        struct log_stream *s = arg;
        copy_new(&s[0]);
        copy_new(&s[1]);
}

int cmd_logs(struct cli_request *req, md_error *err)
{
        _cleanup_json_ json_t *entry = NULL;
        int r = cli_resolve(req->names[0], &entry, err);
        if (r != 0)
                return r;
        const char *sandbox = json_string_value(json_object_get(entry, "sandbox"));
        if (!sandbox)
                return md_fail(err, 1, "logs %s: the helper knows no sandbox for it", req->names[0]);
        fflush(stdout);
        struct log_stream s[2];
        if (open_stream(sandbox, "stdout", 1, &s[0], err) < 0)
                return -1;
        if (open_stream(sandbox, "stderr", 2, &s[1], err) < 0) {
                close(s[0].src);
                return -1;
        }
        int rc = 0;
        copy_both(s);
        bool running = strcmp(json_string_value(json_object_get(entry, "state")) ?: "", "exited") != 0;
        if (req->follow && running) {
                const char *args[] = {"wait", cli_entry_id(entry), NULL};
                struct cli_helper_result res;
                if (cli_helper_run(args, -1, copy_both, s, LOGS_TICK_MS, &res, err) < 0) {
                        rc = -1;
                } else {
                        /* the exit is recorded once the output is drained: the files are whole now */
                        copy_both(s);
                        if (res.status != 0)
                                rc = cli_helper_failure(&res, "container", req->names[0], 1);
                        cli_helper_result_clear(&res);
                }
        }
        for (int i = 0; i < 2; i++)
                if (s[i].src >= 0)
                        close(s[i].src);
        return rc;
}
