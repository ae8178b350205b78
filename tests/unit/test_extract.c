/* Extraction safety: archives built here with libarchive's writer, extracted with
 * fetch_extract into a scratch directory, and each test asserts what landed where and what
 * did not (outside the directory above all). */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check_run.h"
#include "cleanup.h"
#include "fetch_internal.h"
#include "util.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* the entry tables */

struct ent {
        mode_t type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFIFO; 0: end */
        const char *path;
        const char *data; /* regular: contents; symlink: target */
        mode_t perm;
        const char *hardlink; /* for a hardlink entry */
        int64_t size; /* > 0: a zero-filled file of this size instead of data */
};

enum fmt { TAR, TAR_GZ, TAR_BZ2, TAR_XZ, ZIP, GZ };

static char work[] = "/tmp/md-test-extract-XXXXXX";
static char dest[4200], outside[4200];
static int dest_fd = -1;

static void setup(void)
{
        ck_assert_ptr_nonnull(mkdtemp(work));
        snprintf(dest, sizeof dest, "%s/dest", work);
        snprintf(outside, sizeof outside, "%s/outside", work);
        ck_assert_int_eq(mkdir(dest, 0755), 0);
        ck_assert_int_eq(mkdir(outside, 0755), 0);
        dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(dest_fd, 0);
}

static void teardown(void)
{
        close(dest_fd);
        char cmd[4300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
        ck_assert_int_eq(system(cmd), 0);
        strcpy(work, "/tmp/md-test-extract-XXXXXX");
}

static void build(const char *path, enum fmt f, const struct ent *ents)
{
        struct archive *a = archive_write_new();
        switch (f) {
        case TAR:
        case TAR_GZ:
        case TAR_BZ2:
        case TAR_XZ:
                archive_write_set_format_pax_restricted(a);
                if (f == TAR_GZ)
                        archive_write_add_filter_gzip(a);
                if (f == TAR_BZ2)
                        archive_write_add_filter_bzip2(a);
                if (f == TAR_XZ)
                        archive_write_add_filter_xz(a);
                break;
        case ZIP:
                archive_write_set_format_zip(a);
                break;
        case GZ:
                archive_write_add_filter_gzip(a);
                archive_write_set_format_raw(a);
                break;
        }
        ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
        static char zeros[65536];
        for (const struct ent *e = ents; e->type; e++) {
                struct archive_entry *ae = archive_entry_new();
                archive_entry_set_pathname(ae, e->path);
                archive_entry_set_filetype(ae, e->type);
                archive_entry_set_perm(ae, e->perm ? e->perm : (e->type == AE_IFDIR ? 0755 : 0644));
                archive_entry_set_mtime(ae, 1000000000, 0);
                int64_t size = 0;
                if (e->hardlink) {
                        archive_entry_set_hardlink(ae, e->hardlink);
                } else if (e->type == AE_IFLNK) {
                        archive_entry_set_symlink(ae, e->data);
                } else if (e->type == AE_IFREG) {
                        size = e->size > 0 ? e->size : (int64_t)strlen(e->data ? e->data : "");
                } else if (e->type == AE_IFCHR) {
                        archive_entry_set_rdev(ae, makedev(1, 3));
                }
                archive_entry_set_size(ae, size);
                ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
                if (e->size > 0) {
                        for (int64_t left = e->size; left > 0;) {
                                size_t n = left > (int64_t)sizeof zeros ? sizeof zeros : (size_t)left;
                                ck_assert_int_eq(archive_write_data(a, zeros, n), (la_ssize_t)n);
                                left -= (int64_t)n;
                        }
                } else if (size) {
                        ck_assert_int_eq(archive_write_data(a, e->data, (size_t)size), size);
                }
                archive_entry_free(ae);
        }
        ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
}

static int run(const char *name, enum fmt f, const struct ent *ents, uint64_t max_bytes, uint64_t max_entries,
               struct fetch_extract_stats *st, md_error *err)
{
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", work, name);
        build(path, f, ents);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        struct fetch_extract_limits lim = {.max_bytes = max_bytes, .max_entries = max_entries, .umask = 022};
        struct fetch_extract_stats local = {0};
        enum fetch_archive_kind kind = fetch_archive_kind(name);
        ck_assert_int_ne(kind, FETCH_ARCHIVE_NONE);
        return fetch_extract(fd, name, kind, dest_fd, "out", &lim, st ? st : &local, err);
}

static char *slurp(const char *dir, const char *name)
{
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", dir, name);
        int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return NULL;
        char *out = NULL;
        size_t len;
        int r = md_read_all(fd, 1 << 20, &out, &len);
        close(fd);
        return r < 0 ? NULL : out;
}

static bool exists(const char *dir, const char *name)
{
        char p[4400];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, name);
        return lstat(p, &st) == 0;
}

