/* The helper's side of the engine module (engine.h): find it, check it, load it, once. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "engine.h"
#include "exit_wait.h"
#include "mount_rules.h"

static const struct md_engine *loaded;

/* The module runs with the helper's euid 0, so it must be exactly as trustworthy as the helper
 * binary: a regular file owned by root and writable by nobody else. It is opened once, checked
 * through that fd, and loaded through the same fd (/proc/self/fd/N), so what was checked is
 * what runs. The path is fixed at build time; the dynamic loader ignores LD_LIBRARY_PATH and
 * friends in a setuid process, and hygiene cleared the environment anyway. */
static int engine_load(md_error *err)
{
        if (loaded)
                return 0;
        _cleanup_close_ int fd = open(MD_ENGINE_PATH, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "engine %s: cannot open", MD_ENGINE_PATH);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "engine %s: cannot stat", MD_ENGINE_PATH);
        if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
                return md_fail(err, MD_EXIT_FAILED,
                               "engine %s: not a regular file owned by root and writable only by root "
                               "(reinstall mesos-docker)",
                               MD_ENGINE_PATH);
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        void *module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!module)
                return md_fail(err, MD_EXIT_FAILED, "engine %s: %s", MD_ENGINE_PATH, dlerror());
        const struct md_engine *e = dlsym(module, "md_engine");
        if (!e || e->abi != MD_ENGINE_ABI)
                return md_fail(err, MD_EXIT_FAILED,
                               "engine %s: built for another version of the helper (reinstall mesos-docker)",
                               MD_ENGINE_PATH);
        loaded = e; /* never unloaded: the monitor it may fork runs its code */
        return 0;
}

int engine_run(struct helper *h, int argc, char **argv, md_error *err)
{
        if (engine_load(err) < 0)
                return -1;
        return loaded->run(h, argc, argv, err);
}

struct apart_result {
        int rc;
        md_error err;
        struct engine_answer ans;
};

int engine_apart(struct helper *h, engine_apart_fn fn, void *arg, struct engine_answer *ans, md_error *err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "engine: pipe");
        fflush(NULL); /* nothing buffered here is written twice */
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                struct apart_result res = {0};
                res.rc = engine_load(&res.err) < 0 ? -1 : fn(h, loaded, arg, &res.ans, &res.err);
                fflush(NULL);
                _exit(md_write_all(p[1], &res, sizeof res) < 0 ? 1 : 0);
        }
        int fork_errno = errno;
        close(p[1]);
        _cleanup_close_ int answer_fd = p[0];
        if (pid < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, fork_errno, "engine: fork");
        /* the answer is far below a pipe's capacity: it is all there once the child is gone, and
         * reading after the exit does not hang on a copy of the write end (the monitor it may
         * start closes it, but need not be trusted to) */
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        struct apart_result res;
        if (fcntl(answer_fd, F_SETFL, O_NONBLOCK) < 0 ||
            read(answer_fd, &res, sizeof res) != (ssize_t)sizeof res)
                return md_fail(err, MD_EXIT_FAILED, "engine: its process ended without an answer");
        if (res.rc < 0) {
                *err = res.err;
                return -1;
        }
        if (ans)
                *ans = res.ans;
        return res.rc;
}

struct rescue_call {
        int record_dirfd;
        const struct md_record *r;
        int adopt_out_fd, adopt_err_fd;
};

static int rescue_in_engine(struct helper *h, const struct md_engine *e, void *arg, struct engine_answer *ans,
                            md_error *err)
{
        (void)ans;
        struct rescue_call *c = arg;
        return e->rescue(h, c->record_dirfd, c->r, c->adopt_out_fd, c->adopt_err_fd, err);
}

/* Apart: a `wait` or an attached launch that had to adopt its container stays as light as before
 * (and what the child changes in *h is its own copy). */
int exit_wait_rescue(const struct helper *h, int record_dirfd, const struct md_record *r, int adopt_out_fd,
                     int adopt_err_fd, md_error *err)
{
        struct rescue_call c = {record_dirfd, r, adopt_out_fd, adopt_err_fd};
        return engine_apart((struct helper *)h, rescue_in_engine, &c, NULL, err);
}

int mount_rules_daemon_remaps_users(const struct helper *h, bool *on, md_error *err)
{
        if (engine_load(err) < 0)
                return -1;
        return loaded->remaps_users(h, on, err);
}
