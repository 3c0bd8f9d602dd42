#!/usr/bin/env python3
"""detect_eval.py -- scores duplicate_groups_<ts>.json against a connect-emu truth file.

usage: detect_eval.py TRUTH GROUPS_JSON [TRUTH GROUPS_JSON ...] [--min KIND R ...] [--min-precision P]

--classic DUPLICATE_USERS_JSON (once per TRUTH, in the same order) also scores the classic rules'
file: a planted pair is found there when the two accounts are one of its pairs; --min-classic
KIND R sets a floor on that recall (the classic kinds email_case, username_case, name_case are
what those rules exist for).
Several TRUTH GROUPS_JSON pairs (instances of different seeds) are pooled: recall per kind and
precision over all of them, so that a floor is not decided by one or two pairs of one seed.
--possible POSSIBLE_CSV (once per TRUTH, in order) adds the review band: a planted pair is in it
when it is found or is one of the possible pairs; --min-review KIND R sets a floor on that recall
(KIND may be "*"). --max-distractor KIND R: at most that share of the distractor pairs of KIND
(e.g. distractor_same_name, two people with one name) may be inside one reported cluster.

Recall per planted kind: a planted pair is found when both accounts are in one reported cluster.
Precision: each reported duplicate pair is correct when both accounts belong to one planted group
(planted pairs joined transitively); distractor pairs and any other pair count against it.
"Possible" pairs are not in the groups file and count neither way. --min KIND R (KIND may be
"*" for every kind not named) sets a recall floor; the exit status is 1 when a floor or the
precision floor is missed (for tests).
"""
import json
import sys
from collections import defaultdict

