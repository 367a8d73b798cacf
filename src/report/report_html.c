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
 * constant of this file.
 */
#include <inttypes.h>
#include <string.h>

#include "ev_time.h"
#include "report/escape.h"
#include "report/report_int.h"

#define HIST_BUCKETS	60

static const char css[] =
"*{box-sizing:border-box}\n"
"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
"background:#f4f5f7;color:#1d2330}\n"
"header{background:#1d2330;color:#fff;padding:14px 24px}\n"
"header h1{font-size:20px;margin:0 0 4px}\n"
"header .meta{font:12px ui-monospace,monospace;color:#b8c0d0;"
"word-break:break-all}\n"
"main{padding:16px 24px;max-width:1800px}\n"
"h2{font-size:16px;margin:22px 0 8px;border-bottom:1px solid #ccd;"
"padding-bottom:4px}\n"
".cards{display:flex;flex-wrap:wrap;gap:10px}\n"
".card{background:#fff;border-radius:6px;padding:10px 14px;min-width:120px;"
"box-shadow:0 1px 2px #0002;border-top:4px solid #8a94a6}\n"
".card .n{font-size:24px;font-weight:600}\n"
".card .l{font-size:12px;color:#5a6375}\n"
".card.critical{border-color:#a0168c}.card.high{border-color:#d62d20}"
".card.medium{border-color:#e69500}.card.low{border-color:#2a8bd4}"
".card.informational{border-color:#8a94a6}.card.bad{border-color:#d62d20}"
".card.ok{border-color:#2e9b4f}\n"
"table{border-collapse:collapse;background:#fff;width:100%;"
"box-shadow:0 1px 2px #0002}\n"
"th,td{padding:4px 8px;border-bottom:1px solid #e3e6ec;text-align:left;"
"vertical-align:top}\n"
"th{background:#e9ecf2;font-weight:600;position:sticky;top:0}\n"
"th.sort{cursor:pointer;user-select:none}\n"
"th.sort:after{content:' \\2195';color:#99a}\n"
"td.mono,.mono{font-family:ui-monospace,'Cascadia Mono',monospace;"
"font-size:12px;word-break:break-all}\n"
"tr.f{cursor:pointer}tr.f:hover{background:#f0f4ff}\n"
".lv{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;"
"font-size:12px;font-weight:600}\n"
".lv.critical{background:#a0168c}.lv.high{background:#d62d20}"
".lv.medium{background:#e69500}.lv.low{background:#2a8bd4}"
".lv.informational{background:#8a94a6}\n"
".v{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;"
"font-weight:600}\n"
".v.full{background:#d5f0dc;color:#1d6b34}.v.partial{background:#fff0cc;"
"color:#7a5200}.v.no-command-lines,.v.blind{background:#fbd5d2;"
"color:#8f1d14}\n"
".warn{color:#8f1d14}\n"
"td ul{margin:0;padding-left:16px}\n"
"td.nw{white-space:nowrap}\n"
"h3{font-size:14px;margin:14px 0 6px}\n"
".filters{display:flex;gap:8px;margin:8px 0;flex-wrap:wrap}\n"
".filters input{flex:1;min-width:240px;padding:5px 8px}\n"
".filters select,.filters button{padding:4px}\n"
"td.detail{background:#fafbfd;padding:8px 16px}\n"
".tree{list-style:none;padding-left:18px;margin:4px 0;"
"border-left:2px solid #ccd}\n"
".tree li{margin:3px 0}\n"
".tree .me{background:#fff3c4;border-radius:3px;padding:1px 4px}\n"
".tree .cmd{display:block;color:#3b4456;margin-left:12px}\n"
".kv{display:grid;grid-template-columns:130px 1fr;gap:2px 10px}\n"
".kv div:nth-child(odd){color:#5a6375}\n"
"svg{background:#fff;box-shadow:0 1px 2px #0002;width:100%;height:auto}\n"
"details{margin:6px 0}summary{cursor:pointer;font-weight:600}\n"
".muted{color:#6b7385}\n"
"@media print{.filters{display:none}}\n";

