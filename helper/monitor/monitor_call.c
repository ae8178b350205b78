/* A short call of the monitor's to the daemon (monitor_internal.h) as a transfer of its one
 * multi handle: with every launch's start a synchronous call in the loop, sixteen launches at
 * once waited for each other's starts (~0.1 s each here), and every running container's
 * output waited with them. */
#include <errno.h>

#include "json_cleanup.h"
#include "monitor_internal.h"
#include "util.h"

/* A start or inspect answer is small; an answer larger than this is no answer. */
#define CALL_BODY_MAX (1 << 20)
#define CALL_BUFFER 16384L

int monitor_call_begin(struct monitor_xfer *x, CURLM *multi, const struct docker *d, const char *method,
                       const char *path, md_error *err)
{
        x->body.max = CALL_BODY_MAX;
        /* 0: the connection's request limit, as for the synchronous calls */
        return monitor_xfer_open(multi, x, d, method, path, 0, CALL_BUFFER, docker_buf_write, &x->body, err);
}

int monitor_call_result(const struct monitor_xfer *x, const long *ok_extra, json_t **out, const char *what,
                        md_error *err)
{
        if (x->body.overflow)
                return md_error_set(err, -EMSGSIZE, "%s: the daemon's answer is too large", what);
        if (x->rc != CURLE_OK)
                return docker_fail_curl(err, x->rc, x->errbuf, what);
        _cleanup_json_ json_t *j = x->body.len ? json_loadb(x->body.data, x->body.len, 0, NULL) : NULL;
        bool ok = x->status >= 200 && x->status < 300;
        for (const long *e = ok_extra; e && *e && !ok; e++)
                ok = x->status == *e;
        if (!ok)
                return docker_fail_status(err, x->status, j, true, what);
        if (out)
                *out = MD_TAKE_PTR(j);
        return 0;
}
