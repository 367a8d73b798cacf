#!/bin/sh
# limits.sh -- the size limits of src/ (issue 17), checked so they hold:
#  - no file of src/ over 1,300 lines, except generated tables (*_tab.h);
#  - src/cmd_scan.c, the scan command's options, at most 450 lines;
#  - no function over 120 lines, from the line with its name at the start
#    (the house style puts the return type on the line before) to the "}"
#    that closes it at the start of a line.
# Run by make check; by hand: sh tests/limits.sh from the source tree.
: "${top_srcdir:=.}"
cd "$top_srcdir" || exit 1
find src -name '*.[ch]' ! -name '*_tab.h' | LC_ALL=C sort | xargs awk '
FNR == 1 { fn = "" }
/^[A-Za-z_][A-Za-z0-9_]*\(/ { fn = $0; sub(/\(.*/, "", fn); start = FNR }
/^}/ && fn != "" {
	if (FNR - start + 1 > 120) {
		printf "limits: %s:%d: %s() is %d lines (at most 120)\n",
		    FILENAME, start, fn, FNR - start + 1
		bad = 1
	}
	fn = ""
}
{ lines[FILENAME] = FNR }
END {
	for (f in lines) {
		max = f == "src/cmd_scan.c" ? 450 : 1300
		if (lines[f] > max) {
			printf "limits: %s is %d lines (at most %d)\n", f,
			    lines[f], max
			bad = 1
		}
	}
	exit bad
}'
