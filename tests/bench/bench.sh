#!/bin/sh
# bench.sh -- `make bench`: one table of throughput and memory, every row
# measured in this run on the same page-cached 256 MiB inputs, with its
# ratio to `evtxexport -f xml` (libevtx-utils) on the same file.
#
# Inputs: with ../shared, 256 MiB of real chunks built by
# ../shared/tools/evtx_splice.py (mixed 4688 + Sysmon, Sysmon only, and
# every execution source: PowerShell, services, tasks, WMI, logons,
# Sysmon); without it, the project's own writer (tests/evtxgen --big,
# --big-sources).  Then a 1 GiB
# input and a sparse file over 4 GiB show that peak memory follows the
# extracted events, not the input size.
#
# Environment: BENCH_DIR (inputs are cached there, default
# $top_builddir/bench-data), BENCH_REPEAT (best of N for fast rows and
# the rows by size, 3), BENCH_MIX=0 (skip issue 20's 8 GB test),
# BENCH_PAIRS (runs of -j1 and -j2 in turn for the SigmaHQ ratio, 5),
# BENCH_QUICK=1 (skip evtxexport on big files, the rows by size, issue
# 20's test, the memory rows and bench-sigma's passes, whose check runs
# every rule on every event), BENCH_SIZES (MiB of the rows by size,
# "128 512 2048"), EVTX_DUMP (the Rust evtx crate's evtx_dump: rows for
# it beside dump).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
EVH=$top_builddir/evtxhunt
BD=${BENCH_DIR:-$top_builddir/bench-data}
REPEAT=${BENCH_REPEAT:-3}
mkdir -p "$BD"
TIME=/usr/bin/time
[ -x $TIME ] || { echo "bench: GNU time (/usr/bin/time) is needed: apt-get install time"; exit 1; }

# chunks of every source issue 21 names: PowerShell, services, logons,
# tasks, WMI, Sysmon beyond 1/3/7
SOURCES_EIDS=security:4688,security:4624,security:4625,security:4697\
,security:4698,security:4702,sysmon:1,sysmon:3,sysmon:7,sysmon:8,sysmon:10\
,sysmon:11,sysmon:12,sysmon:13,sysmon:22,powershell:4104,powershell:4103\
,PowerShell:400,PowerShell:800,system:7045,system:7036\
,Microsoft-Windows-TaskScheduler:106,Microsoft-Windows-TaskScheduler:200\
,Microsoft-Windows-TaskScheduler:201,Microsoft-Windows-WMI-Activity:5861

