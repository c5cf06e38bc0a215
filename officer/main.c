/* main.c: intake-officer, the intake officer's tool. One binary for both
 * of the officer's machines: the air-gapped one that holds the secret key
 * and opens envelopes, and the online one that fetches them and pushes
 * replies. Each subcommand says which machine it belongs on. */
#include <stdio.h>
#include <string.h>
#include "casecmd.h"
#include "cli.h"
#include "jmem.h"
#include "keycmd.h"
#include "netcmd.h"
#include "pagecmd.h"
#include "proc.h"
#include "rootcmd.h"
#include "status.h"
#include "version.h"

typedef struct {
	const char *name;
	st_t (*run)(int argc, char **argv);
	const char *machine;
	const char *summary;
} officer_cmd;

static const officer_cmd officer_cmds[] = {
	{ "keygen", keycmd_keygen, "air-gapped", "create an officer key pair" },
	{ "bundle", keycmd_bundle, "air-gapped",
	  "join public keys into the organization's bundle" },
	{ "fingerprint", keycmd_fingerprint, "either",
	  "print the fingerprint of a key or bundle" },
	{ "open", casecmd_open, "air-gapped",
	  "decrypt fetched envelopes into case folders" },
	{ "list", casecmd_list, "air-gapped", "list cases" },
	{ "show", casecmd_show, "air-gapped", "show one case" },
	{ "note", casecmd_note, "air-gapped", "add a note to a case" },
	{ "state", casecmd_state, "air-gapped", "set a case's state" },
	{ "search", casecmd_search, "air-gapped", "search testimony text" },
	{ "reply", casecmd_reply, "air-gapped",
	  "encrypt a reply to a case's submitter" },
	{ "auth-keygen", keycmd_auth_keygen, "online",
	  "create the key that signs server requests" },
	{ "fetch", netcmd_fetch, "online", "download new submissions" },
	{ "push", netcmd_push, "online", "post replies to their mailboxes" },
	{ "root-keygen", rootcmd_root_keygen, "air-gapped",
	  "create the organization's root key" },
	{ "root-fingerprint", rootcmd_root_fingerprint, "either",
	  "print the root fingerprint submitters pin" },
	{ "keyset-entry", rootcmd_keyset_entry, "air-gapped",
	  "print an officer's entry for keyset-make" },
	{ "keyset-make", rootcmd_keyset_make, "air-gapped",
	  "sign a keyset: officers and revoked keys" },
	{ "keyset-show", rootcmd_keyset_show, "either",
	  "check a keyset and list its keys" },
	{ "keyset-push", rootcmd_keyset_push, "online",
	  "upload a keyset to the server" },
	{ "check-page", pagecmd_check_page, "online",
	  "compare a server's submission page with this release" },
};

static void officer_usage(FILE *f)
{
	size_t i;

	fputs("usage: intake-officer COMMAND [OPTIONS]\n"
	      "       intake-officer COMMAND --help\n\ncommands:\n", f);
	for (i = 0; i < sizeof officer_cmds / sizeof officer_cmds[0]; i++)
		fprintf(f, "  %-12s %-11s %s\n", officer_cmds[i].name,
		        officer_cmds[i].machine, officer_cmds[i].summary);
	fputs("\n  -h, --help   this text (COMMAND -h: the command's)\n"
	      "  --version    the program's version\n"
	      "\nexit codes: 0 success, 1 wrong passphrase, decryption or\n"
	      "authentication refused, 64 usage error, 65 malformed input,\n"
	      "66 missing input, 69 server unreachable, 73 would overwrite,\n"
	      "74 input/output error, 77 unsafe permissions on a secret file.\n",
	      f);
}

int main(int argc, char **argv)
{
	size_t i;
	st_t st;

	st = proc_harden();
	if (st != ST_OK) {
		cli_fail(st, "cannot start");
		return st_exit_code(st);
	}
	/* Manifests, notes and search results pass through jansson. */
	jmem_wipe_on_free();
	if (argc < 2) {
		officer_usage(stderr);
		return st_exit_code(ST_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		officer_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("intake-officer %s\n", INTAKE_VERSION);
		return 0;
	}
	/* "COMMAND -h" is "COMMAND --help". */
	if (argc == 3 && strcmp(argv[2], "-h") == 0)
		argv[2] = (char *)"--help";
	for (i = 0; i < sizeof officer_cmds / sizeof officer_cmds[0]; i++)
		if (strcmp(argv[1], officer_cmds[i].name) == 0)
			return st_exit_code(officer_cmds[i].run(argc - 1, argv + 1));
	fprintf(stderr, CLI_PROG ": unknown command '%s'\n", argv[1]);
	officer_usage(stderr);
	return st_exit_code(ST_USAGE);
}
