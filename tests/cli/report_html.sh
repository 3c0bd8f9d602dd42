#!/usr/bin/env bash
# report_html.sh -- report_<ts>.html of a scan through connect-emu, rendered by headless Chromium: header, numbers, #q filter, hostile names as text, CSP, no console message.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	skip "report_html.sh" "no chromium (Debian package 'chromium'; scripts/deps.sh installs it)"
	done_testing
	exit 0
fi

# A generated instance plus accounts with hostile names: a cluster of two with the same e-mail
# whose first name is markup, and one whose username would end a <script> element.
INST=5e1f0c2a-8d3b-4c6e-9f70-1a2b3c4d5e6f
REGION=eu-west-2
"$EMU_BIN" generate -q --users 400 --seed 23 --dup-rate 0.12 --instance-id $INST --region $REGION \
	--out "$TMP/gen.json" || { not_ok "generate the instance"; done_testing; exit; }
"$PYBIN" - "$TMP/gen.json" "$TMP/inst.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
inst, region = d["InstanceId"], d["Region"]
account = d["Users"][0]["Arn"].split(":")[4]
def user(uid, username, first, last, email):
    return {"Id": uid, "Arn": f"arn:aws:connect:{region}:{account}:instance/{inst}/agent/{uid}",
            "Username": username, "IdentityInfo": {"FirstName": first, "LastName": last,
            "Email": email}, "SecurityProfileIds": [], "RoutingProfileId": "rp-1",
            "LastModifiedTime": 1700000000.0, "LastModifiedRegion": region}
hostile = "<img src=x onerror=alert(1)>"
d["Users"] += [
    user("aaaaaaaa-0000-4000-8000-000000000001", "hostile1", hostile, "Zyx\u2028wvu", "hostile@example.org"),
    user("aaaaaaaa-0000-4000-8000-000000000002", "hostile2</script><script>alert(2)</script>", hostile,
         "Zyx\u2028wvu", "Hostile@Example.org"),
]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
emu_start --data "$TMP/inst.json" --region $REGION || { not_ok "start connect-emu"; done_testing; exit; }
out=$TMP/out
expect_rc "scan through connect-emu writes the page (exit 0)" 0 \
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --region $REGION --rate 500 \
	--no-progress -q --no-cache --format csv,json,html -o "$out"
html=$(ls "$out"/report_*.html 2>/dev/null | head -1)
groups=$(ls "$out"/duplicate_groups_*.json 2>/dev/null | head -1)
possible=$(ls "$out"/possible_duplicates_*.csv 2>/dev/null | head -1)
[ -n "$html" ] && [ -n "$groups" ] || { not_ok "the page and the groups file exist"; done_testing; exit; }

# The policy's hash is the script's: recomputed here from the page's bytes.
got=$("$PYBIN" - "$html" <<'PY'
import base64, hashlib, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r"script-src 'sha256-([A-Za-z0-9+/=]+)'", s).group(1)
scripts = re.findall(r"<script>(.*?)</script>", s, re.S)
h = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode() if len(scripts) == 1 else "?"
print("same" if h == csp else f"csp {csp} script {h} ({len(scripts)} inline scripts)")
PY
)
expect_eq "the CSP allows exactly the page's one script (hash recomputed)" "$got" "same"

# Named by its alias (connect-emu's is emu-<first 8 of the id>): header and JSON say both.
alias=emu-${INST:0:8}
"$CD_BIN" scan --instance "$alias" --endpoint-url "$EMU_URL" --region $REGION --rate 500 \
	--no-progress -q --no-cache --format json,html -o "$TMP/alias" 2>"$TMP/alias.err"
expect_grep "scan by alias: the header names the alias" "<dd id=f-alias>$alias</dd>" \
	"$(ls "$TMP"/alias/report_*.html 2>/dev/null | head -1)"
expect_eq "scan by alias: duplicate_groups names id and alias" "$("$PYBIN" -c '
import json, sys; i = json.load(open(sys.argv[1]))["instance"]; print(i["id"], i["alias"], i["region"])' \
	"$(ls "$TMP"/alias/duplicate_groups_*.json 2>/dev/null | head -1)" 2>&1)" "$INST $alias $REGION"

# render NAME FRAGMENT [chromium args]: the DOM after the scripts ran, and the console lines.
render() {
	local name=$1 frag=$2
	shift 2
	local sandbox=()
	[ "$(id -u)" -eq 0 ] && sandbox=(--no-sandbox)
	timeout -k 5 90 "$CHROMIUM" --headless=new "${sandbox[@]}" --disable-gpu --no-first-run \
		--user-data-dir="$TMP/chrome" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
		"$@" --dump-dom "file://$html$frag" >"$TMP/$name.dom" 2>"$TMP/$name.err"
	"$PYBIN" "$CD_ROOT/tests/lib/html_dom.py" "$TMP/$name.dom" "${TEXTS[@]}" >"$TMP/$name.facts"
	grep -a 'CONSOLE' "$TMP/$name.err" >"$TMP/$name.console"
}
fact() { awk -F'\t' -v k="$2" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }' "$TMP/$1.facts"; }
TEXTS=('<img src=x onerror=alert(1)>' 'hostile2</script><script>alert(2)</script>')

