/* Private images per caller: see image_access.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "image_access.h"
#include "imageref.h"
#include "record.h"
#include "regauth.h"

#define PRIVATE_DIR "private-images"

/* The marker's file name: the repository (imageref_repository) with '/' as '+' and ':' as '='.
 * Neither can occur in a reference, so two repositories never share a name; a reference is
 * at most 255 bytes, so the name fits NAME_MAX. */
static void marker_name(const char *ref, char out[static IMAGEREF_MAX])
{
        imageref_repository(ref, out);
        for (char *c = out; *c; c++)
                *c = *c == '/' ? '+' : *c == ':' ? '=' : *c;
}

static int remember_private(struct helper *h, const char *ref, md_error *err)
{
        _cleanup_close_ int dfd = md_state_subdir_open(h->conf->state_dir, PRIVATE_DIR, true, err);
        if (dfd < 0)
                return -1;
        char name[IMAGEREF_MAX];
        marker_name(ref, name);
        _cleanup_close_ int fd =
                openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "state dir %s: %s/%s", h->conf->state_dir,
                                     PRIVATE_DIR, name);
        return 0;
}

/* The directory is made here too (root's, 0700): then only a marker's absence means "public". */
static int is_private(struct helper *h, const char *ref, bool *out, md_error *err)
{
        _cleanup_close_ int dfd = md_state_subdir_open(h->conf->state_dir, PRIVATE_DIR, true, err);
        if (dfd < 0)
                return -1;
        char name[IMAGEREF_MAX];
        marker_name(ref, name);
        struct stat st; /* not faccessat: it asks with the caller's (real) uid */
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                *out = true;
                return 0;
        }
        if (errno != ENOENT)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "state dir %s: %s/%s", h->conf->state_dir,
                                     PRIVATE_DIR, name);
        *out = false;
        return 0;
}

static int caller_credentials(struct helper *h, const struct image_access_request *req, char **auth,
                              md_error *err)
{
        char registry[IMAGEREF_MAX];
        imageref_registry(req->ref, registry);
        struct regauth_request rr = {
                .uid = h->caller.uid,
                .gid = h->caller.gid,
                .sandbox_dirfd = req->sandbox_dirfd,
                .registry = registry,
                .fallback_config = h->conf->registry_config,
        };
        return regauth_lookup(&rr, auth, err);
}

int image_access_pull(struct helper *h, struct docker *d, const struct image_access_request *req,
                      md_error *err)
{
        _cleanup_free_ char *auth = NULL;
        if (caller_credentials(h, req, &auth, err) < 0)
                return -1;
        /* before the pull: an image on disk whose privacy was never recorded is the hole */
        if (auth && remember_private(h, req->ref, err) < 0)
                return -1;
        if (docker_image_pull(d, req->ref, auth, err) < 0) {
                md_error_prefix(err, "pull %s", req->ref);
                return -1;
        }
        return 0;
}

/* The launch of a local private image: the registry decides with the caller's credentials.
 * Every failure refuses (an unreachable registry too); a refusal is audited. */
static int reauthorize(struct helper *h, struct docker *d, const struct image_access_request *req,
                       md_error *err)
{
        _cleanup_free_ char *auth = NULL;
        if (caller_credentials(h, req, &auth, err) < 0)
                return -1;
        int r = docker_image_check_access(d, req->ref, auth, err);
        if (r == 0)
                return 0;
        if (r == -EHOSTDOWN)
                return -1; /* the daemon did not answer: no decision was made */
        char why[sizeof err->message + 128];
        snprintf(why, sizeof why, "the registry refused the caller's %s for this private image (%s)",
                 auth ? "credentials" : "request without credentials", err->message);
        md_error audit_err = {0};
        if (helper_audit(h, req->container, req->ref, false, "registry", why, &audit_err) < 0) {
                *err = audit_err;
                return -1;
        }
        return md_fail(err, MD_EXIT_FAILED, "image %s: %s", req->ref, why);
}

int image_access_ensure(struct helper *h, struct docker *d, const struct image_access_request *req,
                        md_error *err)
{
        bool exists = false, private = false;
        if (!req->force_pull && docker_image_exists(d, req->ref, &exists, err) < 0)
                return -1;
        if (!exists)
                return image_access_pull(h, d, req, err);
        if (is_private(h, req->ref, &private, err) < 0)
                return -1;
        return private ? reauthorize(h, d, req, err) : 0;
}
