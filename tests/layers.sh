#!/bin/sh
# layers.sh -- the include graph of src/ runs one way (HELPERS: "data flows
# one way"), checked over the #include "..." lines:
#  - no file includes a header of a later layer of the data flow:
#      0 core      src/ev_*, src/event.*, src/sha256.*, src/version.*
#      1 decode    src/evtx/
#      2 read and match   src/ingest.*, src/ingest_walk.c, src/ingest_load.c,
#                src/ingest_merge.c, src/sigma/
#      3 correlate src/correlate.*, src/corr_task.* (task runs),
#                src/corr_int.h, src/corr_origin.c (what started a process),
#                src/corr_part.*, src/corr_index.*,
#                src/sigcorr.* (Sigma correlations)
#      4 baselines src/baseline/
#      5 findings  src/findings.*, src/findings_{filter,group,int}.*
#      6 store     src/store.*
#      7 report    src/report/
#      8 commands  src/cmd*, src/main.c
#    (a file may include its own layer and the ones before it);
#  - no two modules include each other (a module is a directory below src/,
#    or a file name without its extension at the top of src/);
#  - every file of src/ is in a layer: a new one goes into the table above
#    (by directory or prefix) before it builds.
# Run by make check; by hand: sh tests/layers.sh from the source tree.
: "${top_srcdir:=.}"
cd "$top_srcdir" || exit 1
find src -name '*.[ch]' | LC_ALL=C sort | awk '
function layer(p) {
	if (p ~ /^src\/(ev_[a-z0-9_]+|event|sha256|version)\.[ch]$/) return 0
	if (p ~ /^src\/evtx\//) return 1
	if (p ~ /^src\/sigma\// ||
	    p ~ /^src\/ingest(_walk|_load|_merge)?\.[ch]$/) return 2
	if (p ~ /^src\/(correlate|corr_task|corr_part|corr_index|corr_int|corr_origin|sigcorr)\.[ch]$/) return 3
	if (p ~ /^src\/baseline\//) return 4
	if (p ~ /^src\/findings(_filter|_group|_int)?\.[ch]$/) return 5
	if (p ~ /^src\/store\.[ch]$/) return 6
	if (p ~ /^src\/report\//) return 7
	if (p ~ /^src\/(cmd[a-z0-9_]*|main)\.[ch]$/) return 8
	return -1
}
function module(p,   n, parts) {
	n = split(p, parts, "/")
	if (n > 2)
		return parts[1] "/" parts[2]
	sub(/\.[ch]$/, "", p)
	return p
}
# "a/b/../c" -> "a/c", "a/./b" -> "a/b"
function normalise(p,   n, parts, out, i, k) {
	n = split(p, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "." || parts[i] == "")
			continue
		if (parts[i] == ".." && k > 0) {
			k--
			continue
		}
		out[++k] = parts[i]
	}
	p = out[1]
	for (i = 2; i <= k; i++)
		p = p "/" out[i]
	return p
}
function exists(p,   line, r) {
	r = (getline line < p)
	close(p)
	return r >= 0
}
BEGIN {
	names[0] = "core"; names[1] = "decode"; names[2] = "read and match"
	names[3] = "correlate"; names[4] = "baselines"; names[5] = "findings"
	names[6] = "store"; names[7] = "report"; names[8] = "commands"
	bad = 0
}
{
	file = $0
	lf = layer(file)
	if (lf < 0) {
		printf "%s: in no layer (add it to tests/layers.sh)\n", file
		bad = 1
		next
	}
	dir = file
	sub(/\/[^\/]*$/, "", dir)
	lineno = 0
	while ((getline line < file) > 0) {
		lineno++
		if (line !~ /^[ \t]*#[ \t]*include[ \t]*"/)
			continue
		inc = line
		sub(/^[^"]*"/, "", inc)
		sub(/".*$/, "", inc)
		target = normalise(dir "/" inc)
		if (!exists(target))
			target = normalise("src/" inc)
		if (!exists(target))
			continue	# generated (config.h) or system
		lt = layer(target)
		if (lt > lf) {
			printf "%s:%d: includes %s: %s (layer %d) is after " \
			    "%s (layer %d)\n", file, lineno, inc, names[lt],
			    lt, names[lf], lf
			bad = 1
		}
		mf = module(file)
		mt = module(target)
		if (mf != mt && !((mf, mt) in edge)) {
			edge[mf, mt] = file ":" lineno
			if ((mt, mf) in edge) {
				printf "%s: %s and %s include each other " \
				    "(also %s)\n", edge[mf, mt], mf, mt,
				    edge[mt, mf]
				bad = 1
			}
		}
	}
	close(file)
}
END { exit bad }
'