render plain ""
expect_eq "the script ran (body data-ready)" "$(fact plain body.ready)" "1"
expect_eq "no console message at all" "$(wc -l <"$TMP/plain.console")" "0"
[ -s "$TMP/plain.console" ] && sed 's/^/#   /' "$TMP/plain.console" | head -5
expect_eq "header: instance id" "$(fact plain id.f-instance)" "$INST"
expect_eq "header: Region" "$(fact plain id.f-region)" "$REGION"
account=$("$PYBIN" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Users"][0]["Arn"].split(":")[4])' "$TMP/inst.json")
expect_eq "header: account (from the users' ARNs)" "$(fact plain id.f-account)" "$account"
expect_eq "header: tool version" "$(fact plain id.f-version)" "$("$CD_BIN" --version)"
expect_grep "header: a complete scan" '^id.f-complete	Yes' "$TMP/plain.facts"

# The numbers equal those of duplicate_groups and possible_duplicates.
want=$("$PYBIN" - "$groups" "$possible" <<'PY'
import csv, json, sys
g = json.load(open(sys.argv[1], encoding="utf-8"))
sizes = [c["size"] for c in g["clusters"]]
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    possible = sum(1 for _ in csv.reader(f)) - 1
print(len(sizes), sum(sizes), sum(sizes) - len(sizes), possible, g["instance"]["id"], g["instance"]["region"])
PY
)
got=$(for s in clusters accounts removable possible; do fact plain "id.s-$s" | cut -d' ' -f1; done |
	tr '\n' ' ')
expect_eq "headline numbers = groups JSON (clusters, accounts, removable, possible)" \
	"$got$INST $REGION" "$want"
read -r nclusters _ <<<"$want"
ok_if "the instance has clusters ($nclusters)" test "$nclusters" -gt 5
expect_eq "every cluster counted by the script" "$(fact plain body.match)" "$nclusters"
expect_eq "first page: 50 clusters (or all)" "$(fact plain body.shown)" \
	"$([ "$nclusters" -lt 50 ] && echo "$nclusters" || echo 50)"

# #q=<a member's last name>: only the clusters holding it are listed, all of them.
read -r name expect <<<"$("$PYBIN" - "$groups" <<'PY'
import json, sys, unicodedata, re
def fold(s):
    return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", s)).lower()
g = json.load(open(sys.argv[1], encoding="utf-8"))
def hay(c):
    t = [m.get(k, "") for m in c["members"] for k in ("Username", "Email")]
    t += [m.get("FirstName", "") + " " + m.get("LastName", "") for m in c["members"]]
    t += [e["detail"] for p in c["pairs"] for e in p["evidence"]]
    return fold("\n".join(t))
best = None
for c in g["clusters"]:
    for m in c["members"]:
        n = m.get("LastName", "")
        if not re.fullmatch("[A-Za-z]{4,}", n) or fold(n) in ("same", "name", "mail", "user"):
            continue
        hits = [k["cluster"] for k in g["clusters"] if fold(n) in hay(k)]
        if best is None or (1 < len(hits) < len(best[1])) or len(best[1]) == 1 < len(hits):
            best = (n, hits)
print(best[0], " ".join(f"c{h}" for h in best[1]))
PY
)"
render byname "#q=$name"
expect_eq "#q=$name: the script reports the matching clusters" "$(fact byname body.match)" \
	"$(wc -w <<<"$expect" | tr -d ' ')"
expect_eq "#q=$name: exactly those clusters are rendered" "$(fact byname articles)" "$expect"
bad=0
for a in $(fact byname articles); do
	grep -qi -- "$name" <<<"$(fact byname "article.$a")" || { bad=1; diag "$a lacks $name"; }
done
expect_eq "#q=$name: every rendered cluster shows the name" "$bad" 0
expect_eq "#q=$name: no console message" "$(wc -l <"$TMP/byname.console")" "0"

# The hostile names: text on the page, no element made of them.
render hostile "#q=hostile%40example.org"
expect_eq "hostile cluster found by e-mail" "$(fact hostile body.match)" "1"
expect_eq "the markup name shows as text" "$(fact hostile 'text.HAS.<img src=x onerror=alert(1)>')" "1"
expect_eq "the </script> username shows as text" \
	"$(fact hostile 'text.HAS.hostile2</script><script>alert(2)</script>')" "1"
