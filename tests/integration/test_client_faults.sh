#!/usr/bin/env bash
# test_client_faults.sh: intake-submit over a bad connection. A proxy on
# 127.0.0.1 cuts the connection after N bytes, ten times in one upload;
# the upload must resume from the server's offset and the stored
# envelope must be exact. Soundness of the check: for `upload FILE` the
# bytes sent are known, so the stored blob is compared byte for byte; for
# a fresh submission (new random keys each run) the stored blob is
# decrypted: every 64 KiB chunk is authenticated under its index and the
# last-chunk flag, so a lost, repeated or shifted byte cannot open, and
# the size must also match. Also: cuts during creation, and giving up
# with exit 69 when the server is gone for good.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP")
printf 'testimony sent over a bad line\n' >"$T/text"
head -c $((60 * 1024 * 1024)) /dev/urandom >"$T/video.mp4"

# --- a fresh submission, cut ten times ----------------------------------
cli_bg cut1 P1 python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" \
	--after 4000000 --cuts 10 --log "$T/cut1.log"
expect_exit 0 "submission survives ten cuts" $SUBMIT "${NOCONF[@]}" \
	--server "http://127.0.0.1:$P1" --json -m "$T/text" "$T/video.mp4"
cp "$T/out" "$T/res1.json"
check "the proxy cut ten times" test "$(grep -c 'cut=1' "$T/cut1.log")" -eq 10
check "the client resumed after each cut" test "$(grep -c 'resuming' "$T/err")" -ge 10
check "exactly one envelope stored" test "$(cli_ids | wc -l)" -eq 1
cli_latest "$T/stored1"
check "stored size is the sent size" test "$(stat -c %s "$T/stored1")" -eq \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$T/res1.json")"
check "stored envelope opens" cli_open "$T/sec1" "$T/stored1" "$T/open1"
check "text identical" cli_same "$T/open1/text" "$T/text"
check "60 MiB attachment identical" cli_same "$T/open1/file-0" "$T/video.mp4"
# Not every cut resent everything: far less than 10 x 60 MiB went up.
up=$(awk '{sub("up=","",$3); s+=$3} END {print s}' "$T/cut1.log")
check "acknowledged bytes were not sent again" test "$up" -lt $((2 * 64 * 1024 * 1024))

# --- a known envelope, uploaded with ten cuts: compare bytes ----------------
expect_exit 0 "envelope to a file" $SUBMIT "${NOCONF[@]}" -m "$T/text" -o "$T/env.bin" "$T/video.mp4"
cli_bg cut2 P2 python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" \
	--after 3000000 --cuts 10 --log "$T/cut2.log"
expect_exit 0 "upload FILE survives ten cuts" $SUBMIT upload --no-config \
	--server "http://127.0.0.1:$P2" "$T/env.bin"
check "the proxy cut ten times again" test "$(grep -c 'cut=1' "$T/cut2.log")" -eq 10
cli_latest "$T/stored2"
check "stored envelope is byte-identical to the file" cli_same "$T/stored2" "$T/env.bin"

# --- cuts while creating the upload --------------------------------------------
cli_bg cut3 P3 python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" \
	--after 50 --cuts 2 --log "$T/cut3.log"
expect_exit 0 "creation cut twice still succeeds" $SUBMIT upload --no-config \
	--server "http://127.0.0.1:$P3" "$T/env.bin"
check "both creation attempts were cut" test "$(grep -c 'cut=1' "$T/cut3.log")" -eq 2
cli_latest "$T/stored3"
check "and the envelope is exact" cli_same "$T/stored3" "$T/env.bin"

# --- the server goes away for good mid-upload ------------------------------------
cli_bg cut4 P4 python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" \
	--after 2000000 --cuts 1 --max-conns 1 --log "$T/cut4.log"
n_before=$(cli_ids | wc -l)
start=$(date +%s)
expect_exit 69 "gone server: gives up with exit 69" $SUBMIT upload --no-config --retries 3 \
	--server "http://127.0.0.1:$P4" "$T/env.bin"
check "gone server: says what to do" grep -q "run the same command again later" "$T/err"
check "gone server: within 30 s" test $(( $(date +%s) - start )) -le 30
check "gone server: nothing stored" test "$(cli_ids | wc -l)" -eq "$n_before"

stop_server
check "server stopped cleanly" test $? -eq 0
