/* Images: whether one is present, whether a registry lets given credentials pull one, and the
 * pull with its streamed progress. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_internal.h"
#include "json_cleanup.h"

/* A progress line is a small JSON object; a longer one is not the daemon talking. */
#define PULL_LINE_MAX 65536
/* The pull has no total time limit (a layer may be large); a daemon that sends nothing for
 * this long is silent. The daemon reports progress far more often than that. */
#define PULL_STALL_SECONDS 120L

int docker_image_inspect(struct docker *d, const char *ref, json_t **out, md_error *err)
{
        _cleanup_free_ char *esc = docker_escape_path(ref);
        if (!esc)
                return md_error_set(err, -ENOMEM, "image %s: out of memory", ref);
        char path[4096], what[600];
        snprintf(path, sizeof path, "/images/%s/json", esc);
        snprintf(what, sizeof what, "inspect image %.500s", ref);
        long status = 0;
        _cleanup_json_ json_t *j = NULL;
        int r = docker_request_what(d, "GET", path, NULL, NULL, 0, &status, &j, err, what);
        if (r < 0)
                return r;
        if (status == 404)
                return md_error_set(err, -ENOENT, "%.500s: no such image", ref);
        if (status != 200)
                return docker_fail_status(err, status, j, false, what);
        if (!json_is_object(j))
                return md_error_set(err, -EPROTO, "%s: the daemon's answer is not a JSON object", what);
        *out = MD_TAKE_PTR(j);
        return 0;
}

int docker_image_exists(struct docker *d, const char *ref, bool *exists, md_error *err)
{
        _cleanup_json_ json_t *j = NULL;
        int r = docker_image_inspect(d, ref, &j, err);
        if (r == 0) {
                *exists = true;
                return 0;
        }
        if (r != -ENOENT)
                return r;
        md_error_clear(err);
        *exists = false;
        return 0;
}

void docker_image_fill_container_config(json_t *image)
{
        json_t *config = json_object_get(image, "Config");
        json_t *cc = json_object_get(image, "ContainerConfig");
        if (!json_is_object(cc)) {
                cc = json_object();
                if (!cc || json_object_set_new(image, "ContainerConfig", cc) < 0)
                        return;
        }
        static const char *const keys[] = {"Entrypoint", "Env"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
                json_t *v = json_object_get(cc, keys[i]);
                if (v && !json_is_null(v))
                        continue;
                json_t *from = json_object_get(config, keys[i]);
                json_object_set_new(cc, keys[i], from ? json_deep_copy(from) : json_null());
        }
}

/* The X-Registry-Auth header line for registry_auth (NULL: *out NULL); the value must not be
 * able to end the header and start another. */
static int auth_header(const char *registry_auth, char **out, md_error *err, const char *what)
{
        *out = NULL;
        if (!registry_auth)
                return 0;
        if (strpbrk(registry_auth, "\r\n"))
                return md_error_set(err, -EINVAL, "%s: invalid registry credentials", what);
        if (asprintf(out, "X-Registry-Auth: %s", registry_auth) < 0) {
                *out = NULL;
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        }
        return 0;
}

int docker_image_check_access(struct docker *d, const char *ref, const char *registry_auth, md_error *err)
{
        char what[600];
        snprintf(what, sizeof what, "registry access to %.500s", ref);
        _cleanup_free_ char *header = NULL;
        int r = auth_header(registry_auth, &header, err, what);
        if (r < 0)
                return r;
        _cleanup_free_ char *esc = docker_escape_path(ref);
        if (!esc)
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        char path[4096];
        snprintf(path, sizeof path, "/distribution/%s/json", esc);
        long status = 0;
        _cleanup_json_ json_t *j = NULL;
        r = docker_request_what(d, "GET", path, NULL, header, 0, &status, &j, err, what);
        if (r < 0)
                return r;
        /* the daemon answers 401 for refused credentials, 500 for missing ones, 404 for an
         * unknown manifest: only a descriptor is a yes */
        if (status != 200)
                return docker_fail_status(err, status, j, false, what);
        return 0;
}

/* The progress stream: one JSON object per line, parsed as the lines arrive so that a long
 * pull costs no memory. The first error the daemon reports is kept. */
struct pull_state {
        CURL *h;
        char line[PULL_LINE_MAX];
        size_t len;
        bool too_long;
        char error[512];
};

