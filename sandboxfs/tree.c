#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tree.h"

pthread_mutex_t sbfs_lock = PTHREAD_MUTEX_INITIALIZER;
struct sbfs_node sbfs_root = {.kind = SBFS_ROOT, .fd = -1, .nlookup = 2};

static struct sbfs_container *ct_head, *ct_tail;
static size_t n_containers;
static uint64_t next_serial = 1;

/* The live containers hashed by name and by serial (chained, doubled when the load passes 1),
 * so that a lookup in the root and a readdir of it cost the same with 10 or 10 000 containers. */
static struct sbfs_container **by_name, **by_serial;
static size_t n_ct_buckets;

static size_t name_hash(const char *name)
{
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
        for (const unsigned char *p = (const unsigned char *)name; *p; p++)
                h = (h ^ *p) * 0x100000001b3ULL;
        return (size_t)(h ^ (h >> 32));
}

static size_t serial_hash(uint64_t serial)
{
        return (size_t)(serial * 0x9E3779B97F4A7C15ULL >> 17);
}

static void ct_hash_insert(struct sbfs_container *c)
{
        size_t hn = name_hash(c->name) & (n_ct_buckets - 1);
        size_t hs = serial_hash(c->serial) & (n_ct_buckets - 1);
        c->by_name_next = by_name[hn];
        by_name[hn] = c;
        c->by_serial_next = by_serial[hs];
        by_serial[hs] = c;
}

static void ct_hash_delete(struct sbfs_container *c)
{
        size_t hn = name_hash(c->name) & (n_ct_buckets - 1);
        size_t hs = serial_hash(c->serial) & (n_ct_buckets - 1);
        for (struct sbfs_container **pp = &by_name[hn]; *pp; pp = &(*pp)->by_name_next)
                if (*pp == c) {
                        *pp = c->by_name_next;
                        break;
                }
        for (struct sbfs_container **pp = &by_serial[hs]; *pp; pp = &(*pp)->by_serial_next)
                if (*pp == c) {
                        *pp = c->by_serial_next;
                        break;
                }
}

static int ct_hash_grow(void)
{
        size_t nb = n_ct_buckets ? n_ct_buckets * 2 : 256;
        struct sbfs_container **bn = calloc(nb, sizeof *bn), **bs = calloc(nb, sizeof *bs);
        if (!bn || !bs) {
                free(bn);
                free(bs);
                return -ENOMEM;
        }
        free(by_name);
        free(by_serial);
        by_name = bn;
        by_serial = bs;
        n_ct_buckets = nb;
        for (struct sbfs_container *c = ct_head; c; c = c->next)
                ct_hash_insert(c);
        return 0;
}

/* Chained hash of nodes, doubled when the load passes 1, so a walk over a huge sandbox
 * costs memory only for what the kernel still holds. */
static struct sbfs_node **buckets;
static size_t n_buckets, n_nodes;

static size_t node_hash(const struct sbfs_container *ct, enum sbfs_kind kind, enum sbfs_stream stream,
                        dev_t dev, ino_t ino)
{
        uint64_t h = (uint64_t)(uintptr_t)ct * 0x9E3779B97F4A7C15ULL;
        h ^= ((uint64_t)kind << 8 | (uint64_t)stream) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
        h ^= (uint64_t)dev + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        h ^= (uint64_t)ino + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        return (size_t)(h ^ (h >> 29));
}

static int grow(void)
{
        size_t nb = n_buckets ? n_buckets * 2 : 1024;
        struct sbfs_node **b = calloc(nb, sizeof *b);
        if (!b)
                return -ENOMEM;
        for (size_t i = 0; i < n_buckets; i++) {
                struct sbfs_node *n = buckets[i];
                while (n) {
                        struct sbfs_node *next = n->hnext;
                        size_t h = node_hash(n->ct, n->kind, n->stream, n->dev, n->ino) & (nb - 1);
                        n->hnext = b[h];
                        b[h] = n;
                        n = next;
                }
        }
        free(buckets);
        buckets = b;
        n_buckets = nb;
        return 0;
}

struct sbfs_container *sbfs_ct_find(const char *name)
{
        if (!n_ct_buckets)
                return NULL;
        for (struct sbfs_container *c = by_name[name_hash(name) & (n_ct_buckets - 1)]; c; c = c->by_name_next)
                if (strcmp(c->name, name) == 0)
                        return c;
        return NULL;
}

struct sbfs_container *sbfs_ct_next(uint64_t after)
{
        if (after == 0)
                return ct_head;
        if (n_ct_buckets)
                for (struct sbfs_container *c = by_serial[serial_hash(after) & (n_ct_buckets - 1)]; c;
                     c = c->by_serial_next)
                        if (c->serial == after)
                                return c->next;
        /* the last one returned has gone since: the list is in serial order */
        for (struct sbfs_container *c = ct_head; c; c = c->next)
                if (c->serial > after)
                        return c;
        return NULL;
}

