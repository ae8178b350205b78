#include <cap-ng.h>
#include <errno.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privilege.h"

/* The inode number of the initial user namespace (include/linux/proc_ns.h PROC_USER_INIT_INO). */
#define PROC_USER_INIT_INO 0xEFFFFFFDU

static int in_initial_user_namespace(md_error *err)
{
        struct stat st;
        if (stat("/proc/self/ns/user", &st) < 0) /* no /proc: fail closed */
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot tell the user namespace (/proc)");
        return st.st_ino == PROC_USER_INIT_INO;
}

int privilege_identify(struct privilege *out, md_error *err)
{
        int init_ns = in_initial_user_namespace(err);
        if (init_ns < 0)
                return -1;
        out->caller_uid = getuid();
        out->caller_gid = getgid();
        out->privileged = init_ns && geteuid() == 0;
        out->caller_is_root = init_ns && out->caller_uid == 0;
        return 0;
}

int privilege_drop_capabilities(const struct privilege *p, md_error *err)
{
        if (!p->privileged)
                return 0;
        /* only what we have: a bounding set without one of them (a container) keeps the rest */
        capng_get_caps_process();
        bool keep_nice = p->keep_for_monitor && capng_have_capability(CAPNG_PERMITTED, CAP_SYS_NICE);
        bool keep_resource = p->keep_for_monitor && capng_have_capability(CAPNG_PERMITTED, CAP_SYS_RESOURCE);
        capng_clear(CAPNG_SELECT_ALL);
        if (keep_nice)
                capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_SYS_NICE);
        if (keep_resource)
                capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_SYS_RESOURCE);
        if (capng_apply(CAPNG_SELECT_ALL) < 0)
                return md_fail(err, MD_EXIT_FAILED, "cannot drop capabilities");
        /* Verify against the kernel, not our own bookkeeping. */
        capng_get_caps_process();
        for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++) {
                bool kept = (keep_nice && cap == CAP_SYS_NICE) || (keep_resource && cap == CAP_SYS_RESOURCE);
                if (capng_have_capability(CAPNG_EFFECTIVE, cap) ||
                    capng_have_capability(CAPNG_INHERITABLE, cap) ||
                    (!kept && capng_have_capability(CAPNG_PERMITTED, cap)))
                        return md_fail(err, MD_EXIT_FAILED, "capability %u still held after the drop", cap);
        }
        for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
                        return md_fail(err, MD_EXIT_FAILED, "capability %u still in the bounding set", cap);
        return 0;
}

void privilege_as_caller(const struct privilege *p, struct fsids *saved)
{
        saved->gid = (gid_t)setfsgid(p->caller_gid); /* gid first: after setfsuid we could not */
        saved->uid = (uid_t)setfsuid(p->caller_uid);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* an fsuid change resets it to suid_dumpable */
}

void privilege_restore(const struct fsids *saved)
{
        setfsuid(saved->uid);
        setfsgid(saved->gid);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

struct caller_child privilege_file_reader(const struct privilege *p, int keep[static 2], size_t max_out,
                                          const int *exit_codes)
{
        keep[0] = 0;
        keep[1] = p->caller_cwd;
        return (struct caller_child){
                .uid = p->caller_uid,
                .gid = p->caller_gid,
                .keep_fds = keep,
                .n_keep = p->caller_cwd >= 0 ? 2 : 1,
                .max_out = max_out,
                .exit_codes = exit_codes,
        };
}
