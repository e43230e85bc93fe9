"""The fault suite's stack reads gunicorn's access log a request a line, whatever the
requested paths hold."""

from __future__ import annotations

import shutil

from faults.stack import LocalStack

LOG = (
    '200 "GET /healthz HTTP/1.1" 700\n'
    # A record separator (\x1e), which `str.splitlines` breaks at: the piece after it,
    # `5D HTTP/1.1" 1`, was once counted as a server error.
    '400 "GET /api/v1/responsibilities/Px\x1e5D HTTP/1.1" 1\n'
    '503 "GET / HTTP/1.1" 10\n'
    '200 "GET'  # still being written
)


def test_each_request_is_one_line_and_only_5xx_answers_count() -> None:
    stack = LocalStack()
    try:
        (stack.logs / "access.log").write_text(LOG)

        assert stack.access_log_lines() == 3
        assert stack.access_log_5xx() == ['503 "GET / HTTP/1.1" 10']
        assert stack.access_log_5xx(since_line=3) == []
    finally:
        shutil.rmtree(stack.tmp)
