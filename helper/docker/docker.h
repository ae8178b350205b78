/* The Docker Engine API over the unix socket, with libcurl and jansson (design.md).
 * One struct docker per connection; the API version is negotiated once (/_ping, /version):
 * min(daemon's, 1.41). Every call is bounded in time.
 *
 * Every call returns 0 or a negative errno, with err's message saying what failed and why (the
 * daemon's "message" text when it answered one); it sets no exit code, which is the commands'
 * to choose (error.h: md_exit_from_errno). The errnos a caller may branch on:
 *   -ENOENT     no such container (a 404 on a container's path, or a reference that cannot
 *               name one), or no such image (docker_image_inspect)
 *   -EHOSTDOWN  the daemon is unavailable: no socket, nobody listening, no answer in time, or
 *               the connection broke before the answer was complete
 *   -EIO        the daemon answered with an error status, or the request failed otherwise
 * and, for the rest: -EPROTO (an answer that is not what the API promises), -EMSGSIZE (an
 * answer too large to buffer), -EINVAL (an argument that cannot be sent), -ENOMEM. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>
#include <jansson.h>

#include "error.h"

struct docker;

#define DOCKER_API_MAX "1.41"
#define DOCKER_CONNECT_TIMEOUT_MS 5000
#define DOCKER_REQUEST_TIMEOUT_MS 30000

int docker_open(const char *socket_path, struct docker **out, md_error *err);
void docker_close(struct docker *d);
static inline void docker_closep(struct docker **d)
{
        docker_close(*d);
}
/* `_cleanup_docker_ struct docker *d = NULL;`: closed when it goes out of scope */
#define _cleanup_docker_ __attribute__((cleanup(docker_closep)))
const char *docker_api_version(const struct docker *d); /* "1.41" */

/* Changes the connect and per-request time limits of the connections docker_open makes
 * from now on (0 restores DOCKER_CONNECT_TIMEOUT_MS / DOCKER_REQUEST_TIMEOUT_MS). For tests
 * that need a silent daemon to fail fast; process-wide, not thread-safe. */
void docker_set_timeouts(long connect_ms, long request_ms);

/* Generic request: method, path (without the /vX.Y prefix; query included, already escaped),
 * optional JSON body, optional extra header ("X-Registry-Auth: …"). On success *status is
 * the HTTP status and *response the parsed JSON body (NULL when empty or not JSON).
 * timeout_ms 0 means the request limit (DOCKER_REQUEST_TIMEOUT_MS unless docker_set_timeouts
 * changed it); -1 means no limit (wait): only the connect is bounded then. */
int docker_request(struct docker *d, const char *method, const char *path, const json_t *body,
                   const char *extra_header, long timeout_ms, long *status, json_t **response, md_error *err);

/* The connect and per-request time limits of d's connection (docker_set_timeouts). */
void docker_time_limits(const struct docker *d, long *connect_ms, long *request_ms);

/* For a client that runs its own transfers (the monitor's streams, on its curl multi handle):
 * the request set up as every request of the library's, its answer buffered, its failure
 * an errno and a message as for every call here. The answer: a growing, size-limited buffer. */
struct docker_buf {
        char *data;
        size_t len, cap, max;
        bool overflow;
};

/* Sets every option a request needs on h (after curl_easy_reset): the socket, the URL
 * http://docker/vAPI/PATH (path NULL-safe; raw_path true means no version prefix), no proxy,
 * http only, bounded times. timeout_ms as in docker_request. Returns a CURLcode. */
CURLcode docker_setup_easy(const struct docker *d, CURL *h, const char *method, const char *path,
                           bool raw_path, long timeout_ms);

/* CURLOPT_WRITEFUNCTION for a struct docker_buf. */
size_t docker_buf_write(char *ptr, size_t size, size_t nmemb, void *userdata);

/* A failed transfer: a daemon that is absent or silent is -EHOSTDOWN, the rest -EIO (returned,
 * and err's message says which). what names the request. */
int docker_fail_curl(md_error *err, CURLcode rc, const char *errbuf, const char *what);

