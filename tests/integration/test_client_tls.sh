#!/usr/bin/env bash
# test_client_tls.sh: intake-submit over HTTPS to a real intake-server on
# 127.0.0.1 with a throwaway self-signed certificate: verification is on
# (an unknown certificate is refused with exit 77 before anything is
# sent), --cacert trusts it, --pin accepts the right key and refuses any
# other even when the certificate verifies.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

command -v openssl >/dev/null || { ok "no openssl: skipped # SKIP"; exit 0; }
cli_keys || { not_ok "test keys"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/tls.key" -out "$T/tls.crt" -days 2 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
PIN="sha256//$(openssl x509 -in "$T/tls.crt" -pubkey -noout |
	openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/other.key" -out "$T/other.crt" -days 2 -subj "/CN=other" 2>/dev/null
OTHER="sha256//$(openssl x509 -in "$T/other.crt" -pubkey -noout |
	openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"

mkdir -p "$T/data"
PORT=$(free_port)
URL="https://127.0.0.1:$PORT"
export CURL_CA_BUNDLE="$T/tls.crt" # for the test's own curl calls
"$SERVER" --listen "127.0.0.1:$PORT" --data-dir "$T/data" --officer-key "$T/auth.pub" \
	--retention keep --tls-cert "$T/tls.crt" --tls-key "$T/tls.key" --land-every 0 2>>"$T/server.log" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
for i in $(seq 1 100); do
	curl -sf -o /dev/null "$URL/v1/health" && break
	sleep 0.1
done
check "tls server answers" curl -sf -o /dev/null "$URL/v1/health"

NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP" --server "$URL")
printf 'over tls\n' >"$T/text"
expect_exit 77 "unknown certificate refused" $SUBMIT "${NOCONF[@]}" -m "$T/text"
check "refusal explained" grep -q "could not be verified" "$T/err"
check "nothing stored" test -z "$(cli_ids)"
expect_exit 0 "--cacert trusts it" $SUBMIT "${NOCONF[@]}" --cacert "$T/tls.crt" -m "$T/text"
expect_exit 0 "--cacert and the right --pin" $SUBMIT "${NOCONF[@]}" --cacert "$T/tls.crt" \
	--pin "$PIN" -m "$T/text"
expect_exit 77 "a wrong --pin refused" $SUBMIT "${NOCONF[@]}" --cacert "$T/tls.crt" \
	--pin "$OTHER" -m "$T/text"
expect_exit 77 "--pin alone does not turn verification off" $SUBMIT "${NOCONF[@]}" \
	--pin "$PIN" -m "$T/text"
check "two envelopes stored" test "$(cli_ids | wc -l)" -eq 2
cli_latest "$T/stored"
check "the stored envelope opens" cli_open "$T/sec1" "$T/stored" "$T/open"
check "text identical" cli_same "$T/open/text" "$T/text"
printf 'server = %s\nfingerprint = %s\nkeys = %s\ncacert = tls.crt\npin = %s\n' \
	"$URL" "$FP" "$T/bundle" "$PIN" >"$T/submit.conf"
expect_exit 0 "cacert and pin from the configuration" $SUBMIT -c "$T/submit.conf" -m "$T/text"

stop_server
check "server stopped cleanly" test $? -eq 0
