/*
 * pause holds a pod's namespaces open: it sleeps until SIGINT or SIGTERM
 * and reaps any child re-parented to it. Built with gcc -static by
 * hack/cluster.sh into the image registry.k8s.io/pause:3.10.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { _exit(sig == SIGTERM || sig == SIGINT ? 0 : 1); }

static void on_child(int sig) {
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
}

int main(int argc, char **argv) {
	struct sigaction sa;
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		static const char msg[] = "pause (farepipe) 3.10\n";
		return write(1, msg, sizeof msg - 1) < 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
		return 1;
	}
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL) < 0) {
		return 1;
	}
	for (;;) {
		pause();
	}
}