make_inputs() {
	if [ -n "${SHARED_DIR:-}" ] && [ -x "$SHARED_DIR/tools/evtx_splice.py" ]; then
		# the splice reads event ids with pyevtx; without it the
		# corpus index it caches has none, and no chunk qualifies
		if ! /usr/bin/python3 -c 'import pyevtx' 2>/dev/null; then
			echo "bench: evtx_splice.py needs pyevtx: apt-get install python3-libevtx"
			exit 1
		fi
		if [ ! -f "$BD/mixed-256M.evtx" ] || [ ! -f "$BD/sysmon-256M.evtx" ]; then
			corpus=$("$SHARED_DIR/tools/unpack-corpus" "$BD") || exit 1
		fi
		[ -f "$BD/mixed-256M.evtx" ] ||
		    "$SHARED_DIR/tools/evtx_splice.py" -o "$BD/mixed-256M.evtx" \
		    --target-size 256M --index "$BD/index.json" \
		    --only-with-eids security:4688,sysmon:1,sysmon:3,sysmon:7 \
		    --balance --seed 1 "$corpus" >/dev/null || exit 1
		[ -f "$BD/sysmon-256M.evtx" ] ||
		    "$SHARED_DIR/tools/evtx_splice.py" -o "$BD/sysmon-256M.evtx" \
		    --target-size 256M --index "$BD/index.json" \
		    --only-providers sysmon \
		    --only-with-eids sysmon:1,sysmon:3,sysmon:7 \
		    --seed 2 "$corpus" >/dev/null || exit 1
		# every execution source of issue 21 beside process starts
		[ -f "$BD/sources-256M.evtx" ] ||
		    "$SHARED_DIR/tools/evtx_splice.py" -o "$BD/sources-256M.evtx" \
		    --target-size 256M --index "$BD/index.json" \
		    --only-with-eids "$SOURCES_EIDS" \
		    --balance --seed 3 "$corpus" >/dev/null || exit 1
		# the same pool as mixed-256M, every chunk once
		[ -f "$BD/unique-mixed.evtx" ] ||
		    "$top_srcdir/tests/bench/unique-chunks.py" \
		    "$SHARED_DIR/tools" "$BD/index.json" \
		    "$BD/unique-mixed.evtx" 2>/dev/null || exit 1
		SOURCE="real chunks (evtx_splice.py; its first run indexes the corpus, which takes a while)"
	else
		# the writer makes one mix (4688 + Sysmon 1/3/7)
		[ -f "$BD/mixed-256M.evtx" ] ||
		    "$top_builddir/tests/evtxgen" --big 256 \
		    "$BD/mixed-256M.evtx" || exit 1
		[ -f "$BD/sources-256M.evtx" ] ||
		    "$top_builddir/tests/evtxgen" --big-sources 256 \
		    "$BD/sources-256M.evtx" || exit 1
		SOURCE="generated (tests/evtxgen)"
	fi
	# the memory rows compare sizes of the same kind of input: the
	# project's writer makes both (no corpus indexing needed for 1 GiB)
	[ -n "${BENCH_QUICK:-}" ] || [ -f "$BD/gen-256M.evtx" ] ||
	    "$top_builddir/tests/evtxgen" --big 256 "$BD/gen-256M.evtx" ||
	    exit 1
	[ -n "${BENCH_QUICK:-}" ] || [ -f "$BD/gen-1G.evtx" ] ||
	    "$top_builddir/tests/evtxgen" --big 1024 "$BD/gen-1G.evtx" ||
	    exit 1
	[ -n "${BENCH_QUICK:-}" ] || [ -f "$BD/sparse-4G5.evtx" ] ||
	    "$top_builddir/tests/evtxgen" --sparse "$BD/sparse-4G5.evtx" ||
	    exit 1
}

# measure NAME REPS cmd...: sets SECS (best wall time) and RSS (KiB)
measure() {
	reps=$1
	shift
	SECS=
	RSS=
	i=0
	while [ $i -lt "$reps" ]; do
		$TIME -f '%e %M' -o "$BD/time.out" "$@" >/dev/null 2>"$BD/err.out"
		# (GNU time notes a non-zero exit on a line of its own first;
		# scan exits 1 when it finds something)
		line=$(tail -n 1 "$BD/time.out")
		s=${line% *}
		r=${line#* }
		if [ -z "$SECS" ] || awk "BEGIN{exit !($s < $SECS)}"; then
			SECS=$s
		fi
		[ -z "$RSS" ] || [ "$r" -gt "$RSS" ] && RSS=$r
		i=$((i + 1))
	done
	awk "BEGIN{exit !($SECS < 0.01)}" && SECS=0.01
}

# row LABEL: prints one table row from SECS/RSS and the file's counts
row() {
	awk -v l="$1" -v s="$SECS" -v r="$RSS" -v b="$BYTES" -v rec="$RECORDS" \
	    -v ev="$EVENTS" -v base="$BASE" 'BEGIN {
		mbs = b / 1e6 / s
		printf "%-34s %9.1f %12.0f %11.0f %8.0f %9s\n", l, mbs,
		    rec / s, ev / s, r / 1024,
		    (base > 0 ? sprintf("%.1fx", mbs / base) : "-")
	}'
}

# paired_ratio N SCAN-ARGS...: `scan -j1` and `scan -j2` run in turn N
# times, and the median of the N ratios with their range: on a shared
# machine whose speed drifts, pairs see the same moment, and the median
# moves less than the best of each, which one quiet second can make.
paired_ratio() {
	np=$1
	shift
	ratios=
	i=0
	while [ $i -lt "$np" ]; do
		t0=$(date +%s%N)
		"$EVH" scan -q -j 1 "$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		"$EVH" scan -q -j 2 "$@" >/dev/null 2>&1
		t2=$(date +%s%N)
		ratios="$ratios $(awk -v a=$((t1 - t0)) -v b=$((t2 - t1)) \
		    'BEGIN { printf "%.4f", a / b }')"
		i=$((i + 1))
	done
	echo $ratios | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "  SigmaHQ -j2 over -j1, %d pairs run in turn: median %.2fx (%.2fx to %.2fx)\n",
		    NR, m, v[1], v[NR] }'
}

