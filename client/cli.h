/* cli.h: intake-submit's commands (submit, upload, replies), each with
 * its own options, help text and flow. Arguments come from the person at
 * the keyboard; the receipt code is never accepted in argv. */
#ifndef INTAKE_CLIENT_CLI_H
#define INTAKE_CLIENT_CLI_H

/* Each returns the process exit code (sysexits via st_exit_code; 1 when
 * the submitter cancels or a fingerprint does not match). argv[0] is the
 * command's name. */
int cli_submit(int argc, char **argv);
int cli_upload(int argc, char **argv);
int cli_replies(int argc, char **argv);

/* The overview printed by "intake-submit help". */
void cli_usage(void);

#endif
