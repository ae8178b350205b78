/* bench/fetch's driver: the project's fetcher on one URI or one archive, as the helper runs it.
 *   fetch_driver fetch URI DIR      fetch_run (child that becomes the current user, libcurl)
 *   fetch_driver extract ARCHIVE DIR   fetch_extract on the archive (by its name's ending)
 * Prints {"wall_ms":N,"bytes":N} on success; exit 1 with the message otherwise. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch_internal.h"
#include "util.h"

int main(int argc, char **argv)
{
        if (argc != 4 || (strcmp(argv[1], "fetch") != 0 && strcmp(argv[1], "extract") != 0)) {
                fprintf(stderr, "usage: fetch_driver fetch URI DIR | extract ARCHIVE DIR\n");
                return 64;
        }
        int dirfd = open(argv[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) {
                perror(argv[3]);
                return 1;
        }
        md_error err = {0};
        uint64_t bytes = 0;
        int64_t t0 = md_monotonic_ms();
        int r;
        if (strcmp(argv[1], "fetch") == 0) {
                static const char *schemes[] = {"http", "https", "ftp", "file"};
                struct fetch_item it = {.uri = argv[2]};
                struct fetch_request req = {
                        .uid = getuid(),
                        .gid = getgid(),
                        .sandbox_dirfd = dirfd,
                        .items = &it,
                        .n_items = 1,
                        .allowed_schemes = schemes,
                        .n_allowed_schemes = 4,
                        .max_bytes = UINT64_C(1) << 40,
                        .cache_dirfd = -1,
                        .log_fd = -1,
                };
                r = fetch_run(&req, &err);
        } else {
                int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        perror(argv[2]);
                        return 1;
                }
                const char *base = strrchr(argv[2], '/');
                base = base ? base + 1 : argv[2];
                struct fetch_extract_limits lim = {
                        .max_bytes = UINT64_C(1) << 40, .max_entries = 10000000, .umask = 022};
                struct fetch_extract_stats st = {0};
                r = fetch_extract(fd, base, fetch_archive_kind(base), dirfd, "out", &lim, &st, &err);
                bytes = st.bytes;
                close(fd);
        }
        int64_t wall = md_monotonic_ms() - t0;
        if (r < 0) {
                fprintf(stderr, "fetch_driver: %s\n", err.message);
                return 1;
        }
        printf("{\"wall_ms\":%lld,\"bytes\":%llu}\n", (long long)wall, (unsigned long long)bytes);
        close(dirfd);
        return 0;
}
