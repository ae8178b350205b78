/* fetch_run: every URI of the task, in order, in one child that became the caller. */
#include <errno.h>
#include <curl/curl.h>
#include <sys/stat.h>

#include "fetch_item.h"

static int fetch_child(void *arg, char **out, size_t *out_len, md_error *err)
{
        const struct fetch_request *req = arg;
        mode_t umask_bits = umask(022);
        umask(umask_bits);
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                return md_error_set(err, -EIO, "cannot start libcurl");
        int r = 0;
        for (size_t i = 0; i < req->n_items && r == 0; i++) {
                r = fetch_item_run(req, &req->items[i], umask_bits, err);
                if (r < 0)
                        fetch_log(req->log_fd, "fetch failed: %s", err->message);
        }
        curl_global_cleanup();
        *out = NULL;
        *out_len = 0;
        return r;
}

struct caller_child fetch_caller_child(uid_t uid, gid_t gid, const int *keep, size_t n_keep, size_t max_out)
{
        static const int codes[] = {MD_EXIT_DENIED, 0};
        return (struct caller_child){uid, gid, keep, n_keep, max_out, codes};
}

int fetch_child_failed(md_error *err)
{
        int e = md_error_exit_code(err) == MD_EXIT_DENIED ? EACCES : EIO;
        err->exit_code = 0;
        err->errnum = e;
        return -e;
}

int fetch_run(const struct fetch_request *req, md_error *err)
{
        if (req->n_items == 0)
                return 0;
        if (req->sandbox_dirfd < 0 || !req->items)
                return md_error_set(err, -EIO, "fetch: no sandbox");
        int keep[] = {req->sandbox_dirfd, req->cache_dirfd, req->log_fd};
        const struct caller_child c =
                fetch_caller_child(req->uid, req->gid, keep, sizeof keep / sizeof *keep, 0);
        return caller_child_run(&c, fetch_child, (void *)req, NULL, NULL, err) < 0 ? fetch_child_failed(err)
                                                                                   : 0;
}
