/* html.c -- report_<ts>.html: one self-contained page: header, headline, SVG charts, every cluster. */
#include "report/groups.h"

#include <math.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>
#include <time.h>

#include "detect/explain_names.h"
#include "jsonesc.h"

#ifndef CD_VERSION
#define CD_VERSION "dev"
#endif

/* What the page is made of, and why:
 * - Everything a person needs without scripts is static HTML: the header that ties the page to
 *   an instance and a run, the headline numbers, the charts (inline SVG drawn here), the possible
 *   pairs and the files of the run. With scripts off, a <noscript> note points to the files.
 * - The clusters (50,000 at a million users) are data, not markup: one JSON block, read by the
 *   small script below, which builds one page of clusters at a time with textContent (never
 *   markup from data), searches, filters and sorts, and keeps that state in the URL fragment
 *   (#q=smith&min=0.9; #c123 opens cluster 123).
 * - The Content-Security-Policy allows that one script by its SHA-256 (computed here from the
 *   constant, so the page and the hash cannot drift) and nothing else: no network, no other
 *   script, no inline event handler. */

/* Possible pairs listed in the page (they are few; all of them are in the CSV). */
#define HTML_MAX_POSSIBLE 1000

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputs("&#xfffd;", f); /* control characters have no business on a page */
			else
				putc_unlocked(*s, f);
		}
	}
}

/* A cell with a label for the narrow layout (the CSS shows it before the value). */
static void td(FILE *f, const char *label, const char *s)
{
	fprintf(f, "<td data-label=\"%s\">", label);
	esc(f, s);
	fputs("</td>", f);
}

/* The kinds of evidence in words, in enum match_kind order (match_kind_name gives the names
 * the JSON and the URL use). */
static const char *const kind_label[MK_COUNT] = {
	[MK_EMAIL] = "Same e-mail",
	[MK_EMAIL_SECONDARY] = "E-mail is the other's secondary e-mail",
	[MK_USERNAME] = "Same username",
	[MK_USERNAME_EMAIL] = "Username is the other's e-mail",
	[MK_HANDLE] = "Similar username or e-mail name",
	[MK_NAME] = "Same name",
	[MK_NAME_SWAPPED] = "First and last name swapped",
	[MK_NICKNAME] = "Same last name, first name a short form",
	[MK_NAME_TYPO] = "Name spelled almost the same",
	[MK_NAME_INITIAL] = "Same name, one part an initial",
	[MK_NAME_DIFFERENT] = "Different names (counts against)",
	[MK_PHONE] = "Same phone number",
	[MK_DIRECTORY] = "Same directory user",
	[MK_ROUTING] = "Same routing profile",
	[MK_HIERARCHY] = "Same hierarchy group",
};

/* The page's one script (see the top of the file). Plain ES2017, no library; tabs kept so the
 * text reads as code in the page. Changing it changes its hash, which the policy follows. */
