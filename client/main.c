/* main.c: intake-submit's entry point: harden the process before anything
 * else, then pick the command from a table. With no command name the
 * default is a new submission, so "intake-submit FILE..." just works. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "i18n.h"
#include "jmem.h"
#include "net.h"
#include "proc.h"

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_usage();
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "submit", cmd_submit },
	{ "upload", cmd_upload },
	{ "replies", cmd_replies },
	{ "help", cmd_help },
};

int main(int argc, char **argv)
{
	int (*run)(int, char **) = cmd_submit;
	size_t i;
	int rc;
	st_t st;

	st = proc_harden();
	/* A bad --lang value is reported by the command's option parser. */
	(void)i18n_init(argc, argv);
	if (st != ST_OK) {
		fprintf(stderr, _("intake-submit: cannot start safely: %s\n"),
		        i18n_status(st));
		return st_exit_code(st);
	}
	/* Texts, names and receipts pass through jansson: wipe its memory. */
	jmem_wipe_on_free();
	/* A closed pipe is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1) {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			if (strcmp(argv[1], commands[i].name) == 0) {
				run = commands[i].run;
				argc--;
				argv++;
				break;
			}
		}
	}
	st = net_global_init();
	if (st != ST_OK) {
		fputs(_("intake-submit: cannot start the network library\n"),
		      stderr);
		return st_exit_code(st);
	}
	rc = run(argc, argv);
	net_global_cleanup();
	return rc;
}