static void pull_line(struct pull_state *p)
{
        if (p->error[0] || p->len == 0)
                return;
        _cleanup_json_ json_t *j = json_loadb(p->line, p->len, 0, NULL);
        if (!j)
                return; /* not JSON (whitespace, a partial proxy line): the status decides */
        const char *msg = json_string_value(json_object_get(json_object_get(j, "errorDetail"), "message"));
        if (!msg)
                msg = json_string_value(json_object_get(j, "error"));
        if (!msg)
                msg = json_string_value(json_object_get(j, "message")); /* a non-2xx answer */
        if (msg) {
                size_t i = 0;
                for (; msg[i] && i + 1 < sizeof p->error; i++)
                        p->error[i] = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
                p->error[i] = '\0';
        }
}

static size_t pull_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct pull_state *p = userdata;
        size_t n = size * nmemb;
        for (size_t i = 0; i < n; i++) {
                if (ptr[i] == '\n') {
                        if (!p->too_long)
                                pull_line(p);
                        p->len = 0;
                        p->too_long = false;
                } else if (p->len < sizeof p->line) {
                        p->line[p->len++] = ptr[i];
                } else {
                        p->too_long = true; /* skipped, not fatal: errors are short */
                }
        }
        return n;
}

/* Splits a normalized reference into fromImage and tag: "repo:tag" -> repo, tag;
 * "repo[:tag]@sha256:x" -> "repo@sha256:x", no tag (the digest names the image). */
static int split_ref(const char *ref, char **from, char **tag)
{
        const char *at = strchr(ref, '@');
        const char *slash = strrchr(ref, '/');
        const char *name_end = at ? at : ref + strlen(ref);
        const char *colon = NULL;
        for (const char *c = slash ? slash : ref; c < name_end; c++)
                if (*c == ':')
                        colon = c;
        const char *repo_end = colon ? colon : name_end;
        if (repo_end == ref)
                return -EINVAL;
        if (at) {
                if (asprintf(from, "%.*s%s", (int)(repo_end - ref), ref, at) < 0)
                        return -ENOMEM;
                *tag = NULL;
                return 0;
        }
        *from = strndup(ref, (size_t)(repo_end - ref));
        *tag = strdup(colon ? colon + 1 : "latest");
        if (!*from || !*tag) {
                free(*from);
                free(*tag);
                return -ENOMEM;
        }
        return 0;
}

int docker_image_pull(struct docker *d, const char *ref, const char *registry_auth, md_error *err)
{
        char what[600];
        snprintf(what, sizeof what, "pull %.500s", ref);
        _cleanup_free_ char *from = NULL, *tag = NULL;
        if (split_ref(ref, &from, &tag) < 0)
                return md_error_set(err, -EINVAL, "%s: not a reference", what);
        _cleanup_free_ char *efrom = docker_escape(d, from);
        _cleanup_free_ char *etag = tag ? docker_escape(d, tag) : NULL;
        if (!efrom || (tag && !etag))
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        char path[4096];
        snprintf(path, sizeof path, "/images/create?fromImage=%s%s%s", efrom, etag ? "&tag=" : "",
                 etag ? etag : "");

        CURL *h = d->curl;
        curl_easy_reset(h);
        CURLcode rc = docker_setup_easy(d, h, "POST", path, false, -1);
        if (rc != CURLE_OK)
                return docker_fail_curl(err, rc, NULL, what);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, PULL_STALL_SECONDS);

        _cleanup_slist_ struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
        _cleanup_free_ char *auth = NULL;
        int r = auth_header(registry_auth, &auth, err, what);
        if (r < 0)
                return r;
        if (auth) {
                struct curl_slist *l = headers ? curl_slist_append(headers, auth) : NULL;
                if (l)
                        headers = l;
        }
        if (!headers)
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        _cleanup_free_ struct pull_state *p = calloc(1, sizeof *p);
        if (!p)
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        char errbuf[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, pull_write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, p);
        rc = curl_easy_perform(h);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
        if (rc != CURLE_OK)
                return docker_fail_curl(err, rc, errbuf, what);
        if (!p->too_long)
                pull_line(p); /* a last line without a newline */
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200 || status >= 300) {
                if (p->error[0])
                        return md_error_set(err, -EIO, "%s: %s (HTTP %ld)", what, p->error, status);
                return md_error_set(err, -EIO, "%s: HTTP %ld", what, status);
        }
        if (p->error[0])
                return md_error_set(err, -EIO, "%s: %s", what, p->error);
        return 0;
}
