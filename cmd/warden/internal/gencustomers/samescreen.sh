#!/bin/sh
# samescreen.sh BEFORE AFTER DB: screens the customer-like mix with warden
# built at two revisions (git worktrees under a temporary folder, the checkout
# left alone) against the database DB, and fails unless both write the same
# answers, byte for byte. It shows that an optimisation moved no result; the
# wall and CPU time of each run are printed.
#   cmd/warden/internal/gencustomers/samescreen.sh HEAD~1 HEAD /tmp/w.db
set -eu
before=$1 after=$2 db=$3
repo=$(git rev-parse --show-toplevel)
mix=$repo/cmd/warden/testdata/customers-20k.csv
tmp=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$tmp/before" 2>/dev/null; git -C "$repo" worktree remove --force "$tmp/after" 2>/dev/null; rm -rf "$tmp"' EXIT
for side in before after; do
	eval rev=\$$side
	git -C "$repo" worktree add --detach "$tmp/$side" "$rev" >/dev/null 2>&1
	(cd "$tmp/$side" && go build -o "$tmp/warden.$side" ./cmd/warden)
done
for side in before after; do
	/usr/bin/time -f "$side: %e s wall, %U s user, %S s sys" env WARDEN_DB="$db" "$tmp/warden.$side" screen --input "$mix" --output "$tmp/$side.jsonl" 2>&1 | grep -v '^screened'
done
cmp "$tmp/before.jsonl" "$tmp/after.jsonl"
echo "same answers: $(wc -l <"$tmp/after.jsonl") lines"