/* For a non-2xx answer: "what: <daemon message> (HTTP n)" and -EIO, or -ENOENT for a 404 when
 * container_path is set. */
int docker_fail_status(md_error *err, long status, const json_t *body, bool container_path, const char *what);

/* URL-escapes s for a query string; the result is malloc'd. */
char *docker_escape(struct docker *d, const char *s);

/* Images */
int docker_image_exists(struct docker *d, const char *ref, bool *exists, md_error *err);
/* GET /images/REF/json: the daemon's image object. Not present: -ENOENT. */
int docker_image_inspect(struct docker *d, const char *ref, json_t **out, md_error *err);
/* Pure: Docker API >= 1.45 leaves ContainerConfig out, and images built with BuildKit have
 * it empty; Mesos reads ContainerConfig.Entrypoint and .Env. Fills each that is missing or
 * null from Config (null when Config has none either). */
void docker_image_fill_container_config(json_t *image);
/* GET /distribution/REF/json with X-Registry-Auth (NULL: none): the daemon fetches the manifest
 * descriptor from the registry with those credentials, moving no layers. 0 when the registry
 * lets them pull ref; otherwise -EIO with the registry's reason ("unauthorized: …",
 * "no basic auth credentials"), or -EHOSTDOWN when the daemon did not answer (no decision). */
int docker_image_check_access(struct docker *d, const char *ref, const char *registry_auth, md_error *err);
/* Pulls ref (normalized). registry_auth: base64url JSON for X-Registry-Auth, or NULL.
 * The progress stream is read to the end; an "error" in it fails the pull (-EIO) with
 * the registry's message. No total time limit (layers may be large), but a daemon that
 * sends nothing for 120 s is -EHOSTDOWN. */
int docker_image_pull(struct docker *d, const char *ref, const char *registry_auth, md_error *err);

/* Containers */
int docker_container_create(struct docker *d, const char *name, const json_t *body, char docker_id[static 65],
                            md_error *err);
int docker_container_start(struct docker *d, const char *id, md_error *err);
int docker_container_inspect(struct docker *d, const char *id, json_t **out, md_error *err);
/* POST /stop?t=grace (the daemon sends SIGTERM, then SIGKILL after grace seconds); the
 * answer is awaited for grace plus the request limit. 304 (not running) is success. */
int docker_container_stop(struct docker *d, const char *id, unsigned grace_seconds, md_error *err);
int docker_container_kill(struct docker *d, const char *id, const char *signal, md_error *err);
/* DELETE ?force=1&v=1; 404 is success (already gone), so is 409 "removal already in progress". */
int docker_container_remove(struct docker *d, const char *id, md_error *err);
/* GET /containers/json?all=1&filters={"label":[label_filter]} */
int docker_container_list(struct docker *d, const char *label_filter, json_t **out, md_error *err);
/* Blocking POST /wait?condition=…; *exit_code from StatusCode. */
int docker_container_wait(struct docker *d, const char *id, const char *condition, int *exit_code,
                          md_error *err);
/* exec (health checks): creates the exec (body: the Engine API's ExecConfig), starts it attached
 * and copies its stdout/stderr onto out_fd/err_fd until the command ends (no time limit), then
 * reads its exit code. */
int docker_exec_create(struct docker *d, const char *id, const json_t *body, char exec_id[static 65],
                       md_error *err);
int docker_exec_start(struct docker *d, const char *exec_id, int out_fd, int err_fd, md_error *err);
int docker_exec_exit_code(struct docker *d, const char *exec_id, int *exit_code, md_error *err);
int docker_container_stats(struct docker *d, const char *id, json_t **out, md_error *err); /* stream=0 */
int docker_container_update(struct docker *d, const char *id, const json_t *body, md_error *err);

/* The daemon: does it remap user namespaces (dockerd --userns-remap, GET /info SecurityOptions
 * "name=userns")? Then root in a container is an unprivileged uid on the host. */
int docker_userns_remap(struct docker *d, bool *on, md_error *err);
bool docker_info_userns_remap(const json_t *info); /* pure, on a GET /info answer */
