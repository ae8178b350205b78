/* What the docker_*.c files share and nobody else sees: the connection object and the
 * calls behind the public ones (docker.h). */
#pragma once

#include <curl/curl.h>

#include "docker.h"

static inline void docker_curl_cleanupp(CURL **h)
{
        if (*h)
                curl_easy_cleanup(*h);
}
static inline void docker_curl_slist_freep(struct curl_slist **l)
{
        curl_slist_free_all(*l);
}
#define _cleanup_curl_ _cleanup_(docker_curl_cleanupp)
#define _cleanup_slist_ _cleanup_(docker_curl_slist_freep)

/* Largest body we buffer; the pull's progress stream is parsed line by line instead. */
#define DOCKER_BODY_MAX (8u << 20)

struct docker {
        CURL *curl; /* reused across requests: keeps the connection alive */
        char *socket_path;
        char api[16]; /* negotiated, "1.41" */
        long connect_ms;
        long request_ms;
};

/* docker_request, with a failure to get an answer at all prefixed by what ("inspect image X"). */
int docker_request_what(struct docker *d, const char *method, const char *path, const json_t *body,
                        const char *extra_header, long timeout_ms, long *status, json_t **response,
                        md_error *err, const char *what);

/* docker_request, then the status check: 2xx (or one of ok_extra, 0-terminated) is success. */
int docker_call(struct docker *d, const char *method, const char *path, const json_t *body, long timeout_ms,
                bool container_path, const long *ok_extra, long *status, json_t **response, md_error *err,
                const char *what);

/* Percent-escapes s for a URL path segment, keeping '/', ':' and '@' (image references). */
char *docker_escape_path(const char *s);

/* Validates a container reference (docker id or name) before it goes into a URL. */
bool docker_valid_ref(const char *id);