static const char script[] =
	"(function () {\n"
	"'use strict';\n"
	"// The clusters live in the JSON block; one page of them is in the DOM at a time, built with\n"
	"// createElement/textContent only (never markup from data). State <-> URL fragment.\n"
	"var D = JSON.parse(document.getElementById('data').textContent);\n"
	"var C = D.c, K = D.kinds, R = D.reasons, PAGE = 50, body = document.body;\n"
	"var $ = function (id) { return document.getElementById(id); };\n"
	"var list = $('list'), status = $('status'), hay = null, view = [], timer = 0;\n"
	"var FIELDS = ['all', 'name', 'email', 'user', 'ev'], SORTS = ['num', 'conf-desc', 'conf-asc', 'size-desc', 'name'];\n"
	"var kindAt = {};\n"
	"K.forEach(function (k, i) { kindAt[k[0]] = i; });\n"
	"function blank() { return { q: '', f: 'all', ev: '', min: '', max: '', sort: 'num', p: 1 }; }\n"
	"var st = blank();\n"
	"function fold(s) { return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase(); }\n"
	"function el(tag, cls, text) {\n"
	"\tvar e = document.createElement(tag);\n"
	"\tif (cls) e.className = cls;\n"
	"\tif (text !== undefined) e.textContent = text;\n"
	"\treturn e;\n"
	"}\n"
	"function add(p, tag, cls, text) { return p.appendChild(el(tag, cls, text)); }\n"
	"function kindsOf(c) {\n"
	"\tvar m = 0;\n"
	"\tc[4].forEach(function (p) { p[3].forEach(function (e) { m |= 1 << e[0]; }); });\n"
	"\treturn m;\n"
	"}\n"
	"// Search text per cluster and field, folded (case, accents): built in slices in the\n"
	"// background after the first view, so that typing finds it ready; a search that comes\n"
	"// earlier finishes it at once. One fold per cluster, fields joined by \\u0001.\n"
	"var FI = { name: 0, email: 1, user: 2, ev: 3 }, built = 0, kinds = [];\n"
	"function build(upto) {\n"
	"\tif (!hay) hay = new Array(C.length);\n"
	"\tfor (; built < upto; built++) {\n"
	"\t\tvar c = C[built], n = '', e = '', u = '', v = '';\n"
	"\t\tc[3].forEach(function (m) { u += m[1] + '\\n'; e += m[2] + '\\n'; n += m[3] + ' ' + m[4] + '\\n'; });\n"
	"\t\tc[4].forEach(function (p) { p[3].forEach(function (x) { v += (x[3] ? '' : K[x[0]][1] + ': ') + x[2] + '\\n'; }); });\n"
	"\t\tvar all = fold(n + '\\u0001' + e + '\\u0001' + u + '\\u0001' + v), h = all.split('\\u0001');\n"
	"\t\th.all = all;\n"
	"\t\thay[built] = h;\n"
	"\t}\n"
	"}\n"
	"function background() {\n"
	"\tbuild(Math.min(C.length, built + 2000));\n"
	"\tif (built < C.length) setTimeout(background, 0);\n"
	"\telse body.dataset.tIndex = performance.now().toFixed(1);\n"
	"}\n"
	"function kindsAt(i) {\n"
	"\tif (kinds[i] === undefined) kinds[i] = kindsOf(C[i]);\n"
	"\treturn kinds[i];\n"
	"}\n"
	"function sortKey(i) {\n"
	"\tvar c = C[i], k = c[3][c[1]];\n"
	"\treturn fold(k[4] + ' ' + k[3]);\n"
	"}\n"
	"function apply(keepPage, quiet) {\n"
	"\tvar t0 = performance.now();\n"
	"\tvar terms = fold(st.q).split(/\\s+/).filter(Boolean);\n"
	"\tvar min = parseFloat(st.min), max = parseFloat(st.max);\n"
	"\tvar evk = st.ev in kindAt ? 1 << kindAt[st.ev] : 0;\n"
	"\tif (terms.length) build(C.length);\n"
	"\tview = [];\n"
	"\tfor (var i = 0; i < C.length; i++) {\n"
	"\t\tvar c = C[i], ok = true;\n"
	"\t\tif ((min === min && c[0] < min) || (max === max && c[0] > max)) continue;\n"
	"\t\tif (evk && !(kindsAt(i) & evk)) continue;\n"
	"\t\tvar h = terms.length ? (st.f === 'all' ? hay[i].all : hay[i][FI[st.f]]) : '';\n"
	"\t\tfor (var t = 0; t < terms.length && ok; t++) ok = h.indexOf(terms[t]) >= 0;\n"
	"\t\tif (ok) view.push(i);\n"
	"\t}\n"
	"\tif (st.sort === 'conf-desc') view.sort(function (a, b) { return C[b][0] - C[a][0] || a - b; });\n"
	"\telse if (st.sort === 'conf-asc') view.sort(function (a, b) { return C[a][0] - C[b][0] || a - b; });\n"
	"\telse if (st.sort === 'size-desc') view.sort(function (a, b) { return C[b][3].length - C[a][3].length || a - b; });\n"
	"\telse if (st.sort === 'name') {\n"
	"\t\tvar key = {};\n"
	"\t\tview.forEach(function (i) { key[i] = sortKey(i); });\n"
	"\t\tview.sort(function (a, b) { return key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : a - b; });\n"
	"\t}\n"
	"\tif (!keepPage) st.p = 1;\n"
	"\trender();\n"
	"\tbody.dataset.tFilter = (performance.now() - t0).toFixed(1);\n"
	"\tif (!quiet) writeHash();\n"
	"}\n"
	"function when(s) { return s > 0 ? new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : ''; }\n"
	"var HEAD = ['', 'Username', 'E-mail', 'First name', 'Last name', 'Last modified', 'User id'];\n"
	"function cluster(i) {\n"
	"\tvar c = C[i], n = i + 1, a = el('article', 'cl'), m = c[3];\n"
	"\ta.id = 'c' + n;\n"
	"\tvar h = add(a, 'h3'), link = add(h, 'a', null, 'Cluster ' + n);\n"
	"\tlink.href = '#c' + n;\n"
	"\th.appendChild(document.createTextNode(' \\u00b7 ' + m.length + ' accounts \\u00b7 confidence ' + c[0].toFixed(3)));\n"
	"\tvar km = kindsOf(c), names = [];\n"
	"\tK.forEach(function (k, j) { if (km & (1 << j)) names.push(k[1]); });\n"
	"\tadd(a, 'p', 'kinds', names.join(' \\u00b7 '));\n"
	"\tvar t = add(add(a, 'div', 'scroll'), 'table', 'm'), tr = add(add(t, 'thead'), 'tr');\n"
	"\tHEAD.forEach(function (x) { add(tr, 'th', null, x); });\n"
	"\tvar tb = add(t, 'tbody');\n"
	"\tm.forEach(function (u, j) {\n"
	"\t\tvar r = add(tb, 'tr', j === c[1] ? 'keep' : null);\n"
	"\t\tvar b = add(r, 'td');\n"
	"\t\tif (j === c[1]) add(b, 'span', 'badge', 'keep');\n"
	"\t\t[u[1], u[2], u[3], u[4], when(u[5]), u[0]].forEach(function (v, x) {\n"
	"\t\t\tvar d = add(r, 'td', x === 5 ? 'id' : null, v);\n"
	"\t\t\td.dataset.label = HEAD[x + 1];\n"
	"\t\t});\n"
	"\t});\n"
	"\tvar k = add(a, 'p', null, 'Keep ');\n"
	"\tadd(k, 'b', null, m[c[1]][1]);\n"
	"\tk.appendChild(document.createTextNode(': ' + R[c[2]] + '.'));\n"
	"\tvar ul = add(a, 'ul', 'ev');\n"
	"\tc[4].forEach(function (p) {\n"
	"\t\tvar li = add(ul, 'li', null, m[p[0]][1] + ' \\u2194 ' + m[p[1]][1] + ' (' + p[2].toFixed(3) + '): ');\n"
	"\t\tp[3].forEach(function (e) {\n"
	"\t\t\tvar s = add(li, 'span', e[1] < 0 ? 'neg' : null, (e[3] ? '' : K[e[0]][1] + ': ') + e[2]);\n"
	"\t\t\ts.title = 'weight ' + (e[1] > 0 ? '+' : '') + e[1] + ' bits';\n"
	"\t\t});\n"
	"\t});\n"
	"\treturn a;\n"
	"}\n"
	"function render() {\n"
	"\tvar pages = Math.max(1, Math.ceil(view.length / PAGE));\n"
	"\tst.p = Math.min(Math.max(1, st.p), pages);\n"
	"\tvar from = (st.p - 1) * PAGE, to = Math.min(view.length, from + PAGE);\n"
	"\tvar frag = document.createDocumentFragment();\n"
	"\tfor (var i = from; i < to; i++) frag.appendChild(cluster(view[i]));\n"
	"\tlist.textContent = '';\n"
	"\tlist.appendChild(frag);\n"
	"\tvar s = view.length === C.length ? C.length + ' clusters' : view.length + ' of ' + C.length + ' clusters match';\n"
	"\tif (pages > 1) s += ' \\u00b7 showing ' + (from + 1) + '\\u2013' + to + ' (page ' + st.p + ' of ' + pages + ')';\n"
	"\tstatus.textContent = s;\n"
	"\tdocument.querySelectorAll('.pager').forEach(function (nav) {\n"
	"\t\tnav.hidden = pages < 2;\n"
	"\t\tnav.querySelector('.prev').disabled = st.p <= 1;\n"
	"\t\tnav.querySelector('.next').disabled = st.p >= pages;\n"
	"\t\tnav.querySelector('.at').textContent = 'Page ' + st.p + ' of ' + pages;\n"
	"\t});\n"
	"\tbody.dataset.match = view.length;\n"
	"\tbody.dataset.shown = to - from;\n"
	"}\n"
	"function writeHash() {\n"
	"\tvar h = [], d = blank();\n"
	"\t['q', 'f', 'ev', 'min', 'max', 'sort', 'p'].forEach(function (k) {\n"
	"\t\tif (String(st[k]) !== String(d[k])) h.push(k + '=' + encodeURIComponent(st[k]));\n"
	"\t});\n"
	"\th = h.join('&');\n"
	"\tif (h !== location.hash.slice(1)) {\n"
	"\t\ttry { history.replaceState(null, '', '#' + h); } catch (e) { /* some file: URLs */ }\n"
	"\t}\n"
	"}\n"
	"function readHash() {\n"
	"\tvar s = blank();\n"
	"\tlocation.hash.slice(1).split('&').forEach(function (kv) {\n"
	"\t\tvar i = kv.indexOf('='), k = kv.slice(0, i), v;\n"
	"\t\tif (i < 0 || !(k in s)) return;\n"
	"\t\ttry { v = decodeURIComponent(kv.slice(i + 1).replace(/\\+/g, ' ')); } catch (e) { return; }\n"
	"\t\tif (k === 'p') v = parseInt(v, 10) || 1;\n"
	"\t\tif ((k === 'f' && FIELDS.indexOf(v) < 0) || (k === 'sort' && SORTS.indexOf(v) < 0) ||\n"
	"\t\t    (k === 'ev' && !(v in kindAt))) return;\n"
	"\t\ts[k] = v;\n"
	"\t});\n"
	"\treturn s;\n"
	"}\n"
	"function controls(toForm) {\n"
	"\t['q', 'f', 'ev', 'min', 'max', 'sort'].forEach(function (k) {\n"
	"\t\tif (toForm) $('f-' + k).value = st[k]; else st[k] = $('f-' + k).value.trim();\n"
	"\t});\n"
	"}\n"
	"function goTo(n) {\n"
	"\tvar i = n - 1, pos = view.indexOf(i);\n"
	"\tif (i < 0 || i >= C.length) return;\n"
	"\tif (pos < 0) {\n"
	"\t\tst = blank();\n"
	"\t\tcontrols(true);\n"
	"\t\tapply(false, true);\n"
	"\t\tpos = view.indexOf(i);\n"
	"\t}\n"
	"\tst.p = Math.floor(pos / PAGE) + 1;\n"
	"\trender();\n"
	"\tvar e = $('c' + n);\n"
	"\tif (e) { e.classList.add('target'); e.scrollIntoView(); }\n"
	"}\n"
	"function onHash() {\n"
	"\tvar m = /^#c(\\d+)$/.exec(location.hash);\n"
	"\tif (m) return goTo(+m[1]);\n"
	"\tst = readHash();\n"
	"\tcontrols(true);\n"
	"\tapply(true);\n"
	"}\n"
	"if (!C.length) { body.dataset.ready = '1'; body.dataset.match = 0; body.dataset.shown = 0; return; }\n"
	"var ev = $('f-ev');\n"
	"K.forEach(function (k) { var o = add(ev, 'option', null, k[1]); o.value = k[0]; });\n"
	"$('tools').hidden = false;\n"
	"$('f-q').addEventListener('input', function () {\n"
	"\tclearTimeout(timer);\n"
	"\ttimer = setTimeout(function () { controls(false); apply(false); }, 150);\n"
	"});\n"
	"['f', 'ev', 'min', 'max', 'sort'].forEach(function (k) {\n"
	"\t$('f-' + k).addEventListener('change', function () { controls(false); apply(false); });\n"
	"});\n"
	"$('f-clear').addEventListener('click', function () { st = blank(); controls(true); apply(false); });\n"
	"document.querySelectorAll('.pager').forEach(function (nav) {\n"
	"\tnav.querySelector('.prev').addEventListener('click', function () { st.p--; render(); writeHash(); list.scrollIntoView(); });\n"
	"\tnav.querySelector('.next').addEventListener('click', function () { st.p++; render(); writeHash(); list.scrollIntoView(); });\n"
	"});\n"
	"window.addEventListener('hashchange', onHash);\n"
	"onHash();\n"
	"body.dataset.ready = '1';\n"
	"body.dataset.tReady = performance.now().toFixed(1);\n"
	"requestAnimationFrame(function () {\n"
	"\tsetTimeout(function () { body.dataset.tPaint = performance.now().toFixed(1); background(); }, 0);\n"
	"});\n"
	"})();\n";

