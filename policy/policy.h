/* The policy: parse -> rule array -> a pure decide() with no I/O (OpenDoas parse.y/doas.c).
 * Grammar and semantics: interface.md "The policy file" and man/mesos-docker-policy.5.
 *
 * Loading does I/O (policy_load); everything after it is pure and unit-tested. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct policy; /* everything loaded: [helper] plus every [caller …] section, in file order */
struct policy_section; /* one [caller …] section */

struct policy_helper_conf {
        char **sandbox_roots; /* absolute, normalized; NULL-terminated */
        size_t n_sandbox_roots;
        char *state_dir; /* default /run/mesos-docker */
        char *audit_log; /* default /var/log/mesos-docker/audit.log */
        char *docker_socket; /* default /var/run/docker.sock */
        char *registry_config; /* root-owned docker config.json used when the sandbox has none; NULL = none */
        /* keep-exited: how long the record of an exited container stays, in seconds
         * (record.h md_record_prune); POLICY_KEEP_FOREVER: always. Default 6 h, as Mesos'
         * --docker_remove_delay. */
        int64_t keep_exited;
};
#define POLICY_KEEP_FOREVER INT64_C(-1)
#define POLICY_KEEP_EXITED_DEFAULT INT64_C(6 * 3600)

/* A keep-exited value: "never", or a count with a unit: s, m, h, d (a bare count is seconds),
 * at most 3650d: "30s", "10m", "6h", "2d", "0" (at the next opportunity). 0 or -EINVAL. */
int policy_parse_duration(const char *s, int64_t *out);
/* The same back, in the largest unit that divides it ("6h", "90s", "never"). */
void policy_format_duration(int64_t seconds, char buf[static 24]);

/* Who executed the helper (or who reads through mesos-sandboxfs). */
struct policy_caller {
        uid_t uid;
        gid_t gid;
        const char *name; /* user name, NULL if the uid has none */
        const gid_t *groups; /* primary and supplementary groups */
        size_t n_groups;
};

/* Load main_path, then dropin_dir/ *.conf in name order (dropin_dir may be absent).
 * With check_owner, every file must be a regular non-symlink owned by root, not group- or
 * world-writable, in root-owned directories not writable by others (exit 78 otherwise).
 * `policy check FILE` loads one file without the owner check (dropin_dir NULL).
 * On any error, nothing is returned and err is "FILE:LINE: message" with MD_EXIT_POLICY. */
int policy_load(const char *main_path, const char *dropin_dir, bool check_owner, struct policy **out,
                md_error *err);
/* The same from text, for tests and fuzzing: name is used in messages and rules. */
int policy_parse_text(const char *name, const char *text, size_t len, struct policy **out, md_error *err);
void policy_free(struct policy *p);

const struct policy_helper_conf *policy_helper(const struct policy *p);

/* Warnings: what loads but is probably not what the author meant (a user or group that does
 * not exist, an empty file, a look-alike comma…), each "FILE:LINE: warning: message". Parsing
 * gathers the cheap ones; policy_lint adds those about the whole policy (no sandbox-root, no
 * [caller] section, a section that a later one hides), for `policy check`. */
void policy_lint(struct policy *p);
size_t policy_n_warnings(const struct policy *p);
const char *policy_warning(const struct policy *p, size_t i); /* NULL past the end */

/* The last section whose subject matches (user name, #UID, %GROUP), or NULL: default deny. */
const struct policy_section *policy_match_caller(const struct policy *p, const struct policy_caller *c);

/* "FILE:LINE" of the section header, for audit records; "" for NULL (no section matched). */
const char *policy_section_rule(const struct policy_section *s);

/* describe.c: what a section allows, as one paragraph (malloc'd; NULL: out of memory), and the
 * sections in file order, for `doctor`. */
char *policy_describe_section(const struct policy_section *s);
/* The same clauses without the header, one a line, for `policy show`. */
char *policy_describe_lines(const struct policy_section *s);
size_t policy_n_sections(const struct policy *p);
const struct policy_section *policy_section_at(const struct policy *p, size_t i);

/* ----- decisions ----- */

enum policy_aspect {
        POLICY_ASPECT_CALLER, /* a section matched at all */
        POLICY_ASPECT_IMAGE,
        POLICY_ASPECT_NETWORK,
        POLICY_ASPECT_PRIVILEGED,
        POLICY_ASPECT_VOLUME,
        POLICY_ASPECT_USER,
        POLICY_ASPECT_PARAMETER,
        POLICY_ASPECT_CPUS,
        POLICY_ASPECT_MEM,
        POLICY_ASPECT_FETCH_SCHEME,
        _POLICY_ASPECT_MAX,
};
const char *policy_aspect_to_string(enum policy_aspect a); /* "image", "network", … */

