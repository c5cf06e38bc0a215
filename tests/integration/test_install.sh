#!/usr/bin/env bash
# make install puts the three programs and their man pages under
# DESTDIR/PREFIX, and the installed programs run.
source "$(dirname "$0")/lib.sh"

san=0
[[ $B == */san ]] && san=1
root=$T/root
expect_exit 0 "make install into a DESTDIR" \
	make -s -C "$TOP" install SANITIZE=$san PREFIX=/usr DESTDIR="$root"
for f in usr/bin/intake-submit usr/bin/intake-officer usr/sbin/intake-server \
	usr/share/man/man1/intake-submit.1 usr/share/man/man1/intake-officer.1 \
	usr/share/man/man8/intake-server.8 usr/share/man/ru/man1/intake-submit.1 \
	usr/share/locale/ru/LC_MESSAGES/intake-submit.mo; do
	check "installed $f" test -f "$root/$f"
done
expect_exit 0 "installed intake-officer --help runs" "$root/usr/bin/intake-officer" --help
check "installed intake-submit speaks Russian (its catalog found under the prefix)" \
	bash -c "LANG=ru_RU.UTF-8 '$root/usr/bin/intake-submit' --help | grep -q '^вызов:'"
