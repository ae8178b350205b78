/* Built into each program (not the library: the runtime looks the symbol up weakly, so an
 * archive member would never be linked). Under -Db_sanitize=address the programs are
 * non-dumpable, and LeakSanitizer's stop-the-world needs to ptrace them: leak checking is
 * left to valgrind on the unit suites; AddressSanitizer and UBSan stay on. */
#ifdef __has_feature
#if __has_feature(address_sanitizer)
#define MD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(MD_ASAN)
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
        return "detect_leaks=0:abort_on_error=0:exitcode=86";
}
#else
/* ISO C forbids an empty translation unit */
typedef int md_sanitizer_options_unused;
#endif
