/* bench/folios FILE: how the page cache holds FILE, in folios of which sizes. bench/fs prints it
 * for a log read directly and through the mount, because that is what sets a warm read's speed:
 * the kernel copies a cached file folio by folio.
 *
 * It maps the file, touches each page (of the first 1 GiB), and looks each page's frame up in
 * /proc/kpageflags: a large folio is a compound page, its head followed by tails. Root only. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define PFN_MASK ((UINT64_C(1) << 55) - 1)
#define MAX_BYTES (UINT64_C(1) << 30)

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: folios FILE\n");
                return 64;
        }
        long page = sysconf(_SC_PAGESIZE);
        int fd = open(argv[1], O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
                perror(argv[1]);
                return 1;
        }
        uint64_t size = (uint64_t)st.st_size < MAX_BYTES ? (uint64_t)st.st_size : MAX_BYTES;
        uint64_t pages = size / (uint64_t)page;
        volatile const char *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
        int pagemap = open("/proc/self/pagemap", O_RDONLY);
        int kflags = open("/proc/kpageflags", O_RDONLY);
        if (map == MAP_FAILED || pagemap < 0 || kflags < 0) {
                perror("mmap, /proc/self/pagemap or /proc/kpageflags");
                return 1;
        }
        uint64_t in_large = 0, largest = 1, run = 0;
        for (uint64_t i = 0; i < pages; i++) {
                (void)map[i * (uint64_t)page];
                uint64_t entry = 0, flags = 0;
                off_t at = (off_t)(((uintptr_t)map / (uint64_t)page + i) * sizeof entry);
                if (pread(pagemap, &entry, sizeof entry, at) != sizeof entry ||
                    pread(kflags, &flags, sizeof flags, (off_t)((entry & PFN_MASK) * sizeof flags)) !=
                            sizeof flags) {
                        perror("reading the page flags");
                        return 1;
                }
                if (flags & (UINT64_C(1) << KPF_COMPOUND_TAIL)) {
                        run++;
                } else {
                        run = flags & (UINT64_C(1) << KPF_COMPOUND_HEAD) ? 1 : 0;
                }
                if (run) {
                        in_large++;
                        largest = run > largest ? run : largest;
                }
        }
        printf("{\"pages\":%llu,\"in_large_folios\":%llu,\"largest_folio_kib\":%llu}\n",
               (unsigned long long)pages, (unsigned long long)in_large,
               (unsigned long long)(largest * (uint64_t)page / 1024));
        return 0;
}
