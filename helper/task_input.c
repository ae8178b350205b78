#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caller_child.h"
#include "cleanup.h"
#include "hygiene.h"
#include "json_cleanup.h"
#include "task_input.h"
#include "util.h"

static int read_and_validate(void *userdata, char **out, size_t *out_len, md_error *err)
{
        const struct caller_file *src = userdata; /* path NULL or "-": stdin */
        const char *file = src->path;
        bool from_stdin = !file || strcmp(file, "-") == 0;
        _cleanup_close_ int fd =
                from_stdin ? dup(0)
                           : hygiene_open_caller_path(src->cwd, file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_USAGE, errno, "task file %s",
                                     from_stdin ? "(stdin)" : file);
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = md_read_all(fd, TASK_INPUT_MAX_BYTES, &text, &len);
        if (r == -EFBIG)
                return md_fail(err, MD_EXIT_BAD_TASK, "task: larger than %d bytes", TASK_INPUT_MAX_BYTES);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_USAGE, -r, "task file %s", from_stdin ? "(stdin)" : file);
        struct task_spec *spec = NULL;
        if (task_parse(text, len, &spec, err) < 0)
                return -1;
        task_free(spec);
        /* Re-serialize: the privileged parent parses only what jansson itself wrote. ASCII escapes
         * can triple the size (a 4-byte character becomes a 12-byte surrogate pair): task_parse
         * allows TASK_MAX_TEXT for that. */
        json_error_t jerr;
        _cleanup_json_ json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
        char *canonical = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        if (!canonical)
                return md_fail(err, MD_EXIT_BAD_TASK, "task: cannot re-serialize");
        *out = canonical;
        *out_len = strlen(canonical);
        return 0;
}

int task_input_read(const struct privilege *priv, const char *task_file, struct task_spec **out,
                    md_error *err)
{
        static const int codes[] = {MD_EXIT_USAGE, MD_EXIT_BAD_TASK, MD_EXIT_POLICY, 0};
        int keep[2];
        const struct caller_child c = privilege_file_reader(priv, keep, TASK_MAX_TEXT, codes);
        _cleanup_free_ char *canonical = NULL;
        size_t len;
        struct caller_file src = {task_file, priv->caller_cwd};
        if (caller_child_run(&c, read_and_validate, &src, &canonical, &len, err) < 0)
                return -1;
        return task_parse(canonical, len, out, err);
}