/* The script's SHA-256 for the policy, as CSP wants it: base64 of the digest. */
static void script_hash(char out[64])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)script, sizeof script - 1, md);
	EVP_EncodeBlock((unsigned char *)out, md, SHA256_DIGEST_LENGTH);
}

static const char css[] =
	"*{box-sizing:border-box}[hidden]{display:none!important}"
	"body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;"
	"max-width:1200px;padding:0 1em 2em;color:#1d2733;overflow-wrap:break-word}"
	"h1{font-size:1.5em;margin:.8em 0 .4em}h2{margin-top:1.8em;border-bottom:1px solid #d5dbe3;"
	"font-size:1.25em}h3{font-size:1.05em;margin:.2em 0}"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.5em 0}"
	"dl.facts dt{color:#5b6876}dl.facts dd{margin:0}"
	".stats{display:flex;flex-wrap:wrap;gap:.75em;margin:.5em 0}"
	".stat{flex:1 1 10em;border:1px solid #d5dbe3;border-radius:6px;padding:.5em .8em}"
	".stat b{display:block;font-size:1.8em;line-height:1.2}"
	".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1.5em}"
	"figure{margin:0}figcaption{font-weight:600;margin-bottom:.3em}svg{width:100%;height:auto}"
	"svg text{font:15px system-ui,sans-serif;fill:#1d2733}svg rect{fill:#2f6fde}"
	"#tools{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:flex-end;margin:.5em 0;"
	"padding:.5em;background:#f1f4f8;border-radius:6px}#tools label{display:flex;"
	"flex-direction:column;font-size:.85em;color:#5b6876}#tools input[type=search]{width:16em;"
	"max-width:80vw}#tools input[type=number]{width:5em}"
	"input,select,button{font:inherit;color:inherit}"
	".pager{display:flex;gap:1em;align-items:center;margin:.5em 0}"
	".cl{border:1px solid #d5dbe3;border-radius:6px;padding:.5em 1em;margin:1em 0}"
	".cl.target{outline:3px solid #2f6fde}.kinds{margin:.1em 0;color:#5b6876;font-size:.9em}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;margin:.5em 0;width:100%}"
	"th,td{border:1px solid #d5dbe3;padding:.25em .5em;text-align:left;vertical-align:top}"
	"th{background:#f1f4f8}td.id{font:12px ui-monospace,monospace}td.num{text-align:right}"
	".keep{background:#e6f4ea}.badge{white-space:nowrap;background:#1e7f3c;color:#fff;"
	"border-radius:3px;padding:0 .4em;font-size:.85em}.neg{color:#9b2c2c}"
	".warn{background:#fff4e5;border:1px solid #f0b45b;padding:.5em 1em;border-radius:6px}"
	".bad{color:#9b2c2c;font-weight:600}.note{color:#5b6876}ul.ev{margin:.2em 0;padding-left:1.2em}"
	"ul.ev span{display:block;margin-left:1em}"
	"@media (max-width:700px){body{padding:0 .6em 2em}table.m thead{display:none}"
	"table.m,table.m tbody,table.m tr,table.m td{display:block;width:auto}"
	"table.m tr{border:1px solid #d5dbe3;border-radius:4px;margin:.4em 0}"
	"table.m td{border:0;padding:.1em .5em}table.m td.id{overflow-wrap:anywhere}"
	"table.m td[data-label]:not(:empty)::before{content:attr(data-label) \": \";color:#5b6876;"
	"font:14px system-ui,sans-serif}}";