# serial_phases FILE RULE-ARGS...: how many cores each of `scan -j2`'s
# phases kept busy (EVTXHUNT_TIMING: CPU time over wall time), and the
# time one of the two cores stood idle: the single-threaded remainder.
serial_phases() {
	sf=$1
	shift
	EVTXHUNT_TIMING=1 "$EVH" scan -q -j 2 --no-baseline "$@" -f jsonl \
	    "$sf" 2>"$BD/timing.out" >/dev/null
	sed -n 's/^evtxhunt: timing: //p' "$BD/timing.out" | awk '
	{
		secs = $(NF - 11)
		cores = $(NF - 9)
		name = $0
		sub(/ +[0-9.]+ s +[0-9.]+ cores .*$/, "", name)
		if (secs < 0.0005)
			next
		total += secs
		if (cores < 2)
			idle += secs * (2 - (cores < 1 ? 1 : cores))
		sep = list == "" ? "" : ", "
		list = list sprintf("%s%s %.3f s on %.2f", sep, name, secs,
		    cores)
	}
	END {
		if (total > 0) {
			printf "  -j2 phases, cores busy: %s\n", list
			printf "  one core idle at -j2: %.3f s of %.2f s of phases (%.0f %%)\n",
			    idle, total, 100 * idle / total
		}
	}'
}

bench_file() {
	f=$1
	BYTES=$(stat -c %s "$f")
	cat "$f" > /dev/null; cat "$f" > /dev/null	# page cache
	"$EVH" dump -q -j 2 "$f" > /dev/null
	summary=$("$EVH" dump -j 1 --progress never "$f" 2>&1 >/dev/null | tail -n 1)
	RECORDS=$(echo "$summary" | sed -n 's/.* \([0-9]*\) records.*/\1/p')
	EVENTS=$(echo "$summary" | sed -n 's/.* \([0-9]*\) events.*/\1/p')
	echo
	echo "$(basename "$f"): $((BYTES / 1048576)) MiB, $RECORDS records, $EVENTS events of interest"
	printf "%-34s %9s %12s %11s %8s %9s\n" "what" "MB/s" "records/s" \
	    "events/s" "RSS MB" "vs xml"
	BASE=0
	if [ -n "${EVTXEXPORT:-}" ]; then
		measure 1 "$EVTXEXPORT" -f xml "$f"
		BASE=$(awk -v b="$BYTES" -v s="$SECS" 'BEGIN{print b/1e6/s}')
		row "evtxexport -f xml (libevtx)"
	fi
	measure "$REPEAT" cat "$f"
	row "cat (page-cached floor)"
	if [ -x "$top_builddir/tests/bench/bench-decode" ]; then
		measure "$REPEAT" "$top_builddir/tests/bench/bench-decode" -n 1 -r "$f"
		row "decoder alone, 1 thread"
	fi
	# the Rust evtx crate's evtx_dump, a peer decoder, when EVTX_DUMP
	# names one (0.8.1 builds offline from Debian's crates)
	if [ -n "${EVTX_DUMP:-}" ] && [ -x "$EVTX_DUMP" ]; then
		measure "$REPEAT" "$EVTX_DUMP" -t 1 -o jsonl "$f"
		row "evtx_dump -o jsonl -t1 (Rust)"
		measure "$REPEAT" "$EVTX_DUMP" -t 2 -o jsonl "$f"
		row "evtx_dump -o jsonl -t2 (Rust)"
	fi
	measure "$REPEAT" "$EVH" dump -q -j 1 -f jsonl "$f"
	row "dump --format jsonl -j1"
	measure "$REPEAT" "$EVH" dump -q -j 2 -f jsonl "$f"
	row "dump --format jsonl -j2"
	rm -f "$BD/bench.db"
	measure 1 "$EVH" dump -q -j 2 --db "$BD/bench.db" --force "$f"
	row "dump --db -j2"
	rm -f "$BD/bench.db"
	measure 1 "$EVH" dump -q -j 1 --parser libevtx "$f"
	row "dump --parser libevtx -j1"
	measure "$REPEAT" "$EVH" scan -q -j 1 --no-baseline -r "$top_srcdir/rules" -f jsonl "$f"
	row "scan shipped rules -j1"
	measure "$REPEAT" "$EVH" scan -q -j 2 -r "$top_srcdir/rules" -f jsonl "$f"
	row "scan shipped rules+baseline -j2"
	if [ -n "${SHARED_DIR:-}" ] && [ -d "$SHARED_DIR/sigma/rules" ]; then
		set -- -r "$SHARED_DIR/sigma/rules"
		for d in rules-emerging-threats rules-threat-hunting; do
			[ -d "$SHARED_DIR/sigma/$d" ] &&
			    set -- "$@" -r "$SHARED_DIR/sigma/$d"
		done
		measure "$REPEAT" "$EVH" scan -q -j 1 --no-baseline "$@" \
		    -f jsonl "$f"
		row "scan all SigmaHQ rules -j1"
		S1=$SECS
		measure "$REPEAT" "$EVH" scan -q -j 2 --no-baseline "$@" \
		    -f jsonl "$f"
		row "scan all SigmaHQ rules -j2"
		awk -v a="$S1" -v b="$SECS" 'BEGIN {
			printf "  SigmaHQ -j2 over -j1: %.2fx (best of each; target 1.6x)\n",
			    a / b }'
		paired_ratio "${BENCH_PAIRS:-5}" --no-baseline "$@" -f jsonl "$f"
		serial_phases "$f" "$@"
		if [ -z "${BENCH_QUICK:-}" ] &&
		    [ -x "$top_builddir/tests/bench/bench-sigma" ]; then
			echo "matching alone:"
			"$top_builddir/tests/bench/bench-sigma" "$@" "$f" || true
		fi
	fi
}

