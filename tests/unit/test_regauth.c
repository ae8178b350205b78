/* Registry credentials: both config formats, docker's key matching, what is ignored
 * (credsStore, credHelpers), malformed files, and regauth_lookup's sandbox and fallback files. */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "cleanup.h"
#include "json_cleanup.h"
#include "regauth.h"
#include "util.h"

/* base64("alice:s3cr:et") */
#define ALICE "YWxpY2U6czNjcjpldA=="
/* base64("bob:pw") */
#define BOB "Ym9iOnB3"

/* Decodes a base64url header value back into its JSON: the test reads what the daemon reads. */
static json_t *decode(const char *v)
{
        static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        size_t len = strlen(v);
        ck_assert_uint_eq(len % 4, 0); /* padded, as Go's URLEncoding wants it */
        char *out = calloc(1, len);
        size_t o = 0;
        unsigned acc = 0;
        int bits = 0;
        for (size_t i = 0; i < len && v[i] != '='; i++) {
                const char *p = strchr(tbl, v[i]);
                ck_assert_ptr_nonnull(p);
                acc = (acc << 6) | (unsigned)(p - tbl);
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        json_t *j = json_loadb(out, o, 0, NULL);
        free(out);
        ck_assert_ptr_nonnull(j);
        return j;
}

static void expect(const char *cfg, int legacy, const char *registry, const char *user, const char *pass,
                   const char *server)
{
        char *out = NULL;
        md_error err = {0};
        ck_assert_msg(regauth_from_config_text(cfg, strlen(cfg), legacy, registry, &out, &err) == 0, "%s",
                      err.message);
        if (!user) {
                ck_assert_msg(out == NULL, "%s: expected no credentials", registry);
                return;
        }
        ck_assert_msg(out != NULL, "%s: expected credentials", registry);
        ck_assert_ptr_null(strpbrk(out, "+/")); /* url-safe alphabet */
        _cleanup_json_ json_t *j = decode(out);
        free(out);
        ck_assert_str_eq(json_string_value(json_object_get(j, "username")), user);
        ck_assert_str_eq(json_string_value(json_object_get(j, "password")), pass);
        ck_assert_str_eq(json_string_value(json_object_get(j, "serveraddress")), server);
}

START_TEST(config_json)
{
        const char *cfg = "{\"auths\":{"
                          "\"localhost:5000\":{\"auth\":\"" ALICE "\"},"
                          "\"https://reg.example.com:443/v1/\":{\"auth\":\"" BOB "\"},"
                          "\"https://index.docker.io/v1/\":{\"auth\":\"" BOB "\",\"email\":\"b@x\"}"
                          "}}";
        expect(cfg, 0, "localhost:5000", "alice", "s3cr:et", "localhost:5000");
        expect(cfg, 0, "reg.example.com:443", "bob", "pw", "https://reg.example.com:443/v1/");
        expect(cfg, 0, "docker.io", "bob", "pw", "https://index.docker.io/v1/");
        expect(cfg, 0, "index.docker.io", "bob", "pw", "https://index.docker.io/v1/");
        expect(cfg, 0, "localhost:5001", NULL, NULL, NULL);
        expect(cfg, 0, "localhost", NULL, NULL, NULL);
        expect(cfg, 0, "reg.example.com", NULL, NULL, NULL);
        /* the exact key wins over an earlier key of the same host */
        const char *two = "{\"auths\":{\"http://localhost:5000\":{\"auth\":\"" BOB "\"},"
                          "\"localhost:5000\":{\"auth\":\"" ALICE "\"}}}";
        expect(two, 0, "localhost:5000", "alice", "s3cr:et", "localhost:5000");
        /* username/password fields as docker writes them for some logins */
        const char *plain = "{\"auths\":{\"r:1\":{\"username\":\"u\",\"password\":\"p\"}}}";
        expect(plain, 0, "r:1", "u", "p", "r:1");
        /* a hostname key without scheme matches docker.io through index.docker.io */
        const char *idx = "{\"auths\":{\"index.docker.io\":{\"auth\":\"" ALICE "\"}}}";
        expect(idx, 0, "docker.io", "alice", "s3cr:et", "index.docker.io");
}
END_TEST

START_TEST(legacy_dockercfg)
{
        const char *cfg = "{\"https://index.docker.io/v1/\":{\"auth\":\"" ALICE "\",\"email\":\"a@x\"},"
                          "\"localhost:5000\":{\"auth\":\"" BOB "\",\"email\":\"\"}}";
        expect(cfg, 1, "docker.io", "alice", "s3cr:et", "https://index.docker.io/v1/");
        expect(cfg, 1, "localhost:5000", "bob", "pw", "localhost:5000");
        expect(cfg, 1, "other:1", NULL, NULL, NULL);
        /* a config.json read as legacy has no registry keys */
        expect("{\"auths\":{\"localhost:5000\":{\"auth\":\"" BOB "\"}}}", 1, "localhost:5000", NULL, NULL,
               NULL);
}
END_TEST

START_TEST(helpers_never_used)
{
        /* credsStore / credHelpers leave empty entries: no credentials, nothing run */
        const char *cfg = "{\"auths\":{\"localhost:5000\":{}},\"credsStore\":\"evil\","
                          "\"credHelpers\":{\"localhost:5000\":\"evil\"}}";
        expect(cfg, 0, "localhost:5000", NULL, NULL, NULL);
        expect("{\"credsStore\":\"desktop\"}", 0, "localhost:5000", NULL, NULL, NULL);
        expect("{}", 0, "docker.io", NULL, NULL, NULL);
}
END_TEST

START_TEST(malformed)
{
        static const char *const bad[] = {
                "{\"auths\":", /* truncated */
                "[1,2]", /* not an object */
                "{\"auths\":[]}", /* auths not an object */
                "{\"auths\":{\"localhost:5000\":\"x\"}}", /* entry not an object */
                "{\"auths\":{\"localhost:5000\":{\"auth\":\"!!!\"}}}", /* not base64 */
                "{\"auths\":{\"localhost:5000\":{\"auth\":\"bm9jb2xvbg==\"}}}", /* "nocolon" */
        };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
                char *out = (char *)"untouched";
                md_error err = {0};
                ck_assert_int_eq(
                        regauth_from_config_text(bad[i], strlen(bad[i]), 0, "localhost:5000", &out, &err),
                        -EIO);
                ck_assert_int_eq(err.exit_code, 0); /* the errno only: the command chooses the exit */
                ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
                ck_assert_msg(strncmp(err.message, "config.json: ", 13) == 0, "%s", err.message);
                ck_assert_str_eq(out, "untouched");
        }
}
END_TEST

