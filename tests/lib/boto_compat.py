"""boto_compat.py -- pins botocore's SigV4 clock on old and new botocore (test oracles only).

Newer botocore reads botocore.auth.get_current_datetime(); Debian 12's 1.29 (what a fresh CI
machine has) calls datetime.datetime.utcnow() inside botocore.auth. Use as a context manager:
    with fixed_clock(naive_utc_datetime): SigV4Auth(...).add_auth(req)
"""
import datetime
from unittest import mock

import botocore.auth


def fixed_clock(now):
    if hasattr(botocore.auth, "get_current_datetime"):
        return mock.patch("botocore.auth.get_current_datetime", return_value=now)
    fake = mock.MagicMock(wraps=datetime)
    fake.datetime.utcnow.return_value = now
    return mock.patch("botocore.auth.datetime", fake)
