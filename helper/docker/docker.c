/* The Engine API connection: libcurl over the daemon's unix socket, version negotiation,
 * the generic request and the error mapping shared by docker_images.c and
 * docker_containers.c. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_internal.h"
#include "json_cleanup.h"
#include "util.h"

/* Oldest API we accept: condition=next-exit on /wait needs 1.30. */
#define API_MIN_MAJOR 1
#define API_MIN_MINOR 30
#define API_MAX_MAJOR 1
#define API_MAX_MINOR 41

static long default_connect_ms = DOCKER_CONNECT_TIMEOUT_MS;
static long default_request_ms = DOCKER_REQUEST_TIMEOUT_MS;

void docker_set_timeouts(long connect_ms, long request_ms)
{
        default_connect_ms = connect_ms > 0 ? connect_ms : DOCKER_CONNECT_TIMEOUT_MS;
        default_request_ms = request_ms > 0 ? request_ms : DOCKER_REQUEST_TIMEOUT_MS;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
        /* Only plain HTTP over a unix socket: no SSL or Win32 init needed. */
        curl_init_rc = curl_global_init(CURL_GLOBAL_NOTHING);
}

CURLcode docker_setup_easy(const struct docker *d, CURL *h, const char *method, const char *path,
                           bool raw_path, long timeout_ms)
{
        char url[4096];
        int n;
        if (raw_path)
                n = snprintf(url, sizeof url, "http://docker%s", path);
        else
                n = snprintf(url, sizeof url, "http://docker/v%s%s", d->api, path);
        if (n < 0 || (size_t)n >= sizeof url)
                return CURLE_URL_MALFORMAT;

        CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                                        \
        do {                                                                                                 \
                if (rc == CURLE_OK)                                                                          \
                        rc = curl_easy_setopt(h, opt, val);                                                  \
        } while (0)
        SET(CURLOPT_URL, url);
        SET(CURLOPT_UNIX_SOCKET_PATH, d->socket_path);
        /* Never let the environment or a redirect take us elsewhere (the helper clears the
         * environment too, but this must not depend on it). */
        SET(CURLOPT_PROTOCOLS_STR, "http");
        SET(CURLOPT_REDIR_PROTOCOLS_STR, "http");
        SET(CURLOPT_FOLLOWLOCATION, 0L);
        SET(CURLOPT_PROXY, "");
        SET(CURLOPT_NOPROXY, "*");
        SET(CURLOPT_NOSIGNAL, 1L);
        SET(CURLOPT_CONNECTTIMEOUT_MS, d->connect_ms);
        if (timeout_ms >= 0) {
                long t = timeout_ms ? timeout_ms : d->request_ms;
                SET(CURLOPT_TIMEOUT_MS, t);
                /* A daemon that stalls in the middle of a body fails as fast as one that is silent. */
                SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
                SET(CURLOPT_LOW_SPEED_TIME, t / 1000 > 0 ? t / 1000 : 1L);
        }
        if (strcmp(method, "GET") == 0) {
                SET(CURLOPT_HTTPGET, 1L);
        } else if (strcmp(method, "POST") == 0) {
                SET(CURLOPT_POST, 1L);
                SET(CURLOPT_POSTFIELDSIZE, 0L);
                SET(CURLOPT_POSTFIELDS, "");
        } else if (strcmp(method, "HEAD") == 0) {
                SET(CURLOPT_NOBODY, 1L);
        } else {
                SET(CURLOPT_CUSTOMREQUEST, method);
        }
#undef SET
        return rc;
}

size_t docker_buf_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct docker_buf *b = userdata;
        size_t n = size * nmemb;
        if (n > b->max - b->len) {
                b->overflow = true;
                return 0; /* CURLE_WRITE_ERROR ends the transfer */
        }
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 4096;
                while (cap < b->len + n + 1)
                        cap *= 2;
                char *p = realloc(b->data, cap);
                if (!p)
                        return 0;
                b->data = p;
                b->cap = cap;
        }
        memcpy(b->data + b->len, ptr, n);
        b->len += n;
        b->data[b->len] = '\0';
        return n;
}

