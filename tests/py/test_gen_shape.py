#!/usr/bin/env python3
"""test_gen_shape.py -- generated users checked against botocore's DescribeUser output shape.

Runs `connect-emu generate`, then validates every User object member by member against the
`User` shape of botocore's Connect service model (types, enums, lengths, patterns, no unknown
members), and the truth file against the instance (ids exist, user1 comes first, known kinds).
Prints TAP.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import botocore
import botocore.session

N = 0
FAILED = 0
EMU = os.environ.get("EMU_BIN") or os.path.join(
    os.environ.get("CD_ROOT", "."), os.environ.get("BUILD", "build"), "connect-emu")
KINDS = {"email_case", "username_case", "name_case", "name_whitespace", "name_accents",
         "name_fullwidth", "name_typo", "nickname", "name_swapped", "email_plus_tag",
         "email_gmail_dots", "username_is_email", "secondary_email", "phone"}
DISTRACTORS = {"distractor_same_name", "distractor_similar_name"}


def ok(cond, what, detail=None):
    global N, FAILED
    N += 1
    if cond:
        print("ok %d - %s" % (N, what))
    else:
        FAILED += 1
        print("not ok %d - %s" % (N, what))
        for line in str(detail or "").splitlines()[:20]:
            print("#   " + line)


def py_pattern(p):
    """botocore patterns as Python regexes; None when Python's re cannot express them."""
    p = p.replace("\\\\", "\\")  # some model patterns are escaped twice
    if "\\p{" in p:
        return None
    try:
        return re.compile(p)
    except re.error:
        return None


# Members of User that newer service models have (botocore 1.29, Debian 12's, lacks them):
# checked by hand when the installed model does not know them.
NEWER_USER_MEMBERS = {
    "LastModifiedTime": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "LastModifiedRegion": lambda v: isinstance(v, str) and re.match(r"^[a-z]{2}(-[a-z]+){1,2}(-[0-9])?$", v),
}
HAND_CHECKED = set()


