/* cmd.h: intake-submit's commands, one file each (cmd_submit.c,
 * cmd_upload.c, cmd_replies.c), picked from the table in main.c. */
#ifndef INTAKE_CLIENT_CMD_H
#define INTAKE_CLIENT_CMD_H

/* Each returns the process exit code (sysexits via st_exit_code; 1 when
 * the submitter cancels or a fingerprint does not match). argv[0] is the
 * command's name. */
int cmd_submit(int argc, char **argv);
int cmd_upload(int argc, char **argv);
int cmd_replies(int argc, char **argv);

#endif
