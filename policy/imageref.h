/* Docker image references, normalized as Docker does (distribution/reference):
 *   busybox                  -> docker.io/library/busybox:latest
 *   me/app:1                 -> docker.io/me/app:1
 *   localhost:5000/x         -> localhost:5000/x:latest
 *   reg.io/a/b@sha256:<64hex>-> kept with its digest (a tag may stand before it)
 * References with upper case in the repository, options ("-x"), shell characters,
 * whitespace, bad grammar or more than 255 bytes are refused before any policy match. */
#pragma once

#include <stddef.h>

#include "error.h"

#define IMAGEREF_MAX 512

/* Writes the normalized reference into out. Returns 0, or -1 with err (MD_EXIT_BAD_TASK)
 * saying what is wrong with the reference. */
int imageref_normalize(const char *ref, char out[static IMAGEREF_MAX], md_error *err);

/* Normalizes an image pattern of the policy: same rules, but '*', '?' and '[...]' are allowed,
 * and a pattern without a tag or digest gets ":latest". */
int imageref_normalize_pattern(const char *pattern, char out[static IMAGEREF_MAX], md_error *err);

/* The registry host part of a normalized reference ("docker.io", "localhost:5000"). */
void imageref_registry(const char *normalized, char out[static IMAGEREF_MAX]);

/* The repository of a normalized reference, without tag or digest
 * ("localhost:5000/a/b:1@sha256:…" -> "localhost:5000/a/b"). */
void imageref_repository(const char *normalized, char out[static IMAGEREF_MAX]);
