"""Failure notification: a webhook receives JSON, a command gets the message on stdin; a dead notifier is logged."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from operations.notify import FailureNotice, notify_failure
from operations.settings import Settings

NOTICE = FailureNotice("0123456789abcdef", "nightly", "raw/hris__employees: exit_on_or_after_hire failed",
                       ["raw__hris__employees_expectations_raw_hris__employees"])


def test_webhook_receives_the_failure_as_json(tmp_path):
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    settings = Settings.for_home(tmp_path, notify_webhook=f"http://127.0.0.1:{server.server_port}/hook")
    assert notify_failure(settings, NOTICE) == ["webhook answered 200"]
    thread.join(timeout=10)
    server.server_close()
    assert received[0]["run_id"] == NOTICE.run_id and received[0]["job"] == "nightly"
    assert "exit_on_or_after_hire" in received[0]["text"] and received[0]["failed_steps"] == NOTICE.failed_steps


def test_command_gets_the_message_and_the_run_in_its_environment(tmp_path):
    out = tmp_path / "notice.txt"
    settings = Settings.for_home(tmp_path, notify_command=f'cat > {out}; echo "$TRM_RUN_ID $TRM_JOB" >> {out}')
    assert notify_failure(settings, NOTICE) == ["command exited 0"]
    text = out.read_text()
    assert "TRM run 01234567 of job nightly failed" in text and text.strip().endswith("0123456789abcdef nightly")


def test_a_dead_notifier_is_reported_not_raised(tmp_path):
    settings = Settings.for_home(tmp_path, notify_webhook="http://127.0.0.1:9/unreachable",
                                 notify_command="exit 3")
    done = notify_failure(settings, NOTICE)
    assert done[0].startswith("webhook failed") and done[1] == "command exited 3"
    assert notify_failure(Settings.for_home(Path(tmp_path)), NOTICE) == []  # nothing configured: nothing sent


def test_the_webhook_never_reaches_dagster_resource_config(tmp_path):
    """A WeCom/DingTalk webhook URL carries its access token; the resource (shown and stored by Dagster with every
    run) gets the settings without it, and the settings otherwise survive the round trip."""
    from orchestration.resources import TRMResource

    settings = Settings.for_home(tmp_path, notify_webhook="https://qyapi.weixin.qq.com/send?key=TOKEN123",
                                 notify_command="curl -d @- https://x?token=TOKEN456", min_group_size=7)
    resource = TRMResource.from_settings(settings)
    assert "TOKEN" not in resource.settings_json
    assert resource.settings.min_group_size == 7 and resource.settings.notify_webhook is None
    assert resource.settings == settings.replace(notify_webhook=None, notify_command=None)
