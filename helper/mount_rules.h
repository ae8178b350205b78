/* Where a sandbox and a volume source may lie, so that root in a container leaves the host user
 * no more rights than it had (issue 9; the mount-table rules themselves are in common/mounts.c). */
#pragma once

#include "helper.h"
#include "sandbox.h"

/* The sandbox must be on a nosuid,nodev mount: root in a container can give anything it writes
 * there any owner and mode, a setuid bit or a device node included. Only when the daemon remaps
 * user namespaces (root in a container is then an unprivileged host uid) is another mount
 * accepted. MD_EXIT_POLICY (78) otherwise, naming the mount and the fix; the daemon is asked only
 * when the mount is not nosuid,nodev. */
int sandbox_check_mount(const struct helper *h, const struct sandbox *sb, md_error *err);

/* The same rule for a volume source that the container writes as a user other than the caller:
 * root, or another uid, could leave a setuid program there. fd is the held descriptor of the
 * source (what dockerd will mount), source its path for messages. */
int volume_check_mount(const struct helper *h, int fd, const char *source, md_error *err);

/* A volume source (absolute, normalized) must not be, hold or lie in a mesos-sandboxfs mount:
 * sandboxfs shows uid 0 every tenant's sandbox. MD_EXIT_DENIED (77), naming the mount. */
int volume_check_not_sandboxfs(const char *source, md_error *err);

/* Does the Docker daemon remap user namespaces (GET /info)? Defined twice, like
 * exit_wait_rescue(): in the engine module by asking the daemon (engine_module.c), in the helper
 * by loading the engine (engine.c), so that the helper itself links no libcurl. */
int mount_rules_daemon_remaps_users(const struct helper *h, bool *on, md_error *err);
