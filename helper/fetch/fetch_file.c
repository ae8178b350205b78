/* file:// URIs and bare absolute paths: opened with the rights of the process, which is the
 * caller-side child, so a file the caller cannot read fails (file:///etc/shadow: EACCES). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"
#include "util.h"

int fetch_copy_fd(int src, int dst, uint64_t max, uint64_t *bytes)
{
        uint64_t total = 0;
        bool plain = false;
        static char buf[256 * 1024];
        if (lseek(src, 0, SEEK_SET) < 0)
                return -errno;
        for (;;) {
                ssize_t n;
                /* one byte beyond max tells a file that grew past it */
                size_t want = max - total >= (1u << 30) ? (1u << 30) : (size_t)(max - total) + 1;
                if (!plain) {
                        n = copy_file_range(src, NULL, dst, NULL, want, 0);
                        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
                                      errno == EOPNOTSUPP || errno == EPERM)) {
                                plain = true; /* other filesystems or kernels: read and write */
                                continue;
                        }
                } else {
                        n = read(src, buf, want < sizeof buf ? want : sizeof buf);
                        if (n > 0) {
                                int r = md_write_all(dst, buf, (size_t)n);
                                if (r < 0)
                                        return r;
                        }
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                total += (uint64_t)n;
                if (total > max)
                        return -EFBIG;
        }
        *bytes = total;
        return 0;
}

int fetch_file(const char *uri, const char *path, int fd, uint64_t max_bytes, uint64_t *bytes, md_error *err)
{
        char q[512];
        /* O_NONBLOCK: a FIFO must not hang the open; it is refused below */
        _cleanup_close_ int src = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (src < 0)
                return md_error_set_errno(err, -EIO, errno, "%s", fetch_quote_uri(uri, q, sizeof q));
        struct stat st;
        if (fstat(src, &st) < 0)
                return md_error_set_errno(err, -EIO, errno, "%s", fetch_quote_uri(uri, q, sizeof q));
        if (!S_ISREG(st.st_mode))
                return md_error_set(err, -EIO, "%s: not a regular file", fetch_quote_uri(uri, q, sizeof q));
        if ((uint64_t)st.st_size > max_bytes)
                return md_error_set(err, -EIO, "%s: larger than the limit of %llu bytes",
                                    fetch_quote_uri(uri, q, sizeof q), (unsigned long long)max_bytes);
        int fl = fcntl(src, F_GETFL);
        if (fl >= 0)
                fcntl(src, F_SETFL, fl & ~O_NONBLOCK);
        uint64_t n = 0;
        int r = fetch_copy_fd(src, fd, max_bytes, &n);
        if (r == -EFBIG) /* it grew while we copied */
                return md_error_set(err, -EIO, "%s: larger than the limit of %llu bytes",
                                    fetch_quote_uri(uri, q, sizeof q), (unsigned long long)max_bytes);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "%s: copying", fetch_quote_uri(uri, q, sizeof q));
        *bytes = n;
        return 0;
}
