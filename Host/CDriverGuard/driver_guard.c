/* See driver_guard.h. Each shim sets a jump point with sigsetjmp and calls the driver; the
 * handler jumps back there (siglongjmp) when a crash signal comes while the driver runs. */
#define _GNU_SOURCE
#include "driver_guard.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT };
#define GUARDED_COUNT (sizeof guarded_signals / sizeof guarded_signals[0])
#define ALT_STACK_SIZE (256 * 1024)

static struct sigaction previous[GUARDED_COUNT];
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static pthread_key_t alt_stack_key;   /* frees a thread's alternate stack when the thread ends */

/* Set while this thread runs a guarded body: where to jump on a crash. */
static __thread sigjmp_buf *current_jump;
static __thread int has_alt_stack;
/* The file this thread's driver call writes when it takes the host down (see spider_guard_restart). */
static __thread const char *current_marker;

/* The host as it was started, kept from its first moment: re-executed after a memory fault. */
static char *const *restart_argv;
static char *const *restart_envp;
static const char *restart_path;
static int restart_first_closed = 3;   /* 4 when fd 3 is a socket systemd passed, to pass on again */

void spider_guard_prepare_restart(const char *path, char *const *argv, char *const *envp, int keep_fd3)
{
    restart_path = path;
    restart_argv = argv;
    restart_envp = envp;
    restart_first_closed = keep_fd3 ? 4 : 3;
}

void spider_guard_set_marker(const char *marker) { current_marker = marker; }

static void say(const char *text) { if (write(2, text, strlen(text)) < 0) { /* nothing more to do */ } }

/* A bad memory access or an abort inside a driver may have happened with the allocator's (or any)
 * lock held, or after the heap was corrupted: no code of the host can be trusted to run any more.
 * Only async-signal-safe calls from here: leave a note for the next start, then become it. */
static void restart_host(int sig)
{
    char digits[3] = { (char)('0' + sig / 10), (char)('0' + sig % 10), 0 };
    const char *number = digits[0] == '0' ? digits + 1 : digits;
    say("spiderd: a driver loaded into spiderd crashed with a memory fault or abort (signal ");
    say(number);
    say("); spiderd restarts itself now, and that driver will run in a process of its own\n");
    if (current_marker) {
        int fd = open(current_marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (write(fd, number, strlen(number)) < 0) { /* best effort: the restart matters more */ }
            fsync(fd);
            close(fd);
        }
    }
    /* Descriptors without close-on-exec (the listening socket among them) would outlive the exec
       and make the next start find its socket taken. */
    if (syscall(SYS_close_range, (unsigned)restart_first_closed, ~0u, 0) != 0)
        for (int fd = restart_first_closed; fd < 65536; fd++) close(fd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);   /* exec keeps the mask: the next start must see signals */
    if (restart_path) execve(restart_path, restart_argv, restart_envp);
    _exit(70);
}

static int index_of(int sig)
{
    for (size_t i = 0; i < GUARDED_COUNT; i++)
        if (guarded_signals[i] == sig) return (int)i;
    return -1;
}

static void on_crash(int sig, siginfo_t *info, void *ucontext)
{
    sigjmp_buf *jump = current_jump;
    if (jump && restart_path && (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT)) restart_host(sig);
    if (jump) {
        current_jump = NULL;
        siglongjmp(*jump, sig);
    }
    /* Not inside a driver call: what would have happened without us. */
    int i = index_of(sig);
    if (i >= 0 && (previous[i].sa_flags & SA_SIGINFO) && previous[i].sa_sigaction) {
        previous[i].sa_sigaction(sig, info, ucontext);
        return;
    }
    if (i >= 0 && previous[i].sa_handler != SIG_DFL && previous[i].sa_handler != SIG_IGN && previous[i].sa_handler) {
        previous[i].sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void free_alt_stack(void *memory)
{
    stack_t off = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    sigaltstack(&off, NULL);
    free(memory);
}

static void install(void)
{
    pthread_key_create(&alt_stack_key, free_alt_stack);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_crash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < GUARDED_COUNT; i++) sigaction(guarded_signals[i], &action, &previous[i]);
}

/* An alternate stack for this thread, once: a stack overflow leaves no room on the thread's own. */
static void ensure_alt_stack(void)
{
    if (has_alt_stack) return;
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) { has_alt_stack = 1; return; }
    stack_t stack = { .ss_sp = malloc(ALT_STACK_SIZE), .ss_size = ALT_STACK_SIZE, .ss_flags = 0 };
    if (!stack.ss_sp) return;
    if (sigaltstack(&stack, NULL) != 0) { free(stack.ss_sp); return; }
    pthread_setspecific(alt_stack_key, stack.ss_sp);
    has_alt_stack = 1;
}

/* Runs `call` (one statement calling into the driver) with this thread's jump point set;
 * evaluates to 0, or to the signal that interrupted it. */
#define GUARDED(call)                                                        \
    do {                                                                     \
        pthread_once(&installed, install);                                   \
        ensure_alt_stack();                                                  \
        sigjmp_buf jump;                                                     \
        sigjmp_buf *outer = current_jump;                                    \
        int sig = sigsetjmp(jump, 1);  /* 1: the signal mask comes back */   \
        if (sig == 0) {                                                      \
            current_jump = &jump;                                            \
            call;                                                            \
        }                                                                    \
        current_jump = outer;                                                \
        return sig;                                                          \
    } while (0)

int spider_guarded_entry(spider_driver_entry_fn entry, const spider_host_services *host, uint32_t host_min,
                         uint32_t host_max, uint32_t *out_abi_version, const spider_driver_table **out_table,
                         spider_status *out_status)
{
    GUARDED(*out_status = entry(host, host_min, host_max, out_abi_version, out_table));
}

int spider_guarded_connect(const spider_driver_table *table, const spider_connection_info *info,
                           spider_connection **out_connection, spider_result *result)
{
    GUARDED(table->connect(table->driver_data, info, out_connection, result));
}

int spider_guarded_disconnect(const spider_driver_table *table, spider_connection *connection)
{
    GUARDED(table->disconnect(connection));
}

int spider_guarded_call(const spider_driver_table *table, spider_connection *connection, const spider_call_context *ctx,
                        const char *operation, const char *request, size_t request_len, spider_result *result)
{
    GUARDED(table->call(connection, ctx, operation, request, request_len, result));
}

int spider_guarded_try_call(const spider_driver_table *table, spider_connection *connection, const char *operation,
                            const char *request, size_t request_len, spider_result *result, int32_t *out_answered)
{
    GUARDED(*out_answered = table->try_call(connection, operation, request, request_len, result));
}

int spider_guarded_release(const spider_driver_table *table, spider_result *result)
{
    GUARDED(table->release(table->driver_data, result));
}
