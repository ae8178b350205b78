/* Which container a command-line argument names, in one place for every command that takes an
 * ID (wait, destroy, usage, update, inspect, kill, rm, exec): the Mesos ID, "mesos-ID", or the
 * docker id (in full or a unique prefix) of one of the caller's own containers. Another caller's
 * container is always "no such container", like one that does not exist: no probing. */
#pragma once

#include "helper.h"
#include "record.h"
#include "util.h"

/* Opens the record directory for a lookup of arg; without a state dir no container was ever
 * launched: MD_EXIT_NO_CONTAINER naming arg. Returns the dirfd or -1. */
int lookup_open_records(const struct helper *h, const char *arg, md_error *err);

/* The record of the container arg names among those the caller may see. MD_EXIT_USAGE when arg
 * is no ID at all, MD_EXIT_NO_CONTAINER when nothing visible matches, MD_EXIT_FAILED when a
 * docker id prefix matches several of the caller's containers. */
int lookup_container(const struct helper *h, int record_dirfd, const char *arg, struct md_record *out,
                     md_error *err);

/* What kill and exec act on: the container arg names, its docker id, and whether it runs. */
struct lookup_target {
        char name[MD_NAME_MAX + 1];
        char docker_id[65]; /* "" when the record has none */
        bool running;
};

/* lookup_open_records + lookup_container for a command that acts on the container: a container
 * the caller may not see is audited as not found (helper_audit_not_found). 0 or -1 with err. */
int lookup_target(struct helper *h, const char *arg, struct lookup_target *out, md_error *err);

/* Calls fn with each record the caller may see, in directory order; records being replaced or
 * unreadable are passed over. */
typedef void (*lookup_visitor)(const struct md_record *r, void *arg);
int lookup_each_visible(const struct helper *h, int record_dirfd, lookup_visitor fn, void *arg,
                        md_error *err);
