#include "policy.h"
#include "visibility.h"

enum sbfs_visibility sbfs_visibility(const struct policy *p, const struct sbfs_container *ct,
                                     const struct sbfs_identity *who)
{
        if (who->root)
                return SBFS_VISIBLE;
        /* checked before the owner: a foreign uid 0 is never the owner uid 0 either */
        if (who->foreign_root || who->uid == 0)
                return SBFS_HIDDEN;
        if (who->uid == ct->owner_uid)
                return SBFS_VISIBLE;
        if (!who->have_details)
                return SBFS_NEED_DETAILS;
        struct policy_caller owner = {
                .uid = ct->owner_uid,
                .gid = ct->owner_gid,
                .name = ct->owner_name,
                .groups = ct->owner_groups,
                .n_groups = ct->n_owner_groups,
        };
        struct policy_caller reader = {
                .uid = who->uid,
                .gid = who->gid,
                .name = who->name,
                .groups = who->groups,
                .n_groups = who->n_groups,
        };
        return policy_reader_allowed(p, &owner, &reader) ? SBFS_VISIBLE : SBFS_HIDDEN;
}
