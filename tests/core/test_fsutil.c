/* Tests for core/util/fsutil.c's readers: a FIFO or device is refused at once
 * (never blocked on), files are read whole, the size cap is enforced. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/outfile.h"

static char dir[64];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/lms_fsutil_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* A FIFO with no writer: opening it for reading would block for ever. */
START_TEST(test_fifo_refused_without_blocking) {
    char path[128], err[256], want[256];
    snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    alarm(10); /* a blocking open fails the test instead of hanging it */
    ck_assert_int_lt(lms_open_regular(path, NULL, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO)", path);
    ck_assert_str_eq(err, want);
    ck_assert_ptr_null(lms_read_file(path, 1 << 20, NULL, err, sizeof err));
    ck_assert_str_eq(err, want);
    ck_assert_ptr_null(lms_fopen_regular(path, err, sizeof err));
    ck_assert_ptr_null(lms_read_file(dir, 1 << 20, NULL, err, sizeof err));
    ck_assert_msg(strstr(err, "not a regular file (a directory)"), "%s", err);
    ck_assert_ptr_null(lms_read_file("/dev/zero", 1 << 20, NULL, err, sizeof err));
    ck_assert_str_eq(err, "/dev/zero: not a regular file (a character device)");
}
END_TEST

/* Files far larger than any fixed buffer are read whole; the cap holds. */
START_TEST(test_whole_file_and_cap) {
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/big", dir);
    const size_t n = 300000;
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; i < n; i++)
        fputc('a' + (int)(i % 26), f);
    fclose(f);
    size_t len = 0;
    char *buf = lms_read_file(path, n, &len, err, sizeof err);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(len, n);
    ck_assert_uint_eq(strlen(buf), n);
    ck_assert_int_eq(buf[n - 1], 'a' + (int)((n - 1) % 26));
    free(buf);
    ck_assert_ptr_null(lms_read_file(path, n - 1, &len, err, sizeof err));
    ck_assert_msg(strstr(err, "too large (300000 bytes, the limit is 299999)"),
                  "%s", err);
    snprintf(path, sizeof path, "%s/none", dir);
    ck_assert_ptr_null(lms_read_file(path, n, &len, err, sizeof err));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_msg(strstr(err, "cannot open: No such file or directory"), "%s",
                  err);
}
END_TEST

/* Whole or not at all: a write the disk refuses (here a file size limit,
 * EFBIG, as a full disk gives ENOSPC) leaves the previous file and no
 * temporary, with the file and the reason named; abort leaves it too; a
 * commit replaces it. */
static int entries(const char *d) {
    char cmd[160];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", d);
    return system(cmd) == 0;
}

