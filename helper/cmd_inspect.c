/* inspect [--type container|image] NAME: what `docker inspect` prints, for the caller's own
 * containers and for the images its policy allows. Mesos reads Id, Name, State.Pid (the real
 * host pid), State.StartedAt, HostConfig.NetworkMode and NetworkSettings of a container, and
 * ContainerConfig.Entrypoint/Env of an image (docker-cli.md). */
#include <getopt.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "imageref.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "util.h"

enum inspect_type { INSPECT_ANY, INSPECT_CONTAINER, INSPECT_IMAGE };

static int parse_args(int argc, char **argv, enum inspect_type *type, const char **name, md_error *err)
{
        static const struct option opts[] = {{"type", required_argument, NULL, 't'}, {0}};
        optind = 1;
        opterr = 0;
        *type = INSPECT_ANY;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (c == 't' && strcmp(optarg, "container") == 0)
                        *type = INSPECT_CONTAINER;
                else if (c == 't' && strcmp(optarg, "image") == 0)
                        *type = INSPECT_IMAGE;
                else
                        return md_fail(err, MD_EXIT_USAGE,
                                       "bad or unknown option \"%s\" (--type container|image)",
                                       argv[optind - 1]);
        }
        if (optind != argc - 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: inspect [--type container|image] NAME");
        *name = argv[optind];
        return 0;
}

static const char *or_zero_time(const char *t)
{
        return t ? t : "0001-01-01T00:00:00Z";
}

/* A container the daemon no longer has (removed after its exit): what the record knows. The
 * network is not recorded, and a removed container has none left: "none", no address. */
static json_t *synthesized(const struct md_record *r)
{
        char name[MD_NAME_MAX + 2];
        snprintf(name, sizeof name, "/%s", r->container);
        bool exited = r->state == MD_STATE_EXITED;
        return json_pack("[{s:s, s:s, s:s, s:{s:s, s:b, s:b, s:b, s:b, s:b, s:i, s:i, s:s, s:s, s:s}, "
                         "s:{s:s?}, s:{s:s}, s:{s:s, s:s, s:{}}}]",
                         "Id", r->docker_id ? r->docker_id : "", "Name", name, "Created",
                         or_zero_time(r->started_at), "State", "Status",
                         exited ? "exited" : md_state_to_string(r->state), "Running", false, "Paused", false,
                         "Restarting", false, "OOMKilled", r->oom_killed, "Dead", false, "Pid", 0, "ExitCode",
                         (json_int_t)(exited ? r->exit_code : 0), "Error", "", "StartedAt",
                         or_zero_time(r->started_at), "FinishedAt", or_zero_time(r->finished_at), "Config",
                         "Image", r->image, "HostConfig", "NetworkMode", "none", "NetworkSettings",
                         "IPAddress", "", "GlobalIPv6Address", "", "Networks");
}

static int inspect_container(struct helper *h, const struct md_record *r, md_error *err)
{
        if (helper_audit(h, r->container, NULL, true, "owner", "the caller's own container", err) < 0)
                return -1;
        _cleanup_json_ json_t *info = NULL;
        if (r->docker_id) {
                struct docker *d = NULL;
                if (docker_open(h->conf->docker_socket, &d, err) < 0)
                        return -1;
                int rc = docker_container_inspect(d, r->docker_id, &info, err);
                docker_close(d);
                if (rc < 0 && rc != -ENOENT)
                        return -1;
                md_error_clear(err);
        }
        _cleanup_json_ json_t *out = info ? json_pack("[O]", info) : synthesized(r);
        if (!out)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        return helper_print_json(out, err);
}

/* An image the caller's policy allows; without --type, a name that is neither the caller's
 * container nor an allowed image is "no such object" (2), so that another caller's container
 * never reads differently from one that does not exist. */
static int inspect_image(struct helper *h, const char *arg, bool explicit, md_error *err)
{
        char ref[IMAGEREF_MAX];
        if (imageref_normalize(arg, ref, err) < 0) {
                md_error_clear(err);
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%.200s: no such %s", arg,
                               explicit ? "image" : "object");
        }
        struct policy_finding f;
        bool allowed = policy_image_allowed(h->section, ref, &f);
        if (helper_audit(h, NULL, ref, allowed, f.rule, f.reason, err) < 0)
                return -1;
        if (!allowed && explicit)
                return md_fail(err, MD_EXIT_DENIED, "denied: image %s: %s (%s)", ref, f.reason, f.rule);
        if (!allowed)
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%.200s: no such object", arg);
        struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        _cleanup_json_ json_t *info = NULL;
        int rc = docker_image_inspect(d, ref, &info, err);
        docker_close(d);
        if (rc < 0)
                return -1;
        docker_image_fill_container_config(info);
        _cleanup_json_ json_t *out = json_pack("[O]", info);
        return out ? helper_print_json(out, err) : md_fail(err, MD_EXIT_FAILED, "out of memory");
}

int cmd_inspect(struct helper *h, int argc, char **argv, md_error *err)
{
        enum inspect_type type;
        const char *name = NULL;
        if (parse_args(argc, argv, &type, &name, err) < 0)
                return -1;
        if (type != INSPECT_IMAGE) {
                _cleanup_close_ int record_dirfd = lookup_open_records(h, name, err);
                struct md_record r = {0};
                if (record_dirfd >= 0 && lookup_container(h, record_dirfd, name, &r, err) == 0) {
                        int rc = inspect_container(h, &r, err);
                        md_record_clear(&r);
                        return rc;
                }
                if (type == INSPECT_CONTAINER)
                        return helper_audit_not_found(h, name, err);
                md_error_clear(err); /* not a container of the caller's: maybe an image */
        }
        if (!h->section)
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%.200s: no such object", name);
        return inspect_image(h, name, type == INSPECT_IMAGE, err);
}
