#include <stddef.h>
#include <string.h>

#include "layout.h"

static const struct sbfs_layout_entry ct_dir[] = {
        {".", S_IFDIR, SBFS_INO_CT_DIR, _SBFS_KIND_MAX, SBFS_STDOUT},
        {"..", S_IFDIR, SBFS_LAYOUT_ROOT_INO, _SBFS_KIND_MAX, SBFS_STDOUT},
        {"stdout", S_IFREG, SBFS_INO_STDOUT, SBFS_LOG, SBFS_STDOUT},
        {"stderr", S_IFREG, SBFS_INO_STDERR, SBFS_LOG, SBFS_STDERR},
        {"follow", S_IFDIR, SBFS_INO_FOLLOW_DIR, SBFS_FOLLOW_DIR, SBFS_STDOUT},
        {"sandbox", S_IFDIR, SBFS_LAYOUT_SANDBOX_INO, SBFS_SANDBOX, SBFS_STDOUT},
        {"info.json", S_IFREG, SBFS_INO_INFO, SBFS_INFO, SBFS_STDOUT},
        {NULL, 0, 0, _SBFS_KIND_MAX, SBFS_STDOUT},
};

static const struct sbfs_layout_entry follow_dir[] = {
        {".", S_IFDIR, SBFS_INO_FOLLOW_DIR, _SBFS_KIND_MAX, SBFS_STDOUT},
        {"..", S_IFDIR, SBFS_INO_CT_DIR, _SBFS_KIND_MAX, SBFS_STDOUT},
        {"stdout", S_IFREG, SBFS_INO_FOLLOW_STDOUT, SBFS_FOLLOW_LOG, SBFS_STDOUT},
        {"stderr", S_IFREG, SBFS_INO_FOLLOW_STDERR, SBFS_FOLLOW_LOG, SBFS_STDERR},
        {NULL, 0, 0, _SBFS_KIND_MAX, SBFS_STDOUT},
};

const struct sbfs_layout_entry *sbfs_layout(enum sbfs_kind dir)
{
        switch (dir) {
        case SBFS_CT_DIR:
                return ct_dir;
        case SBFS_FOLLOW_DIR:
                return follow_dir;
        default:
                return NULL;
        }
}

const struct sbfs_layout_entry *sbfs_layout_find(enum sbfs_kind dir, const char *name)
{
        const struct sbfs_layout_entry *e = sbfs_layout(dir);
        for (; e && e->name; e++)
                if (e->kind != _SBFS_KIND_MAX && strcmp(e->name, name) == 0)
                        return e;
        return NULL;
}
