/* What the files of the FUSE operations (ops*.c) share: a node's attributes and who may use it
 * (ops_attr.c), and the handlers that ops.c puts in its table. */
#pragma once

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "reader.h"
#include "tree.h"

extern const char *const sbfs_stream_names[_SBFS_STREAM_MAX];

struct sbfs_node *sbfs_node_of(fuse_ino_t ino);
/* May the reader use node n at all? Root's children are checked per entry. For anything in a
 * container: the container is still there and the reader may see it; otherwise the reader
 * learns nothing (ENOENT). */
bool sbfs_allowed(struct sbfs_reader *r, const struct sbfs_node *n);
/* The node of ino for the reader of req (r, initialized here), or NULL after answering ENOENT:
 * the start of every handler that takes an inode without an open file. */
struct sbfs_node *sbfs_node_for(fuse_req_t req, fuse_ino_t ino, struct sbfs_reader *r);
/* lstat of a sandbox node's O_PATH fd; negative errno. */
int sbfs_node_stat_fd(const struct sbfs_node *n, struct stat *st);
/* The attributes a reader sees; negative errno. */
int sbfs_node_attr(struct sbfs_node *n, struct stat *st);
/* How long the kernel may keep n's attributes st. */
double sbfs_attr_timeout(const struct sbfs_node *n, const struct stat *st);
/* Whether st (a fresh stat of n at an open) shows n as it was at the last open: same size, mtime
 * and ctime. Then the kernel may keep what it cached of n, its pages or its listing: any change
 * to a file's bytes or a folder's names moves its mtime, and the kernel's multigrain timestamps
 * make a change right after our stat move it even within one clock tick. */
bool sbfs_node_unchanged(struct sbfs_node *n, const struct stat *st);
/* The entry for n, just looked up in parent (one lookup already counted); negative errno. */
int sbfs_fill_entry(const struct sbfs_node *parent, struct sbfs_node *n, struct fuse_entry_param *e);

/* ops_lookup.c */
void sbfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void sbfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void sbfs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void sbfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void sbfs_readlink(fuse_req_t req, fuse_ino_t ino);
void sbfs_access(fuse_req_t req, fuse_ino_t ino, int mask);

/* ops_file.c */
void sbfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void sbfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void sbfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void sbfs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct fuse_pollhandle *ph);

/* ops_dir.c */
void sbfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void sbfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, struct fuse_file_info *fi);
void sbfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
