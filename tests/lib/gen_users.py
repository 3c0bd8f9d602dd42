#!/usr/bin/env python3
# gen_users.py -- a small deterministic instance for tests and benchmarks when `connect-emu generate`
# is not available: {"InstanceId","Region","Users":[User...]} with names, usernames and e-mails
# that collide in case (the classic kinds), empty fields and non-ASCII names.
# usage: gen_users.py N SEED OUT [--compact]
import json, random, sys

n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
compact = "--compact" in sys.argv
rnd = random.Random(seed)
FIRST = ["James", "Mary", "José", "Zoë", "Иван", "Мария", "李", "Wei", "Aïcha", "Søren", "Ngozi",
         "Ahmed", "Fatima", "Priya", "Chen", "Olga", "Émile", "Ana", "John", "Jon"] + \
        ["F%03d" % i for i in range(200)]
LAST = ["Smith", "García", "Müller", "Петров", "王", "Nguyen", "O'Brien", "Dupont", "Kowalski",
        "Okafor", "Singh", "Doe"] + ["L%03d" % i for i in range(400)]
# Synthesised names keep accidental collisions realistic at a million users (about one shared
# first+last name per few hundred people, as in a real population), not one per ten.
SYL = ["ka", "lo", "mi", "ra", "sen", "to", "vi", "an", "el", "dor", "ma", "ni", "qu", "ri", "sa",
       "te", "ul", "ve", "wa", "yo", "zi", "bre", "cha", "dri", "fen", "gro", "hal", "jas", "kel"]
_r = random.Random(99)
FIRST += ["".join(_r.choice(SYL) for _ in range(_r.randrange(2, 4))).capitalize() for _ in range(3000)]
LAST += ["".join(_r.choice(SYL) for _ in range(_r.randrange(2, 5))).capitalize() for _ in range(30000)]
DOMAINS = ["example.com", "Example.COM", "corp.example.org"]


def case_variant(s):
    k = rnd.randrange(3)
    return s.upper() if k == 0 else s.lower() if k == 1 else s


people = []  # (username, email, first, last) of each user so far, for planting duplicates
f = open(out, "w", encoding="utf-8")
sep = (",", ":") if compact else (", ", ": ")
f.write(json.dumps({"InstanceId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "Region": "us-east-1"},
                   separators=sep)[:-1] + sep[0] + '"Users"' + sep[1] + "[")
for i in range(n):
    uid = "%08x-%04x-4%03x-8%03x-%012x" % (rnd.getrandbits(32), i & 0xffff, i & 0xfff,
                                           (i >> 12) & 0xfff, rnd.getrandbits(48))
    if people and rnd.random() < 0.08:
        # a planted classic duplicate: another account of an earlier person, in other case
        s_user, s_email, first, last = rnd.choice(people)
        kind = rnd.randrange(3)
        email = case_variant(s_email) if kind == 0 else \
            "%s.%d@%s" % (first.lower(), i, rnd.choice(DOMAINS))
        username = case_variant(s_user) if kind == 1 else "user%d" % i
        if kind != 2:
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
        else:
            first, last = case_variant(first), case_variant(last)
    else:
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        style = rnd.randrange(4)
        email = "" if rnd.random() < 0.05 else \
            "%s.%s%d@%s" % (first.lower(), last.lower(), rnd.randrange(n * 4), rnd.choice(DOMAINS))
        username = [email or "x%d" % i, "%s.%s" % (first.lower(), last.lower()),
                    "%s%s%d" % (first[:1].lower(), last.lower(), rnd.randrange(10000)),
                    "%s%s%d" % (first.lower(), last.lower()[:3], rnd.randrange(100))][style]
    ident = {"FirstName": first, "LastName": last, "Email": email}
    if rnd.random() < 0.03:
        del ident["LastName"]
    if rnd.random() < 0.2:
        ident["Mobile"] = "+1555%07d" % rnd.randrange(10**7)
    people.append((username, email, first, ident.get("LastName", "")))
    f.write(("," if i else "") + ("" if compact else "\n") + json.dumps({
        "Arn": "arn:aws:connect:us-east-1:111122223333:instance/"
               "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/agent/" + uid,
        "DirectoryUserId": uid, "HierarchyGroupId": "hg-%d" % (i % 9), "Id": uid,
        "IdentityInfo": ident,
        "LastModifiedRegion": "us-east-1", "LastModifiedTime": 1700000000 + i,
        "PhoneConfig": {"AfterContactWorkTimeLimit": 0, "AutoAccept": False,
                        "DeskPhoneNumber": "", "PhoneType": "SOFT_PHONE"},
        "RoutingProfileId": "rp-%d" % (i % 5), "SecurityProfileIds": ["sp-agent"],
        "Tags": {"team": "t%d" % (i % 7)}, "Username": username},
        ensure_ascii=False, separators=sep))
f.write("]}\n")
f.close()