struct policy_volume_request {
        const char *host_path; /* absolute and normalized; the helper resolves symlinks first */
        bool read_write;
};

/* A docker parameter that sets CPU or memory, as the amount the policy holds to max-cpus or
 * max-mem (the task module reads the value: helper/task/resource_params.c). */
enum policy_claim_kind {
        POLICY_CLAIM_CPUS, /* CPUs: cpu-shares/1024, cpu-quota/cpu-period, the CPUs of cpuset-cpus */
        POLICY_CLAIM_MEM, /* MB: memory-reservation, shm-size */
        POLICY_CLAIM_MEM_SWAP, /* MB of memory plus swap: memory-swap, at most twice max-mem */
        _POLICY_CLAIM_KIND_MAX,
};

struct policy_claim {
        const char *parameter; /* its long name: "cpu-shares" */
        const char *value; /* as the task wrote it */
        enum policy_claim_kind kind;
        double amount; /* CPUs or MB */
        bool unlimited; /* no limit at all (memory-swap -1): never within a limit */
};

/* Everything a launch asks for. Absent things are NULL / 0 / false. */
struct policy_request {
        const char *image; /* normalized reference (imageref_normalize) */
        const char *network; /* "host", "bridge" or "none" */
        bool privileged;
        const struct policy_volume_request *volumes; /* host paths outside the sandbox only */
        size_t n_volumes;
        const char *user; /* requested container user; NULL: the default */
        const char *const *parameters; /* docker parameter keys, as the task spells them */
        const char *const *parameter_values; /* the value of each, as given; NULL: values unknown
                                              * (then only a KEY alone in parameters allows it) */
        size_t n_parameters;
        const struct policy_claim *claims; /* parameters that set CPU or memory */
        size_t n_claims;
        double cpus; /* 0: not requested */
        uint64_t mem_mb; /* 0: not requested (a request with an image then runs under max-mem) */
        const char *const *fetch_schemes; /* lower-case URI schemes the fetch will use */
        size_t n_fetch_schemes;
};

struct policy_finding {
        enum policy_aspect aspect;
        bool allow;
        char subject[256]; /* what was decided: the image, the path, the key… */
        char rule[512]; /* "FILE:LINE" of the key that decided, or of the section when absent */
        char reason[256]; /* "no images pattern matches", "not in networks", … */
};

#define POLICY_MAX_FINDINGS 256
/* The most volumes a request may name (a verdict holds a flag for each): the task parser, the
 * launch plan and the bind holder take this limit. */
#define POLICY_MAX_VOLUMES 64

struct policy_verdict {
        bool allow; /* every finding allows */
        size_t first_denial; /* index into findings when !allow */
        struct policy_finding findings[POLICY_MAX_FINDINGS];
        size_t n_findings;
        uid_t run_uid; /* container user resolved from container-users */
        gid_t run_gid;
        uint64_t mem_limit_mb; /* the memory limit the container runs under: mem, or max-mem
                                * when the task names none; 0 when no image was asked */
        bool read_only_capped[POLICY_MAX_VOLUMES]; /* per req->volumes index (more are denied): a
                                                    * rw request beneath a `:ro` path is allowed,
                                                    * mounted read-only */
};

/* Pure: no I/O except name lookups for container-users names (getpwnam) done in policy_load,
 * never here. section NULL denies everything (aspect CALLER). */
void policy_decide(const struct policy_section *section, const struct policy_caller *caller,
                   const struct policy_request *req, struct policy_verdict *out);

/* Pure: may the section's callers use image (normalized)? *out says why, with the rule
 * (`inspect`, `pull`). section NULL allows nothing. */
bool policy_image_allowed(const struct policy_section *section, const char *image,
                          struct policy_finding *out);

/* Pure: may the section's callers run commands in their own running containers (`exec = yes`;
 * absent means no)? *out says why, with the rule. */
bool policy_exec_allowed(const struct policy_section *section, struct policy_finding *out);

/* Fetch limits for a caller's section. */
uint64_t policy_fetch_max_bytes(const struct policy_section *s); /* 0: no fetching allowed */
/* The section's fetch-schemes (lower case), for the fetcher's redirect limits; 0 when none. */
size_t policy_fetch_schemes(const struct policy_section *s, const char *const **out);

/* mesos-sandboxfs: may reader see containers owned by owner? Root, the owner itself, or a
 * reader named by the owner's section's `readers`. */
bool policy_reader_allowed(const struct policy *p, const struct policy_caller *owner,
                           const struct policy_caller *reader);

/* Limits for update. */
double policy_max_cpus(const struct policy_section *s);
uint64_t policy_max_mem_mb(const struct policy_section *s);
