/* See driver_guard.h. Each shim sets a jump point with sigsetjmp and calls the driver; the
 * handler jumps back there (siglongjmp) when a crash signal comes while the driver runs. */
#define _GNU_SOURCE
#include "driver_guard.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT };
#define GUARDED_COUNT (sizeof guarded_signals / sizeof guarded_signals[0])
#define ALT_STACK_SIZE (256 * 1024)

static struct sigaction previous[GUARDED_COUNT];
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static pthread_key_t alt_stack_key;   /* frees a thread's alternate stack when the thread ends */

/* Set while this thread runs a guarded body: where to jump on a crash. */
static __thread sigjmp_buf *current_jump;
static __thread int has_alt_stack;

static int index_of(int sig)
{
    for (size_t i = 0; i < GUARDED_COUNT; i++)
        if (guarded_signals[i] == sig) return (int)i;
    return -1;
}

static void on_crash(int sig, siginfo_t *info, void *ucontext)
{
    sigjmp_buf *jump = current_jump;
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
