"""Tell someone when a run fails: a webhook (JSON POST) and/or a shell command, both optional.

``TRM_NOTIFY_WEBHOOK`` receives ``{"text", "run_id", "job", "failed_steps", "message"}`` — WeCom, DingTalk and Slack
incoming webhooks all accept a JSON body with a ``text`` field (the body shape can be adapted with the command
instead). ``TRM_NOTIFY_COMMAND`` runs through the shell with ``TRM_RUN_ID``, ``TRM_JOB``, ``TRM_FAILED_STEPS`` in
its environment and the message on stdin. A failing notifier is logged and never hides the run's own failure.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from operations.settings import Settings

log = logging.getLogger("trm.notify")
TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class FailureNotice:
    run_id: str
    job: str
    message: str
    failed_steps: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        steps = f" (failed: {', '.join(self.failed_steps)})" if self.failed_steps else ""
        return f"TRM run {self.run_id[:8]} of job {self.job} failed{steps}: {self.message[:1500]}"


def notify_failure(settings: Settings, notice: FailureNotice) -> list[str]:
    """Send the notice through every configured channel; returns what was done, for the run's log."""
    done = []
    if settings.notify_webhook:
        body = json.dumps({"text": notice.text, "run_id": notice.run_id, "job": notice.job,
                           "failed_steps": notice.failed_steps, "message": notice.message}).encode()
        request = urllib.request.Request(settings.notify_webhook, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        # Chat webhooks carry their secret in the URL: only scheme and host are ever logged.
        where = "{0.scheme}://{0.hostname}".format(urllib.parse.urlsplit(settings.notify_webhook))
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                done.append(f"webhook answered {response.status}")
        except (OSError, ValueError) as exc:  # unreachable, refused, or not a URL (TRM_NOTIFY_WEBHOOK)
            reason = type(exc).__name__ if isinstance(exc, ValueError) else getattr(exc, "reason", exc)
            log.error("failure webhook %s could not be reached: %s", where, reason)
            done.append(f"webhook failed ({where}): {reason}")
    if settings.notify_command:
        env = {**os.environ, "TRM_RUN_ID": notice.run_id, "TRM_JOB": notice.job,
               "TRM_FAILED_STEPS": ",".join(notice.failed_steps)}
        try:
            completed = subprocess.run(settings.notify_command, shell=True, input=notice.text, text=True, env=env,
                                       timeout=TIMEOUT_SECONDS * 4, capture_output=True, check=False)
            done.append(f"command exited {completed.returncode}")
            if completed.returncode:
                log.error("failure command exited %s: %s", completed.returncode, completed.stderr.strip()[:500])
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("failure command could not run: %s", exc)
            done.append(f"command failed: {exc}")
    return done