def main(argv):
    args = argv[1:]
    floors = {}
    min_precision = None
    files = []
    classic_files = []
    classic_floors = {}
    possible_files, review_floors, distractor_caps = [], {}, {}
    i = 0
    while i < len(args):
        if args[i] == "--min":
            floors[args[i + 1]] = float(args[i + 2])
            i += 3
        elif args[i] == "--classic":
            classic_files.append(args[i + 1])
            i += 2
        elif args[i] == "--min-classic":
            classic_floors[args[i + 1]] = float(args[i + 2])
            i += 3
        elif args[i] == "--possible":
            possible_files.append(args[i + 1])
            i += 2
        elif args[i] == "--min-review":
            review_floors[args[i + 1]] = float(args[i + 2])
            i += 3
        elif args[i] == "--max-distractor":
            distractor_caps[args[i + 1]] = float(args[i + 2])
            i += 3
        elif args[i] == "--min-precision":
            min_precision = float(args[i + 1])
            i += 2
        else:
            files.append(args[i])
            i += 1
    if not files or len(files) % 2:
        print("usage: detect_eval.py TRUTH GROUPS_JSON [TRUTH GROUPS_JSON ...] [--min KIND R] [--min-precision P]",
              file=sys.stderr)
        return 2
    truths, groupss = [], []
    for i in range(0, len(files), 2):
        truths.append(json.load(open(files[i], encoding="utf-8")))
        groupss.append(json.load(open(files[i + 1], encoding="utf-8")))

    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    truth = {"pairs": [p for t in truths for p in t["pairs"]],
             "distractors": [d for t in truths for d in t.get("distractors", [])]}
    for p in truth["pairs"]:
        parent[find(p["user1"])] = find(p["user2"])

    cluster_of = {}
    flagged = []
    for n, groups in enumerate(groupss):
        for c in groups["clusters"]:
            for m in c["members"]:
                cluster_of[m["Id"]] = (n, c["cluster"])
            for p in c["pairs"]:
                flagged.append((p["user1"], p["user2"], p))

    found = defaultdict(int)
    total = defaultdict(int)
    missed = defaultdict(list)
    for p in truth["pairs"]:
        k = p["kind"]
        total[k] += 1
        a, b = cluster_of.get(p["user1"]), cluster_of.get(p["user2"])
        if a is not None and a == b:
            found[k] += 1
        else:
            missed[k].append((p["user1"], p["user2"]))

    distractor = {frozenset((d["user1"], d["user2"])): d["kind"] for d in truth.get("distractors", [])}
    correct = 0
    wrong = defaultdict(int)
    wrong_examples = []
    for a, b, p in flagged:
        if a in parent and b in parent and find(a) == find(b):
            correct += 1
        else:
            kind = distractor.get(frozenset((a, b)), "other")
            wrong[kind] += 1
            if len(wrong_examples) < 8:
                wrong_examples.append((kind, p))
    precision = correct / len(flagged) if flagged else 1.0

    ok = True
    print("kind                 found/total  recall")
    for k in sorted(total):
        r = found[k] / total[k]
        target = floors.get(k, floors.get("*"))
        mark = ""
        if target is not None and r < target:
            ok = False
            mark = "  < target %.2f" % target
        print("%-20s %5d/%-5d  %.3f%s" % (k, found[k], total[k], r, mark))
    print("flagged pairs %d, correct %d, precision %.4f" % (len(flagged), correct, precision))
    for k, n in sorted(wrong.items()):
        print("  wrong: %-24s %d" % (k, n))
    for kind, p in wrong_examples:
        print("  e.g. %s: %s" % (kind, "; ".join(e["kind"] + " " + e["detail"] for e in p["evidence"])))
    if classic_files:
        cpairs = set()
        for f in classic_files:
            d = json.load(open(f, encoding="utf-8"))
            for rule in ("duplicate_emails", "duplicate_usernames", "duplicate_names"):
                for p in d.get(rule, []):
                    cpairs.add(frozenset((p["user1"]["Id"], p["user2"]["Id"])))
        cfound, ctotal = defaultdict(int), defaultdict(int)
        for p in truth["pairs"]:
            ctotal[p["kind"]] += 1
            cfound[p["kind"]] += frozenset((p["user1"], p["user2"])) in cpairs
        print("classic rules (duplicate_users): kind found/total recall")
        for k in sorted(ctotal):
            if k not in classic_floors and cfound[k] == 0:
                continue
            r = cfound[k] / ctotal[k]
            mark = ""
            if k in classic_floors and r < classic_floors[k]:
                ok = False
                mark = "  < target %.2f" % classic_floors[k]
            print("  %-18s %5d/%-5d  %.3f%s" % (k, cfound[k], ctotal[k], r, mark))
    if possible_files:
        import csv
        ppairs = set()
        for f in possible_files:
            with open(f, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    ppairs.add(frozenset((row["User1_ID"], row["User2_ID"])))
        print("review band (clusters + possible pairs): kind found/total recall")
        for k in sorted(total):
            inband = found[k] + sum(1 for a, b in missed[k] if frozenset((a, b)) in ppairs)
            r = inband / total[k]
            target = review_floors.get(k, review_floors.get("*"))
            mark = ""
            if target is not None and r < target:
                ok = False
                mark = "  < target %.2f" % target
            print("  %-18s %5d/%-5d  %.3f%s" % (k, inband, total[k], r, mark))
    dtotal, dfound = defaultdict(int), defaultdict(int)
    for d in truth.get("distractors", []):
        dtotal[d["kind"]] += 1
        a, b = cluster_of.get(d["user1"]), cluster_of.get(d["user2"])
        dfound[d["kind"]] += a is not None and a == b
    for k in sorted(dtotal):
        r = dfound[k] / dtotal[k]
        mark = ""
        if k in distractor_caps and r > distractor_caps[k]:
            ok = False
            mark = "  > limit %.2f" % distractor_caps[k]
        print("distractors %-22s %5d/%-5d in one cluster  %.3f%s" % (k, dfound[k], dtotal[k], r, mark))
    if min_precision is not None and precision < min_precision:
        ok = False
        print("precision below target %.3f" % min_precision)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
