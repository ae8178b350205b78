/* Mount facts for `doctor`: is the mount a path lies on nosuid and nodev, and where is it.
 * Until common/mounts.c (the nnp work) lands, this is doctor's own small copy; the two
 * answer the same question and should become one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct doctor_mount {
        bool nosuid, nodev;
        char mount_point[4096]; /* "" when /proc/self/mountinfo does not say */
};

/* For the file or directory open at fd (O_PATH is enough). 0 or -errno. */
int doctor_mount_of(int fd, struct doctor_mount *out);

/* Is a file system of type fstype (the mountinfo field after " - ") mounted? Its first mount
 * point into mount_point. 1 yes, 0 no, -errno. */
int doctor_find_mount(const char *fstype, char *mount_point, size_t size);
