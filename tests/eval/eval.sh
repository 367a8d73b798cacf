#!/bin/sh
# tests/eval/eval.sh -- `make eval`: evtxhunt's detection measured on the
# labelled real logs (tests/eval/labels.tsv) of the shared corpus, in four
# configurations (see tests/eval/README).  Not part of make check; without
# the shared material (SHARED_DIR) or python3 it says so and does nothing.
# Extra arguments for eval.py (--detail) come from EVAL_ARGS.
set -u
if [ -z "${SHARED_DIR:-}" ] || [ ! -f "$SHARED_DIR/corpus.tar.xz" ]; then
	echo "make eval: no shared corpus (../shared, configure --with-shared): skipping"
	exit 0
fi
py=${PYTHON3:-}
[ -n "$py" ] || py=$(command -v python3 || true)
if [ -z "$py" ]; then
	echo "make eval: python3 not found: skipping"
	exit 0
fi
corpus=$(flock "$top_builddir/test-corpus.lock" \
    "$SHARED_DIR/tools/unpack-corpus" "$top_builddir/test-corpus") || {
	echo "make eval: cannot unpack the corpus" >&2
	exit 1
}
set -- --evtxhunt "$EVTXHUNT" --corpus "$corpus" \
    --labels "$top_srcdir/tests/eval/labels.tsv" \
    --clean "$top_srcdir/tests/eval/attack-free.txt" \
    --rules "$top_srcdir/rules"
if [ -d "$SHARED_DIR/sigma/rules" ]; then
	set -- "$@" --sigma "$SHARED_DIR/sigma/rules"
else
	echo "make eval: no $SHARED_DIR/sigma/rules: SigmaHQ configurations left out"
fi
# shellcheck disable=SC2086
exec "$py" "$top_srcdir/tests/eval/eval.py" "$@" ${EVAL_ARGS:-}