/* A bar chart: one row per label, the label above its bar and the count after it, so long
 * labels never get cut. Drawn in a fixed view box that the browser scales to the column. */
static void chart(FILE *f, const char *id, const char *caption, const char *const *label,
		  const size_t *value, size_t n)
{
	const int row = 38, bw = 330;
	size_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (value[i] > max)
			max = value[i];
	fprintf(f, "<figure id=%s><figcaption>", id);
	esc(f, caption);
	fputs("</figcaption>", f);
	if (!n) {
		fputs("<p class=note>No clusters.</p></figure>\n", f);
		return;
	}
	fprintf(f, "<svg viewBox=\"0 0 400 %zu\" role=img aria-label=\"", n * row);
	esc(f, caption);
	fputs("\">", f);
	for (size_t i = 0; i < n; i++) {
		size_t y = i * row;
		double w = value[i] ? 2.0 + (double)(bw - 2) * (double)value[i] / (double)max : 0;
		fprintf(f, "<text x=0 y=%zu>", y + 15);
		esc(f, label[i]);
		fprintf(f, "</text><rect x=0 y=%zu width=%.1f height=13></rect><text x=%.1f y=%zu>%zu"
			   "</text>", y + 20, w, w + 5, y + 32, value[i]);
	}
	fputs("</svg></figure>\n", f);
}

