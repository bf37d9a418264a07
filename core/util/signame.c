/* Stop signals' names (signame.h): one table for the run's, the sweep's
 * and the --json stream's messages. */
#include <signal.h>

#include "util/signame.h"

const char *lms_signal_name(int sig) {
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGPIPE: return "SIGPIPE";
    default: return "a signal";
    }
}