# Time per event as the input grows (issue 20: no superlinear phase):
# files of each size in BENCH_SIZES (MiB; default 128 512 2048, 8192
# when asked for): generated ones, every record a process event (the
# worst case for memory), and with ../shared real chunks spliced as
# mixed-256M is (the corpus index is cached).  us/event at -j2, its
# ratio to the first size, and the -j2 speed-up over -j1.
sizes_file() {
	kind=$1
	mib=$2
	f=$BD/$kind-${mib}M.evtx
	[ -f "$f" ] && return 0
	if [ "$kind" = gen ]; then
		"$top_builddir/tests/evtxgen" --big "$mib" "$f" >/dev/null
	else
		"$SHARED_DIR/tools/evtx_splice.py" -o "$f" \
		    --target-size "${mib}M" --index "$BD/index.json" \
		    --only-with-eids security:4688,sysmon:1,sysmon:3,sysmon:7 \
		    --balance --seed 1 "$corpus" >"$BD/splice.out" 2>&1 ||
		    { cat "$BD/splice.out"; return 1; }
	fi
}

# sizes_rows KIND: the rows of one kind of file (gen, real)
sizes_rows() {
	kind=$1
	echo
	if [ "$kind" = gen ]; then
		echo "by size, generated (tests/evtxgen --big): dump, and scan with the shipped rules and the self baseline"
	else
		echo "by size, real chunks (evtx_splice.py, as mixed-256M): dump, and scan with the shipped rules and the self baseline"
	fi
	printf "%-8s %-5s %9s %11s %8s %9s %9s %6s\n" "size" "what" "MB/s" \
	    "events/s" "RSS MB" "us/event" "vs first" "j2/j1"
	FIRST_dump=
	FIRST_scan=
	for mib in ${BENCH_SIZES:-128 512 2048}; do
		f=$BD/$kind-${mib}M.evtx
		sizes_file "$kind" "$mib" || exit 1
		cat "$f" > /dev/null
		BYTES=$(stat -c %s "$f")
		EVENTS=$("$EVH" dump -j 2 --progress never "$f" 2>&1 \
		    >/dev/null | tail -n 1 |
		    sed -n 's/.* \([0-9]*\) events.*/\1/p')
		for what in dump scan; do
			if [ $what = dump ]; then
				set -- dump -q
			else
				set -- scan -q -r "$top_srcdir/rules" -f jsonl
			fi
			measure "$REPEAT" "$EVH" "$@" -j 1 "$f"
			S1=$SECS
			measure "$REPEAT" "$EVH" "$@" -j 2 "$f"
			US=$(awk -v s="$SECS" -v e="$EVENTS" 'BEGIN{print s * 1e6 / e}')
			eval "[ -n \"\$FIRST_$what\" ] || FIRST_$what=$US"
			eval "F=\$FIRST_$what"
			awk -v m="$mib" -v w="$what" -v b="$BYTES" -v s="$SECS" \
			    -v e="$EVENTS" -v r="$RSS" -v us="$US" -v f="$F" \
			    -v s1="$S1" 'BEGIN {
				printf "%-8s %-5s %9.1f %11.0f %8.0f %9.2f %8.2fx %5.2fx\n",
				    m " MiB", w, b / 1e6 / s, e / s, r / 1024, us,
				    us / f, s1 / s
			}'
		done
	done
}