static void charts(FILE *f, const struct groups_facts *g)
{
	const struct cluster_set *cs = g->clusters;
	const struct match_result *m = g->match;
	if (g->opts->mode == MATCH_CLASSIC)
		return;
	fputs("<section id=charts><h2>At a glance</h2><div class=charts>\n", f);

	/* Clusters by kind of evidence: a cluster counts once for each kind any of its pairs has. */
	size_t per_kind[MK_COUNT] = { 0 };
	for (size_t c = 0; c < cs->n; c++) {
		unsigned seen = 0;
		for (size_t i = 0; i < cs->v[c].npairs; i++) {
			const struct match_pair *p = &m->v[cs->v[c].pairs[i]];
			for (size_t e = 0; e < p->nev; e++)
				seen |= 1u << p->ev[e].kind;
		}
		for (int k = 0; k < MK_COUNT; k++)
			per_kind[k] += (seen >> k) & 1;
	}
	const char *lab[MK_COUNT];
	size_t val[MK_COUNT], n = 0;
	for (int k = 0; k < MK_COUNT; k++) /* most frequent first; ties in enum order */
		for (int j = 0; j < MK_COUNT; j++) {
			size_t rank = 0;
			for (int o = 0; o < MK_COUNT; o++)
				rank += per_kind[o] > per_kind[j] || (per_kind[o] == per_kind[j] && o < j);
			if (rank == (size_t)k && per_kind[j]) {
				lab[n] = kind_label[j];
				val[n++] = per_kind[j];
			}
		}
	chart(f, "chart-kinds", "Clusters by kind of evidence", lab, val, n);

	/* Cluster sizes. */
	static const char *const size_lab[] = { "2 accounts", "3 accounts", "4 accounts",
						"5 accounts", "6-9 accounts", "10 or more" };
	size_t sizes[6] = { 0 };
	for (size_t c = 0; c < cs->n; c++) {
		size_t s = cs->v[c].nmembers;
		sizes[s < 2 ? 0 : s <= 5 ? s - 2 : s <= 9 ? 4 : 5]++;
	}
	size_t last = 6;
	while (last > 0 && !sizes[last - 1])
		last--;
	chart(f, "chart-sizes", "Cluster sizes", size_lab, sizes, cs->n ? last : 0);

	/* Confidence: bins of 0.05 from the threshold's bin up to 1. */
	char binlab[20][24];
	const char *blab[20];
	size_t bins[20] = { 0 };
	int lo = (int)(g->opts->threshold * 20.0 + 1e-9);
	if (lo < 0)
		lo = 0;
	if (lo > 19)
		lo = 19;
	for (size_t c = 0; c < cs->n; c++) {
		int b = (int)(cs->v[c].confidence * 20.0);
		b = b > 19 ? 19 : b < lo ? lo : b;
		bins[b - lo]++;
	}
	for (int b = lo; b < 20; b++) {
		snprintf(binlab[b - lo], sizeof binlab[0], "%.2f to %s%.2f", b / 20.0,
			 b == 19 ? "" : "< ", (b + 1) / 20.0);
		blab[b - lo] = binlab[b - lo];
	}
	chart(f, "chart-confidence", "Clusters by confidence", blab, bins,
	      cs->n ? (size_t)(20 - lo) : 0);

	/* The model's match weights per comparison level get their chart here once match_result
	 * reports them (a later issue): same chart(), one row per level. */
	fputs("</div></section>\n", f);
}

static void file_link(FILE *f, const char *prefix, const char *ts, const char *ext)
{
	fprintf(f, "<a href=\"%s_", prefix);
	esc(f, ts);
	fprintf(f, ".%s\">%s_", ext, prefix);
	esc(f, ts);
	fprintf(f, ".%s</a>", ext);
}

/* A number JSON can hold: "nan" or "inf" in the data would stop the whole page. */
static double num(double v)
{
	return isfinite(v) ? v : 0.0;
}

/* The cluster data for the script: {"kinds":[[name,label]...],"reasons":[...],"c":[[confidence,
 * keeper's member index, reason index, [[Id,Username,Email,FirstName,LastName,LastModified]...],
 * [[member a, member b, confidence, [[kind index, weight, detail(, 1 when the detail is a whole
 * sentence with names: detect/explain_names.h)]...]]...]]...]}. */
