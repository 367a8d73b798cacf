#!/bin/sh
# screenshot.sh -- `make screenshot` (not part of make check): the HTML
# report in headless Chromium at 1280x900, as a responder first sees it.
#
#   screenshot.sh EVTXHUNT SRCDIR OUTDIR [SHARED_DIR]
#
# Cases: "testdata" (the sample hosts of testdata/ with the shipped rules)
# and, when SHARED_DIR holds the corpus, "corpus" (its 970 real logs with
# SigmaHQ's rules, unpacked into OUTDIR/test-corpus).  For each case it
# writes OUTDIR/screenshot-CASE.html and OUTDIR/screenshot-CASE.png (the
# first screen), then measures the page in the same browser: a copy of the
# page with a measuring script appended writes, into the DOM that
# --dump-dom prints, the page's scrollWidth and clientWidth, and where the
# findings table and its first row start, first as loaded and again with
# every <details> open and every finding expanded.  It fails when the page
# scrolls sideways (scrollWidth > clientWidth) either way, or when the
# first finding is not on the first screen.
set -u
evtxhunt=${1:?usage: screenshot.sh EVTXHUNT SRCDIR OUTDIR [SHARED_DIR]}
srcdir=${2:?}
out=${3:?}
shared=${4:-}
chromium=${CHROMIUM:-chromium}
W=1280 H=900
status=0

command -v "$chromium" >/dev/null 2>&1 || {
	echo "screenshot: $chromium not found (apt-get install chromium)" >&2
	exit 2
}
out=$(cd "$out" && pwd) || exit 2
prof=$(mktemp -d "${TMPDIR:-/tmp}/evh-chromium.XXXXXX") || exit 2
trap 'rm -rf "$prof"' EXIT INT TERM

browse() {
	"$chromium" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run \
	    --user-data-dir="$prof" --window-size=$W,$H \
	    --run-all-compositor-stages-before-draw \
	    --virtual-time-budget=10000 "$@" 2>/dev/null
}

# The measuring script: one line "measure ..." into a <pre id=evh-measure>.
measure_js='
function evhM(tag){var d=document.documentElement,b=document.getElementById("fbody"),
r=b&&b.querySelector("tr.f"),t=document.getElementById("ftable");
return tag+" scrollWidth="+d.scrollWidth+" clientWidth="+d.clientWidth+
" table_top="+(t?Math.round(t.getBoundingClientRect().top):-1)+
" first_row_top="+(r?Math.round(r.getBoundingClientRect().top):-1);}
addEventListener("load",function(){setTimeout(function(){
var a=evhM("loaded");
Array.prototype.forEach.call(document.querySelectorAll("details"),function(x){x.open=true;});
var e=document.getElementById("fexp");if(e)e.click();
var z=evhM("opened");var p=document.createElement("pre");p.id="evh-measure";
var k="EVH"+"MEASURE ";p.textContent=k+a+"\n"+k+z;document.body.appendChild(p);},100);});
'

shot() {
	name=$1
	html=$out/screenshot-$name.html
	png=$out/screenshot-$name.png
	rm -f "$png"
	browse --screenshot="$png" "file://$html" >/dev/null
	if [ ! -s "$png" ]; then
		echo "screenshot: $name: no picture" >&2
		status=1
		return
	fi
	m=$out/screenshot-$name-measure.html
	{
		grep -v -e '^</body>$' -e '^</html>$' "$html"
		printf '<script>%s</script>\n</body>\n</html>\n' "$measure_js"
	} > "$m"
	browse --dump-dom "file://$m" | grep -o 'EVHMEASURE [^<]*' | cut -c12- \
	    > "$out/screenshot-$name.txt"
	if [ ! -s "$out/screenshot-$name.txt" ]; then
		echo "screenshot: $name: page not measured" >&2
		status=1
		return
	fi
	while read -r tag sw cw top row; do
		sw=${sw#scrollWidth=} cw=${cw#clientWidth=}
		top=${top#table_top=} row=${row#first_row_top=}
		echo "screenshot: $name ($tag): $png: scrollWidth $sw," \
		    "clientWidth $cw; findings table at y=$top, first" \
		    "finding at y=$row (screen $W x $H)"
		if [ "$sw" -gt "$cw" ]; then
			echo "screenshot: $name ($tag): scrolls sideways" >&2
			status=1
		fi
		# the first finding's first lines are on the first screen
		if [ "$tag" = loaded ] && { [ "$row" -lt 0 ] ||
		    [ "$row" -gt $((H - 60)) ]; }; then
			echo "screenshot: $name: first finding not on the" \
			    "first screen" >&2
			status=1
		fi
	done < "$out/screenshot-$name.txt"
}

# the sample evidence
"$evtxhunt" scan -q -f html -r "$srcdir/rules" \
    -o "$out/screenshot-testdata.html" "$srcdir"/testdata/*.evtx \
    "$srcdir/testdata/wec"
[ $? -le 1 ] || { echo "screenshot: scan of testdata failed" >&2; exit 1; }
shot testdata

# the corpus, when there is one
if [ -n "$shared" ] && [ -f "$shared/corpus.tar.xz" ] &&
    [ -d "$shared/sigma/rules" ]; then
	corpus=$(flock "$out/test-corpus.lock" \
	    "$shared/tools/unpack-corpus" "$out/test-corpus") || {
		echo "screenshot: cannot unpack the corpus" >&2
		exit 1
	}
	"$evtxhunt" scan -q -f html -r "$shared/sigma/rules" \
	    -o "$out/screenshot-corpus.html" "$corpus" 2>/dev/null
	rc=$?
	[ $rc -le 1 ] || [ $rc -eq 3 ] || {
		echo "screenshot: scan of the corpus failed" >&2
		exit 1
	}
	shot corpus
else
	echo "screenshot: no shared corpus: testdata only"
fi
exit $status