struct sbfs_container *sbfs_ct_add(char *name, struct md_record *rec, int sandbox_fd, uid_t owner_uid,
                                   gid_t owner_gid, char *owner_name, gid_t *owner_groups,
                                   size_t n_owner_groups)
{
        if (n_containers >= n_ct_buckets && ct_hash_grow() < 0 && n_ct_buckets == 0)
                return NULL;
        struct sbfs_container *c = calloc(1, sizeof *c);
        if (!c)
                return NULL;
        c->name = name;
        c->serial = next_serial++;
        c->refs = 1;
        c->live = true;
        c->rec = *rec;
        memset(rec, 0, sizeof *rec);
        c->sandbox_fd = sandbox_fd;
        c->watch = -1;
        c->owner_uid = owner_uid;
        c->owner_gid = owner_gid;
        c->owner_name = owner_name;
        c->owner_groups = owner_groups;
        c->n_owner_groups = n_owner_groups;
        c->prev = ct_tail;
        if (ct_tail)
                ct_tail->next = c;
        else
                ct_head = c;
        ct_tail = c;
        ct_hash_insert(c);
        n_containers++;
        return c;
}

void sbfs_ct_remove(struct sbfs_container *c)
{
        if (!c->live)
                return;
        c->live = false;
        ct_hash_delete(c);
        if (c->prev)
                c->prev->next = c->next;
        else
                ct_head = c->next;
        if (c->next)
                c->next->prev = c->prev;
        else
                ct_tail = c->prev;
        c->next = c->prev = NULL;
        n_containers--;
        sbfs_ct_unref(c);
}

void sbfs_ct_ref(struct sbfs_container *c)
{
        c->refs++;
}

void sbfs_ct_unref(struct sbfs_container *c)
{
        if (!c || --c->refs > 0)
                return;
        if (c->sandbox_fd >= 0)
                close(c->sandbox_fd);
        md_record_clear(&c->rec);
        free(c->name);
        free(c->owner_name);
        free(c->owner_groups);
        free(c);
}

size_t sbfs_ct_count(void)
{
        return n_containers;
}

struct sbfs_node *sbfs_node_get(struct sbfs_container *ct, enum sbfs_kind kind, enum sbfs_stream stream,
                                int fd, dev_t dev, ino_t ino)
{
        if (n_buckets) {
                size_t h = node_hash(ct, kind, stream, dev, ino) & (n_buckets - 1);
                for (struct sbfs_node *n = buckets[h]; n; n = n->hnext)
                        if (n->ct == ct && n->kind == kind && n->stream == stream && n->dev == dev &&
                            n->ino == ino) {
                                if (fd >= 0)
                                        close(fd);
                                n->nlookup++;
                                return n;
                        }
        }
        if (n_nodes >= n_buckets && grow() < 0 && n_buckets == 0) {
                if (fd >= 0)
                        close(fd);
                return NULL;
        }
        struct sbfs_node *n = calloc(1, sizeof *n);
        if (!n) {
                if (fd >= 0)
                        close(fd);
                return NULL;
        }
        n->kind = kind;
        n->stream = stream;
        n->ct = ct;
        n->fd = fd;
        n->dev = dev;
        n->ino = ino;
        n->nlookup = 1;
        sbfs_ct_ref(ct);
        size_t h = node_hash(ct, kind, stream, dev, ino) & (n_buckets - 1);
        n->hnext = buckets[h];
        buckets[h] = n;
        n_nodes++;
        return n;
}

void sbfs_node_forget(struct sbfs_node *n, uint64_t count)
{
        if (n == &sbfs_root)
                return;
        n->nlookup = count >= n->nlookup ? 0 : n->nlookup - count;
        if (n->nlookup > 0)
                return;
        size_t h = node_hash(n->ct, n->kind, n->stream, n->dev, n->ino) & (n_buckets - 1);
        for (struct sbfs_node **pp = &buckets[h]; *pp; pp = &(*pp)->hnext)
                if (*pp == n) {
                        *pp = n->hnext;
                        break;
                }
        n_nodes--;
        if (n->fd >= 0)
                close(n->fd);
        sbfs_ct_unref(n->ct);
        free(n);
}

size_t sbfs_node_count(void)
{
        return n_nodes;
}

void sbfs_tree_clear(void)
{
        for (size_t i = 0; i < n_buckets; i++) {
                struct sbfs_node *n = buckets[i];
                while (n) {
                        struct sbfs_node *next = n->hnext;
                        if (n->fd >= 0)
                                close(n->fd);
                        sbfs_ct_unref(n->ct);
                        free(n);
                        n = next;
                }
        }
        free(buckets);
        buckets = NULL;
        n_buckets = n_nodes = 0;
        while (ct_head)
                sbfs_ct_remove(ct_head);
        free(by_name);
        free(by_serial);
        by_name = by_serial = NULL;
        n_ct_buckets = 0;
}
