/* The exit codes of interface.md. Every module reports one of these in its md_error. */
#pragma once

enum md_exit {
        MD_EXIT_OK = 0,
        MD_EXIT_FAILED = 1, /* the operation failed: pull, fetch, docker refused, start */
        MD_EXIT_NO_CONTAINER = 2, /* no such container, or not one the caller may see */
        MD_EXIT_USAGE = 64,
        MD_EXIT_BAD_TASK = 65, /* invalid task description */
        MD_EXIT_UNAVAILABLE = 69, /* docker daemon unreachable or silent */
        MD_EXIT_DENIED = 77, /* denied by policy (audited) */
        MD_EXIT_POLICY = 78, /* policy missing, unsafe or invalid */
};
