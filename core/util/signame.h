/* A stop signal's name as lmstab's messages and --json events give it
 * (signame.c). */
#ifndef LMSTAB_CORE_SIGNAME_H
#define LMSTAB_CORE_SIGNAME_H

/* "SIGINT", "SIGTERM", "SIGHUP" or "SIGPIPE"; "a signal" for any other. */
const char *lms_signal_name(int sig);

#endif