static int count_entries(const char *dir)
{
        char cmd[4400];
        snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 0", dir);
        return system(cmd) == 0 ? 0 : 1;
}

START_TEST(a_normal_tree)
{
        const struct ent ents[] = {
                {AE_IFDIR, "./top/"},
                {AE_IFREG, "top/file", "hello"},
                {AE_IFREG, "top/run", "#!/bin/sh\n", 0755},
                {AE_IFLNK, "top/link", "file"},
                {AE_IFLNK, "top/sub/up", "../file"},
                {AE_IFREG, "top/hard", NULL, 0, "top/file"},
                {AE_IFREG, "implicit/dirs/f", "x"},
                {0},
        };
        const enum fmt fmts[] = {TAR, TAR_GZ, TAR_BZ2, TAR_XZ, ZIP};
        const char *names[] = {"a.tar", "a.tgz", "a.tbz2", "a.txz", "a.zip"};
        for (size_t i = 0; i < 5; i++) {
                md_error err = {0};
                struct fetch_extract_stats st = {0};
                ck_assert_msg(run(names[i], fmts[i], ents, 1 << 20, 100, &st, &err) == 0, "%s: %s", names[i],
                              err.message);
                _cleanup_free_ char *f = slurp(dest, "top/file");
                ck_assert_str_eq(f, "hello");
                _cleanup_free_ char *h = slurp(dest, "top/hard");
                ck_assert_str_eq(h, fmts[i] == ZIP ? "" : "hello"); /* zip has no hardlinks: an empty file */
                char p[4400], t[64] = "";
                snprintf(p, sizeof p, "%s/top/link", dest);
                ck_assert_int_eq(readlink(p, t, sizeof t), 4);
                snprintf(p, sizeof p, "%s/top/run", dest);
                struct stat sb;
                ck_assert_int_eq(stat(p, &sb), 0);
                ck_assert_uint_eq(sb.st_mode & 07777, 0755);
                ck_assert_int_eq(sb.st_mtime, 1000000000);
                ck_assert(exists(dest, "implicit/dirs/f"));
                ck_assert(exists(dest, "top/sub/up"));
                ck_assert_uint_eq(st.entries, 7);
                ck_assert_uint_eq(st.bytes, 5 + 10 + 1);
                char cmd[4400];
                snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", dest);
                ck_assert_int_eq(system(cmd), 0);
        }
}
END_TEST

