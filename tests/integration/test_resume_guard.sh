#!/usr/bin/env bash
# test_resume_guard.sh: a resumed upload never encrypts a changed file
# under a nonce it already used (issue 9). The real intake-submit sends
# through a proxy on 127.0.0.1 to the real intake-server; the proxy cuts
# the connection once, rewrites the attachment while the client waits,
# and from then on stands for a hostile server: it answers every offset
# query with 0, so the client must seal chunk 0 again. The client must
# stop with the clear message and exit 65, send no chunk of the changed
# file (the connections after the cut carry less than one 64 KiB chunk),
# and leave nothing stored. The same cut and rewind without a change is
# not stopped by the guard (re-sealing unchanged plaintext gives the same
# bytes); honest resumes that complete are test_client_faults.sh.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP")
printf 'testimony, then the video changes mid-upload\n' >"$T/text"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$T/video.mp4"
cp "$T/video.mp4" "$T/video.orig"
CHUNK=65552 # one sealed chunk: 64 KiB and its tag

# --- the file changes during the upload, the "server" asks from 0 ----------
cli_bg cut1 P1 python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" \
	--after 6000000 --cuts 1 --rewind --log "$T/cut1.log" \
	--on-cut "head -c 1048576 /dev/urandom | dd of='$T/video.mp4' conv=notrunc status=none"
expect_exit 65 "changed file: the upload stops (exit 65)" $SUBMIT "${NOCONF[@]}" \
	--server "http://127.0.0.1:$P1" -m "$T/text" "$T/video.mp4"
check "changed file: says a file changed while it was sent" \
	grep -q "a file changed while it was sent" "$T/err"
check "changed file: the proxy cut once" test "$(grep -c 'cut=1' "$T/cut1.log")" -eq 1
check "changed file: the file really changed" bash -c "! cmp -s '$T/video.mp4' '$T/video.orig'"
check "changed file: the client did ask again (resumed)" grep -q "resuming" "$T/err"
# Every connection after the cut carried less than one sealed chunk: no
# ciphertext of the changed plaintext left the machine.
after=$(awk '$5 != "cut=1" {sub("up=","",$3); s+=$3} END {print s+0}' "$T/cut1.log")
check "changed file: nothing re-sealed was sent ($after bytes after the cut)" \
	test "$after" -lt "$CHUNK"
check "changed file: nothing stored" test "$(cli_ids | wc -l)" -eq 0

# --- control: the same cut and rewind, the file unchanged -------------------
# The client seals from 0 again and offers the same bytes; the real
# server, which holds more, refuses a write at 0 (409, or it closes the
# connection mid-body), so this run fails too, but on the server's
# refusal, never on the guard.
cli_bg cut2 P2 python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" \
	--after 6000000 --cuts 1 --rewind --log "$T/cut2.log"
"$SUBMIT" "${NOCONF[@]}" --retries 2 --server "http://127.0.0.1:$P2" \
	-m "$T/text" "$T/video.orig" >"$T/out2" 2>"$T/err2"
rc=$?
check "unchanged file: not stopped by the guard (exit $rc)" \
	bash -c "[ $rc -ne 65 ] && ! grep -q 'a file changed while it was sent' '$T/err2'"
after2=$(awk '$5 != "cut=1" {sub("up=","",$3); s+=$3} END {print s+0}' "$T/cut2.log")

stop_server
check "server stopped cleanly" test $? -eq 0
