/* list [--running|--exited]: the containers the caller may see, running and finished, from the
 * records; the records past the policy's keep-exited are pruned first (record_prune.c). */
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "record.h"
#include "util.h"

/* Seconds since it finished when it has exited, since it started otherwise (as `docker ps`
 * says "Exited (0) 5 minutes ago" or "Up 2 hours"); null before it started. */
static json_t *age_json(const struct md_record *r, time_t now)
{
        time_t since;
        if (!md_record_time(r->state == MD_STATE_EXITED ? r->finished_at : r->started_at, &since))
                return json_null();
        return json_integer(now > since ? (json_int_t)(now - since) : 0);
}

static json_t *entry_json(const struct md_record *r, time_t now)
{
        return json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:i, s:o, s:s?, s:s?, s:o}", "container",
                         r->container, "docker_id", r->docker_id, "state", md_state_to_string(r->state),
                         "image", r->image, "task_id", r->task_id, "sandbox", r->sandbox, "owner_uid",
                         (json_int_t)r->owner_uid, "exit_code",
                         r->state == MD_STATE_EXITED ? json_integer(r->exit_code) : json_null(), "started_at",
                         r->started_at, "finished_at", r->finished_at, "age_s", age_json(r, now));
}

enum list_filter { LIST_ALL, LIST_RUNNING, LIST_EXITED };

struct list_ctx {
        json_t *arr;
        enum list_filter filter;
        time_t now;
};

static void append_entry(const struct md_record *r, void *arg)
{
        struct list_ctx *c = arg;
        bool exited = r->state == MD_STATE_EXITED;
        if ((c->filter == LIST_RUNNING && exited) || (c->filter == LIST_EXITED && !exited))
                return;
        json_array_append_new(c->arr, entry_json(r, c->now));
}

static int sort_by_name(const void *a, const void *b)
{
        const char *x = json_string_value(json_object_get(*(json_t *const *)a, "container"));
        const char *y = json_string_value(json_object_get(*(json_t *const *)b, "container"));
        return strcmp(x, y);
}

int cmd_list(struct helper *h, int argc, char **argv, md_error *err)
{
        enum list_filter filter = LIST_ALL;
        if (argc == 2 && strcmp(argv[1], "--running") == 0)
                filter = LIST_RUNNING;
        else if (argc == 2 && strcmp(argv[1], "--exited") == 0)
                filter = LIST_EXITED;
        else if (argc != 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: list [--running|--exited]");
        if (helper_audit(h, NULL, NULL, true, "owner", "lists the caller's own containers", err) < 0)
                return -1;
        _cleanup_json_ json_t *arr = json_array();
        int record_dirfd = md_record_dir_open(h->conf->state_dir, false, err);
        if (record_dirfd < 0) {
                md_error_clear(err); /* nothing launched yet */
                return helper_print(h, FORMAT_VIEW_LIST, arr, err);
        }
        /* what list shows is never past the retention, whether or not a monitor runs to prune */
        md_record_prune(record_dirfd, h->conf->keep_exited, time(NULL));
        struct list_ctx ctx = {arr, filter, time(NULL)};
        int rc = lookup_each_visible(h, record_dirfd, append_entry, &ctx, err);
        close(record_dirfd);
        if (rc < 0)
                return -1;
        size_t count = json_array_size(arr);
        json_t **items = calloc(count ? count : 1, sizeof *items);
        if (!items)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        for (size_t i = 0; i < count; i++)
                items[i] = json_incref(json_array_get(arr, i));
        qsort(items, count, sizeof *items, sort_by_name);
        json_array_clear(arr);
        for (size_t i = 0; i < count; i++)
                json_array_append_new(arr, items[i]);
        free(items);
        return helper_print(h, FORMAT_VIEW_LIST, arr, err);
}