bench_sizes() {
	kinds=gen
	if [ -n "${SHARED_DIR:-}" ] &&
	    [ -x "$SHARED_DIR/tools/evtx_splice.py" ] &&
	    corpus=$("$SHARED_DIR/tools/unpack-corpus" "$BD"); then
		kinds="gen real"
	fi
	for kind in $kinds; do
		sizes_rows "$kind"
	done
	echo "(target: us/event at 2 GiB within 1.3x of 128 MiB)"
}

# Issue 20's memory test: ~8 GB of evidence, a 4,000 MB file of real
# chunks (a file holds at most 65,535 chunks) beside a 4,000 MB generated
# one, scanned with every SigmaHQ rule under --memory 2G: the peak is the
# highest phase peak EVTXHUNT_TIMING prints (the timing resets the
# kernel's high-water mark after each phase, so GNU time's would be the
# last phase's), and the report is compared with the run that keeps
# every event in memory (--memory 32G, on a machine of 16 GiB or more,
# rather than the default, half the memory available, which depends on
# what else the machine holds).  BENCH_MIX=0 leaves it out (it takes
# minutes, and 15 GB of disk with the spill).
bench_mix() {
	[ "${BENCH_MIX:-1}" != 0 ] && [ -n "${SHARED_DIR:-}" ] &&
	    [ -d "$SHARED_DIR/sigma/rules" ] || return 0
	corpus=$("$SHARED_DIR/tools/unpack-corpus" "$BD") || return 1
	real=$BD/real-4000M.evtx
	gen=$BD/gen-4000M.evtx
	[ -f "$real" ] || "$SHARED_DIR/tools/evtx_splice.py" -o "$real" \
	    --target-size 4000M --index "$BD/index.json" \
	    --only-with-eids security:4688,sysmon:1,sysmon:3,sysmon:7 \
	    --balance --seed 1 "$corpus" >"$BD/splice.out" 2>&1 ||
	    { cat "$BD/splice.out"; return 1; }
	[ -f "$gen" ] || "$top_builddir/tests/evtxgen" --big 4000 "$gen" \
	    >/dev/null || return 1
	set -- -r "$SHARED_DIR/sigma/rules"
	for d in rules-emerging-threats rules-threat-hunting; do
		[ -d "$SHARED_DIR/sigma/$d" ] &&
		    set -- "$@" -r "$SHARED_DIR/sigma/$d"
	done
	echo
	echo "issue 20's test: $(basename "$real") + $(basename "$gen"), scan -j2 with every SigmaHQ rule (jsonl):"
	mem=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	for m in 2G 32G; do
		if [ $m = 32G ] && [ "${mem:-0}" -lt 16777216 ]; then
			echo "  (no run in memory: less than 16 GiB here)"
			return 0
		fi
		# the report past its header (which names the command line)
		# as a digest: 7 GB of it twice would not fit many disks
		EVTXHUNT_TIMING=1 $TIME -f '%e' -o "$BD/time.out" "$EVH" scan \
		    -j 2 --no-baseline --memory $m --tmpdir "$BD" "$@" \
		    -f jsonl "$real" "$gen" 2>"$BD/mix-$m.err" |
		    tail -n +2 | sha256sum >"$BD/mix-$m.sum"
		awk -v m="$m" -v s="$(tail -n 1 "$BD/time.out")" '
		    /timing:/ { if ($(NF - 5) + 0 > peak) peak = $(NF - 5) + 0 }
		    / events, / { ev = $0; sub(/ events,.*/, "", ev);
			sub(/.* /, "", ev) }
		    /over --memory/ { spilled = 1 }
		    END {
			printf "--memory %-8s %9d events  peak RSS %6.0f MiB (%.2f GiB)  %6.1f s  %s\n",
			    m, ev, peak, peak / 1024, s,
			    spilled ? "spilled" : "in memory"
		    }' "$BD/mix-$m.err"
	done
	if cmp -s "$BD/mix-2G.sum" "$BD/mix-32G.sum"; then
		echo "  the same report past the header (target: peak <= 2.5 GiB with --memory 2G)"
	else
		echo "  THE REPORTS DIFFER past the header"
	fi
	# the default budget in a control group of 2 GiB, less than the run
	# over --memory 2G peaks at: the events loaded back past the budget
	# are a temporary file's pages, which the kernel writes out
	cg_run 2G env EVTXHUNT_TIMING=1 $TIME -f '%e' -o "$BD/time.out" "$EVH" \
	    scan -j 2 --no-baseline --tmpdir "$BD" "$@" -f jsonl "$real" \
	    "$gen" 2>"$BD/mix-cg.err" | tail -n +2 | sha256sum >"$BD/mix-cg.sum"
	if grep -q "no memory control group" "$BD/mix-cg.err"; then
		echo "  (no run under a memory limit: $(tail -n 1 "$BD/mix-cg.err"))"
	elif cmp -s "$BD/mix-cg.sum" "$BD/mix-32G.sum"; then
		printf "  in a 2 GiB control group, default budget: %.1f s, %s, the same report\n" \
		    "$(tail -n 1 "$BD/time.out")" "$(sed -n \
		    's/.*loaded back take \([0-9.]* MB\).*/\1 paged/p' "$BD/mix-cg.err")"
	else
		echo "  in a 2 GiB control group: FAILED or ANOTHER REPORT ($(tail -n 2 "$BD/mix-cg.err" | tr '\n' ' '))"
	fi
}