/* The renderer.  textContent only: log strings never become markup. */
static const char js[] =
"'use strict';\n"
"(function(){\n"
"var D=JSON.parse(document.getElementById('evh-data').textContent);\n"
"var H=D.header,S=D.summary,I=D.items;\n"
"var LV=['informational','low','medium','high','critical'];\n"
"function lvn(l){return l?LV.indexOf(l)+1:0;}\n"
/* controls and bidi overrides shown as visible \\uXXXX, as in -f text */
"var CTL=/[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f"
"\\u202a-\\u202e\\u2066-\\u2069]/g;\n"
"function vis(s){return String(s).replace(CTL,function(c){return '\\\\u'+"
"('000'+c.charCodeAt(0).toString(16)).slice(-4);});}\n"
"function el(t,c,x){var e=document.createElement(t);if(c)e.className=c;"
"if(x!==undefined&&x!==null)e.textContent=vis(x);return e;}\n"
"function add(p,t,c,x){var e=el(t,c,x);p.appendChild(e);return e;}\n"
"function $(id){return document.getElementById(id);}\n"
"function lvl(l){return el('span','lv '+(l||''),l||'-');}\n"
"function tbl(p,cols){var t=add(p,'table'),h=add(add(t,'thead'),'tr');"
"cols.forEach(function(c){add(h,'th',null,c);});return add(t,'tbody');}\n"
"function row(tb,vals,mono){var r=add(tb,'tr');vals.forEach(function(v,i){"
"var td=add(r,'td',mono&&mono.indexOf(i)>=0?'mono':null);"
"if(v instanceof Node)td.appendChild(v);else td.textContent=v===null||"
"v===undefined?'':vis(v);});return r;}\n"
"function card(p,n,l,c){var d=add(p,'div','card '+(c||''));"
"add(d,'div','n',n);add(d,'div','l',l);}\n"
"function t(s){return s?s.replace('T',' ').replace(/\\.\\d+Z$/,'Z'):'';}\n"
/* ip:port as rp_endpoint() writes it: an IPv6 address in brackets */
"function ep(i,p){return(i&&String(i).indexOf(':')>=0?'['+i+']':i)+':'+p;}\n"
/* header */
"$('meta').textContent=vis((H.version||'')+' \\u2014 '+(H.command||''));\n"
"var c=$('cards'),fb=H.files_by_status;\n"
"card(c,S.findings,'findings',S.findings?'high':'ok');\n"
"for(var i=LV.length-1;i>=0;i--)card(c,S.by_level[LV[i]],LV[i],LV[i]);\n"
"card(c,H.coverage.length,'hosts');\n"
"card(c,H.files.length,'files: '+fb.ok+' ok, '+fb.damaged+' damaged, '+"
"fb.empty+' empty, '+fb.unreadable+' unreadable',"
"fb.unreadable||fb.damaged?'bad':'ok');\n"
"card(c,H.rules.loaded,'rules loaded, '+H.rules.rejected+' rejected, '+"
"H.rules.skipped+' skipped');\n"
"var tc=H.tampering.log_clears.length,tg=H.tampering.gaps.length;\n"
"card(c,tc+' / '+tg,'log clears / record-id gaps',tc||tg?'bad':'ok');\n"
"var blind=H.coverage.filter(function(h){return h.verdict=='blind'||"
"h.verdict=='no-command-lines';}).length;\n"
"card(c,blind,'hosts without command lines',blind?'bad':'ok');\n"
"var m=$('scan'),kv=add(m,'div','kv');\n"
"function pair(k,v){add(kv,'div',null,k);add(kv,'div','mono',v);}\n"
"pair('time range',t(H.time_range.first)+' .. '+t(H.time_range.last)+"
"(H.time_range.from||H.time_range.to?' (window '+(t(H.time_range.from)||"
"'open')+' .. '+(t(H.time_range.to)||'open')+')':''));\n"
"pair('records',H.records+' ('+H.recovered+' recovered, '+H.bad_records+"
"' undecodable), '+H.events+' events, '+H.duplicates+' duplicates');\n"
"var rr=[];for(var k in H.rules.by_reason)rr.push(k+' '+H.rules.by_reason[k]);\n"
"pair('rules',H.rules.loaded+' loaded, '+H.rules.skipped+' skipped, '+"
"H.rules.rejected+' rejected'+(rr.length?' ('+rr.join(', ')+')':''));\n"
"pair('rule set sha256',H.rules.sha256||'-');\n"
"pair('baseline',H.baseline===null?'none':H.baseline=='self'?"
"'self (stacking over this evidence)':H.baseline);\n"
"if(H.unbaselined.length)pair('too little history',H.unbaselined.join(', '));\n"
"pair('findings',H.findings+(H.suppressed?', '+H.suppressed+' suppressed':'')+"
"(H.filtered?', '+H.filtered+' filtered out':'')+(H.min_level?"
"' (minimum level '+H.min_level+')':''));\n"
"var fd=add(m,'details');add(fd,'summary',null,'Files ('+H.files.length+')');\n"
"var ft=tbl(fd,['status','file','records','recovered','events',"
"'bad chunks','bad records','gaps','sha256','message']);\n"
"H.files.forEach(function(f){var r=row(ft,[f.status,f.path,f.records,"
"f.recovered,f.events,f.bad_chunks,f.bad_records,f.gaps,f.sha256,"
"f.message],[1,8,9]);if(f.status!='ok'&&f.status!='empty')"
"r.className='warn';});\n"
/* coverage */
"var ct=tbl($('coverage'),['computer','coverage','time range','Sysmon 1',"
"'Sysmon 3','Sysmon 7','4688','4688 with cmdline','4688 templates',"
"'exits','findings','missing']);\n"
"H.coverage.forEach(function(h){var tp=[];for(var k in "
"h.security_4688_templates)tp.push(k+': '+h.security_4688_templates[k]);"
"var ul=el('ul');h.missing.forEach(function(x){add(ul,'li',"
"/NOT clean/.test(x)?'warn':null,x);});"
"row(ct,[h.computer,el('span','v '+h.verdict,h.verdict),t(h.first)+' .. '+"
"t(h.last),h.sysmon_1,h.sysmon_3,h.sysmon_7,h.security_4688,"
"h.security_4688_command_line,tp.join(', '),h.sysmon_5+h.security_4689,"
"h.findings,ul],[0]).children[2].className='nw';});\n"
/* tampering */
"var tm=$('tampering');\n"
"if(!tc&&!tg)add(tm,'p','muted','No log clears (Security 1102, System 104)"
" and no record-id gaps.');\n"
"if(tc){add(tm,'h3',null,'Log clears');var lt=tbl(tm,['time','computer','event','log cleared','user',"
"'file','record']);H.tampering.log_clears.forEach(function(x){row(lt,"
"[t(x.time),x.computer,x.event_id,x.channel,x.user,x.file,x.record_id],"
"[5]);});}\n"
"if(tg){add(tm,'h3',null,'Record-id gaps (deleted or lost records?)');var gt=tbl(tm,['file','missing record ids','count','after',"
"'before']);H.tampering.gaps.forEach(function(g){row(gt,[g.file,"
"(g.after_id+1)+' .. '+(g.before_id-1),g.missing,t(g.after_time),"
"t(g.before_time)],[0]);});}\n"
/* findings table */
"var hosts={};I.forEach(function(x){hosts[x.computer||'']=1;});\n"
"var hs=$('fhost');Object.keys(hosts).sort().forEach(function(h){"
"var o=add(hs,'option',null,h||'(none)');o.value=h;});\n"
"var COLS=[['time','time'],['level','level'],['computer','computer'],"
"['source','source'],['title','title'],['image','image'],"
"['command_line','command line'],['user','user']];\n"
"var sortk='time',sortd=1,shown=500;\n"
"var th=$('fhead');COLS.forEach(function(c){var h=add(th,'th','sort',c[1]);"
"h.onclick=function(){if(sortk==c[0])sortd=-sortd;else{sortk=c[0];sortd=1;}"
"draw();};});\n"
"function key(x,k){return k=='level'?lvn(x.level):(x[k]||'');}\n"
"function hay(x){return [x.time,x.computer,x.source,x.level,x.title,"
"x.rule_id,x.tags,x.image,x.command_line,x.parent_image,"
"x.parent_command_line,x.user,x.file,x.details].join('\\n').toLowerCase();}\n"
"I.forEach(function(x,i){x._i=i;x._h=hay(x);});\n"
"function proc(p,me){var li=el('li');var s=add(li,'span',me?'me mono':"
"'mono',(p.image||'?')+(p.pid!==null&&p.pid!==undefined?'  [pid '+p.pid+']':'')"
"+(p.user?'  '+p.user:'')+'  '+t(p.time));if(p.command_line)add(li,'span',"
"'cmd mono',p.command_line);return li;}\n"
"function about(r){var s='';(r.matched||[]).forEach(function(m){s+='\\nmatched  '+"
"(m.selection?m.selection+': ':'')+(m.field||'keywords')+(m.modifiers?'|'+"
"m.modifiers:'')+' '+(m.value===null?'null':\"'\"+m.value+\"'\")+(m.data?' in '+"
"m.data:'')+(m.match===null?'':\" = '\"+m.match+\"'\");});if(r.description)"
"s+='\\nabout    '+r.description;if(r.references&&r.references.length)"
"s+='\\nrefs     '+r.references.join(' ');if(r.falsepositives&&"
"r.falsepositives.length)s+='\\nfalse pos '+r.falsepositives.join('; ');"
"return s;}\n"
"function detail(x){var d=el('div');var k=add(d,'div','kv');\n"
"function p(a,b){if(b===null||b===undefined||b==='')return;add(k,'div',null,a);"
"add(k,'div','mono',b);}\n"
"x.reasons.forEach(function(r){add(k,'div',null,r.source+' ('+r.level+')');"
"var v=add(k,'div','mono',r.title+'  \\u2014 '+r.rule_id+(r.tags?'  \\u2014 '+"
"r.tags:'')+(r.source=='baseline'?'  (score '+r.score+')':'')+(r.details?"
"'\\n'+r.details:'')+about(r));v.style.whiteSpace='pre-wrap';});\n"
"p('image',x.image);p('original name',x.original_file_name);"
"p('command line',x.command_line);p('parent',x.parent_image);"
"p('parent command',x.parent_command_line);p('user',x.user);"
"p('integrity',x.integrity_level);p('pid',x.pid);p('guid',x.process_guid);"
"p('sha256',x.sha256);if(x.network)p('connection',x.network.protocol+' '+"
"ep(x.network.src_ip,x.network.src_port)+' -> '+ep(x.network.dst_ip,"
"x.network.dst_port)+(x.network.dst_hostname?' ('+x.network.dst_hostname+')':''));"
"if(x.image_load)p('loaded',x.image_load.image_loaded);"
"if(x.cleared_channel)p('log cleared',x.cleared_channel);"
"p('source',x.file+' #'+x.record_id+' ('+x.channel+' '+x.event_id+"
"(x.recovered?', recovered':'')+')');\n"
"var c=x.context;if(c){add(d,'div','muted','Process tree');"
"var root=el('ul','tree'),cur=root;\n"
"if(!c.chain.length&&x.parent_image){var pl=proc({image:x.parent_image,"
"command_line:x.parent_command_line,pid:x.parent_pid},false);"
"add(pl,'span','muted',' (parent named by the event; its creation is not "
"in the evidence)');cur.appendChild(pl);cur=add(pl,'ul','tree');}\n"
"for(var i=c.chain.length-1;i>=0;i--){var li=proc(c.chain[i],false);"
"cur.appendChild(li);cur=add(li,'ul','tree');}\n"
"var me=c.process||{time:x.time,image:x.image,pid:x.pid,user:x.user,"
"command_line:x.command_line};var ml=proc(me,true);cur.appendChild(ml);\n"
"if(c.children.length){var cu=add(ml,'ul','tree');c.children.forEach("
"function(k){cu.appendChild(proc(k,false));});if(c.children_total>"
"c.children.length)add(cu,'li','muted','+'+(c.children_total-"
"c.children.length)+' more');}\n"
"d.appendChild(root);\n"
"if(c.network.length){add(d,'div','muted','Network connections ('+"
"c.network_total+')');var nt=tbl(d,['time','proto','source','destination',"
"'host']);c.network.forEach(function(n){row(nt,[t(n.time),n.protocol,"
"ep(n.src_ip,n.src_port),ep(n.dst_ip,n.dst_port),n.dst_hostname],[2,3,4]);"
"});}\n"
"if(c.image_loads.length){add(d,'div','muted','Unusual image loads ('+"
"c.image_loads_unusual+' of '+c.image_loads_total+')');var lt=tbl(d,"
"['time','image loaded','signed','signature']);c.image_loads.forEach("
"function(l){row(lt,[t(l.time),l.image_loaded,l.signed===null?'':"
"l.signed?'yes':'no',l.signature],[1]);});}}\n"
"return d;}\n"
"function draw(){var q=$('fq').value.toLowerCase(),ml=+$('flevel').value,"
"hh=$('fhost').value,src=$('fsrc').value;\n"
"var v=I.filter(function(x){return (!q||x._h.indexOf(q)>=0)&&lvn(x.level)>=ml"
"&&(hh=='*'||(x.computer||'')==hh)&&(src=='*'||(x.source||'').indexOf(src)>=0);});\n"
"v.sort(function(a,b){var p=key(a,sortk),r=key(b,sortk);return p<r?-sortd:"
"p>r?sortd:a._i-b._i;});\n"
"var tb=$('fbody');tb.textContent='';\n"
"v.slice(0,shown).forEach(function(x){var r=row(tb,[t(x.time),lvl(x.level),"
"x.computer,x.source||'',x.title||x.kind,x.image,x.command_line,x.user],"
"[5,6]);r.className='f';r.onclick=function(){var n=r.nextSibling;"
"if(n&&n.className=='dr'){n.remove();return;}var dr=el('tr','dr');"
"var td=add(dr,'td','detail');td.colSpan=COLS.length;td.appendChild(detail(x));"
"r.parentNode.insertBefore(dr,r.nextSibling);};});\n"
"$('fcount').textContent=v.length+' of '+I.length+' shown'+(v.length>shown?"
"' (first '+shown+')':'');$('fmore').style.display=v.length>shown?'':'none';}\n"
"['fq','flevel','fhost','fsrc'].forEach(function(id){$(id).oninput=draw;"
"$(id).onchange=draw;});\n"
"$('fmore').onclick=function(){shown+=500;draw();};\n"
"$('fexp').onclick=function(){Array.prototype.forEach.call("
"document.querySelectorAll('#fbody tr.f'),function(r){var n=r.nextSibling;"
"if(!n||n.className!='dr')r.onclick();});};\n"
"draw();\n"
"if(location.hash=='#expand-all')$('fexp').onclick();\n"
/* summary */
"var sm=$('summary');\n"
"function counts(title,list,kn,extra){if(!list.length)return;"
"add(sm,'h3',null,title);var tb=tbl(sm,['count',kn].concat(extra?['title',"
"'level']:[]));list.forEach(function(x){var k=x.rule_id||x.computer||"
"x.technique;row(tb,[x.count,k].concat(extra?[x.title,lvl(x.level)]:[]),"
"[1]);});}\n"
"counts('By rule',S.by_rule,'rule id',true);"
"counts('By host',S.by_host,'computer');"
"counts('By ATT&CK technique',S.by_technique,'technique');\n"
"if(S.watched.length){add(sm,'h3',null,'Top command lines of watched "
"binaries');var wt=tbl(sm,['binary','runs','distinct','count',"
"'command line']);S.watched.forEach(function(w){w.top.forEach(function(x,j){"
"row(wt,[j?'':w.binary,j?'':w.runs,j?'':w.distinct,x.count,"
"x.command_line||'(none)'],[4]);});});}\n"
"})();\n";

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
	    "text-anchor=\"middle\" fill=\"#5a6375\">UTC; %d buckets of %.*f "
	    "%s</text>\n</svg>\n", left + (W - left) / 2, top + H + 32,
	    HIST_BUCKETS, bucket < 60 || bucket >= 3600 ? 1 : 0,
	    bucket < 60 ? bucket : bucket < 3600 ? bucket / 60 : bucket / 3600,
	    bucket < 60 ? "seconds" : bucket < 3600 ? "minutes" : "hours");
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
	ev_buf_adds(&b, css);
	ev_buf_adds(&b, "</style>\n</head>\n<body>\n<header><h1>evtxhunt scan "
	    "report</h1><div class=\"meta\" id=\"meta\"></div></header>\n"
	    "<main>\n<noscript><p class=\"warn\">This report is drawn by its "
	    "own inline script (no network access); enable JavaScript for "
	    "this file, or use -f text, csv or jsonl.</p></noscript>\n"
	    "<div class=\"cards\" id=\"cards\"></div>\n"
	    "<h2>Scan</h2><div id=\"scan\"></div>\n"
	    "<h2>Coverage</h2><div id=\"coverage\"></div>\n"
	    "<h2>Tampering</h2><div id=\"tampering\"></div>\n"
	    "<h2>Findings over time</h2>\n");
	hist(&b, rp);
	ev_buf_addf(&b, "<h2>%s</h2>\n<div class=\"filters\">"
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
	    "<table><thead><tr id=\"fhead\"></tr></thead>"
	    "<tbody id=\"fbody\"></tbody></table>\n"
	    "<p><button id=\"fmore\">show more</button></p>\n"
	    "<h2>Summary</h2><div id=\"summary\"></div>\n</main>\n",
	    rp->r->opts.all_events ? "Timeline (all events; click a finding for"
	    " its process tree)" : "Findings (click one for its process tree)");
	/* the data */
	ev_buf_adds(&j, "{\"header\":");
	rp_json_header(&j, rp);
	ev_buf_adds(&j, ",\"summary\":");
	rp_json_summary(&j, rp);
	ev_buf_adds(&j, ",\"items\":[");
	for (size_t i = 0; i < rp->nitems; i++) {
		if (i > 0)
			ev_buf_adds(&j, ",\n");
		rp_json_item(&j, rp, &rp->items[i], true,
		    !rp->r->opts.all_events);
	}
	ev_buf_adds(&j, "]}");
	ev_buf_adds(&b, "<script type=\"application/json\" id=\"evh-data\">\n");
	report_json_script(&b, j.buf, j.len);
	ev_buf_release(&j);
	ev_buf_adds(&b, "\n</script>\n<script>\n");
	ev_buf_adds(&b, js);
	ev_buf_adds(&b, "</script>\n</body>\n</html>\n");
	rc = rp_flush(out, &b, err);
	ev_buf_release(&b);
	return rc;
}
