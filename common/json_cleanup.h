#pragma once
#include <jansson.h>
#include "cleanup.h"

static inline void md_json_decrefp(json_t **j)
{
        json_decref(*j);
} /* json_decref accepts NULL */
#define _cleanup_json_ _cleanup_(md_json_decrefp)