int docker_fail_curl(md_error *err, CURLcode rc, const char *errbuf, const char *what)
{
        bool unavailable;
        switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
                unavailable = true;
                break;
        default:
                unavailable = false;
        }
        const char *why = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(rc);
        if (unavailable)
                return md_error_set(err, -EHOSTDOWN, "%s: docker daemon unavailable: %s", what, why);
        return md_error_set(err, -EIO, "%s: %s", what, why);
}

int docker_fail_status(md_error *err, long status, const json_t *body, bool container_path, const char *what)
{
        const char *msg = json_string_value(json_object_get(body, "message"));
        char clean[512];
        size_t i = 0;
        /* The daemon's text goes into a one-line error message: no control characters. */
        for (; msg && msg[i] && i + 1 < sizeof clean; i++)
                clean[i] = iscntrl((unsigned char)msg[i]) ? ' ' : msg[i];
        clean[i] = '\0';
        int e = (status == 404 && container_path) ? -ENOENT : -EIO;
        if (i)
                return md_error_set(err, e, "%s: %s (HTTP %ld)", what, clean, status);
        return md_error_set(err, e, "%s: HTTP %ld", what, status);
}

/* One transfer with a buffered body. api_version, when not NULL, receives the Api-Version
 * header (for the ping). */
struct header_capture {
        char api_version[16];
};

static size_t capture_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct header_capture *hc = userdata;
        size_t n = size * nmemb;
        static const char name[] = "api-version:";
        if (n > sizeof name - 1 && strncasecmp(ptr, name, sizeof name - 1) == 0) {
                size_t i = sizeof name - 1, j = 0;
                while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
                        i++;
                while (i < n && j + 1 < sizeof hc->api_version &&
                       (isdigit((unsigned char)ptr[i]) || ptr[i] == '.'))
                        hc->api_version[j++] = ptr[i++];
                hc->api_version[j] = '\0';
        }
        return n;
}

static int perform(struct docker *d, const char *method, const char *path, bool raw_path, const json_t *body,
                   const char *extra_header, long timeout_ms, struct header_capture *hc, long *status,
                   struct docker_buf *buf, md_error *err)
{
        char what[300], errbuf[CURL_ERROR_SIZE] = "";
        snprintf(what, sizeof what, "docker %s %.200s", method, path);
        CURL *h = d->curl;
        curl_easy_reset(h);
        CURLcode rc = docker_setup_easy(d, h, method, path, raw_path, timeout_ms);
        if (rc != CURLE_OK)
                return docker_fail_curl(err, rc, NULL, what);

        _cleanup_slist_ struct curl_slist *headers = NULL;
        _cleanup_free_ char *text = NULL;
        /* No "Expect: 100-continue" round trip. */
        headers = curl_slist_append(headers, "Expect:");
        if (body) {
                text = json_dumps(body, JSON_COMPACT);
                if (!text)
                        return md_error_set(err, -EINVAL, "%s: cannot encode the body", what);
                struct curl_slist *l = curl_slist_append(headers, "Content-Type: application/json");
                if (l)
                        headers = l;
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
        }
        if (extra_header) {
                if (strpbrk(extra_header, "\r\n"))
                        return md_error_set(err, -EINVAL, "%s: invalid header", what);
                struct curl_slist *l = curl_slist_append(headers, extra_header);
                if (l)
                        headers = l;
        }
        if (!headers)
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, docker_buf_write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, buf);
        if (hc) {
                curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, capture_header);
                curl_easy_setopt(h, CURLOPT_HEADERDATA, hc);
        }
        rc = curl_easy_perform(h);
        /* The handle outlives this call: it must not keep pointers to our stack. */
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
        if (rc != CURLE_OK) {
                if (buf->overflow)
                        return md_error_set(err, -EMSGSIZE, "%s: answer larger than %u bytes", what,
                                            (unsigned)buf->max);
                if (timeout_ms >= 0 && rc == CURLE_OPERATION_TIMEDOUT)
                        return md_error_set(err, -EHOSTDOWN,
                                            "%s: docker daemon unavailable: no answer within %ld ms", what,
                                            timeout_ms ? timeout_ms : d->request_ms);
                long os_errno = 0;
                /* curl's own text names a "host docker port 80": the socket's errno says more */
                if (rc == CURLE_COULDNT_CONNECT &&
                    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno > 0)
                        snprintf(errbuf, sizeof errbuf, "connect: %s", strerror((int)os_errno));
                return docker_fail_curl(err, rc, errbuf, what);
        }
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        return 0;
}