static void data_json(FILE *f, const struct groups_facts *g, struct buf *t)
{
	const struct user_set *us = g->users;
	const struct cluster_set *cs = g->clusters;
	fputs("{\"kinds\":[", f);
	for (int k = 0; k < MK_COUNT; k++) {
		fputs(k ? ",[" : "[", f);
		jsonesc_fput_script(f, match_kind_name(k));
		putc_unlocked(',', f);
		jsonesc_fput_script(f, kind_label[k]);
		putc_unlocked(']', f);
	}
	fputs("],\"reasons\":[", f);
	for (int r = 0; r <= KEEP_FIRST; r++) {
		if (r)
			putc_unlocked(',', f);
		jsonesc_fput_script(f, cluster_keep_reason_text(r));
	}
	fputs("],\"c\":[", f);
	for (size_t c = 0; c < cs->n; c++) {
		const struct cluster *k = &cs->v[c];
		size_t keep = 0;
		for (size_t i = 0; i < k->nmembers; i++)
			if (k->members[i] == k->keep)
				keep = i;
		fprintf(f, "%s\n[%.3f,%zu,%d,[", c ? "," : "", num(k->confidence), keep,
			(int)k->keep_reason <= KEEP_FIRST ? (int)k->keep_reason : KEEP_FIRST);
		for (size_t i = 0; i < k->nmembers; i++) {
			const struct user *u = &us->v[k->members[i]];
			fputs(i ? ",[" : "[", f);
			const char *v[] = { u->id, u->username, u->email, u->first_name, u->last_name };
			for (size_t j = 0; j < 5; j++) {
				jsonesc_fput_script(f, v[j]);
				putc_unlocked(',', f);
			}
			fprintf(f, "%.0f]", u->last_modified > 0 ? u->last_modified : 0.0);
		}
		fputs("],[", f);
		for (size_t i = 0; i < k->npairs; i++) {
			const struct match_pair *p = &g->match->v[k->pairs[i]];
			size_t a = 0, b = 0; /* members are ascending user indexes */
			for (size_t j = 0; j < k->nmembers; j++) {
				if (k->members[j] == p->a)
					a = j;
				if (k->members[j] == p->b)
					b = j;
			}
			fprintf(f, "%s[%zu,%zu,%.3f,[", i ? "," : "", a, b, num(p->confidence));
			for (size_t e = 0; e < p->nev; e++) {
				buf_reset(t);
				match_explain_named(&us->v[p->a], &us->v[p->b], p->ev[e].kind, g->names, t);
				fprintf(f, "%s[%d,%.1f,", e ? "," : "", p->ev[e].kind, num(p->ev[e].weight));
				jsonesc_fput_script(f, buf_str(t));
				/* 1: the text is a sentence naming its kind (no label before it) */
				fputs(match_explain_sentence(p->ev[e].kind, g->names) ? ",1]" : "]", f);
			}
			fputs("]]", f);
		}
		fputs("]]", f);
	}
	fputs("\n]}", f);
}

static void dd(FILE *f, const char *dt, const char *v, const char *id)
{
	fprintf(f, "<dt>%s</dt><dd%s%s>", dt, id ? " id=" : "", id ? id : "");
	esc(f, v && *v ? v : "unknown");
	fputs("</dd>\n", f);
}

static void header(FILE *f, const struct groups_facts *g)
{
	const char *ts = g->ts ? g->ts : "";
	const struct groups_instance *in = &g->inst;
	fputs("<header><h1>Duplicate Amazon Connect users</h1>\n", f);
	if (g->partial) {
		fprintf(f, "<p class=warn id=partial><b>Partial:</b> %zu user%s could not be read, so "
			   "duplicates among them are not shown. ", g->nfailed, g->nfailed == 1 ? "" : "s");
		if (g->nfailed)
			file_link(f, "failed_users", ts, "csv");
		fputs(g->nfailed ? " lists them; run" : "Run", f);
		fputs(" the scan again to complete it.</p>\n", f);
	}
	fputs("<dl class=facts>\n", f);
	dd(f, "Instance", in->id, "f-instance");
	dd(f, "Alias", in->alias, "f-alias");
	dd(f, "Region", in->region, "f-region");
	dd(f, "Account", in->account, "f-account");
	static const char *const origin[][2] = {
		{ "scan", "a scan of the instance through the Amazon Connect API" },
		{ "cache", "a scan's cache, without the network" },
		{ "files", "exported files" },
	};
	const char *from = origin[2][1];
	for (size_t i = 0; i < 3; i++)
		if (in->origin && strcmp(in->origin, origin[i][0]) == 0)
			from = origin[i][1];
	fputs("<dt>Users read from</dt><dd id=f-source>", f);
	esc(f, from);
	if (in->source && *in->source) {
		fputs(" (", f);
		esc(f, in->source);
		fputs(")", f);
	}
	fputs("</dd>\n<dt>Complete</dt><dd id=f-complete>", f);
	if (g->partial)
		fprintf(f, "<span class=bad>No: %zu user%s could not be read</span>", g->nfailed,
			g->nfailed == 1 ? "" : "s");
	else if (in->origin && strcmp(in->origin, "files") != 0)
		fputs("Yes: every user the scan listed was read", f);
	else
		fputs("Every user in the files was read (whether the export held every user of the "
		      "instance is not known here)", f);
	fprintf(f, "</dd>\n<dt>Users analysed</dt><dd>%zu</dd>\n<dt>Run</dt><dd id=f-run><time>", g->users->n);
	esc(f, ts);
	fputs("</time> (local time; the run's files carry the same stamp)</dd>\n"
	      "<dt>Tool</dt><dd id=f-version>connect-dupes " CD_VERSION "</dd>\n", f);
	if (g->opts->mode == MATCH_CLASSIC)
		fputs("<dt>Matching</dt><dd id=f-matching>classic: the earlier tools' exact e-mail, "
		      "username and name rules</dd>\n</dl></header>\n", f);
	else
		fprintf(f, "<dt>Matching</dt><dd id=f-matching>%s: duplicate at confidence &ge; %.2f, "
			   "possible from %.2f</dd>\n</dl></header>\n",
			match_mode_name(g->opts->mode), g->opts->threshold, g->opts->possible);
}