# cg_run LIMIT COMMAND...: COMMAND in a new memory control group of LIMIT
# (cgroup v2, else v1; root only), which is removed after; without one it
# says "no memory control group" on standard error and returns 2.
cg_run() {
	lim=$1
	shift
	if [ -w /sys/fs/cgroup/cgroup.subtree_control ] &&
	    grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
	    echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
	    mkdir "/sys/fs/cgroup/evtxhunt-bench.$$" 2>/dev/null; then
		d=/sys/fs/cgroup/evtxhunt-bench.$$
		echo "$lim" >"$d/memory.max"
	elif [ -w /sys/fs/cgroup/memory ] &&
	    mkdir "/sys/fs/cgroup/memory/evtxhunt-bench.$$" 2>/dev/null; then
		d=/sys/fs/cgroup/memory/evtxhunt-bench.$$
		echo "$lim" >"$d/memory.limit_in_bytes"
	else
		echo "bench: no memory control group can be made here (root and a writable /sys/fs/cgroup needed)" >&2
		return 2
	fi
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$d" "$@"
	rc=$?
	rmdir "$d" 2>/dev/null
	return $rc
}

make_inputs
echo "evtxhunt bench: $(nproc) CPUs, inputs: $SOURCE"
echo "ratios are MB/s against evtxexport -f xml on the same file, same run"
bench_file "$BD/mixed-256M.evtx"
[ -f "$BD/sysmon-256M.evtx" ] && bench_file "$BD/sysmon-256M.evtx"
if [ -z "${BENCH_QUICK:-}" ] && [ -f "$BD/unique-mixed.evtx" ] &&
    [ -x "$top_builddir/tests/bench/bench-sigma" ]; then
	# the 256 MiB files repeat their richest chunks dozens of times,
	# which flatters the matching memo: here every chunk comes once
	echo
	echo "matching alone, $(basename "$BD/unique-mixed.evtx") (each chunk of the mixed pool once):"
	set -- -r "$SHARED_DIR/sigma/rules"
	for d in rules-emerging-threats rules-threat-hunting; do
		[ -d "$SHARED_DIR/sigma/$d" ] &&
		    set -- "$@" -r "$SHARED_DIR/sigma/$d"
	done
	"$top_builddir/tests/bench/bench-sigma" -n 20 "$@" \
	    "$BD/unique-mixed.evtx" || true
