/* How `parameters = KEY=VALUE` compares a value: as docker reads it, so that one spelling in
 * the policy meets every spelling docker takes for the same thing, and no spelling docker
 * reads differently slips past. Used on the policy's values at load time and on the task's at
 * decision time: one rule for both sides. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy_internal.h"

/* docker's NormalizeLegacyCapabilities: upper case, "CAP_" prefixed, "ALL" as is */
static bool capability_key(const char *key)
{
        return strcmp(key, "cap-add") == 0 || strcmp(key, "cap-drop") == 0;
}

int policy_parameter_value(const char *key, const char *value, char *buf, size_t size)
{
        size_t n = strlen(value);
        if (n == 0 || n > POLICY_VALUE_MAX)
                return -EINVAL;
        for (const char *c = value; *c; c++)
                if ((unsigned char)*c <= 0x20 || *c == 0x7f)
                        return -EINVAL; /* no blanks or control characters: a policy word */
        if (!capability_key(key)) {
                if (n >= size)
                        return -ENAMETOOLONG;
                memcpy(buf, value, n + 1);
                return 0;
        }
        char up[POLICY_VALUE_MAX + 1];
        for (size_t i = 0; i <= n; i++)
                up[i] = (char)toupper((unsigned char)value[i]);
        bool prefix = strcmp(up, "ALL") != 0 && strncmp(up, "CAP_", 4) != 0;
        if (snprintf(buf, size, "%s%s", prefix ? "CAP_" : "", up) >= (int)size)
                return -ENAMETOOLONG;
        return 0;
}
