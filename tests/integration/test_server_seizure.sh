#!/usr/bin/env bash
# test_server_seizure.sh: a seized disk shows no more than the period
# (issue 12). Eight envelopes arrive at distinct times within one hour of
# a test clock (--test-clock), and land in the batch at the end of that
# hour (--land-every 1h). A copy of the data directory taken then is
# searched: the atime and mtime of every path, every integer in every
# sqlite row (and the WAL) hold no time in that day other than its start
# (and atime and mtime are that start exactly, never a real-clock time);
# inode numbers, ctimes, directory order, submission row order and upload
# row order do not follow the order of arrival. (With eight envelopes a
# random order equals arrival order once in 40,320 runs.) The officer's
# fetch still gets all eight.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"

srv_officer_keys || { not_ok "officer keys"; exit 1; }
DAY=$(python3 -c 'import calendar; print(calendar.timegm((2026, 1, 15, 0, 0, 0)))')
T0=$((DAY + 10 * 3600))
echo "$T0" >"$T/clock"
start_server "$T/data" --officer-key "$T/officer.pub" --land-every 1h --test-clock "$T/clock" \
	--pow-max 0 || { not_ok "server starts"; exit 1; }
: >"$T/uploads"
for i in 0 1 2 3 4 5 6 7; do
	"$MKENV" 3000 "$T/e$i.env" "envelope-$i" || not_ok "make envelope $i"
	echo $((T0 + 120 + i * 431)) >"$T/clock"
	[ "$(tus_upload "$T/e$i.env")" = 201 ] || not_ok "upload $i"
	hdr Location | sed 's|.*/||' >>"$T/uploads"
	sleep 0.3 # real ctimes differ too
done
check "eight uploads acknowledged" [ "$(wc -l <"$T/uploads")" = 8 ]
check "held, not yet in the store" [ -z "$(ls "$T/data/store")" ]
code -I "${TUSH[@]}" "$URL/v1/uploads/$(head -n 1 "$T/uploads")" >/dev/null
check "a held upload answers HEAD as complete" [ "$(hdr Upload-Offset)" = "$(stat -c %s "$T/e0.env")" ]

echo $((T0 + 3600 + 2)) >"$T/clock"
# Wait for the batch's last step (the data directory's times) without
# reading a directory, which would stamp its atime.
for i in $(seq 1 150); do
	[ "$(stat -c %Y "$T/data")" = "$DAY" ] && break
	sleep 0.1
done
sleep 0.5
cp -a "$T/data" "$T/seized"
cp -a "$T/data" "$T/seized-db" # sqlite may write when it opens a copy
check "the batch at the end of the hour landed all eight" [ "$(ls "$T/seized-db/store" | wc -l)" = 8 ]

check "the seized copy reveals no time finer than the day, and no order" python3 - "$T" "$DAY" <<'PY'
import os, sqlite3, sys
T, day = sys.argv[1], int(sys.argv[2])
seized = os.path.join(T, "seized")
env = [open(os.path.join(T, "e%d.env" % i), "rb").read() for i in range(8)]
uploads = open(os.path.join(T, "uploads")).read().split()
fail = []

def near(v):  # a value that could be a time around the test day
    return day - 40 * 86400 <= v <= day + 40 * 86400

# every path's atime and mtime, each taken before its directory is read
# (reading a directory here would stamp its atime)
stats, todo = [], [seized]
while todo:
    d = todo.pop()
    stats.append((d, os.lstat(d)))
    for f in os.listdir(d):
        p = os.path.join(d, f)
        st = os.lstat(p)
        if os.path.isdir(p):
            todo.append(p)
        else:
            stats.append((p, st))
for name, st in stats:
    if True:
        # Nothing keeps a time of its own, neither from the test clock nor
        # from the real one while the envelopes arrived.
        for what, v in (("atime", st.st_atime_ns), ("mtime", st.st_mtime_ns)):
            if v != day * 10**9:
                fail.append("%s %s is %d, not the day's start" % (name, what, v))

# every integer in every row, and the WAL is empty
wal = os.path.join(T, "seized-db", "intake.db-wal")
if os.path.exists(wal) and os.path.getsize(wal) != 0:
    fail.append("the WAL holds %d bytes" % os.path.getsize(wal))
db = sqlite3.connect(os.path.join(T, "seized-db", "intake.db"))
for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
    for row in db.execute("SELECT * FROM %s" % table):
        for v in row:
            if isinstance(v, int) and near(v) and v % 86400 != 0:
                fail.append("table %s holds %d, inside the period: %r" % (table, v, row))
dates = {r[0] for r in db.execute("SELECT date FROM submissions")}
if dates != {"2026-01-15"}:
    fail.append("dates %r" % dates)

# order: which arrival each stored file is
store = os.path.join(seized, "store")
arrival = {}
for name in os.listdir(store):
    data = open(os.path.join(store, name), "rb").read()
    arrival[name] = env.index(data)
ident = list(range(8))
orders = {
    "inode": sorted(arrival, key=lambda n: os.stat(os.path.join(store, n)).st_ino),
    "ctime": sorted(arrival, key=lambda n: os.stat(os.path.join(store, n)).st_ctime_ns),
    "directory": os.listdir(store),
    "submission rows": [r[0] for r in db.execute("SELECT id FROM submissions ORDER BY rowid")],
    "submission seq": [r[0] for r in db.execute("SELECT id FROM submissions ORDER BY seq")],
}
for what, names in orders.items():
    seq = [arrival[n] for n in names]
    if seq == ident:
        fail.append("%s order is the arrival order" % what)
rows = [r[0] for r in db.execute("SELECT id FROM uploads ORDER BY rowid")]
if [uploads.index(r) for r in rows] == ident:
    fail.append("upload row order is the arrival order")
if len(arrival) != 8:
    fail.append("stored files %d" % len(arrival))
for f in fail:
    print("#", f)
sys.exit(1 if fail else 0)
PY

# The officer's fetch still works (the real clock again, for signatures).
stop_server || not_ok "server stops"
srv_restart "$T/data" --officer-key "$T/officer.pub" --land-every 1h || { not_ok "server restarts"; exit 1; }
mkdir -p "$T/fetched"
expect_exit 0 "intake-officer fetch" "$OFFICER" fetch --server "$URL" --to "$T/fetched" --auth-key "$T/officer.sec"
check "it fetched all eight" [ "$(ls "$T/fetched"/*.env | wc -l)" = 8 ]
for i in 0 1 2 3 4 5 6 7; do
	found=0
	for f in "$T"/fetched/*.env; do cmp -s "$f" "$T/e$i.env" && found=1; done
	[ "$found" = 1 ] || not_ok "envelope $i fetched intact"
done
ok "every envelope fetched intact"
stop_server || not_ok "server stops"
ok "done"