fi

# issue 21: every SigmaHQ Windows rule over a file that mixes every
# source, against the same scan of the process-only file
SIGMA_FULL=${SHARED_DIR:+$SHARED_DIR/sigma-full}
if [ -f "$BD/sources-256M.evtx" ] && [ -n "$SIGMA_FULL" ] &&
    [ -d "$SIGMA_FULL/rules/windows" ]; then
	set -- -r "$SIGMA_FULL/rules/windows"
	for d in rules-emerging-threats rules-threat-hunting; do
		[ -d "$SIGMA_FULL/$d" ] && set -- "$@" -r "$SIGMA_FULL/$d"
	done
	echo
	echo "every execution source: all SigmaHQ Windows rules ($(find \
	    "$SIGMA_FULL/rules/windows" "$SIGMA_FULL/rules-emerging-threats" \
	    "$SIGMA_FULL/rules-threat-hunting" -name '*.yml' | wc -l) files), -j1:"
	printf "%-34s %9s %12s %8s %9s\n" "file" "MB/s" "records/s" \
	    "RSS MB" "vs mixed"
	PROC=0
	for f in "$BD/mixed-256M.evtx" "$BD/sources-256M.evtx"; do
		cat "$f" > /dev/null
		BYTES=$(stat -c %s "$f")
		RECORDS=$("$EVH" dump -j 1 --progress never "$f" 2>&1 \
		    >/dev/null | tail -n 1 |
		    sed -n 's/.* \([0-9]*\) records.*/\1/p')
		measure 1 "$EVH" scan -q -j 1 --no-baseline "$@" -f jsonl "$f"
		MBS=$(awk -v b="$BYTES" -v s="$SECS" 'BEGIN{print b/1e6/s}')
		[ "$PROC" = 0 ] && PROC=$MBS
		awk -v l="$(basename "$f")" -v m="$MBS" -v s="$SECS" \
		    -v rec="$RECORDS" -v r="$RSS" -v p="$PROC" 'BEGIN {
			printf "%-34s %9.1f %12.0f %8.0f %8.2fx\n", l, m,
			    rec / s, r / 1024, m / p
		}'
	done
	echo "(target: the mixed-source file within 25 % of the process-only one)"
fi

[ -n "${BENCH_QUICK:-}" ] || bench_sizes
[ -n "${BENCH_QUICK:-}" ] || bench_mix || exit 1

if [ -z "${BENCH_QUICK:-}" ]; then
	echo
	echo "peak memory follows the extracted events, not the input size (dump -j2):"
	for f in "$BD/gen-256M.evtx" "$BD/gen-1G.evtx" "$BD/sparse-4G5.evtx"; do
		[ -f "$f" ] || continue
		measure 1 "$EVH" dump -q -j 2 "$f"
		ev=$("$EVH" dump -j 2 --progress never "$f" 2>&1 >/dev/null | tail -n 1 |
		    sed -n 's/.* \([0-9]*\) events.*/\1/p')
		awk -v f="$(basename "$f")" -v sz="$(stat -c %s "$f")" \
		    -v used="$(du -k "$f" | cut -f1)" -v r="$RSS" -v ev="$ev" \
		    -v s="$SECS" 'BEGIN {
			printf "%-18s %7.0f MiB (%6.0f MiB on disk) %8d events  RSS %6.0f MB  %6.2f s\n",
			    f, sz / 1048576, used / 1024, ev, r / 1024, s
		}'
	done
	# over a budget the events go to sorted runs on disk (--memory)
	f=$BD/gen-1G.evtx
	if [ -f "$f" ]; then
		measure 1 "$EVH" dump -q -j 2 --memory 256M --tmpdir "$BD" "$f"
		awk -v f="$(basename "$f")" -v r="$RSS" -v s="$SECS" 'BEGIN {
			printf "%-18s --memory 256M, spilled to disk:          RSS %6.0f MB  %6.2f s\n",
			    f, r / 1024, s
		}'
	fi
fi
