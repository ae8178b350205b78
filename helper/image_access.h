/* Private images per caller. The daemon's image store is shared by every caller: an image that
 * one caller pulled from a registry with its credentials stays on disk for all, and "pull only
 * when missing" would let another caller, whose image patterns match, run it without any.
 * So the helper remembers, in STATE_DIR/private-images (root's), every repository it pulled
 * with credentials, and authorizes each launch of a local image of such a repository again
 * with the launching caller's own credentials, like Kubernetes' AlwaysPullImages but without
 * moving the layers: the daemon asks the registry for the manifest with them. */
#pragma once

#include <stdbool.h>

#include "docker.h"
#include "helper.h"

struct image_access_request {
        const char *ref; /* normalized (imageref_normalize) */
        int sandbox_dirfd; /* where the caller's .docker/config.json or .dockercfg is, or -1 */
        const char *container; /* "mesos-ID" for the audit record, or NULL */
        bool force_pull;
};

/* Pulls ref with the caller's credentials (regauth_lookup). A pull with credentials first
 * remembers the repository as private: when that cannot be recorded, nothing is pulled. */
int image_access_pull(struct helper *h, struct docker *d, const struct image_access_request *req,
                      md_error *err);

/* Makes ref usable by the caller: pulls it when missing or when force_pull is set; a local
 * image of a private repository is re-authorized with the caller's credentials, and refused
 * (MD_EXIT_FAILED, as a failed pull would be, with a "deny" audit record of rule "registry")
 * when the registry does not let them pull it. */
int image_access_ensure(struct helper *h, struct docker *d, const struct image_access_request *req,
                        md_error *err);
