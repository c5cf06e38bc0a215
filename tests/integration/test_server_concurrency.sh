#!/usr/bin/env bash
# test_server_concurrency.sh: 50 uploads at once (half whole-file
# creation-with-upload by curl, half chunked tus PATCHes) all land intact;
# the unfinished-upload limit answers 503; an idle connection is dropped.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"

N=50
srv_officer_keys || { not_ok "officer keys"; exit 1; }
for i in $(seq 1 $N); do
	"$MKENV" $((20000 + i * 7919)) "$T/e$i" "seed$i" || { not_ok "make envelope $i"; exit 1; }
done
sha256sum "$T"/e* | cut -d' ' -f1 | sort >"$T/want"
check "the $N envelopes differ" [ "$(sort -u "$T/want" | wc -l)" = $N ]

# Proof of work off: this is about concurrent writes, not a flood.
start_server "$T/data" --officer-key "$T/officer.pub" --pow-max 0 || { not_ok "server starts"; exit 1; }
pids=()
for i in $(seq 1 $N); do
	if [ $((i % 2)) = 0 ]; then
		curl -s -o /dev/null -w '%{http_code}\n' -X POST "${TUSH[@]}" "${OCT[@]}" \
			-H "Upload-Length: $(stat -c %s "$T/e$i")" --data-binary "@$T/e$i" \
			"$URL/v1/uploads/" >"$T/r$i" 2>&1 &
	else
		$TUSPY upload "$URL" "$T/e$i" 65536 >"$T/r$i" 2>&1 &
	fi
	pids+=($!)
done
wait "${pids[@]}"
check "every whole-file upload got 201" [ "$(cat "$T"/r{2..50..2} | grep -cx 201)" = $((N / 2)) ]
check "every chunked upload finished" [ "$(cat "$T"/r{1..49..2} | grep -cx done)" = $((N / 2)) ]
srv_list >"$T/ids"
check "$N submissions listed" [ "$(wc -l <"$T/ids")" = $N ]
while read -r id; do
	srv_fetch "$id" "$T/got" && sha256sum "$T/got" | cut -d' ' -f1
done <"$T/ids" | sort >"$T/have"
check "all $N land intact" cmp -s "$T/want" "$T/have"
check "no partial files are left" [ -z "$(ls "$T/data/partial")" ]
check "server still healthy" [ "$(code "$URL/v1/health")" = 200 ]
stop_server || not_ok "server stops"

# Past --max-connections, the oldest connection still waiting for its
# headers makes room; when every one is being served: 503, and service
# again once they go.
start_server "$T/data" --max-connections 2 --idle-timeout 5 || { not_ok "server restarts"; exit 1; }
check "at the connection limit a waiting connection is evicted, a busy one is not" python3 -c '
import socket, subprocess, sys, time
p = int(sys.argv[1])
def get():
    r = subprocess.run(["curl", "-s", "-m", "8", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:%d/v1/health" % p], capture_output=True, text=True)
    return r.stdout
held = [socket.create_connection(("127.0.0.1", p), timeout=5) for _ in range(2)]
for s in held:
    s.sendall(b"GET /v1/health HTTP/1.1\r\n")
time.sleep(0.3)
assert get() == "200", "a connection waiting for headers held the slot"
assert held[0].recv(100) == b"", "the oldest waiting connection was not closed"
for s in held:
    s.close()
busy = []
for _ in range(2):
    s = socket.create_connection(("127.0.0.1", p), timeout=5)
    s.sendall(b"POST /v1/uploads/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
              b"Upload-Length: 1000\r\nContent-Type: application/offset+octet-stream\r\n"
              b"Content-Length: 1000\r\n\r\n0123456789")
    busy.append(s)
time.sleep(0.3)
assert get() == "503", "no 503 with every slot busy"
for s in busy:
    s.close()
for _ in range(30):
    time.sleep(0.1)
    if get() == "200":
        break
else:
    raise SystemExit("no service after the limit")
' "$PORT"
stop_server || not_ok "server stops"

# The limit on unfinished uploads.
start_server "$T/data3" --officer-key "$T/officer.pub" --max-uploads 2 --idle-timeout 2 ||
	{ not_ok "server restarts"; exit 1; }
head -c 10 /dev/zero >"$T/ten"
l1=$(tus_create 1000)
l2=$(tus_create 1000)
check "two unfinished uploads with bytes" [ "$(tus_patch "$l1" 0 "$T/ten")" = 204 ] && [ "$(tus_patch "$l2" 0 "$T/ten")" = 204 ]
check "past --max-uploads (no upload without bytes to evict) gives 503" [ "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: 1000' "$URL/v1/uploads/")" = 503 ]

# A client that stops mid-request is dropped after --idle-timeout.
check "an idle connection is closed" python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"PATCH /v1/uploads/0123456789abcdef0123456789abcdef HTTP/1.1\r\nHost: x\r\n")
t = time.time()
s.recv(100)  # b"" (closed) or an error answer, then closed
el = time.time() - t
assert 1.5 <= el < 8, el
' "$PORT"
check "server still healthy" [ "$(code "$URL/v1/health")" = 200 ]
stop_server || not_ok "server stops"
