#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/prctl.h>

#include "privs.h"

static int drop_to(int keep, md_error *err)
{
        capng_clear(CAPNG_SELECT_BOTH);
        if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, keep) != 0)
                return md_fail(err, MD_EXIT_FAILED, "capabilities: cannot keep %s",
                               capng_capability_to_name(keep));
        if (capng_apply(CAPNG_SELECT_BOTH) != 0)
                return md_fail(err, MD_EXIT_FAILED, "capabilities: cannot apply the drop");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "clearing ambient capabilities");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "PR_SET_NO_NEW_PRIVS");
        /* holds root's view of every sandbox: no core dumps, no ptrace by the readers */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "PR_SET_DUMPABLE");
        /* verify from the kernel's view, not from what we asked for */
        capng_clear(CAPNG_SELECT_BOTH);
        if (capng_get_caps_process() != 0)
                return md_fail(err, MD_EXIT_FAILED, "capabilities: cannot read them back");
        for (int c = 0; c <= CAP_LAST_CAP; c++) {
                bool want = c == keep;
                if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned)c) != want ||
                    capng_have_capability(CAPNG_PERMITTED, (unsigned)c) != want ||
                    capng_have_capability(CAPNG_INHERITABLE, (unsigned)c) ||
                    capng_have_capability(CAPNG_BOUNDING_SET, (unsigned)c))
                        return md_fail(err, MD_EXIT_FAILED, "capabilities: %s still %s after the drop",
                                       capng_capability_to_name((unsigned)c), want ? "missing" : "held");
        }
        return 0;
}

int sbfs_drop_to_reader(md_error *err)
{
        return drop_to(CAP_DAC_READ_SEARCH, err);
}

int sbfs_drop_to_unmounter(md_error *err)
{
        return drop_to(CAP_SYS_ADMIN, err);
}
