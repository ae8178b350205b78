/* The loaded policy as the parser builds it and the pure matcher reads it. Private to policy/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

#define POLICY_LINE_MAX 4096
#define POLICY_FILE_MAX (1024 * 1024)
#define POLICY_NAME_MAX 256 /* user and group names */

enum policy_key {
        KEY_IMAGES,
        KEY_NETWORKS,
        KEY_PRIVILEGED,
        KEY_VOLUMES,
        KEY_CONTAINER_USERS,
        KEY_PARAMETERS,
        KEY_MAX_CPUS,
        KEY_MAX_MEM,
        KEY_FETCH_SCHEMES,
        KEY_FETCH_MAX_BYTES,
        KEY_READERS,
        KEY_EXEC,
        _KEY_MAX,
};

enum policy_network {
        NET_HOST = 1 << 0,
        NET_BRIDGE = 1 << 1,
        NET_NONE = 1 << 2,
};

/* A subject of [caller …] or an entry of `readers`. */
enum policy_subject_kind {
        SUBJECT_USER, /* a name: matched by name, or by the uid it resolved to at load time */
        SUBJECT_UID, /* #UID */
        SUBJECT_GROUP, /* %GROUP: its gid, resolved at load time, among the caller's groups */
};

struct policy_subject {
        enum policy_subject_kind kind;
        char *name; /* USER and GROUP */
        uid_t uid; /* UID, or USER when uid_known */
        gid_t gid; /* GROUP when gid_known */
        bool uid_known;
        bool gid_known;
};

enum policy_cuser_kind {
        CUSER_CALLER, /* the caller's uid and gid */
        CUSER_ID, /* root, a resolved name, or a number: uid lo, gid */
        CUSER_RANGE, /* lo-hi: each uid with gid = uid */
};

struct policy_cuser {
        enum policy_cuser_kind kind;
        char *name; /* when written as a name ("root", "nobody") */
        uid_t lo, hi;
        gid_t gid; /* CUSER_ID */
};

struct policy_volume {
        char *path; /* absolute, normalized */
        bool read_only;
};

struct policy_section {
        const struct policy *policy;
        const char *file; /* interned in the policy */
        unsigned line;
        char rule[POLICY_NAME_MAX + 32];
        struct policy_subject subject;
        unsigned key_line[_KEY_MAX]; /* 0: the key is absent */

        char **images; /* normalized patterns */
        size_t n_images;
        unsigned networks;
        bool privileged;
        struct policy_volume *volumes;
        size_t n_volumes;
        struct policy_cuser *cusers;
        size_t n_cusers;
        char **parameters; /* "KEY" (any value) or "KEY=VALUE" (value as policy_parameter_value) */
        size_t n_parameters;
        double max_cpus;
        uint64_t max_mem_mb;
        char **fetch_schemes;
        size_t n_fetch_schemes;
        uint64_t fetch_max_bytes;
        struct policy_subject *readers;
        size_t n_readers;
        bool exec; /* `exec = yes`: docker exec into its own containers */
};

struct policy {
        struct policy_helper_conf helper;
        char *helper_rule[6]; /* unused slots NULL; where each [helper] key was set */
        bool keep_exited_set;
        struct policy_section **sections;
        size_t n_sections;
        char **files; /* names of the files read, for rules */
        size_t n_files;
        /* host paths a volume may never reach, nor contain: the docker socket, state dir and
         * audit log, as written and as resolved at load time */
        char **protected_paths;
        size_t n_protected;
        struct policy_lookup *lookups; /* the names resolved so far */
        size_t n_lookups;
        char **warnings; /* "FILE:LINE: warning: …" (lint.c) */
        size_t n_warnings;
        const char *helper_file; /* where the first [helper] header is, for warnings about it */
        unsigned helper_line;
};

struct policy_lookup {
        bool group;
        char *name;
        int result;
        uid_t uid;
        gid_t gid;
};

