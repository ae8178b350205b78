/* list: the containers the caller may see, running and finished, from the records. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "record.h"
#include "util.h"

static json_t *entry_json(const struct md_record *r)
{
        return json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:i}", "container", r->container, "docker_id",
                         r->docker_id, "state", md_state_to_string(r->state), "image", r->image, "task_id",
                         r->task_id, "sandbox", r->sandbox, "owner_uid", (json_int_t)r->owner_uid);
}

static void append_entry(const struct md_record *r, void *arr)
{
        json_array_append_new(arr, entry_json(r));
}

static int sort_by_name(const void *a, const void *b)
{
        const char *x = json_string_value(json_object_get(*(json_t *const *)a, "container"));
        const char *y = json_string_value(json_object_get(*(json_t *const *)b, "container"));
        return strcmp(x, y);
}

int cmd_list(struct helper *h, int argc, char **argv, md_error *err)
{
        if (argc != 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: list");
        if (helper_audit(h, NULL, NULL, true, "owner", "lists the caller's own containers", err) < 0)
                return -1;
        _cleanup_json_ json_t *arr = json_array();
        int record_dirfd = md_record_dir_open(h->conf->state_dir, false, err);
        if (record_dirfd < 0) {
                md_error_clear(err); /* nothing launched yet */
                return helper_print(h, FORMAT_VIEW_LIST, arr, err);
        }
        int rc = lookup_each_visible(h, record_dirfd, append_entry, arr, err);
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
