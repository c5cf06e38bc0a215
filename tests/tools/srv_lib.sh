# srv_lib.sh: helpers shared by the server's integration tests
# (tests/integration/test_server*.sh), sourced after lib.sh. Officer
# requests are signed with build/tools/srv_sign; envelopes come from
# build/tools/srv_mkenv; chunked tus uploads from srv_tus.py.
SIGN=$B/tools/srv_sign
MKENV=$B/tools/srv_mkenv
TUSPY="python3 $TOP/tests/tools/srv_tus.py"
TUSH=(-H 'Tus-Resumable: 1.0.0')
OCT=(-H 'Content-Type: application/offset+octet-stream')

# srv_officer_keys: an officer auth key pair in $T/officer.{pub,sec} and a
# second, unconfigured one in $T/other.{pub,sec}.
srv_officer_keys() {
	"$SIGN" keygen "$T/officer.pub" "$T/officer.sec" &&
		"$SIGN" keygen "$T/other.pub" "$T/other.sec"
}

# ocurl METHOD PATH [CURL ARGS...]: a signed officer request; prints the
# HTTP code, leaves the body in $OUT (default $T/body). SECFILE defaults
# to the officer's.
ocurl() {
	local m=$1 p=$2 auth a prev="" body=()
	shift 2
	# The signature covers the query and the body (FORMAT.md §6).
	for a in "$@"; do
		[ "$prev" = --data-binary ] && [ "${a:0:1}" = @ ] && body=("${a:1}")
		prev=$a
	done
	auth=$("$SIGN" sign "$m" "127.0.0.1:$PORT" "$p" "${SECFILE:-$T/officer.sec}" "${SKEW:-0}" "${body[@]}") || return 1
	curl -s -o "${OUT:-$T/body}" -w '%{http_code}' -X "$m" -H "Authorization: $auth" "$@" "$URL$p"
}

# code CURL ARGS...: the HTTP code of one request (body to $T/body,
# headers to $T/hdr).
code() {
	curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"
}

# hdr NAME: a header's value from $T/hdr.
hdr() {
	grep -i "^$1:" "$T/hdr" | head -n 1 | cut -d' ' -f2- | tr -d '\r'
}

# tus_create LEN: prints the new upload's path (empty on failure).
tus_create() {
	code -X POST "${TUSH[@]}" -H "Upload-Length: $1" "$URL/v1/uploads/" >/dev/null
	hdr Location
}

# tus_patch PATH OFFSET FILE: prints the HTTP code.
tus_patch() {
	code -X PATCH "${TUSH[@]}" "${OCT[@]}" -H "Upload-Offset: $2" --data-binary "@$3" "$URL$1"
}

# tus_upload FILE [CURL ARGS...]: whole file in one creation-with-upload;
# prints the code.
tus_upload() {
	local f=$1
	shift
	code -X POST "${TUSH[@]}" "${OCT[@]}" -H "Upload-Length: $(stat -c %s "$f")" \
		--data-binary "@$f" "$@" "$URL/v1/uploads/"
}

# srv_list: ids of every listed submission, one a line.
srv_list() {
	ocurl GET /v1/submissions >/dev/null &&
		python3 -c 'import json,sys; [print(s["id"]) for s in json.load(open(sys.argv[1]))["submissions"]]' "$T/body"
}

# srv_fetch ID OUT: download a submission; 0 on 200.
srv_fetch() {
	[ "$(OUT=$2 ocurl GET "/v1/submissions/$1")" = 200 ]
}

# srv_restart DATADIR [ARGS...]: start intake-server again on the same
# $PORT (signatures cover the Host); 0 once /v1/health answers.
srv_restart() {
	local dir=$1 i
	shift
	for i in $(seq 1 50); do
		"$SERVER" --listen "127.0.0.1:$PORT" --data-dir "$dir" --land-every 0 "$@" 2>>"$T/server.log" &
		SERVER_PID=$!
		PIDS+=("$SERVER_PID")
		for i in $(seq 1 50); do
			curl -sf -o /dev/null "$URL/v1/health" && return 0
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		wait "$SERVER_PID" 2>/dev/null
		sleep 0.2 # the port may still be held for a moment
	done
	return 1
}
