#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caller_child.h"
#include "cleanup.h"
#include "util.h"

/* Wire format of the child's answer: one byte 'O' or 'E'; for 'E' one byte exit code then the
 * message; for 'O' the output. The parent trusts only the framing, never the length claims. */

static _Noreturn void child_main(const struct privilege *priv, int wfd, caller_child_fn fn, void *userdata)
{
        md_error err = {0};
        char *out = NULL;
        size_t len = 0;
        if (privilege_become_caller(priv, &err) == 0 && fn(userdata, &out, &len, &err) == 0) {
                if (md_write_all(wfd, "O", 1) == 0 && md_write_all(wfd, out, len) == 0)
                        _exit(0);
                _exit(1);
        }
        unsigned char hdr[2] = {'E', (unsigned char)(err.exit_code ? err.exit_code : MD_EXIT_FAILED)};
        md_write_all(wfd, hdr, 2);
        md_write_all(wfd, err.message, strlen(err.message));
        _exit(1);
}

int caller_child_run(const struct privilege *priv, caller_child_fn fn, void *userdata, size_t max_out,
                     char **out, size_t *out_len, md_error *err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "pipe");
        pid_t pid = fork();
        if (pid < 0) {
                int e = errno;
                close(p[0]);
                close(p[1]);
                return md_fail_errno(err, MD_EXIT_FAILED, e, "fork");
        }
        if (pid == 0) {
                close(p[0]);
                child_main(priv, p[1], fn, userdata);
        }
        close(p[1]);
        _cleanup_close_ int rfd = p[0];
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        /* room for the output, or for an error message, whichever is longer */
        size_t limit = max_out > sizeof err->message ? max_out : sizeof err->message;
        int r = md_read_all(rfd, limit + 2, &buf, &len);
        int status = 0;
        if (r < 0)
                kill(pid, SIGKILL); /* oversize: do not wait for it to finish writing */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r == -EFBIG)
                return md_fail(err, MD_EXIT_FAILED, "the caller-side result is larger than %zu bytes",
                               max_out);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "reading the caller-side result");
        if (len >= 1 && buf[0] == 'O' && len - 1 > max_out)
                return md_fail(err, MD_EXIT_FAILED, "the caller-side result is larger than %zu bytes",
                               max_out);
        if (len >= 1 && buf[0] == 'O' && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                memmove(buf, buf + 1, len - 1);
                buf[len - 1] = '\0';
                *out = MD_TAKE_PTR(buf);
                if (out_len)
                        *out_len = len - 1;
                return 0;
        }
        if (len >= 2 && buf[0] == 'E')
                return md_fail(err, (unsigned char)buf[1], "%.*s", (int)(len - 2), buf + 2);
        return md_fail(err, MD_EXIT_FAILED, "the caller-side process died (status %d)", status);
}
