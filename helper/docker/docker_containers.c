/* Containers: the typed calls of docker.h, each one request with its status mapping. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_internal.h"
#include "json_cleanup.h"

/* One request about one container: what it is called in messages ("stop container ID") and its
 * path ("/containers/ID" and the suffix printf'd from fmt). An ID that is neither a valid name
 * nor an id fails like a missing container, before anything is sent. */
struct container_call {
        char what[300];
        char path[400];
};

static int name_call(struct container_call *c, const char *verb, const char *id, md_error *err)
{
        snprintf(c->what, sizeof c->what, "%s %.200s", verb, id ? id : "");
        if (!docker_valid_ref(id))
                return md_error_set(err, -ENOENT, "%s: invalid container \"%.100s\"", c->what, id ? id : "");
        return 0;
}

static int __attribute__((format(printf, 5, 6)))
container_call(struct container_call *c, const char *verb, const char *id, md_error *err, const char *fmt,
               ...)
{
        int r = name_call(c, verb, id, err);
        if (r < 0)
                return r;
        /* a valid ID has at most 256 characters: the prefix always fits */
        int n = snprintf(c->path, sizeof c->path, "/containers/%s", id);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->path + n, sizeof c->path - (size_t)n, fmt, ap);
        va_end(ap);
        return 0;
}

static bool is_hex64(const char *s)
{
        if (!s || strlen(s) != 64)
                return false;
        for (int i = 0; i < 64; i++)
                if (!strchr("0123456789abcdef", s[i]))
                        return false;
        return true;
}

int docker_container_create(struct docker *d, const char *name, const json_t *body, char docker_id[static 65],
                            md_error *err)
{
        struct container_call c;
        int r = name_call(&c, "create container", name, err);
        if (r < 0)
                return r;
        snprintf(c.path, sizeof c.path, "/containers/create?name=%s", name);
        _cleanup_json_ json_t *j = NULL;
        /* 404 here is a missing image, not a missing container. */
        r = docker_call(d, "POST", c.path, body, 0, false, NULL, NULL, &j, err, c.what);
        if (r < 0)
                return r;
        const char *id = json_string_value(json_object_get(j, "Id"));
        if (!is_hex64(id))
                return md_error_set(err, -EPROTO, "%s: the daemon answered no container id", c.what);
        memcpy(docker_id, id, 65);
        return 0;
}

int docker_container_start(struct docker *d, const char *id, md_error *err)
{
        struct container_call c;
        int r = container_call(&c, "start container", id, err, "/start");
        if (r < 0)
                return r;
        static const long already[] = {304, 0};
        return docker_call(d, "POST", c.path, NULL, 0, true, already, NULL, NULL, err, c.what);
}

/* GET of a container resource whose answer must be one JSON object. */
static int get_object(struct docker *d, const char *path, const char *what, json_t **out, md_error *err)
{
        _cleanup_json_ json_t *j = NULL;
        int r = docker_call(d, "GET", path, NULL, 0, true, NULL, NULL, &j, err, what);
        if (r < 0)
                return r;
        if (!json_is_object(j))
                return md_error_set(err, -EPROTO, "%s: the daemon's answer is not a JSON object", what);
        *out = MD_TAKE_PTR(j);
        return 0;
}

int docker_container_inspect(struct docker *d, const char *id, json_t **out, md_error *err)
{
        struct container_call c;
        int r = container_call(&c, "inspect container", id, err, "/json");
        if (r < 0)
                return r;
        return get_object(d, c.path, c.what, out, err);
}

int docker_container_stop(struct docker *d, const char *id, unsigned grace_seconds, md_error *err)
{
        if (grace_seconds > 86400)
                grace_seconds = 86400;
        struct container_call c;
        int r = container_call(&c, "stop container", id, err, "/stop?t=%u", grace_seconds);
        if (r < 0)
                return r;
        static const long not_running[] = {304, 0};
        /* The daemon answers once the container is gone: allow the grace on top. */
        long timeout = (long)grace_seconds * 1000 + d->request_ms;
        return docker_call(d, "POST", c.path, NULL, timeout, true, not_running, NULL, NULL, err, c.what);
}

