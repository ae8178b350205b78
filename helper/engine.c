/* The helper's side of the engine module (engine.h): find it, check it, load it, once. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
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

int exit_wait_rescue(const struct helper *h, int record_dirfd, const struct md_record *r, int adopt_out_fd,
                     int adopt_err_fd, md_error *err)
{
        if (engine_load(err) < 0)
                return -1;
        return loaded->rescue(h, record_dirfd, r, adopt_out_fd, adopt_err_fd, err);
}

int mount_rules_daemon_remaps_users(const struct helper *h, bool *on, md_error *err)
{
        if (engine_load(err) < 0)
                return -1;
        return loaded->remaps_users(h, on, err);
}