int docker_request(struct docker *d, const char *method, const char *path, const json_t *body,
                   const char *extra_header, long timeout_ms, long *status, json_t **response, md_error *err)
{
        struct docker_buf buf = {.max = DOCKER_BODY_MAX};
        long st = 0;
        int r = perform(d, method, path, false, body, extra_header, timeout_ms, NULL, &st, &buf, err);
        if (r < 0) {
                free(buf.data);
                return r;
        }
        json_t *j = NULL;
        if (buf.len > 0)
                j = json_loadb(buf.data, buf.len, 0, NULL);
        free(buf.data);
        *status = st;
        if (response)
                *response = j;
        else
                json_decref(j);
        return 0;
}

int docker_request_what(struct docker *d, const char *method, const char *path, const json_t *body,
                        const char *extra_header, long timeout_ms, long *status, json_t **response,
                        md_error *err, const char *what)
{
        int r = docker_request(d, method, path, body, extra_header, timeout_ms, status, response, err);
        if (r < 0)
                md_error_prefix(err, "%s", what);
        return r;
}

int docker_call(struct docker *d, const char *method, const char *path, const json_t *body, long timeout_ms,
                bool container_path, const long *ok_extra, long *status, json_t **response, md_error *err,
                const char *what)
{
        long st = 0;
        _cleanup_json_ json_t *j = NULL;
        int r = docker_request_what(d, method, path, body, NULL, timeout_ms, &st, &j, err, what);
        if (r < 0)
                return r;
        bool ok = st >= 200 && st < 300;
        for (const long *e = ok_extra; e && *e && !ok; e++)
                ok = st == *e;
        if (!ok)
                return docker_fail_status(err, st, j, container_path, what);
        if (status)
                *status = st;
        if (response)
                *response = MD_TAKE_PTR(j);
        return 0;
}

char *docker_escape(struct docker *d, const char *s)
{
        char *e = curl_easy_escape(d ? d->curl : NULL, s, 0);
        if (!e)
                return NULL;
        char *copy = strdup(e);
        curl_free(e);
        return copy;
}

char *docker_escape_path(const char *s)
{
        size_t n = strlen(s);
        char *out = malloc(3 * n + 1), *p = out;
        if (!out)
                return NULL;
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (isalnum(c) || strchr("/:@._-", c))
                        *p++ = (char)c;
                else
                        p += sprintf(p, "%%%02X", c);
        }
        *p = '\0';
        return out;
}

bool docker_valid_ref(const char *id)
{
        /* Docker ids are hex, names [a-zA-Z0-9][a-zA-Z0-9_.-]+; nothing else reaches a URL. */
        size_t n = id ? strlen(id) : 0;
        if (n == 0 || n > 256 || !isalnum((unsigned char)id[0]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)id[i]) && !strchr("_.-", id[i]))
                        return false;
        return true;
}

