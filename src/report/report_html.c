/*
 * report_html.c -- the `html` report: ONE self-contained page (inline CSS
 * and JavaScript, no network fetch, no external reference of any kind).
 *
 * The report data goes into the page as JSON inside
 * <script type="application/json" id="evh-data">, made safe for a script
 * element by report_json_script() (< > & U+2028/9 as \uXXXX, so a
 * "</script>" in a command line cannot end the element).  The page script
 * renders it with createElement/textContent only, never innerHTML, so no
 * log string is ever parsed as markup.  The time histogram is inline SVG
 * written here (numbers only).  Everything that is not log data is a
 * constant of this file or of report_html_page.c (style and script).
 *
 * The page, in order: a sticky bar of links to the sections, the verdict,
 * the findings table (on the first screen), findings over time, coverage,
 * tampering, damaged files (dirty is not damage), the summary, and the
 * scan with every file (folded).
 */
#include <inttypes.h>
#include <string.h>

#include "ev_time.h"
#include "report/escape.h"
#include "report/report_html.h"
#include "report/report_int.h"

#define HIST_BUCKETS	60

static void
hist(struct ev_buf *b, const struct rp *rp)
{
	static const char *const colors[EV_NLEVELS] = {
		"#8a94a6", "#8a94a6", "#2a8bd4", "#e69500", "#d62d20",
		"#a0168c",
	};
	uint64_t cnt[HIST_BUCKETS][EV_NLEVELS], tot[HIST_BUCKETS], max = 0;
	uint64_t lo = rp->ffirst, span;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	const double W = 1000, H = 150, top = 10, left = 40;
	double bw, bucket;

	if (rp->r->nfindings == 0 || lo == 0) {
		ev_buf_adds(b, "<p class=\"muted\">No findings to plot.</p>\n");
		return;
	}
	span = rp->flast - lo + 1;
	if (span < 600000000ULL)	/* at least one minute */
		span = 600000000ULL;
	memset(cnt, 0, sizeof(cnt));
	memset(tot, 0, sizeof(tot));
	for (size_t i = 0; i < rp->r->nfindings; i++) {
		const struct finding *f = &rp->r->findings[i];
		uint64_t t = f->ev->time;
		size_t k;

		if (t < lo)
			continue;
		k = (size_t)((double)(t - lo) / (double)span * HIST_BUCKETS);
		if (k >= HIST_BUCKETS)
			k = HIST_BUCKETS - 1;
		cnt[k][(unsigned)f->level < EV_NLEVELS ? f->level : 0]++;
		if (++tot[k] > max)
			max = tot[k];
	}
	bw = (W - left) / HIST_BUCKETS;
	ev_time_format(lo, EV_TIME_LOCAL, a);
	ev_time_format(lo + span, EV_TIME_LOCAL, z);
	ev_buf_addf(b, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"findings over time\">\n", W, H + 46);
	ev_buf_addf(b, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
	    "stroke=\"#99a\"/>\n", left, top + H, W, top + H);
	ev_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "text-anchor=\"end\" fill=\"#5a6375\">%" PRIu64 "</text>\n",
	    left - 4, top + 10, max);
	ev_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "text-anchor=\"end\" fill=\"#5a6375\">0</text>\n", left - 4,
	    top + H);
	for (size_t k = 0; k < HIST_BUCKETS; k++) {
		double y = top + H;
		uint64_t b0 = lo + span * k / HIST_BUCKETS;
		char t0[EV_TIME_MAX_LEN + 1];

		if (tot[k] == 0)
			continue;
		ev_time_format(b0, EV_TIME_LOCAL, t0);
		ev_buf_addf(b, "<g><title>%s: %" PRIu64 " findings</title>",
		    t0, tot[k]);
		for (int l = EV_NLEVELS - 1; l >= 0; l--) {
			double h;

			if (cnt[k][l] == 0)
				continue;
			h = H * (double)cnt[k][l] / (double)max;
			y -= h;
			ev_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
			    " height=\"%.1f\" fill=\"%s\"/>", left + bw * k + 1,
			    y, bw - 2, h, colors[l]);
		}
		ev_buf_adds(b, "</g>\n");
	}
	ev_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "fill=\"#5a6375\">%s</text>\n", left, top + H + 16, a);
	ev_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "text-anchor=\"end\" fill=\"#5a6375\">%s</text>\n", W, top + H + 16,
	    z);
	bucket = (double)span / HIST_BUCKETS / 10000000.0;	/* seconds */
	ev_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "text-anchor=\"middle\" fill=\"#5a6375\">%s; %d buckets of %.*f "
	    "%s</text>\n</svg>\n", left + (W - left) / 2, top + H + 32,
	    ev_time_zone_set() ? "display zone" : "UTC", HIST_BUCKETS,
	    bucket < 60 || bucket >= 3600 ? 1 : 0,
	    bucket < 60 ? bucket : bucket < 3600 ? bucket / 60 : bucket / 3600,
	    bucket < 60 ? "seconds" : bucket < 3600 ? "minutes" : "hours");
}

/*
 * An item of the page's data, after a comma unless it is the first,
 * escaped for the script element (items are formatted and written in
 * slices: the page's data is never whole in memory).
 */
