/* http, https and ftp downloads with libcurl, in the caller-side child only. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"
#include "util.h"

static inline void curl_cleanupp(CURL **c)
{
        if (*c)
                curl_easy_cleanup(*c);
}

struct sink {
        int fd;
        uint64_t max;
        uint64_t written;
        int write_errno;
        bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct sink *s = userdata;
        size_t n = size * nmemb;
        /* MAXFILESIZE trusts Content-Length; a chunked or lying server is stopped here */
        if (n > s->max - s->written) {
                s->too_big = true;
                return 0;
        }
        int r = md_write_all(s->fd, ptr, n);
        if (r < 0) {
                s->write_errno = -r;
                return 0;
        }
        s->written += n;
        return n;
}

/* "http,https" from the policy's schemes: the protocols curl may use, first and after a
 * redirect. */
static void protocols(const struct fetch_request *req, char buf[static 32])
{
        static const char *const known[] = {"http", "https", "ftp"};
        buf[0] = '\0';
        for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
                if (!fetch_scheme_allowed(req, known[i]))
                        continue;
                if (buf[0])
                        strcat(buf, ",");
                strcat(buf, known[i]);
        }
}

static unsigned or_default(unsigned v, unsigned def)
{
        return v ? v : def;
}

int fetch_http(const struct fetch_request *req, const char *uri, int fd, uint64_t *bytes, md_error *err)
{
        char q[512], protos[32];
        protocols(req, protos);
        if (!protos[0])
                return md_error_set(err, -EACCES, "%s: no network scheme is allowed",
                                    fetch_quote_uri(uri, q, sizeof q));
        _cleanup_(curl_cleanupp) CURL *c = curl_easy_init();
        if (!c)
                return md_error_set(err, -EIO, "%s: cannot start libcurl", fetch_quote_uri(uri, q, sizeof q));
        struct sink s = {.fd = fd, .max = req->max_bytes};
        char errbuf[CURL_ERROR_SIZE] = "";
        CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                                        \
        do {                                                                                                 \
                if (rc == CURLE_OK)                                                                          \
                        rc = curl_easy_setopt(c, opt, val);                                                  \
        } while (0)
        SET(CURLOPT_URL, uri);
        SET(CURLOPT_PROTOCOLS_STR, protos);
        SET(CURLOPT_REDIR_PROTOCOLS_STR, protos);
        SET(CURLOPT_FOLLOWLOCATION, 1L);
        SET(CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
        SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(req->max_bytes > INT64_MAX ? INT64_MAX : req->max_bytes));
        SET(CURLOPT_WRITEFUNCTION, on_data);
        SET(CURLOPT_WRITEDATA, &s);
        SET(CURLOPT_ERRORBUFFER, errbuf);
        SET(CURLOPT_FAILONERROR, 1L);
        SET(CURLOPT_NOSIGNAL, 1L);
        SET(CURLOPT_NOPROXY, "*"); /* the environment is the caller's: never trust a proxy from it */
        SET(CURLOPT_PROXY, "");
        SET(CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
        SET(CURLOPT_CONNECTTIMEOUT,
            (long)or_default(req->connect_timeout_s, FETCH_DEFAULT_CONNECT_TIMEOUT_S));
        SET(CURLOPT_LOW_SPEED_TIME, (long)or_default(req->low_speed_time_s, FETCH_DEFAULT_LOW_SPEED_TIME_S));
        SET(CURLOPT_LOW_SPEED_LIMIT, (long)or_default(req->low_speed_bytes, FETCH_DEFAULT_LOW_SPEED_BYTES));
        SET(CURLOPT_TIMEOUT, (long)req->total_timeout_s);
        SET(CURLOPT_BUFFERSIZE, 512L * 1024);
        SET(CURLOPT_USERAGENT, "mesos-docker-helper");
        SET(CURLOPT_FTP_USE_EPSV, 1L);
#undef SET
        if (rc != CURLE_OK)
                return md_error_set(err, -EIO, "%s: %s", fetch_quote_uri(uri, q, sizeof q),
                                    curl_easy_strerror(rc));
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK) {
                *bytes = s.written;
                return 0;
        }
        if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED)
                return md_error_set(err, -EIO, "%s: larger than the limit of %llu bytes",
                                    fetch_quote_uri(uri, q, sizeof q), (unsigned long long)req->max_bytes);
        if (s.write_errno)
                return md_error_set_errno(err, -EIO, s.write_errno, "%s: writing into the sandbox",
                                          fetch_quote_uri(uri, q, sizeof q));
        char *redirect = NULL;
        long redirects = 0;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_COUNT, &redirects);
        if (rc == CURLE_UNSUPPORTED_PROTOCOL && redirects > 0) {
                char q2[512];
                curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &redirect);
                return md_error_set(err, -EACCES, "%s: redirected to %s, a scheme the policy does not allow",
                                    fetch_quote_uri(uri, q, sizeof q),
                                    redirect ? fetch_quote_uri(redirect, q2, sizeof q2) : "?");
        }
        if (rc == CURLE_UNSUPPORTED_PROTOCOL)
                return md_error_set(err, -EACCES, "%s: scheme not allowed (%s)",
                                    fetch_quote_uri(uri, q, sizeof q),
                                    errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return md_error_set(err, -EIO, "%s: %s", fetch_quote_uri(uri, q, sizeof q),
                            errbuf[0] ? errbuf : curl_easy_strerror(rc));
}