static void headline(FILE *f, const struct groups_facts *g)
{
	const struct cluster_set *cs = g->clusters;
	static const char *const rule_title[RULE_COUNT] = { "same e-mail", "same username", "same name" };
	size_t total = 0;
	for (int k = 0; k < RULE_COUNT; k++)
		total += g->classic ? g->classic->n[k] : 0;
	fputs("<section id=summary><h2>Summary</h2>\n<div class=stats>", f);
	if (g->opts->mode == MATCH_CLASSIC) /* asked for the earlier rules alone: they lead */
		fprintf(f, "<div class=stat id=s-pairs><b>%zu</b> pairs by the earlier tools' rules "
			   "(--match classic: no clusters)</div></div>\n", total);
	else
		fprintf(f, "<div class=stat id=s-clusters><b>%zu</b> clusters of duplicate accounts</div>"
			   "<div class=stat id=s-accounts><b>%zu</b> accounts in clusters</div>"
			   "<div class=stat id=s-removable><b>%zu</b> accounts that could be removed "
			   "(all but one per cluster)</div>"
			   "<div class=stat id=s-possible><b>%zu</b> possible pairs to review</div></div>\n",
			cs->n, cs->users_in_clusters, cs->users_in_clusters - cs->n,
			g->match->stats.possible);
	fprintf(f, "<p class=note id=s-classic>The earlier tools' rules (exact e-mail, username or "
		   "name) give %zu pairs: ", total);
	for (int k = 0; k < RULE_COUNT; k++)
		fprintf(f, "%s%zu %s", k ? ", " : "", g->classic ? g->classic->n[k] : 0, rule_title[k]);
	fputs(". Many of those are namesakes, not duplicates", f);
	if (g->csv) {
		fputs("; they are listed in ", f);
		file_link(f, "duplicate_users", g->ts ? g->ts : "", "csv");
	}
	fputs(".</p></section>\n", f);
}

/* What a cluster is, and where the clusters are when scripts are off. */
static void clusters_intro(FILE *f, const struct groups_facts *g, bool groups_file)
{
	const char *ts = g->ts ? g->ts : "";
	fputs("<p class=note>Accounts that belong to one "
	      "person, joined through the evidence listed under each cluster. The highlighted account "
	      "is the suggested one to keep; check before removing any. Two accounts that are "
	      "different people: add the line <code>ID1,ID2</code> to a file given with "
	      "<code>--not-duplicates FILE</code> (the Not_Duplicates_Line column of "
	      "duplicate_clusters_&lt;ts&gt;.csv has it ready) and they are never joined again. "
	      "Each cluster has its own link (#c12); the address of a filtered view "
	      "(#q=smith&amp;min=0.9) opens that view.</p>\n<noscript><p class=warn>Scripts are off, so the clusters are not listed here. ", f);
	if (groups_file) {
		fputs("Every cluster, its members and its evidence are in ", f);
		file_link(f, "duplicate_groups", ts, "json");
		fputs(" in this folder", f);
	} else {
		fputs("Run again with --format json for duplicate_groups_&lt;ts&gt;.json, which lists "
		      "every cluster", f);
	}
	if (g->csv)
		fputs("; the accounts of the instance are in all_users_*.csv", f);
	fputs(".</p></noscript>\n", f);
}

static void clusters_section(FILE *f, const struct groups_facts *g, struct buf *t)
{
	const char *ts = g->ts ? g->ts : "";
	bool groups_file = g->json && g->opts->mode != MATCH_CLASSIC;
	fputs("<section id=clusters><h2>Clusters</h2>\n", f);
	if (g->opts->mode == MATCH_CLASSIC) {
		fputs("<p>Classic matching (--match classic) finds pairs, not clusters", f);
		if (g->csv) {
			fputs(": see ", f);
			file_link(f, "duplicate_users", ts, "csv");
		}
		fputs(".</p>\n", f);
	} else if (!g->clusters->n) {
		fputs("<p>No clusters found.</p>\n", f);
	} else {
		clusters_intro(f, g, groups_file);
	}
	fputs("<div id=tools hidden>"
	      "<label>Search<input type=search id=f-q placeholder=\"name, e-mail, username...\" "
	      "autocomplete=off></label>"
	      "<label>in<select id=f-f><option value=all>all fields<option value=name>names"
	      "<option value=email>e-mails<option value=user>usernames<option value=ev>evidence"
	      "</select></label>"
	      "<label>Evidence<select id=f-ev><option value=\"\">any</select></label>"
	      "<label>Confidence from<input type=number id=f-min min=0 max=1 step=0.01></label>"
	      "<label>to<input type=number id=f-max min=0 max=1 step=0.01></label>"
	      "<label>Sort<select id=f-sort><option value=num>cluster number"
	      "<option value=conf-desc>confidence, highest first<option value=conf-asc>confidence, "
	      "lowest first<option value=size-desc>size, largest first<option value=name>keeper's "
	      "last name</select></label><button type=button id=f-clear>Clear</button></div>\n"
	      "<p id=status role=status></p>\n", f);
	static const char pager[] = "<nav class=pager hidden><button type=button class=prev>"
				    "&lsaquo; Previous</button><span class=at></span><button "
				    "type=button class=next>Next &rsaquo;</button></nav>\n";
	fputs(pager, f);
	fputs("<div id=list></div>\n", f);
	fputs(pager, f);
	fputs("<script type=\"application/json\" id=data>", f);
	data_json(f, g, t);
	fputs("</script>\n</section>\n", f);
}