expect_eq "no img element was created" "$(fact hostile tags.img)" "0"
expect_eq "still two script elements (data + the page's own)" "$(fact hostile tags.script)" "2"
expect_eq "hostile view: no console message (no alert, no error)" \
	"$(wc -l <"$TMP/hostile.console")" "0"

# A cluster link opens that cluster, marked; a confidence filter in the fragment applies.
last=${expect##* }
render anchor "#$last"
expect_grep "#$last renders cluster ${last#c}" "^articles	.*\\b$last\\b" "$TMP/anchor.facts"
expect_grep "#$last is marked as the target" "<article class=\"cl target\" id=\"$last\">" "$TMP/anchor.dom"
render conf "#min=0.99"
want=$("$PYBIN" -c 'import json,sys; print(sum(c["confidence"] >= 0.99 for c in json.load(open(sys.argv[1]))["clusters"]))' "$groups")
expect_eq "#min=0.99 keeps the clusters of confidence >= 0.99" "$(fact conf body.match)" "$want"

# Readable at 400 and 1400 px: the page never scrolls sideways, and no table cell of a cluster
# or of the possible pairs is squeezed into a sliver (letter-by-letter columns). Measured in the
# live page over the DevTools pipe (tests/lib/cdp.py), where the script has drawn the clusters.
for width in 400 1400; do
	got=$("$PYBIN" - "$CHROMIUM" "$html" "$width" "$TMP/cdp$width" <<'PY' 2>&1
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["CD_ROOT"], "tests", "lib"))
from cdp import Pipe
chromium, page, width, profile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
p = Pipe(chromium, profile, width, 900)
try:
    p.open_page("file://" + page)
    p.wait("document.body && document.body.dataset.ready")
    r = p.js("""(function () {
        var cells = [].slice.call(document.querySelectorAll('#list td, #possible td'))
            .filter(function (td) { return td.textContent.trim(); });
        var narrow = cells.filter(function (td) { return td.getBoundingClientRect().width < 48; });
        return { sideways: document.documentElement.scrollWidth - window.innerWidth,
                 cells: cells.length, narrow: narrow.length,
                 example: narrow.length ? narrow[0].textContent : '' };
    })()""")
    print("sideways=%d cells=%s narrow=%d console=%d %s" % (max(r["sideways"], 0), r["cells"] > 100,
          r["narrow"], p.console(), r["example"]))
finally:
    p.close()
PY
)
	expect_eq "at $width px: no sideways scroll, no squeezed cell, no console message" \
		"$got" "sideways=0 cells=True narrow=0 console=0 "
done

# Without the script (as with scripts off, but for the <noscript> note): header and headline are
# static HTML; the note, shown when scripts are off, points to the JSON file.
"$PYBIN" - "$html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[1] + ".noscript.html", "w", encoding="utf-8").write(re.sub(r"<script>.*?</script>", "", s, flags=re.S))
PY
html=$html.noscript.html
render noscript ""
expect_eq "without the script: instance id shown" "$(fact noscript id.f-instance)" "$INST"
expect_eq "without the script: headline shown" "$(fact noscript id.s-clusters | cut -d' ' -f1)" "$nclusters"
expect_eq "without the script: no cluster rendered" "$(fact noscript tags.article)" "0"
expect_eq "without the script: no console message" "$(wc -l <"$TMP/noscript.console")" "0"
expect_grep "with scripts off the page names the groups file" \
	'<noscript>.*<a href="duplicate_groups_[0-9_]+\.json">' "${html%.noscript.html}"

# A partial scan (the emulator answers a fifth of the requests with a 500, two attempts each):
# the page says so at the top and in the header. A seed whose faults stop the listing itself
# leaves no reports; the next seed is tried then.
for seed in 1 2 3 4 5 6; do
	emu_stop
	emu_start --data "$TMP/inst.json" --region $REGION --fault-rate 0.2 --fault-kinds 500 \
		--seed $seed || break
	rm -rf "$TMP/part"
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --region $REGION --rate 500 \
		--retries 2 --no-progress -q --no-cache --format csv,json,html -o "$TMP/part" 2>/dev/null
	prc=$?
	[ "$prc" -eq 3 ] && ls "$TMP"/part/report_*.html >/dev/null 2>&1 && break
done
expect_eq "partial scan: exit 3" "$prc" "3"
part=$(ls "$TMP"/part/report_*.html 2>/dev/null | head -1)
nfailed=$(($(wc -l <"$(ls "$TMP"/part/failed_users_*.csv 2>/dev/null | head -1)") - 1))
expect_grep "partial scan: a banner at the top names the failed users file" \
	"^<p class=warn id=partial><b>Partial:</b> $nfailed users? could not be read.*failed_users_[0-9_]+\.csv" "${part:-/dev/null}"
expect_grep "partial scan: the header says it is not complete" \
	"<dd id=f-complete><span class=bad>No: $nfailed users? could not be read" "${part:-/dev/null}"
done_testing
