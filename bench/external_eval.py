#!/usr/bin/env python3
"""external_eval.py -- pair precision / recall / F1 of a run on a labelled set (shared/data/external).

usage: external_eval.py TRUTH DIR [--name NAME] [--min-f1-gain G] [--min-precision P] [--min-review R]

DIR holds one run's reports (duplicate_groups_*.json, duplicate_users_*.json,
possible_duplicates_*.csv). Scored as the data's README says: a pair counts as found when both
Ids are in one duplicate cluster (every pair inside a cluster counts); precision = true found /
found, recall = true found / true pairs. The classic rules are scored on the pairs of
duplicate_users_*.json as they are (the figures the data's README and issue 12 quote; the floors
compare with these).
"Review band": the pairs inside clusters plus the possible pairs; its recall is measured on the
"reachable" true pairs, those that share an e-mail or whose full names are equal, swapped or within
two edits (the truth's kind says which), as issue 12 defines it.
Prints one table row per scorer; with floors, exits 1 when the default run misses one (for tests).
"""
import csv
import glob
import json
import os
import sys
from itertools import combinations


def clusters_pairs(clusters):
    found = set()
    for members in clusters:
        for a, b in combinations(sorted(members), 2):
            found.add((a, b))
    return found


def reachable(kind):
    email, name = kind.split("/", 1)
    if email == "email-same":
        return True
    return (name.startswith("name-same") or name.startswith("name-swapped") or name.startswith("name-case")
            or "(osa1)" in name or "(osa2)" in name)


def prf(found, truth):
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, len(found)


def one(pattern, d):
    v = sorted(glob.glob(os.path.join(d, pattern)))
    return v[-1] if v else None


def main(argv):
    args = argv[1:]
    opts = {"--name": None, "--min-f1-gain": None, "--min-precision": None, "--min-review": None}
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts:
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    if len(pos) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    truth_path, d = pos
    t = json.load(open(truth_path))
    truth = {tuple(sorted((p["a"], p["b"]))) for p in t["pairs"]}
    reach = {tuple(sorted((p["a"], p["b"]))) for p in t["pairs"] if reachable(p["kind"])}
    name = opts["--name"] or t.get("dataset", os.path.basename(os.path.dirname(truth_path)))

    groups = json.load(open(one("duplicate_groups_*.json", d)))
    model = clusters_pairs([m["Id"] for m in c["members"]] for c in groups["clusters"])
    classic_json = json.load(open(one("duplicate_users_*.json", d)))
    cp = [(x["user1"]["User_ID"] if "User_ID" in x["user1"] else x["user1"].get("Id"),
           x["user2"]["User_ID"] if "User_ID" in x["user2"] else x["user2"].get("Id"))
          for k in ("duplicate_emails", "duplicate_usernames", "duplicate_names") for x in classic_json.get(k, [])]
    classic = {tuple(sorted(x)) for x in cp}
    possible = set()
    pf = one("possible_duplicates_*.csv", d)
    if pf:
        with open(pf, newline="") as f:
            for row in csv.DictReader(f):
                possible.add(tuple(sorted((row["User1_ID"], row["User2_ID"]))))
    review = model | possible

    rows = [("classic rules", prf(classic, truth)), ("default run", prf(model, truth))]
    print(f"{name}: {len(truth)} true pairs, {len(reach)} reachable (shared e-mail or full name equal/swapped/<=2 edits)")
    print(f"  {'scorer':<16} {'precision':>9} {'recall':>7} {'F1':>6} {'pairs':>7}")
    for label, (p, r, f, n) in rows:
        print(f"  {label:<16} {p:9.3f} {r:7.3f} {f:6.3f} {n:7d}")
    rr = len(review & reach) / len(reach) if reach else 1.0
    print(f"  review band (clusters + possible pairs): {rr:.3f} of the reachable pairs ({len(possible)} possible pairs)")
    bad = []
    (cp_, cr_, cf_, _), (mp, mr, mf, _) = rows[0][1], rows[1][1]
    if opts["--min-f1-gain"] is not None and mf - cf_ < float(opts["--min-f1-gain"]):
        bad.append(f"F1 gain {mf - cf_:.3f} < {opts['--min-f1-gain']}")
    if opts["--min-precision"] is not None and mp < float(opts["--min-precision"]):
        bad.append(f"precision {mp:.3f} < {opts['--min-precision']}")
    if opts["--min-review"] is not None and rr < float(opts["--min-review"]):
        bad.append(f"review band {rr:.3f} < {opts['--min-review']}")
    for b in bad:
        print(f"  FLOOR MISSED: {b}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