/* "1.41" -> 1, 41, checked. */
static int parse_version(const char *s, unsigned *major, unsigned *minor)
{
        char tmp[16];
        if (strlen(s) >= sizeof tmp)
                return -EINVAL;
        strcpy(tmp, s);
        char *dot = strchr(tmp, '.');
        if (!dot)
                return -EINVAL;
        *dot = '\0';
        uint64_t a, b;
        if (md_parse_u64(tmp, &a) < 0 || md_parse_u64(dot + 1, &b) < 0 || a > 100 || b > 10000)
                return -EINVAL;
        *major = (unsigned)a;
        *minor = (unsigned)b;
        return 0;
}

static int negotiate(struct docker *d, md_error *err)
{
        struct header_capture hc = {""};
        struct docker_buf buf = {.max = 4096};
        long status = 0;
        int r = perform(d, "GET", "/_ping", true, NULL, NULL, 0, &hc, &status, &buf, err);
        free(buf.data);
        if (r < 0)
                return r;
        if (status != 200)
                return md_error_set(err, -EIO, "docker GET /_ping: HTTP %ld", status);

        char version[16];
        snprintf(version, sizeof version, "%s", hc.api_version);
        if (!version[0]) {
                /* Daemons before 1.25 do not send Api-Version on /_ping: ask /version. */
                struct docker_buf vb = {.max = 65536};
                r = perform(d, "GET", "/version", true, NULL, NULL, 0, NULL, &status, &vb, err);
                _cleanup_json_ json_t *j =
                        r == 0 && status == 200 ? json_loadb(vb.data, vb.len, 0, NULL) : NULL;
                free(vb.data);
                if (r < 0)
                        return r;
                const char *v = json_string_value(json_object_get(j, "ApiVersion"));
                snprintf(version, sizeof version, "%s", v ? v : "");
        }
        unsigned major, minor;
        if (parse_version(version, &major, &minor) < 0)
                return md_error_set(err, -EPROTO, "docker daemon: unreadable API version \"%s\"", version);
        if (major > API_MAX_MAJOR || (major == API_MAX_MAJOR && minor > API_MAX_MINOR)) {
                major = API_MAX_MAJOR;
                minor = API_MAX_MINOR;
        }
        if (major < API_MIN_MAJOR || (major == API_MIN_MAJOR && minor < API_MIN_MINOR))
                return md_error_set(err, -EPROTO, "docker daemon: API %u.%u is older than %d.%d", major,
                                    minor, API_MIN_MAJOR, API_MIN_MINOR);
        snprintf(d->api, sizeof d->api, "%u.%u", major, minor);
        return 0;
}

int docker_open(const char *socket_path, struct docker **out, md_error *err)
{
        if (!socket_path || socket_path[0] != '/')
                return md_error_set(err, -EINVAL, "docker socket \"%s\": not an absolute path",
                                    socket_path ? socket_path : "");
        pthread_once(&curl_once, curl_init);
        if (curl_init_rc != CURLE_OK)
                return md_error_set(err, -EIO, "libcurl: %s", curl_easy_strerror(curl_init_rc));

        struct docker *d = calloc(1, sizeof *d);
        if (!d)
                return md_error_set(err, -ENOMEM, "docker: out of memory");
        d->connect_ms = default_connect_ms;
        d->request_ms = default_request_ms;
        d->socket_path = strdup(socket_path);
        d->curl = curl_easy_init();
        if (!d->socket_path || !d->curl) {
                docker_close(d);
                return md_error_set(err, -ENOMEM, "docker: out of memory");
        }
        int r = negotiate(d, err);
        if (r < 0) {
                md_error_prefix(err, "docker socket %s", socket_path);
                docker_close(d);
                return r;
        }
        *out = d;
        return 0;
}

void docker_close(struct docker *d)
{
        if (!d)
                return;
        if (d->curl)
                curl_easy_cleanup(d->curl);
        free(d->socket_path);
        free(d);
}

const char *docker_api_version(const struct docker *d)
{
        return d->api;
}

void docker_time_limits(const struct docker *d, long *connect_ms, long *request_ms)
{
        *connect_ms = d->connect_ms;
        *request_ms = d->request_ms;
}