static char work[] = "/tmp/md-test-regauth-XXXXXX";
static int sandbox_fd = -1;

static void setup(void)
{
        ck_assert_ptr_nonnull(mkdtemp(work));
        sandbox_fd = open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void teardown(void)
{
        close(sandbox_fd);
        char cmd[200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
        ck_assert_int_eq(system(cmd), 0);
        strcpy(work, "/tmp/md-test-regauth-XXXXXX");
}

static void put(const char *rel, const char *text, mode_t mode)
{
        int fd = openat(sandbox_fd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(md_write_all(fd, text, strlen(text)), 0);
        fchmod(fd, mode);
        close(fd);
}

static char *lookup(const char *registry, const char *fallback, md_error *err)
{
        struct regauth_request rr = {
                .uid = getuid(),
                .gid = getgid(),
                .sandbox_dirfd = sandbox_fd,
                .registry = registry,
                .fallback_config = fallback,
        };
        char *out = (char *)"unset";
        int r = regauth_lookup(&rr, &out, err);
        return r < 0 ? (char *)"failed" : out;
}

static const char *user_of(const char *v)
{
        static char buf[64];
        _cleanup_json_ json_t *j = decode(v);
        snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(j, "username")));
        return buf;
}

START_TEST(lookup_files)
{
        md_error err = {0};
        char fb[200];
        snprintf(fb, sizeof fb, "%s/fallback.json", work);
        /* nothing anywhere */
        ck_assert_ptr_null(lookup("localhost:5000", NULL, &err));
        /* the legacy file of the seed */
        put(".dockercfg", "{\"localhost:5000\":{\"auth\":\"" BOB "\",\"email\":\"\"}}", 0600);
        char *v = lookup("localhost:5000", NULL, &err);
        ck_assert_ptr_nonnull(v);
        ck_assert_str_eq(user_of(v), "bob");
        free(v);
        /* config.json takes precedence, as in the docker CLI */
        ck_assert_int_eq(mkdirat(sandbox_fd, ".docker", 0700), 0);
        put(".docker/config.json", "{\"auths\":{\"localhost:5000\":{\"auth\":\"" ALICE "\"}}}", 0600);
        v = lookup("localhost:5000", NULL, &err);
        ck_assert_str_eq(user_of(v), "alice");
        free(v);
        /* malformed: fails naming the file */
        put(".docker/config.json", "{\"auths\":{", 0600);
        ck_assert_str_eq(lookup("localhost:5000", NULL, &err), "failed");
        ck_assert_msg(strncmp(err.message, "sandbox: config.json: malformed", 31) == 0, "%s", err.message);
        /* a symlink planted as the config is not followed */
        ck_assert_int_eq(unlinkat(sandbox_fd, ".docker/config.json", 0), 0);
        ck_assert_int_eq(unlinkat(sandbox_fd, ".dockercfg", 0), 0);
        put("elsewhere.json", "{\"localhost:5000\":{\"auth\":\"" BOB "\"}}", 0600);
        ck_assert_int_eq(symlinkat("../elsewhere.json", sandbox_fd, ".docker/config.json"), 0);
        md_error_clear(&err);
        ck_assert_str_eq(lookup("localhost:5000", NULL, &err), "failed");
        ck_assert_msg(strstr(err.message, "sandbox .docker/config.json: Too many levels of symbolic links") !=
                              NULL,
                      "%s", err.message);
        ck_assert_int_eq(unlinkat(sandbox_fd, ".docker/config.json", 0), 0);
        /* too large */
        char *huge = malloc(1100 * 1024);
        memset(huge, ' ', 1100 * 1024 - 1);
        huge[1100 * 1024 - 1] = '\0';
        huge[0] = '{';
        huge[1100 * 1024 - 2] = '}';
        put(".dockercfg", huge, 0600);
        free(huge);
        md_error_clear(&err);
        ck_assert_str_eq(lookup("localhost:5000", NULL, &err), "failed");
        ck_assert_ptr_nonnull(strstr(err.message, "larger than"));
        ck_assert_int_eq(unlinkat(sandbox_fd, ".dockercfg", 0), 0);

        /* the fallback: used when the sandbox has nothing for the registry */
        put("fallback.json", "{\"auths\":{\"localhost:5000\":{\"auth\":\"" ALICE "\"}}}", 0600);
        md_error_clear(&err);
        if (getuid() == 0) {
                v = lookup("localhost:5000", fb, &err);
                ck_assert_msg(v != NULL && strcmp(v, "failed") != 0, "%s", err.message);
                ck_assert_str_eq(user_of(v), "alice");
                free(v);
                /* the legacy format works as the fallback too */
                put("fallback.json", "{\"localhost:5000\":{\"auth\":\"" BOB "\"}}", 0600);
                v = lookup("localhost:5000", fb, &err);
                ck_assert_str_eq(user_of(v), "bob");
                free(v);
                put("fallback.json", "{\"auths\":{\"localhost:5000\":{\"auth\":\"" ALICE "\"}}}", 0600);
                /* the sandbox's own credentials win */
                put(".dockercfg", "{\"localhost:5000\":{\"auth\":\"" BOB "\"}}", 0600);
                v = lookup("localhost:5000", fb, &err);
                ck_assert_str_eq(user_of(v), "bob");
                free(v);
                ck_assert_int_eq(unlinkat(sandbox_fd, ".dockercfg", 0), 0);
                /* group-writable or not root's: refused */
                put("fallback.json", "{\"auths\":{}}", 0620);
                ck_assert_str_eq(lookup("localhost:5000", fb, &err), "failed");
                ck_assert_ptr_nonnull(strstr(err.message, "owned by root and writable by root only"));
                put("fallback.json", "{\"auths\":{}}", 0600);
                ck_assert_int_eq(fchownat(sandbox_fd, "fallback.json", 1, 1, 0), 0);
                md_error_clear(&err);
                ck_assert_str_eq(lookup("localhost:5000", fb, &err), "failed");
                /* a symlink as the fallback: refused */
                char ln[200];
                snprintf(ln, sizeof ln, "%s/fb-link", work);
                ck_assert_int_eq(symlink(fb, ln), 0);
                md_error_clear(&err);
                ck_assert_str_eq(lookup("localhost:5000", ln, &err), "failed");
        } else {
                /* not root's: refused */
                ck_assert_str_eq(lookup("localhost:5000", fb, &err), "failed");
                ck_assert_ptr_nonnull(strstr(err.message, "owned by root"));
        }
        /* named but absent: no credentials, no error */
        md_error_clear(&err);
        char absent[200];
        snprintf(absent, sizeof absent, "%s/absent.json", work);
        ck_assert_ptr_null(lookup("localhost:5000", absent, &err));
        ck_assert(!md_error_is_set(&err));
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("regauth");
        TCase *tc = tcase_create("parse");
        tcase_add_test(tc, config_json);
        tcase_add_test(tc, legacy_dockercfg);
        tcase_add_test(tc, helpers_never_used);
        tcase_add_test(tc, malformed);
        suite_add_tcase(s, tc);
        TCase *files = tcase_create("files");
        tcase_add_checked_fixture(files, setup, teardown);
        tcase_add_test(files, lookup_files);
        suite_add_tcase(s, files);
        return s;
}