int docker_container_kill(struct docker *d, const char *id, const char *signal, md_error *err)
{
        _cleanup_free_ char *esig = docker_escape(d, signal ? signal : "SIGKILL");
        if (!esig)
                return md_error_set(err, -ENOMEM, "kill container %.200s: out of memory", id ? id : "");
        struct container_call c;
        int r = container_call(&c, "kill container", id, err, "/kill?signal=%.60s", esig);
        if (r < 0)
                return r;
        return docker_call(d, "POST", c.path, NULL, 0, true, NULL, NULL, NULL, err, c.what);
}

int docker_container_remove(struct docker *d, const char *id, md_error *err)
{
        struct container_call c;
        int r = container_call(&c, "remove container", id, err, "?force=1&v=1");
        if (r < 0)
                return r;
        long status = 0;
        _cleanup_json_ json_t *j = NULL;
        r = docker_request_what(d, "DELETE", c.path, NULL, NULL, 0, &status, &j, err, c.what);
        if (r < 0)
                return r;
        if ((status >= 200 && status < 300) || status == 404)
                return 0;
        /* Another remover (destroy racing the monitor) got there first. */
        const char *msg = json_string_value(json_object_get(j, "message"));
        if (status == 409 && msg && strstr(msg, "already in progress"))
                return 0;
        return docker_fail_status(err, status, j, true, c.what);
}

int docker_container_list(struct docker *d, const char *label_filter, json_t **out, md_error *err)
{
        char path[2048];
        _cleanup_free_ char *efilters = NULL;
        if (label_filter) {
                _cleanup_json_ json_t *f = json_pack("{s:[s]}", "label", label_filter);
                _cleanup_free_ char *text = f ? json_dumps(f, JSON_COMPACT) : NULL;
                efilters = text ? docker_escape(d, text) : NULL;
                if (!efilters)
                        return md_error_set(err, -ENOMEM, "list containers: out of memory");
                if (strlen(efilters) > 1800)
                        return md_error_set(err, -EINVAL, "list containers: filter too long");
        }
        snprintf(path, sizeof path, "/containers/json?all=1%s%s", efilters ? "&filters=" : "",
                 efilters ? efilters : "");
        _cleanup_json_ json_t *j = NULL;
        int r = docker_call(d, "GET", path, NULL, 0, false, NULL, NULL, &j, err, "list containers");
        if (r < 0)
                return r;
        if (!json_is_array(j))
                return md_error_set(err, -EPROTO, "list containers: the daemon's answer is not a JSON array");
        *out = MD_TAKE_PTR(j);
        return 0;
}

int docker_container_wait(struct docker *d, const char *id, const char *condition, int *exit_code,
                          md_error *err)
{
        _cleanup_free_ char *econd = docker_escape(d, condition ? condition : "not-running");
        if (!econd)
                return md_error_set(err, -ENOMEM, "wait for container %.200s: out of memory", id ? id : "");
        struct container_call c;
        int r = container_call(&c, "wait for container", id, err, "/wait?condition=%.60s", econd);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *j = NULL;
        r = docker_call(d, "POST", c.path, NULL, -1, true, NULL, NULL, &j, err, c.what);
        if (r < 0)
                return r;
        json_t *code = json_object_get(j, "StatusCode");
        if (!json_is_integer(code) || json_integer_value(code) < 0 || json_integer_value(code) > 0xffff) {
                const char *msg = json_string_value(json_object_get(json_object_get(j, "Error"), "Message"));
                return md_error_set(err, -EPROTO, "%s: %s", c.what,
                                    msg ? msg : "no exit status in the answer");
        }
        *exit_code = (int)json_integer_value(code);
        return 0;
}

int docker_container_stats(struct docker *d, const char *id, json_t **out, md_error *err)
{
        struct container_call c;
        int r = container_call(&c, "stats of container", id, err, "/stats?stream=0");
        if (r < 0)
                return r;
        return get_object(d, c.path, c.what, out, err);
}

int docker_container_update(struct docker *d, const char *id, const json_t *body, md_error *err)
{
        struct container_call c;
        int r = container_call(&c, "update container", id, err, "/update");
        if (r < 0)
                return r;
        return docker_call(d, "POST", c.path, body, 0, true, NULL, NULL, NULL, err, c.what);
}
