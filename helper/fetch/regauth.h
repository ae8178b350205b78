/* Credentials for a private registry (the seed's "Private Docker repository"): the
 * X-Registry-Auth header value for a pull, from a .docker/config.json or .dockercfg that the
 * task fetched into its sandbox (read and parsed with the caller's rights, in a child that
 * became the caller), else from a root-owned config named in the policy. Credential helpers
 * and credsStore are never executed. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct regauth_request {
        uid_t uid;
        gid_t gid;
        int sandbox_dirfd;
        const char *registry; /* "localhost:5000", "docker.io" (imageref_registry) */
        const char *fallback_config; /* policy registry-config, or NULL */
};

/* *out is the base64url-encoded JSON {"username","password","serveraddress"} (or
 * {"identitytoken"}), or NULL when no credentials apply. A malformed config is -EIO, the message
 * naming the file (no exit code: the commands choose it, error.h). */
int regauth_lookup(const struct regauth_request *req, char **out, md_error *err);

/* A FILE that `pull --config` can name: absolute, shorter than PATH_MAX. */
bool regauth_config_path_valid(const char *path);

/* The same for `pull --config FILE`: FILE (absolute, regauth_config_path_valid, else -EINVAL;
 * a .dockercfg by that name, else either format) read and parsed by a child that became
 * uid/gid; a missing FILE, or one without credentials for registry, falls back to the policy's
 * config. path NULL: the fallback only. */
int regauth_lookup_file(uid_t uid, gid_t gid, const char *path, const char *registry,
                        const char *fallback_config, char **out, md_error *err);

/* Pure: the header value for registry from a config's text; legacy is the .dockercfg format
 * (top-level registry map) as opposed to config.json ({"auths":{…}}). *out NULL when none. */
int regauth_from_config_text(const char *text, size_t len, int legacy, const char *registry, char **out,
                             md_error *err);