static void possible_section(FILE *f, const struct groups_facts *g, struct buf *t)
{
	const struct user_set *us = g->users;
	const struct match_result *m = g->match;
	if (g->opts->mode == MATCH_CLASSIC)
		return;
	fputs("<section id=possible><h2>Possible duplicates</h2>\n<p class=note>Pairs with some "
	      "evidence, below the threshold: worth a look, not counted as duplicates.</p>\n", f);
	size_t np = 0;
	for (size_t i = 0; i < m->n && np < HTML_MAX_POSSIBLE; i++) {
		const struct match_pair *p = &m->v[i];
		if (match_is_duplicate(p, g->opts))
			continue;
		if (!np++)
			fputs("<div class=scroll><table class=m><thead><tr><th>Account 1</th><th>Account 2"
			      "</th><th>Confidence</th><th>Evidence</th></tr></thead><tbody>\n", f);
		fputs("<tr>", f);
		td(f, "Account 1", us->v[p->a].username);
		td(f, "Account 2", us->v[p->b].username);
		fprintf(f, "<td class=num data-label=Confidence>%.3f</td><td data-label=Evidence>",
			p->confidence);
		for (size_t e = 0; e < p->nev; e++) {
			buf_reset(t);
			match_explain_named(&us->v[p->a], &us->v[p->b], p->ev[e].kind, g->names, t);
			fputs(e ? "; " : "", f);
			if (!match_explain_sentence(p->ev[e].kind, g->names)) {
				esc(f, kind_label[p->ev[e].kind]);
				fputs(": ", f);
			}
			esc(f, buf_str(t));
		}
		fputs("</td></tr>\n", f);
	}
	if (np)
		fputs("</tbody></table></div>\n", f);
	else
		fputs("<p>None.</p>\n", f);
	if (m->stats.possible > np) {
		fprintf(f, "<p class=note>%zu more in ", m->stats.possible - np);
		file_link(f, "possible_duplicates", g->ts ? g->ts : "", "csv");
		fputs(".</p>\n", f);
	}
	fputs("</section>\n", f);
}

static void files_section(FILE *f, const struct groups_facts *g)
{
	const char *ts = g->ts ? g->ts : "";
	bool model = g->opts->mode != MATCH_CLASSIC;
	fputs("<section id=files><h2>Files of this run</h2><p class=note>In the same folder as this "
	      "page:</p><ul>", f);
	if (g->json && model) {
		fputs("<li>", f);
		file_link(f, "duplicate_groups", ts, "json");
		fputs(": every cluster, its members, evidence and suggested keeper</li>", f);
	}
	if (g->csv && model) {
		fputs("<li>", f);
		file_link(f, "possible_duplicates", ts, "csv");
		fputs(": the pairs to review</li>", f);
	}
	const char *ext[2] = { g->csv ? "csv" : NULL, g->json ? "json" : NULL };
	for (size_t i = 0; i < 2; i++) {
		if (!ext[i])
			continue;
		fputs("<li>", f);
		file_link(f, "duplicate_users", ts, ext[i]);
		fputs(": the earlier tools' pairs</li><li>", f);
		file_link(f, "all_users", ts, ext[i]);
		fputs(": every user read</li>", f);
	}
	if (g->partial && g->nfailed) {
		fputs("<li>", f);
		file_link(f, "failed_users", ts, "csv");
		fputs(": the users that could not be read</li>", f);
	}
	fputs("<li>", f);
	file_link(f, "scan_log", ts, "log");
	fputs(": the run's log</li></ul></section>\n", f);
}

void report_html(FILE *f, const struct groups_facts *g)
{
	const char *ts = g->ts ? g->ts : "";
	struct buf t = BUF_INIT(1 << 16);
	char hash[64];
	script_hash(hash);
	fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; script-src 'sha256-%s'; base-uri 'none'; "
		   "form-action 'none'\"><meta name=referrer content=no-referrer>"
		   "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
		   "<title>Duplicate users &middot; ", hash);
	esc(f, g->inst.alias && *g->inst.alias ? g->inst.alias :
	       g->inst.id && *g->inst.id ? g->inst.id : "unknown instance");
	fputs(" &middot; ", f);
	esc(f, ts);
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	header(f, g);
	fputs("<main>\n", f);
	headline(f, g);
	charts(f, g);
	clusters_section(f, g, &t);
	possible_section(f, g, &t);
	files_section(f, g);
	fprintf(f, "</main>\n<script>%s</script>\n</body></html>\n", script);
	buf_release(&t);
}
