/* docker exec through the Engine API: create the exec, start it attached and copy its
 * multiplexed output onto two fds, then read its exit code. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "demux.h"
#include "docker_internal.h"
#include "json_cleanup.h"
#include "util.h"

/* After the stream ends the daemon may take a moment to record the exit code. */
#define EXEC_EXIT_POLLS 100
#define EXEC_EXIT_POLL_MS 50

int docker_exec_create(struct docker *d, const char *id, const json_t *body, char exec_id[static 65],
                       md_error *err)
{
        char what[300], path[400];
        snprintf(what, sizeof what, "exec in container %.200s", id ? id : "");
        if (!docker_valid_ref(id))
                return md_error_set(err, -ENOENT, "%s: invalid container", what);
        snprintf(path, sizeof path, "/containers/%s/exec", id);
        _cleanup_json_ json_t *j = NULL;
        int r = docker_call(d, "POST", path, body, 0, true, NULL, NULL, &j, err, what);
        if (r < 0)
                return r;
        const char *eid = json_string_value(json_object_get(j, "Id"));
        if (!eid || strlen(eid) != 64 || strspn(eid, "0123456789abcdef") != 64)
                return md_error_set(err, -EPROTO, "%s: the daemon answered no exec id", what);
        memcpy(exec_id, eid, 65);
        return 0;
}

struct exec_stream {
        CURL *h;
        struct demux demux;
        int fds[3];
        long status;
        struct docker_buf error_body; /* a non-200 answer */
        bool proto_error;
};

static int exec_sink(void *userdata, enum demux_stream stream, const char *data, size_t len, int frame_start)
{
        struct exec_stream *s = userdata;
        /* a reader that went away must not stop the command: its output is dropped instead */
        if (stream != DEMUX_STDIN)
                md_write_all(s->fds[stream], data, len);
        return 0;
}

static size_t exec_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
        struct exec_stream *s = userdata;
        size_t n = size * nmemb;
        if (!s->status)
                curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->status);
        if (s->status != 200)
                return docker_buf_write(ptr, size, nmemb, &s->error_body);
        if (demux_feed(&s->demux, ptr, n, exec_sink, s) < 0) {
                s->proto_error = true;
                return 0;
        }
        return n;
}

int docker_exec_start(struct docker *d, const char *exec_id, int out_fd, int err_fd, md_error *err)
{
        char what[120], path[120];
        snprintf(what, sizeof what, "start exec %.64s", exec_id);
        snprintf(path, sizeof path, "/exec/%.64s/start", exec_id);
        CURL *h = d->curl;
        curl_easy_reset(h);
        /* no time limit: a health check runs as long as it runs (Mesos has its own timeout) */
        CURLcode rc = docker_setup_easy(d, h, "POST", path, false, -1);
        if (rc != CURLE_OK)
                return docker_fail_curl(err, rc, NULL, what);
        static const char body[] = "{\"Detach\":false,\"Tty\":false}";
        _cleanup_slist_ struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
        struct curl_slist *l = headers ? curl_slist_append(headers, "Content-Type: application/json") : NULL;
        if (!l)
                return md_error_set(err, -ENOMEM, "%s: out of memory", what);
        headers = l;
        struct exec_stream s = {.h = h, .fds = {-1, out_fd, err_fd}, .error_body = {.max = 65536}};
        demux_init(&s.demux);
        char errbuf[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(sizeof body - 1));
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, exec_write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
        rc = curl_easy_perform(h);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &s.status);
        _cleanup_free_ char *error_text = s.error_body.data;
        if (s.proto_error)
                return md_error_set(err, -EPROTO, "%s: the output is not a multiplexed stream", what);
        if (rc != CURLE_OK)
                return docker_fail_curl(err, rc, errbuf, what);
        if (s.status != 200) {
                _cleanup_json_ json_t *j = error_text ? json_loads(error_text, 0, NULL) : NULL;
                return docker_fail_status(err, s.status, j, true, what);
        }
        return 0;
}

int docker_exec_exit_code(struct docker *d, const char *exec_id, int *exit_code, md_error *err)
{
        char what[120], path[120];
        snprintf(what, sizeof what, "inspect exec %.64s", exec_id);
        snprintf(path, sizeof path, "/exec/%.64s/json", exec_id);
        for (int i = 0; i < EXEC_EXIT_POLLS; i++) {
                _cleanup_json_ json_t *j = NULL;
                int r = docker_call(d, "GET", path, NULL, 0, false, NULL, NULL, &j, err, what);
                if (r < 0)
                        return r;
                json_t *code = json_object_get(j, "ExitCode");
                if (!json_is_true(json_object_get(j, "Running")) && json_is_integer(code)) {
                        *exit_code = (int)json_integer_value(code);
                        return 0;
                }
                struct timespec ts = {0, EXEC_EXIT_POLL_MS * 1000000L};
                nanosleep(&ts, NULL);
        }
        return md_error_set(err, -EPROTO, "%s: no exit code after the output ended", what);
}
