"""gantry_job: a training script's side of Gantry. One file, Python standard library only.

    import gantry_job as g
    p = g.params()                        # this job's parameters, e.g. {"lr": 0.001}
    g.log({"loss": 0.31}, step=10)        # metrics, per step (and epoch)
    g.upload("ckpt/last.pt")              # keep a file as an artifact of this job
    g.checkpoint_dir()                    # a directory kept across attempts of this job
    g.should_stop()                       # True once the job is asked to stop (preemption)

The Gantry agent puts this file on every job's PYTHONPATH and gives the job its coordinator's URL
(GANTRY_API) and a token for this attempt alone (GANTRY_TOKEN). Run by hand, without them, log()
prints `::metric {json}` lines (which Gantry also reads from any program's stdout) and the rest does
nothing that needs a coordinator.
"""

import hashlib
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

__all__ = ["params", "log", "upload", "checkpoint_dir", "should_stop", "GantryError"]

_API = os.environ.get("GANTRY_API", "").rstrip("/")
_TOKEN = os.environ.get("GANTRY_TOKEN", "")
_JOB_ID = os.environ.get("GANTRY_JOB_ID", "")
_ATTEMPT = os.environ.get("GANTRY_ATTEMPT", "")
_CONNECTED = bool(_API and _TOKEN and _JOB_ID and _ATTEMPT)
_TIMEOUT_S = 60
_stop_requested = False


class GantryError(Exception):
    """The coordinator refused a request; `code` and `field` are its error code and the field it named."""

    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.field = field


def _request(method, path, body=None, headers=None):
    data = body
    all_headers = {"Authorization": "Bearer " + _TOKEN}
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    request = urllib.request.Request(_API + path, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            detail = json.loads(text)["error"]
            raise GantryError(error.code, detail.get("code"), detail.get("message"), detail.get("field")) from None
        except (ValueError, KeyError, TypeError):
            raise GantryError(error.code, "http", "HTTP %d: %s" % (error.code, text[:200])) from None


def params():
    """This job's parameters (the values a sweep gave it); an empty dict when run by hand."""
    return json.loads(os.environ.get("GANTRY_PARAMS") or "{}")


def log(metrics, step=None, epoch=None):
    """Records numeric metrics, e.g. log({"loss": 0.31, "acc": 0.9}, step=100, epoch=2).

    With a coordinator they are posted for this attempt; run by hand they are printed as a
    `::metric {json}` line. The epoch is recorded as the metric `epoch` at the same step.
    """
    point = {}
    for name, value in dict(metrics).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("metric %r must be a number, not %r" % (name, type(value).__name__))
        point[str(name)] = float(value)
    if epoch is not None:
        point["epoch"] = float(epoch)
    if step is not None and (not isinstance(step, int) or step < 0):
        raise ValueError("step must be a whole number, 0 or more")
    if not _CONNECTED:
        line = dict(point)
        if step is not None:
            line = dict(step=step, **point)
        print("::metric " + json.dumps(line), flush=True)
        return
    at = int(time.time() * 1000)
    points = [{"step": step, "name": name, "value": value, "at": at} for name, value in point.items()]
    if points:
        _request("POST", "/api/v1/jobs/%s/metrics" % _JOB_ID, {"attempt": int(_ATTEMPT), "points": points})


def _sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload(path, name=None, retries=5):
    """Keeps a file as an artifact of this job, named `name` (default: its path relative to the
    working directory). The bytes are checked by sha256; a dropped connection resumes where the
    coordinator stands. Returns the artifact {name, size, sha256, ...}; None when run by hand.
    """
    if name is None:
        relative = os.path.relpath(os.path.abspath(path))
        name = os.path.basename(path) if relative.startswith("..") else relative
    name = name.replace(os.sep, "/")
    if not _CONNECTED:
        print("gantry_job: not run by Gantry; %s is not uploaded" % path, file=sys.stderr)
        return None
    size = os.path.getsize(path)
    declared = {"name": name, "size": size, "sha256": _sha256_of(path), "attempt": int(_ATTEMPT)}
    uploads = "/api/v1/jobs/%s/uploads" % _JOB_ID
    state = _request("POST", uploads, declared)
    failures = 0
    while not state["complete"]:
        try:
            with open(path, "rb") as handle:
                handle.seek(state["offset"])
                headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size - state["offset"])}
                state = _request("PATCH", "%s/%s?offset=%d" % (uploads, state["id"], state["offset"]), handle, headers)
        except (OSError, GantryError) as error:
            failures += 1
            refused = isinstance(error, GantryError) and error.status < 500 and error.code != "conflict"
            if refused or failures > retries:
                raise
            time.sleep(min(10.0, 0.2 * 2 ** failures))
            # Declaring again tells where the coordinator stands, or that the last bytes did arrive.
            state = _request("POST", uploads, declared)
    return state["artifact"]


def checkpoint_dir():
    """A directory for checkpoints, kept across this job's attempts on its worker (GANTRY_CHECKPOINT_DIR).
    Run by hand: ./checkpoints, created if missing."""
    path = os.environ.get("GANTRY_CHECKPOINT_DIR") or os.path.join(os.getcwd(), "checkpoints")
    os.makedirs(path, exist_ok=True)
    return path


def should_stop():
    """True once the job was asked to stop: its checkpoint signal arrived (preemption). Save a
    checkpoint to checkpoint_dir() and exit; the job runs again later with GANTRY_RESUME=1."""
    return _stop_requested


def _on_checkpoint_signal(_signum, _frame):
    global _stop_requested
    _stop_requested = True


def _install_stop_handler():
    """Catches the job's checkpoint signal (GANTRY_CHECKPOINT_SIGNAL, SIGUSR1 by default), whose
    default action would kill the process before it could save anything."""
    name = os.environ.get("GANTRY_CHECKPOINT_SIGNAL") or "SIGUSR1"
    number = getattr(signal, name, None)
    if number is None:
        return
    try:
        signal.signal(number, _on_checkpoint_signal)
    except ValueError:
        # Imported outside the main thread: signals can only be caught there.
        pass


_install_stop_handler()