static void
html_item(struct ev_buf *b, const struct rp *rp, const struct rp_item *it)
{
	size_t at = b->len;

	if (it != rp->items)
		ev_buf_adds(b, ",\n");
	rp_json_item(b, rp, it, true, !rp->r->opts.all_events);
	report_json_script_tail(b, at);
}

int
report_html(FILE *out, const struct rp *rp, struct ev_err *err)
{
	struct ev_buf b = EV_BUF_INIT, j = EV_BUF_INIT;
	int rc;

	ev_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "script-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<title>evtxhunt scan report</title>\n<style>\n");
	ev_buf_adds(&b, rp_html_css);
	ev_buf_adds(&b, "</style>\n</head>\n<body>\n<header><h1>evtxhunt scan "
	    "report</h1><span class=\"meta\" id=\"meta\"></span></header>\n"
	    "<nav><a href=\"#verdict\">Verdict</a>"
	    "<a href=\"#sec-findings\">Findings<span id=\"n-findings\"></span>"
	    "</a><a href=\"#sec-time\">Over time</a>"
	    "<a href=\"#sec-coverage\">Coverage<span id=\"n-coverage\">"
	    "</span></a><a href=\"#sec-tampering\">Tampering"
	    "<span id=\"n-tampering\"></span></a>"
	    "<a href=\"#sec-damaged\">Damaged files<span id=\"n-damaged\">"
	    "</span></a><a href=\"#sec-summary\">Summary</a>"
	    "<a href=\"#sec-scan\">Scan and files<span id=\"n-files\">"
	    "</span></a></nav>\n"
	    "<main>\n<noscript><p class=\"warn\">This report is drawn by its "
	    "own inline script (no network access); enable JavaScript for "
	    "this file, or use -f text, csv or jsonl.</p></noscript>\n"
	    "<section id=\"verdict\"></section>\n");
	ev_buf_addf(&b, "<section id=\"sec-findings\"><h2>%s</h2>\n"
	    "<div class=\"filters\">"
	    "<input id=\"fq\" type=\"search\" placeholder=\"filter: any text "
	    "(command line, host, rule, user...)\">"
	    "<select id=\"flevel\"><option value=\"0\">any level</option>"
	    "<option value=\"2\">low and up</option><option value=\"3\">medium "
	    "and up</option><option value=\"4\">high and up</option>"
	    "<option value=\"5\">critical</option></select>"
	    "<select id=\"fsrc\"><option value=\"*\">any source</option>"
	    "<option value=\"rule\">rule</option><option value=\"baseline\">"
	    "baseline</option></select>"
	    "<select id=\"fhost\"><option value=\"*\">any host</option>"
	    "</select><button id=\"fexp\">expand all</button>"
	    "<span id=\"fcount\" class=\"muted\"></span></div>\n"
	    "<table id=\"ftable\"><colgroup id=\"fcols\"></colgroup><thead>"
	    "<tr id=\"fhead\"></tr></thead><tbody id=\"fbody\"></tbody>"
	    "</table>\n<p><button id=\"fmore\">show more</button></p>"
	    "</section>\n<section id=\"sec-time\"><h2>Findings over time</h2>\n",
	    rp->r->opts.all_events ? "Timeline (all events; click a finding for"
	    " its process tree)" : "Findings (click one for its process tree)");
	hist(&b, rp);
	ev_buf_adds(&b, "</section>\n"
	    "<section id=\"sec-coverage\"><h2>Coverage</h2>"
	    "<div id=\"coverage\"></div></section>\n"
	    "<section id=\"sec-tampering\"><h2>Tampering</h2>"
	    "<div id=\"tampering\"></div></section>\n"
	    "<section id=\"sec-damaged\"><h2>Damaged files</h2>"
	    "<div id=\"damaged\"></div></section>\n"
	    "<section id=\"sec-summary\"><h2>Summary</h2>"
	    "<div id=\"summary\"></div></section>\n"
	    "<section id=\"sec-scan\"><h2>Scan</h2><div id=\"scan\"></div>"
	    "</section>\n</main>\n");
	/* the data */
	ev_buf_adds(&j, "{\"header\":");
	rp_json_header(&j, rp);
	ev_buf_adds(&j, ",\"summary\":");
	rp_json_summary(&j, rp);
	ev_buf_adds(&j, ",\"items\":[");
	ev_buf_adds(&b, "<script type=\"application/json\" id=\"evh-data\">\n");
	report_json_script(&b, j.buf, j.len);
	if (ev_buf_failed(&j))
		b.oom = true;
	if ((rc = rp_flush(out, &b, err)) != 0 || (rc = rp_write_items(out,
	    rp, rp->items, rp->nitems, html_item, err)) != 0)
		goto out;
	ev_buf_adds(&b, "]}\n</script>\n<script>\n");
	ev_buf_adds(&b, rp_html_js);
	ev_buf_adds(&b, "</script>\n</body>\n</html>\n");
	rc = rp_flush(out, &b, err);
out:
	ev_buf_release(&b);
	ev_buf_release(&j);
	return rc;
}