START_TEST(test_outfile_whole_or_nothing) {
    char path[128], err[256], want[256], *txt;
    snprintf(path, sizeof path, "%s/page.md", dir);
    lms_out o;
    ck_assert_ptr_nonnull(lms_out_open(&o, path, err, sizeof err));
    fputs("old\n", o.f);
    ck_assert_int_eq(lms_out_commit(&o, err, sizeof err), 0);
    ck_assert_int_eq(lms_out_commit(&o, err, sizeof err), 0); /* closed: no-op */
    ck_assert_ptr_nonnull(lms_out_open(&o, path, err, sizeof err));
    fputs("new, abandoned\n", o.f);
    lms_out_abort(&o);
    ck_assert_ptr_nonnull(txt = lms_read_file(path, 1 << 20, NULL, err, sizeof err));
    ck_assert_str_eq(txt, "old\n");
    free(txt);
    ck_assert(entries(dir));
    signal(SIGXFSZ, SIG_IGN);
    const struct rlimit lim = {4096, 4096};
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ck_assert_ptr_nonnull(lms_out_open(&o, path, err, sizeof err));
    for (int i = 0; i < 2000; i++)
        fputs("a line of a report that will not fit\n", o.f);
    ck_assert_int_eq(lms_out_commit(&o, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot write: File too large", path);
    ck_assert_str_eq(err, want);
    ck_assert_ptr_nonnull(txt = lms_read_file(path, 1 << 20, NULL, err, sizeof err));
    ck_assert_str_eq(txt, "old\n");
    free(txt);
    ck_assert(entries(dir));
    snprintf(path, sizeof path, "%s/none/page.md", dir);
    ck_assert_ptr_null(lms_out_open(&o, path, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory", path);
    ck_assert_str_eq(err, want);
}
END_TEST

/* Files committed together: when one cannot be written whole, none
 * replaces its file (the first one, whole, too) and no temporary is left;
 * when all can, all are replaced, and the handlers of the stop signals
 * are as they were afterwards (a command's own kept; the default back). */
static volatile sig_atomic_t got_term;
static void on_term(int sig) {
    (void)sig;
    got_term = 1;
}

static char *slurp_str(const char *path) {
    char err[256];
    char *t = lms_read_file(path, 1 << 20, NULL, err, sizeof err);
    ck_assert_msg(t, "%s", err);
    return t;
}

START_TEST(test_outfile_commit_all) {
    char a[128], b[128], err[256], want[256], *txt;
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.md", dir);
    lms_out o[3] = {{0}};
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    ck_assert_ptr_nonnull(lms_out_open(&o[2], b, err, sizeof err));
    fputs("old a\n", o[0].f);
    fputs("old b\n", o[2].f);
    ck_assert_int_eq(lms_out_commit_all(o, 3, err, sizeof err), 0); /* o[1] unused */
    signal(SIGXFSZ, SIG_IGN);
    const struct rlimit lim = {4096, 4096};
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    ck_assert_ptr_nonnull(lms_out_open(&o[1], b, err, sizeof err));
    fputs("new a, whole\n", o[0].f);
    for (int i = 0; i < 2000; i++)
        fputs("a line of a page that will not fit\n", o[1].f);
    ck_assert_int_eq(lms_out_commit_all(o, 2, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot write: File too large", b);
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(txt = slurp_str(a), "old a\n");
    free(txt);
    ck_assert_str_eq(txt = slurp_str(b), "old b\n");
    free(txt);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 2", dir);
    ck_assert_msg(system(cmd) == 0, "a temporary was left");
    signal(SIGTERM, on_term);
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    ck_assert_ptr_nonnull(lms_out_open(&o[1], b, err, sizeof err));
    fputs("new a\n", o[0].f);
    fputs("new b\n", o[1].f);
    got_term = 0;
    ck_assert_int_eq(lms_out_commit_all(o, 2, err, sizeof err), 0);
    ck_assert_str_eq(txt = slurp_str(a), "new a\n");
    free(txt);
    ck_assert_str_eq(txt = slurp_str(b), "new b\n");
    free(txt);
    /* a command's own handler is kept, and used */
    raise(SIGTERM);
    ck_assert(got_term);
    /* the default is put back */
    signal(SIGHUP, SIG_DFL);
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    ck_assert_int_eq(lms_out_commit_all(o, 1, err, sizeof err), 0);
    struct sigaction now;
    ck_assert_int_eq(sigaction(SIGHUP, NULL, &now), 0);
    ck_assert(now.sa_handler == SIG_DFL);
    ck_assert_int_eq(sigaction(SIGTERM, NULL, &now), 0);
    ck_assert(now.sa_handler == on_term);
}
END_TEST

/* A rename that fails after another succeeded puts the earlier file back
 * (and removes one that was not there before): here the last path of the
 * set has become a directory, which a file cannot replace. */
START_TEST(test_outfile_commit_all_rolls_back) {
    char a[128], c[128], d[128], err[256], want[256], *txt;
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(c, sizeof c, "%s/c.csv", dir);
    snprintf(d, sizeof d, "%s/d.md", dir);
    lms_out o[3] = {{0}};
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    fputs("old a\n", o[0].f);
    ck_assert_int_eq(lms_out_commit_all(o, 1, err, sizeof err), 0);
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    ck_assert_ptr_nonnull(lms_out_open(&o[1], c, err, sizeof err));
    ck_assert_ptr_nonnull(lms_out_open(&o[2], d, err, sizeof err));
    fputs("new a\n", o[0].f);
    fputs("new c\n", o[1].f);
    fputs("new d\n", o[2].f);
    ck_assert_int_eq(lms_out_commit_all(o, 3, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot write: Is a directory", d);
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(txt = slurp_str(a), "old a\n");
    free(txt);
    ck_assert_int_eq(access(c, F_OK), -1); /* it was not there before */
    char cmd[200];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 2", dir);
    ck_assert_msg(system(cmd) == 0, "a temporary or a kept file was left");
    /* and with every path a file, the set goes through and keeps nothing */
    ck_assert_int_eq(rmdir(d), 0);
    ck_assert_ptr_nonnull(lms_out_open(&o[0], a, err, sizeof err));
    ck_assert_ptr_nonnull(lms_out_open(&o[1], d, err, sizeof err));
    fputs("new a\n", o[0].f);
    fputs("new d\n", o[1].f);
    ck_assert_int_eq(lms_out_commit_all(o, 2, err, sizeof err), 0);
    ck_assert_str_eq(txt = slurp_str(a), "new a\n");
    free(txt);
    ck_assert_str_eq(txt = slurp_str(d), "new d\n");
    free(txt);
    ck_assert_msg(system(cmd) == 0, "a kept file was left");
}
END_TEST

/* A killed writer's temporaries are removed (named by this machine, or
 * with no machine as earlier versions wrote them); a live one's (here
 * ours), another machine's, a name that is not a temporary and, with
 * names, other files' are kept. */
START_TEST(test_outfile_clean) {
    char here[256], dead[256], mine[256];
    ck_assert_int_eq(lms_tmp_path(here, sizeof here, "x"), 0);
    const char *host = strchr(strchr(here, '.') + 5, '.') + 1; /* x.tmp.<pid>.<host> */
    ck_assert(*host && !strchr(host, '.') && !strchr(host, '/'));
    snprintf(dead, sizeof dead, "e.json.tmp.2147483646.%s", host);
    snprintf(mine, sizeof mine, "f.json.tmp.%ld.%s", (long)getpid(), host);
    const char *files[] = {"a.md.tmp.2147483646", "b.csv.tmp.0", "c.tmp.x",
                           "keep.txt", "d.tmp.2147483646", dead, mine,
                           "g.csv.tmp.2147483646.another-machine",
                           "h.csv.tmp.2147483646.a.b"};
    const size_t nf = sizeof files / sizeof *files;
    char path[512];
    for (size_t i = 0; i < nf; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fclose(f);
    }
    static const char *const only_d[] = {"d"};
    ck_assert_int_eq(lms_out_clean(dir, only_d, 1), 1);
    /* a killed commit_all's kept previous file goes with its file's name */
    char kept_old[256];
    snprintf(kept_old, sizeof kept_old, "%s/k.csv.old.tmp.2147483646.%s", dir,
             host);
    FILE *kf = fopen(kept_old, "w");
    ck_assert_ptr_nonnull(kf);
    fclose(kf);
    static const char *const only_j[] = {"j.csv"};
    ck_assert_int_eq(lms_out_clean(dir, only_j, 1), 0);
    static const char *const only_k[] = {"k.csv"};
    ck_assert_int_eq(lms_out_clean(dir, only_k, 1), 1);
    ck_assert(!lms_path_exists(kept_old));
    ck_assert_int_eq(lms_out_clean(dir, NULL, 0), 2); /* a.md, e.json */
    static const int kept[] = {0, 1, 1, 1, 0, 0, 1, 1, 1};
    for (size_t i = 0; i < nf; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        ck_assert_msg(!!lms_path_exists(path) == kept[i], "%s: %s", files[i],
                      kept[i] ? "removed" : "kept");
    }
    /* lms_out_open writes the same kind of name */
    lms_out o;
    snprintf(path, sizeof path, "%s/page.md", dir);
    ck_assert_ptr_nonnull(lms_out_open(&o, path, here, sizeof here));
    snprintf(mine, sizeof mine, "%s/page.md.tmp.%ld.%s", dir, (long)getpid(),
             host);
    ck_assert_str_eq(o.tmp, mine);
    lms_out_abort(&o);
}
END_TEST

int main(void) {
    Suite *s = suite_create("fsutil");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_fifo_refused_without_blocking);
    tcase_add_test(tc, test_whole_file_and_cap);
    tcase_add_test(tc, test_outfile_whole_or_nothing);
    tcase_add_test(tc, test_outfile_clean);
    tcase_add_test(tc, test_outfile_commit_all);
    tcase_add_test(tc, test_outfile_commit_all_rolls_back);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