def check(shape, value, path, errors):
    t = shape.type_name
    meta = shape.metadata
    if t == "structure":
        if not isinstance(value, dict):
            errors.append("%s: want object" % path)
            return
        for k in value:
            if k not in shape.members:
                if shape.name == "User" and k in NEWER_USER_MEMBERS:
                    HAND_CHECKED.add(k)
                    if not NEWER_USER_MEMBERS[k](value[k]):
                        errors.append("%s.%s: bad value %r" % (path, k, value[k]))
                else:
                    errors.append("%s: unknown member %s" % (path, k))
        for k in shape.required_members:
            if k not in value:
                errors.append("%s: missing required %s" % (path, k))
        for k, v in value.items():
            if k in shape.members:
                check(shape.members[k], v, path + "." + k, errors)
    elif t == "list":
        if not isinstance(value, list):
            errors.append("%s: want array" % path)
            return
        if "min" in meta and len(value) < meta["min"] or "max" in meta and len(value) > meta["max"]:
            errors.append("%s: %d items outside %s..%s" % (path, len(value), meta.get("min"), meta.get("max")))
        for i, v in enumerate(value):
            check(shape.member, v, "%s[%d]" % (path, i), errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append("%s: want object" % path)
            return
        if "min" in meta and len(value) < meta["min"] or "max" in meta and len(value) > meta["max"]:
            errors.append("%s: %d entries outside limits" % (path, len(value)))
        for k, v in value.items():
            check(shape.key, k, path + "{key}", errors)
            if k.startswith("aws:"):
                errors.append("%s: tag key %r uses the reserved aws: prefix" % (path, k))
            check(shape.value, v, path + "{" + k + "}", errors)
    elif t == "string":
        if not isinstance(value, str):
            errors.append("%s: want string" % path)
            return
        if "min" in meta and len(value) < meta["min"] or "max" in meta and len(value) > meta["max"]:
            errors.append("%s: length %d outside %s..%s" % (path, len(value), meta.get("min"), meta.get("max")))
        if "enum" in meta and value not in meta["enum"]:
            errors.append("%s: %r not in %s" % (path, value, meta["enum"]))
        if "pattern" in meta:
            rx = py_pattern(meta["pattern"])
            if rx is not None and not rx.search(value):
                errors.append("%s: %r does not match %s" % (path, value, meta["pattern"]))
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append("%s: want boolean" % path)
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append("%s: want integer" % path)
        elif "min" in meta and value < meta["min"]:
            errors.append("%s: %d below %d" % (path, value, meta["min"]))
    elif t == "timestamp":
        # rest-json sends epoch seconds as a JSON number
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append("%s: want epoch seconds" % path)
    else:
        errors.append("%s: unexpected shape type %s" % (path, t))


def main():
    model = botocore.session.get_session().get_service_model("connect")
    user_shape = model.shape_for("User")
    op = model.operation_model("DescribeUser")
    ok(op.output_shape.members["User"].name == user_shape.name, "DescribeUser returns the User shape")

    tmp = tempfile.mkdtemp(prefix="gentest.")
    inst, truth = os.path.join(tmp, "i.json"), os.path.join(tmp, "t.json")
    rc = subprocess.run([EMU, "generate", "--users", "2500", "--seed", "11", "--dup-rate", "0.1",
                         "--region", "eu-west-2", "--out", inst, "--truth", truth, "-q"],
                        capture_output=True, text=True)
    ok(rc.returncode == 0, "connect-emu generate exits 0", rc.stderr)
    if rc.returncode != 0:
        return
    with open(inst, encoding="utf-8") as f:
        doc = json.load(f)
    with open(truth, encoding="utf-8") as f:
        tr = json.load(f)
    users = doc.get("Users", [])
    ok(set(doc) == {"InstanceId", "Region", "Users"} and doc["Region"] == "eu-west-2",
       "instance document has InstanceId, Region, Users", list(doc))
    ok(len(users) == 2500, "exactly --users accounts", len(users))

    errors = []
    for i, u in enumerate(users):
        check(user_shape, u, "Users[%d]" % i, errors)
    ok(not errors, "every User matches botocore's User shape", "\n".join(errors[:20]))
    if HAND_CHECKED:
        print("# botocore %s's model lacks %s: checked by hand" % (botocore.__version__,
                                                               ", ".join(sorted(HAND_CHECKED))))

    present = set()
    for u in users:
        present |= set(u) | {"IdentityInfo." + k for k in u.get("IdentityInfo", {})} | \
            {"PhoneConfig." + k for k in u.get("PhoneConfig", {})}
    want = {"Id", "Arn", "Username", "IdentityInfo", "PhoneConfig", "DirectoryUserId",
            "SecurityProfileIds", "RoutingProfileId", "HierarchyGroupId", "Tags",
            "LastModifiedTime", "LastModifiedRegion", "IdentityInfo.FirstName",
            "IdentityInfo.LastName", "IdentityInfo.Email", "IdentityInfo.SecondaryEmail",
            "IdentityInfo.Mobile", "PhoneConfig.PhoneType", "PhoneConfig.AutoAccept",
            "PhoneConfig.AfterContactWorkTimeLimit", "PhoneConfig.DeskPhoneNumber"}
    ok(want <= present, "all documented fields appear somewhere", sorted(want - present))

    arn_rx = re.compile(r"^arn:aws:connect:eu-west-2:\d{12}:instance/%s/agent/([0-9a-f-]{36})$"
                        % re.escape(doc["InstanceId"]))
    uuid_rx = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    bad = [u["Id"] for u in users if not uuid_rx.match(u["Id"]) or
           (arn_rx.match(u["Arn"]) or [None, None])[1] != u["Id"]]
    ok(not bad, "Ids are UUIDv4 and Arns name the instance and the user", bad[:5])
    ok(len({u["Id"] for u in users}) == len(users), "Ids are unique")
    ok(all(u["LastModifiedRegion"] == "eu-west-2" for u in users), "LastModifiedRegion is --region")
    ok(all(isinstance(u["LastModifiedTime"], float) and 1.5e9 < u["LastModifiedTime"] < 1.9e9
           for u in users), "LastModifiedTime is epoch seconds with a fraction")
    desk_ok = all((u["PhoneConfig"]["PhoneType"] == "DESK_PHONE") == ("DeskPhoneNumber" in u["PhoneConfig"])
                  for u in users)
    ok(desk_ok, "DESK_PHONE users, and only they, have a DeskPhoneNumber")

    pos = {u["Id"]: i for i, u in enumerate(users)}
    byid = {u["Id"]: u for u in users}
    ok(tr.get("seed") == 11 and tr.get("users") == 2500, "truth names seed and user count",
       {k: tr.get(k) for k in ("seed", "users")})
    pairs, dis = tr.get("pairs", []), tr.get("distractors", [])
    bad = [p for p in pairs + dis if p["user1"] not in pos or p["user2"] not in pos or
           pos[p["user1"]] >= pos[p["user2"]]]
    ok(not bad, "truth ids exist and user1 comes first in Users", bad[:3])
    ok({p["kind"] for p in pairs} == KINDS, "every planted kind appears, no other",
       sorted({p["kind"] for p in pairs} ^ KINDS))
    ok({p["kind"] for p in dis} == DISTRACTORS, "both distractor kinds appear",
       sorted({p["kind"] for p in dis}))
    ok(len(pairs) == 250, "dup-rate 0.1 plants 250 second accounts", len(pairs))
    later = [p for p in pairs if byid[p["user2"]]["LastModifiedTime"] <= byid[p["user1"]]["LastModifiedTime"]]
    ok(not later, "second accounts were modified later", later[:3])


if __name__ == "__main__":
    main()
    print("1..%d" % N)
    sys.exit(1 if FAILED else 0)
