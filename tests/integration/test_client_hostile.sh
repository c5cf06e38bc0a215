#!/usr/bin/env bash
# test_client_hostile.sh: intake-submit against a misbehaving server
# (tests/tools/cli_hostile.py): a missing or foreign Location, a
# redirect, offsets past the end or that never move, an oversized or
# malformed mailbox answer, and replies that are not replies. Each must
# end with a clear error and the documented exit code, never a crash,
# and nothing the server names may be followed.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

cli_keys || { not_ok "test keys"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP")
printf 'text\n' >"$T/text"
RECEIPT=$($SUBMIT "${NOCONF[@]}" -q -m "$T/text" -o "$T/env.bin")

hostile() { # MODE: start a hostile server, set HP
	cli_bg "h-$1" HP python3 "$TOOLS/cli_hostile.py" --mode "$1" --log "$T/h-$1.log"
}

hostile noloc
expect_exit 65 "201 without Location" $SUBMIT upload --no-config --server "http://127.0.0.1:$HP" "$T/env.bin"
check "said malformed" grep -q "malformed" "$T/err"

hostile elsewhere
expect_exit 0 "a Location naming another host" $SUBMIT upload --no-config --server "http://127.0.0.1:$HP" "$T/env.bin"
check "the upload still went to our server, under the id only" \
	grep -qx "PATCH /v1/uploads/0123456789abcdef0123456789abcdef" "$T/h-elsewhere.log"

hostile redirect
expect_exit 65 "a redirect is not followed" $SUBMIT upload --no-config --server "http://127.0.0.1:$HP" "$T/env.bin"
check "only the one request was made" test "$(wc -l <"$T/h-redirect.log")" -eq 1

hostile liar
expect_exit 65 "an offset past the end" $SUBMIT upload --no-config --retries 3 --server "http://127.0.0.1:$HP" "$T/env.bin"

hostile stuck
start=$(date +%s)
expect_exit 69 "an offset that never moves" $SUBMIT upload --no-config --retries 3 --server "http://127.0.0.1:$HP" "$T/env.bin"
check "gave up in bounded time" test $(( $(date +%s) - start )) -le 20
check "and bounded attempts" test "$(grep -c '^PATCH' "$T/h-stuck.log")" -le 4

R=(replies "${NOCONF[@]}")
hostile bigbody
expect_exit 65 "a 70 MiB mailbox answer is refused" bash -c "echo '$RECEIPT' | $SUBMIT ${R[*]} --server http://127.0.0.1:$HP"
check "said too large" grep -q "too large" "$T/err"
hostile badjson
expect_exit 65 "a mailbox answer that is not JSON" bash -c "echo '$RECEIPT' | $SUBMIT ${R[*]} --server http://127.0.0.1:$HP"
hostile garbage
expect_exit 1 "replies that are not replies" bash -c "echo '$RECEIPT' | $SUBMIT ${R[*]} --server http://127.0.0.1:$HP"
check "all four counted as unverified" grep -q "4 replies could not be verified" "$T/err"
check "nothing printed as a reply" test ! -s "$T/out"

# A real server's size limit is a refusal, not something to retry.
mkdir -p "$T/data"
start_server "$T/data" --max-size 1M || not_ok "server starts"
head -c 3000000 /dev/urandom >"$T/big"
expect_exit 65 "over the server's size limit: refused" $SUBMIT "${NOCONF[@]}" --server "$URL" \
	-m "$T/text" "$T/big"
check "said too large" grep -q "refuses a submission this large" "$T/err"
stop_server
check "server stopped cleanly" test $? -eq 0
