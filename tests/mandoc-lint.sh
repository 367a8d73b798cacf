#!/bin/sh
# mandoc-lint.sh -- every manual page is clean under `mandoc -Tlint`.
[ -n "${MANDOC:-}" ] || { echo "mandoc not found: skipped"; exit 77; }
status=0
for page in "$top_srcdir"/man/*.[1-9]; do
	out=$("$MANDOC" -Tlint -W warning "$page" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
done
exit $status
