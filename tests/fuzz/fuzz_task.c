/* libFuzzer: a TaskInfo from anywhere → task_parse → task_create_request and
 * task_policy_request with a fixed context. Beyond memory safety it checks what the privilege
 * boundary relies on: a refusal is exit 65 with a one-line message; an accepted task always
 * becomes a request whose user, owner label and log driver are the helper's, whose binds
 * have exactly HOST:CONTAINER:MODE, and whose labels no task can forge. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_cleanup.h"
#include "task.h"

static const char *paths[POLICY_MAX_VOLUMES];
static bool read_only[POLICY_MAX_VOLUMES];

static void check(bool ok)
{
        if (!ok)
                abort();
}

static void check_request(const struct task_spec *t, json_t *req)
{
        check(json_is_object(req));
        check(strcmp(json_string_value(json_object_get(req, "User")), "1000:1000") == 0);
        json_t *labels = json_object_get(req, "Labels");
        check(strcmp(json_string_value(json_object_get(labels, TASK_LABEL_OWNER)), "1000") == 0);
        check(strcmp(json_string_value(json_object_get(labels, TASK_LABEL_MANAGED)), "mesos-docker-helper") ==
              0);
        check(strcmp(json_string_value(json_object_get(labels, TASK_LABEL_SANDBOX)), "/sandbox") == 0);
        check(strcmp(json_string_value(json_object_get(labels, TASK_LABEL_TASK_ID)), t->task_id) == 0);
        json_t *host = json_object_get(req, "HostConfig");
        check(strcmp(json_string_value(json_object_get(json_object_get(host, "LogConfig"), "Type")),
                     "json-file") == 0);
        json_t *binds = json_object_get(host, "Binds");
        check(json_array_size(binds) == t->n_volumes + 1);
        for (size_t i = 0; i < json_array_size(binds); i++) {
                const char *b = json_string_value(json_array_get(binds, i));
                size_t colons = 0;
                for (const char *p = b; *p; p++)
                        colons += *p == ':';
                check(colons == 2);
        }
        check(json_object_get(host, "Mounts") == NULL);
        check(json_object_get(host, "VolumesFrom") == NULL);
        check(json_object_get(host, "Links") == NULL);
        check(strcmp(json_string_value(json_object_get(req, "Image")), t->image_normalized) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct task_spec *t = NULL;
        md_error err = {0};

        if (task_parse((const char *)data, size, &t, &err) < 0) {
                check(t == NULL);
                check(err.exit_code == MD_EXIT_BAD_TASK || err.exit_code == MD_EXIT_FAILED);
                check(err.message[0] != '\0' && strchr(err.message, '\n') == NULL);
                return 0;
        }
        check(t != NULL && t->task_id && t->image && t->n_volumes <= POLICY_MAX_VOLUMES);

        for (size_t i = 0; i < POLICY_MAX_VOLUMES; i++) {
                paths[i] = i % 2 ? "/srv/shared" : "/sandbox/work";
                read_only[i] = i % 3 == 0;
        }
        struct task_context ctx = {
                .container_name = "mesos-fuzz",
                .sandbox = "/sandbox",
                .run_uid = 1000,
                .run_gid = 1000,
                .owner_uid = 1000,
                .volume_host_paths = paths,
                .volume_read_only = read_only,
        };
        md_error_clear(&err);
        json_t *req = task_create_request(t, &ctx, &err);
        check(req != NULL || err.exit_code == MD_EXIT_FAILED); /* only out of memory may fail here */
        if (req) {
                check_request(t, req);
                json_decref(req);
        }

        static struct task_policy_storage storage;
        struct policy_request preq;
        md_error_clear(&err);
        check(task_policy_request(t, paths, &storage, &preq, &err) == 0);
        check(preq.n_volumes <= t->n_volumes && preq.n_parameters <= t->n_parameters &&
              preq.n_fetch_schemes <= t->n_uris);
        task_free(t);
        return 0;
}