START_TEST(absolute_names_refused)
{
        char abs[4400];
        snprintf(abs, sizeof abs, "%s/abs-target", outside);
        const struct ent ents[] = {{AE_IFREG, abs, "pwned"}, {0}};
        md_error err = {0};
        ck_assert_int_eq(run("abs.tar", TAR, ents, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_ptr_nonnull(strstr(err.message, "extracting abs.tar: /"));
        ck_assert_ptr_nonnull(strstr(err.message, "absolute name or \"..\" refused"));
        ck_assert(!exists(outside, "abs-target"));
        ck_assert_int_eq(count_entries(dest), 0);
}
END_TEST

START_TEST(dotdot_refused)
{
        const struct ent ents[] = {{AE_IFREG, "a/../../outside/dd", "pwned"}, {0}};
        md_error err = {0};
        ck_assert_int_eq(run("dd.zip", ZIP, ents, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_str_eq(err.message,
                         "extracting dd.zip: a/../../outside/dd: absolute name or \"..\" refused");
        ck_assert(!exists(outside, "dd"));
        ck_assert_int_eq(count_entries(dest), 0);
}
END_TEST

START_TEST(symlink_then_file)
{
        /* a symlink out of the directory is refused outright */
        const struct ent out[] = {{AE_IFLNK, "esc", outside}, {AE_IFREG, "esc/pwned", "x"}, {0}};
        md_error err = {0};
        ck_assert_int_eq(run("s1.tar", TAR, out, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "esc: symlink to"));
        ck_assert_ptr_nonnull(strstr(err.message, "points outside"));
        ck_assert(!exists(outside, "pwned"));
        ck_assert(!exists(dest, "esc"));
        const struct ent rel_out[] = {{AE_IFLNK, "d/esc", "../../outside"}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("s2.tar", TAR, rel_out, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "points outside"));
        const struct ent sneaky[] = {{AE_IFLNK, "d/e/l", "x/../../.."}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("s3.tar", TAR, sneaky, 1 << 20, 100, NULL, &err), -EIO);
        /* even a symlink that stays inside is never written through */
        const struct ent in[] = {
                {AE_IFDIR, "real/"}, {AE_IFLNK, "in", "real"}, {AE_IFREG, "in/x", "through"}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("s4.tar", TAR, in, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "in/x"));
        ck_assert(!exists(dest, "real/x"));
        /* a symlink planted in the directory beforehand: the same */
        ck_assert_int_eq(symlinkat(outside, dest_fd, "planted"), 0);
        const struct ent planted[] = {{AE_IFREG, "planted/pwned", "x"}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("s5.tgz", TAR_GZ, planted, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_str_eq(err.message, "extracting s5.tgz: planted/pwned: Too many levels of symbolic links");
        ck_assert(!exists(outside, "pwned"));
        /* a file entry over a planted symlink replaces the link, the target stays untouched */
        char victim[4400];
        snprintf(victim, sizeof victim, "%s/victim", outside);
        int vfd = open(victim, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        ck_assert_int_eq(md_write_all(vfd, "safe", 4), 0);
        close(vfd);
        ck_assert_int_eq(symlinkat(victim, dest_fd, "over"), 0);
        const struct ent over[] = {{AE_IFREG, "over", "new"}, {0}};
        md_error_clear(&err);
        ck_assert_msg(run("s6.tar", TAR, over, 1 << 20, 100, NULL, &err) == 0, "%s", err.message);
        _cleanup_free_ char *v = slurp(outside, "victim");
        ck_assert_str_eq(v, "safe");
        _cleanup_free_ char *o = slurp(dest, "over");
        ck_assert_str_eq(o, "new");
}
END_TEST

START_TEST(hardlinks_out_refused)
{
        const struct ent abs[] = {{AE_IFREG, "h", NULL, 0, "/etc/passwd"}, {0}};
        md_error err = {0};
        ck_assert_int_eq(run("h1.tar", TAR, abs, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "hardlink to /etc/passwd outside the archive"));
        ck_assert(!exists(dest, "h"));
        const struct ent up[] = {{AE_IFREG, "h", NULL, 0, "../outside/f"}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("h2.tar", TAR, up, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert(!exists(dest, "h"));
        /* through a planted symlink to a directory outside, or to a symlink: refused */
        char f[4400];
        snprintf(f, sizeof f, "%s/f", outside);
        close(open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        ck_assert_int_eq(symlinkat(outside, dest_fd, "pl"), 0);
        ck_assert_int_eq(symlinkat(f, dest_fd, "plf"), 0);
        const struct ent via[] = {{AE_IFREG, "h", NULL, 0, "pl/f"}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("h3.tar", TAR, via, 1 << 20, 100, NULL, &err), -EIO);
        const struct ent tolink[] = {{AE_IFREG, "h", NULL, 0, "plf"}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("h4.tar", TAR, tolink, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "not an extracted file"));
        ck_assert(!exists(dest, "h"));
        struct stat st;
        ck_assert_int_eq(stat(f, &st), 0);
        ck_assert_uint_eq(st.st_nlink, 1);
}
END_TEST

START_TEST(special_files_skipped_and_modes_cleaned)
{
        const struct ent ents[] = {
                {AE_IFCHR, "dev/null2"},         {AE_IFIFO, "fifo"},
                {AE_IFREG, "suid", "x", 06755},  {AE_IFREG, "sticky", "x", 01777},
                {AE_IFDIR, "sdir", NULL, 02775}, {0},
        };
        md_error err = {0};
        struct fetch_extract_stats st = {0};
        ck_assert_msg(run("sp.tar", TAR, ents, 1 << 20, 100, &st, &err) == 0, "%s", err.message);
        ck_assert(!exists(dest, "dev/null2"));
        ck_assert(!exists(dest, "fifo"));
        ck_assert_uint_eq(st.skipped, 2);
        struct stat sb;
        ck_assert_int_eq(fstatat(dest_fd, "suid", &sb, 0), 0);
        ck_assert_uint_eq(sb.st_mode & 07777, 0755);
        ck_assert_int_eq(fstatat(dest_fd, "sticky", &sb, 0), 0);
        ck_assert_uint_eq(sb.st_mode & 07777, 0755);
        ck_assert_int_eq(fstatat(dest_fd, "sdir", &sb, 0), 0);
        ck_assert_uint_eq(sb.st_mode & 07000, 0);
}
END_TEST

START_TEST(zip_bomb_entries)
{
        struct ent *ents = calloc(1002, sizeof *ents);
        char(*names)[16] = calloc(1001, 16);
        for (int i = 0; i < 1001; i++) {
                snprintf(names[i], 16, "e%d", i);
                ents[i] = (struct ent){AE_IFREG, names[i], ""};
        }
        md_error err = {0};
        ck_assert_int_eq(run("many.zip", ZIP, ents, 1 << 20, 1000, NULL, &err), -EIO);
        ck_assert_str_eq(err.message, "extracting many.zip: more than 1000 entries");
        free(ents);
        free(names);
}
END_TEST

START_TEST(zip_bomb_bytes)
{
        /* one entry beyond the limit: refused, and no file under its name */
        const struct ent big[] = {{AE_IFREG, "big", NULL, 0, NULL, 3 << 20}, {0}};
        md_error err = {0};
        ck_assert_int_eq(run("big.zip", ZIP, big, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_str_eq(err.message, "extracting big.zip: big: more than the limit of 1048576 bytes");
        ck_assert(!exists(dest, "big"));
        ck_assert_int_eq(count_entries(dest), 0);
        /* many entries each under the limit, together over it */
        const struct ent sum[] = {
                {AE_IFREG, "p1", NULL, 0, NULL, 600 << 10}, {AE_IFREG, "p2", NULL, 0, NULL, 600 << 10}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("sum.tgz", TAR_GZ, sum, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_str_eq(err.message, "extracting sum.tgz: p2: more than the limit of 1048576 bytes");
        ck_assert(!exists(dest, "p2"));
        /* a gzip bomb (bare .gz): counted while it inflates, nothing kept */
        const struct ent gz[] = {{AE_IFREG, "data", NULL, 0, NULL, 4 << 20}, {0}};
        md_error_clear(&err);
        ck_assert_int_eq(run("bomb.gz", GZ, gz, 1 << 20, 100, NULL, &err), -EIO);
        ck_assert_str_eq(err.message, "extracting bomb.gz: out: more than the limit of 1048576 bytes");
        ck_assert(!exists(dest, "out"));
}
END_TEST

START_TEST(zip_duplicate_later_wins)
{
        const struct ent ents[] = {{AE_IFREG, "dup.txt", "first"}, {AE_IFREG, "dup.txt", "second"}, {0}};
        md_error err = {0};
        ck_assert_msg(run("dup.zip", ZIP, ents, 1 << 20, 100, NULL, &err) == 0, "%s", err.message);
        _cleanup_free_ char *d = slurp(dest, "dup.txt");
        ck_assert_str_eq(d, "second");
        char hidden[4400];
        snprintf(hidden, sizeof hidden, "ls -A '%s' | grep -q '^\\.fetch' && exit 1 || exit 0", dest);
        ck_assert_int_eq(system(hidden), 0);
}
END_TEST

START_TEST(bare_gz)
{
        const struct ent ents[] = {{AE_IFREG, "data", "plain text\n"}, {0}};
        md_error err = {0};
        ck_assert_msg(run("x.gz", GZ, ents, 1 << 20, 100, NULL, &err) == 0, "%s", err.message);
        _cleanup_free_ char *d = slurp(dest, "out");
        ck_assert_str_eq(d, "plain text\n");
}
END_TEST

START_TEST(sparse_tail)
{
        /* GNU tar's sparse format: data, then a hole to the declared size */
        char cmd[4400];
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && printf head > sp && truncate -s 3M sp && tar --format=gnu -cSf sparse.tar sp && "
                 "rm sp",
                 work);
        ck_assert_int_eq(system(cmd), 0);
        char path[4400];
        snprintf(path, sizeof path, "%s/sparse.tar", work);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct fetch_extract_limits lim = {4 << 20, 100, 022};
        struct fetch_extract_stats st = {0};
        md_error err = {0};
        ck_assert_msg(fetch_extract(fd, "sparse.tar", FETCH_ARCHIVE_TAR, dest_fd, "", &lim, &st, &err) == 0,
                      "%s", err.message);
        struct stat sb;
        ck_assert_int_eq(fstatat(dest_fd, "sp", &sb, 0), 0);
        ck_assert_int_eq(sb.st_size, 3 << 20);
        char d[8] = "xxxxxxx";
        _cleanup_close_ int sfd = openat(dest_fd, "sp", O_RDONLY | O_CLOEXEC);
        ck_assert_int_eq(pread(sfd, d, sizeof d, 0), (ssize_t)sizeof d);
        ck_assert_int_eq(memcmp(d, "head\0\0\0\0", 8), 0);
        ck_assert_int_eq(pread(sfd, d, 1, (3 << 20) - 1), 1);
        ck_assert_int_eq(d[0], 0);
        /* its declared size counts against the limit, holes or not */
        ck_assert_int_eq(unlinkat(dest_fd, "sp", 0), 0);
        lim.max_bytes = 1 << 20;
        memset(&st, 0, sizeof st);
        ck_assert_int_eq(fetch_extract(fd, "sparse.tar", FETCH_ARCHIVE_TAR, dest_fd, "", &lim, &st, &err),
                         -EIO);
        ck_assert(!exists(dest, "sp"));
}
END_TEST

START_TEST(corrupt_archive)
{
        char path[4400];
        snprintf(path, sizeof path, "%s/junk.tar.gz", work);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        ck_assert_int_eq(md_write_all(fd, "\x1f\x8b\x08\x00garbage-not-gzip", 20), 0);
        struct fetch_extract_limits lim = {1 << 20, 100, 022};
        struct fetch_extract_stats st = {0};
        md_error err = {0};
        ck_assert_int_eq(fetch_extract(fd, "junk.tar.gz", FETCH_ARCHIVE_TAR, dest_fd, "", &lim, &st, &err),
                         -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "extracting junk.tar.gz: "));
        close(fd);
}
END_TEST

/* The whole path through fetch_run: archives named as Mesos sees them, extracted into the
 * sandbox (x.gz next to itself), the archive kept; executable wins over extract. */
START_TEST(fetch_run_extracts)
{
        char src[4400], gzsrc[4400], zsrc[4400];
        snprintf(src, sizeof src, "%s/pkg.tar.xz", work);
        snprintf(gzsrc, sizeof gzsrc, "%s/notes.gz", work);
        snprintf(zsrc, sizeof zsrc, "%s/tool.zip", work);
        const struct ent t[] = {{AE_IFREG, "pkg/bin/tool", "#!/bin/sh\n", 0755}, {0}};
        const struct ent g[] = {{AE_IFREG, "data", "notes\n"}, {0}};
        build(src, TAR_XZ, t);
        build(gzsrc, GZ, g);
        build(zsrc, ZIP, g);
        const char *schemes[] = {"file"};
        struct fetch_item items[] = {
                {.uri = src, .extract = true},
                {.uri = gzsrc, .extract = true, .output_file = "docs/notes.gz"},
                {.uri = zsrc, .extract = true, .executable = true},
                {.uri = zsrc, .extract = false, .output_file = "kept.zip"},
        };
        struct fetch_request req = {
                .uid = getuid(),
                .gid = getgid(),
                .sandbox_dirfd = dest_fd,
                .items = items,
                .n_items = 4,
                .allowed_schemes = schemes,
                .n_allowed_schemes = 1,
                .max_bytes = 1 << 20,
                .cache_dirfd = -1,
                .log_fd = -1,
        };
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        ck_assert(exists(dest, "pkg.tar.xz"));
        _cleanup_free_ char *tool = slurp(dest, "pkg/bin/tool");
        ck_assert_str_eq(tool, "#!/bin/sh\n");
        ck_assert(exists(dest, "docs/notes.gz"));
        _cleanup_free_ char *notes = slurp(dest, "docs/notes");
        ck_assert_str_eq(notes, "notes\n");
        ck_assert(!exists(dest, "data")); /* tool.zip was executable: not extracted */
        ck_assert(exists(dest, "tool.zip"));
        ck_assert(exists(dest, "kept.zip"));
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("extract");
        TCase *tc = tcase_create("extract");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, a_normal_tree);
        tcase_add_test(tc, absolute_names_refused);
        tcase_add_test(tc, dotdot_refused);
        tcase_add_test(tc, symlink_then_file);
        tcase_add_test(tc, hardlinks_out_refused);
        tcase_add_test(tc, special_files_skipped_and_modes_cleaned);
        tcase_add_test(tc, zip_bomb_entries);
        tcase_add_test(tc, zip_bomb_bytes);
        tcase_add_test(tc, zip_duplicate_later_wins);
        tcase_add_test(tc, bare_gz);
        tcase_add_test(tc, sparse_tail);
        tcase_add_test(tc, corrupt_archive);
        tcase_add_test(tc, fetch_run_extracts);
        tcase_set_timeout(tc, 120);
        suite_add_tcase(s, tc);
        return s;
}
