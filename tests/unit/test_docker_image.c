/* docker_image_fill_container_config: Mesos reads ContainerConfig.Entrypoint and .Env of an
 * image; Docker API >= 1.45 leaves ContainerConfig out and BuildKit images have it empty. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>

#include "check_run.h"
#include "docker.h"

static json_t *filled(const char *text)
{
        json_t *j = json_loads(text, 0, NULL);
        ck_assert_ptr_nonnull(j);
        docker_image_fill_container_config(j);
        return j;
}

static void assert_json(json_t *j, const char *key, const char *want)
{
        json_t *cc = json_object_get(j, "ContainerConfig");
        ck_assert_ptr_nonnull(cc);
        json_t *v = json_object_get(cc, key);
        ck_assert_msg(v != NULL, "%s missing", key);
        char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        ck_assert_str_eq(got, want);
        free(got);
}

START_TEST(missing_container_config)
{
        json_t *j = filled("{\"Config\":{\"Entrypoint\":[\"/bin/ep\"],\"Env\":[\"PATH=/bin\"]}}");
        assert_json(j, "Entrypoint", "[\"/bin/ep\"]");
        assert_json(j, "Env", "[\"PATH=/bin\"]");
        json_decref(j);
}
END_TEST

START_TEST(null_fields_and_null_config)
{
        json_t *j = filled("{\"ContainerConfig\":{\"Entrypoint\":null,\"Env\":null,\"Cmd\":[\"x\"]},"
                           "\"Config\":{\"Env\":[\"A=1\"]}}");
        assert_json(j, "Entrypoint", "null");
        assert_json(j, "Env", "[\"A=1\"]");
        assert_json(j, "Cmd", "[\"x\"]");
        json_decref(j);
        j = filled("{\"ContainerConfig\":null}");
        assert_json(j, "Entrypoint", "null");
        assert_json(j, "Env", "null");
        json_decref(j);
}
END_TEST

START_TEST(present_fields_are_kept)
{
        json_t *j = filled("{\"ContainerConfig\":{\"Entrypoint\":[\"/old\"],\"Env\":[]},"
                           "\"Config\":{\"Entrypoint\":[\"/new\"],\"Env\":[\"B=2\"]}}");
        assert_json(j, "Entrypoint", "[\"/old\"]");
        assert_json(j, "Env", "[]");
        json_decref(j);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("docker_image");
        TCase *tc = tcase_create("fill");
        tcase_add_test(tc, missing_container_config);
        tcase_add_test(tc, null_fields_and_null_config);
        tcase_add_test(tc, present_fields_are_kept);
        suite_add_tcase(s, tc);
        return s;
}
