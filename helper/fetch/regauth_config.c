/* Docker's config files, parsed as the docker CLI reads them (cli/config/configfile): the
 * credentials for a registry, turned into the X-Registry-Auth value. Pure. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_cleanup.h"
#include "regauth.h"

#define INDEX_SERVER "https://index.docker.io/v1/"

static int b64_value(int ch)
{
        if (ch >= 'A' && ch <= 'Z')
                return ch - 'A';
        if (ch >= 'a' && ch <= 'z')
                return ch - 'a' + 26;
        if (ch >= '0' && ch <= '9')
                return ch - '0' + 52;
        if (ch == '+')
                return 62;
        if (ch == '/')
                return 63;
        return -1;
}

/* Standard base64 (the "auth" field), padding optional; NULL when malformed. */
static char *b64_decode(const char *in, size_t *out_len)
{
        size_t len = strlen(in);
        while (len && in[len - 1] == '=')
                len--;
        char *out = malloc(len * 3 / 4 + 1);
        if (!out)
                return NULL;
        size_t o = 0;
        uint32_t acc = 0;
        int bits = 0;
        for (size_t i = 0; i < len; i++) {
                int v = b64_value((unsigned char)in[i]);
                if (v < 0) {
                        free(out);
                        return NULL;
                }
                acc = (acc << 6) | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        out[o] = '\0';
        *out_len = o;
        return out;
}

/* RFC 4648 §5 with padding, as Go's base64.URLEncoding that the daemon decodes with. */
static char *b64url_encode(const char *in, size_t len)
{
        static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char *out = malloc((len + 2) / 3 * 4 + 1);
        if (!out)
                return NULL;
        size_t o = 0;
        for (size_t i = 0; i < len; i += 3) {
                uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
                if (i + 1 < len)
                        v |= (uint32_t)(unsigned char)in[i + 1] << 8;
                if (i + 2 < len)
                        v |= (uint32_t)(unsigned char)in[i + 2];
                out[o++] = tbl[(v >> 18) & 63];
                out[o++] = tbl[(v >> 12) & 63];
                out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
                out[o++] = i + 2 < len ? tbl[v & 63] : '=';
        }
        out[o] = '\0';
        return out;
}

/* docker's ConvertToHostname: the scheme and everything from the first '/' dropped. */
static void to_hostname(const char *key, char *out, size_t len)
{
        if (strncasecmp(key, "https://", 8) == 0)
                key += 8;
        else if (strncasecmp(key, "http://", 7) == 0)
                key += 7;
        size_t n = strcspn(key, "/");
        if (n >= len)
                n = len - 1;
        for (size_t i = 0; i < n; i++)
                out[i] = (char)tolower((unsigned char)key[i]);
        out[n] = '\0';
}

static bool is_docker_hub(const char *host)
{
        return strcmp(host, "docker.io") == 0 || strcmp(host, "index.docker.io") == 0 ||
               strcmp(host, "registry-1.docker.io") == 0;
}

static bool key_matches(const char *key, const char *registry)
{
        char host[256], want[256];
        to_hostname(key, host, sizeof host);
        to_hostname(registry, want, sizeof want);
        if (is_docker_hub(want))
                return is_docker_hub(host);
        return host[0] && strcmp(host, want) == 0;
}

/* The entry's credentials as the AuthConfig JSON the daemon reads; 0 and *out NULL when the
 * entry holds none (credsStore and credHelpers leave empty entries: never executed). */
static int entry_auth(const char *key, json_t *entry, char **out, md_error *err, const char *what)
{
        if (!json_is_object(entry))
                return md_error_set(err, -EIO, "%s: entry %s is not an object", what, key);
        const char *user = json_string_value(json_object_get(entry, "username"));
        const char *pass = json_string_value(json_object_get(entry, "password"));
        const char *token = json_string_value(json_object_get(entry, "identitytoken"));
        const char *auth = json_string_value(json_object_get(entry, "auth"));
        _cleanup_free_ char *decoded = NULL;
        if (auth && auth[0]) {
                size_t dlen;
                decoded = b64_decode(auth, &dlen);
                char *colon = decoded ? memchr(decoded, ':', dlen) : NULL;
                if (!colon || strlen(decoded) != dlen)
                        return md_error_set(err, -EIO,
                                            "%s: entry %s: \"auth\" is not base64 of user:password", what,
                                            key);
                *colon = '\0';
                user = decoded;
                pass = colon + 1;
        }
        if (!(user && user[0]) && !(token && token[0])) {
                *out = NULL;
                return 0;
        }
        _cleanup_json_ json_t *o = json_object();
        if (!o || (user && json_object_set_new(o, "username", json_string(user)) < 0) ||
            (pass && json_object_set_new(o, "password", json_string(pass)) < 0) ||
            (token && token[0] && json_object_set_new(o, "identitytoken", json_string(token)) < 0) ||
            json_object_set_new(o, "serveraddress", json_string(key)) < 0)
                return md_error_set(err, -EIO, "%s: entry %s: not valid UTF-8 or out of memory", what, key);
        _cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
        if (!text)
                return md_error_set(err, -ENOMEM, "out of memory");
        *out = b64url_encode(text, strlen(text));
        if (!*out)
                return md_error_set(err, -ENOMEM, "out of memory");
        return 0;
}

int regauth_from_config_text(const char *text, size_t len, int legacy, const char *registry, char **out,
                             md_error *err)
{
        const char *what = legacy ? ".dockercfg" : "config.json";
        json_error_t jerr;
        _cleanup_json_ json_t *root = json_loadb(text, len, 0, &jerr);
        if (!root)
                return md_error_set(err, -EIO, "%s: malformed at line %d: %s", what, jerr.line, jerr.text);
        if (!json_is_object(root))
                return md_error_set(err, -EIO, "%s: not a JSON object", what);
        json_t *auths = legacy ? root : json_object_get(root, "auths");
        if (!auths) {
                *out = NULL;
                return 0;
        }
        if (!json_is_object(auths))
                return md_error_set(err, -EIO, "%s: \"auths\" is not an object", what);
        /* the exact key first, as docker looks it up, then any key naming the same host */
        char host[256];
        to_hostname(registry, host, sizeof host);
        const char *exact = is_docker_hub(host) ? INDEX_SERVER : registry;
        json_t *e = json_object_get(auths, exact);
        if (e) {
                char *r = NULL;
                int rc = entry_auth(exact, e, &r, err, what);
                if (rc < 0)
                        return rc;
                if (r) {
                        *out = r;
                        return 0;
                }
        }
        const char *key;
        json_t *v;
        json_object_foreach(auths, key, v)
        {
                if (strcmp(key, exact) == 0 || !key_matches(key, registry))
                        continue;
                char *r = NULL;
                int rc = entry_auth(key, v, &r, err, what);
                if (rc < 0)
                        return rc;
                if (r) {
                        *out = r;
                        return 0;
                }
        }
        *out = NULL;
        return 0;
}