/* parse.c: adds text (one file) to p. Errors: "NAME:LINE: message", MD_EXIT_POLICY. */
struct policy *policy_new(md_error *err);
int policy_parse_into(struct policy *p, const char *name, const char *text, size_t len, md_error *err);
/* After the last file: defaults, protected paths. */
int policy_finish(struct policy *p, md_error *err);

/* Path helpers shared by the parser and the matcher. Normalizes an absolute path into out:
 * repeated and trailing '/' folded; "." and ".." components, control characters refused. */
int policy_normalize_path(const char *in, char **out, const char **why);

/* One file being parsed. */
struct policy_parser {
        struct policy *p;
        const char *file; /* interned */
        unsigned line;
        struct policy_section *section; /* the [caller …] being filled, NULL in [helper] or before any */
        bool in_helper;
        md_error *err;
        const char *raw; /* the current line as written, and */
        const char *buf; /* its copy being cut into words: a word's offset in buf is its column */
        unsigned entries; /* section headers and keys so far in this file */
};

/* "FILE:LINE: message", MD_EXIT_POLICY; returns -1. */
int policy_parse_error(const struct policy_parser *ps, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* lint.c: warnings and the characters that do not belong in a policy. */
void policy_warn(struct policy *p, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* The current line's warning: "FILE:LINE: warning: message". */
#define policy_parse_warning(ps, ...) policy_warn((ps)->p, (ps)->file, (ps)->line, __VA_ARGS__)
/* The 1-based column of the character at word (a pointer into ps->buf). */
size_t policy_column(const struct policy_parser *ps, const char *at);
/* Refuses a look-alike character (a Unicode space, BOM, curly quote or dash) and a quoted word
 * in the uncommented line s, naming the character and its column. */
int policy_check_characters(struct policy_parser *ps, const char *s);
/* A key's words that hold a comma: an error (when set failed: err is rewritten to lead with
 * the comma) or a warning (when the value was accepted, as a path may hold a comma). */
int policy_comma_error(struct policy_parser *ps, char **words, size_t n);
void policy_comma_warning(struct policy_parser *ps, char **words, size_t n);

/* parse_values.c: the value of one key, as space-separated words (n >= 1). */
int policy_set_caller_key(struct policy_parser *ps, const char *key, char **words, size_t n);
int policy_set_helper_key(struct policy_parser *ps, const char *key, char **words, size_t n);
/* Does the key take a list of words? (A comma among them was probably meant as a blank.) */
bool policy_key_is_list(const char *key);
/* The message for a key that is not valid where it stands: in the other kind of section, or
 * misspelled ("did you mean networks?"). where: "[helper]", "[caller]" or NULL (no section). */
int policy_misplaced_key(struct policy_parser *ps, const char *key, const char *where);
/* " (did you mean KEY?)" for the known key nearest to key, or "" (buf holds it). */
const char *policy_key_hint(const char *key, char buf[static 96]);
/* "name", "#UID" or "%GROUP"; names are looked up now (unknown ones match by name only). */
int policy_parse_subject(struct policy_parser *ps, const char *word, const char *what,
                         struct policy_subject *out);
void policy_subject_clear(struct policy_subject *s);

/* param_values.c: the form in which a value of docker parameter key is compared (a
 * capability upper case with its CAP_ prefix; other values as written) into buf. -EINVAL for
 * an empty value, one longer than POLICY_VALUE_MAX or with blanks or control characters. */
#define POLICY_VALUE_MAX 256
int policy_parameter_value(const char *key, const char *value, char *buf, size_t size);

/* users.c: user and group look-ups, each name once per load (a name service may take a
 * quarter of a millisecond for a name it does not know, and the helper loads the policy on
 * every run). 1 found, 0 no such name, -errno when the look-up failed. */
int policy_lookup_user(struct policy *p, const char *name, uid_t *uid, gid_t *gid);
int policy_lookup_group(struct policy *p, const char *name, gid_t *gid);
