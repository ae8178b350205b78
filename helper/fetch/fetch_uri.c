/* URIs and names as Mesos' fetcher reads them (src/launcher/fetcher.cpp): pure functions. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fetch_internal.h"
#include "uri.h"

bool fetch_scheme_allowed(const struct fetch_request *req, const char *scheme)
{
        for (size_t i = 0; i < req->n_allowed_schemes; i++)
                if (strcmp(req->allowed_schemes[i], scheme) == 0)
                        return true;
        return false;
}

const char *fetch_uri_local_path(const char *uri)
{
        uri = md_uri_trim(uri);
        if (uri[0] == '/')
                return uri;
        if (strncasecmp(uri, "file://", 7) != 0)
                return NULL;
        const char *p = uri + 7;
        if (strncasecmp(p, "localhost/", 10) == 0)
                p += 9;
        return p[0] == '/' ? p : NULL; /* file://host/x names another machine */
}

int fetch_uri_basename(const char *uri, char *out, size_t out_len)
{
        uri = md_uri_trim(uri);
        const char *path = uri;
        size_t len;
        const char *sep = strstr(uri, "://");
        if (uri[0] != '/' && sep) {
                /* scheme://authority/path?query#fragment: the path starts at the first '/' */
                path = strchr(sep + 3, '/');
                if (!path)
                        return -EINVAL;
                len = strcspn(path, "?#");
        } else if (uri[0] == '/') {
                len = strlen(path); /* a local path keeps '?' and '#': they are file name bytes */
        } else {
                return -EINVAL;
        }
        const char *base = path + len;
        while (base > path && base[-1] != '/')
                base--;
        size_t blen = (size_t)(path + len - base);
        if (blen == 0 || blen >= out_len || (blen == 1 && base[0] == '.') ||
            (blen == 2 && base[0] == '.' && base[1] == '.'))
                return -EINVAL;
        for (size_t i = 0; i < blen; i++)
                if (iscntrl((unsigned char)base[i]))
                        return -EINVAL;
        memcpy(out, base, blen);
        out[blen] = '\0';
        return 0;
}

int fetch_output_path_check(const char *path)
{
        size_t len = strlen(path);
        if (len == 0 || len > FETCH_NAME_MAX || path[0] == '/' || path[len - 1] == '/')
                return -EINVAL;
        for (const char *p = path; *p; p++)
                if (iscntrl((unsigned char)*p))
                        return -EINVAL;
        for (const char *c = path; *c;) {
                size_t n = strcspn(c, "/");
                if (n == 2 && c[0] == '.' && c[1] == '.')
                        return -EINVAL;
                if (n > 255)
                        return -EINVAL;
                c += n;
                while (*c == '/')
                        c++;
        }
        /* the last component must name a file: "x/." would be the directory itself */
        const char *last = strrchr(path, '/');
        last = last ? last + 1 : path;
        if (strcmp(last, ".") == 0)
                return -EINVAL;
        return 0;
}

const char *fetch_quote(const char *s, char *buf, size_t len)
{
        size_t o = 0;
        for (; *s && o + 5 < len; s++) {
                unsigned char ch = (unsigned char)*s;
                if (ch < 0x20 || ch == 0x7f || ch == '\\') {
                        o += (size_t)snprintf(buf + o, len - o, ch == '\\' ? "\\\\" : "\\x%02x", ch);
                } else {
                        buf[o++] = (char)ch;
                }
        }
        if (*s && len >= 4) { /* cut: say so */
                o = o + 4 > len ? len - 4 : o;
                memcpy(buf + o, "...", 3);
                o += 3;
        }
        buf[o] = '\0';
        return buf;
}

const char *fetch_quote_uri(const char *uri, char *buf, size_t len)
{
        /* scheme://user:password@host/...: the password never reaches a log or a message */
        const char *sep = strstr(uri, "://");
        if (!sep)
                return fetch_quote(uri, buf, len);
        const char *auth = sep + 3;
        size_t alen = strcspn(auth, "/?#");
        const char *at = NULL;
        for (size_t i = 0; i < alen; i++)
                if (auth[i] == '@')
                        at = auth + i;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (!colon)
                return fetch_quote(uri, buf, len);
        char masked[FETCH_NAME_MAX + 16];
        snprintf(masked, sizeof masked, "%.*s:***%s", (int)(colon - uri), uri, at);
        return fetch_quote(masked, buf, len);
}
