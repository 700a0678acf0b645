"""A supervised process of the local stack replaced for a while, as a redeploy with other settings would
replace it: the tests shorten time-dependent settings this way (a registration valid for 100 seconds, a
voucher payable for 60) instead of waiting days, on the real stack."""
import contextlib
import os
import subprocess
import sys

from support.intake import secrets_env
from support.local_stack import LOCAL


@contextlib.contextmanager
def redeployed(stack, program: str, module: str, **settings: str):
    """Stop `program` (e.g. "payments:payments-worker"), run `python -m module` with `settings` in its slot
    (the same static consumer-group member, so it takes over the partitions), and put the supervised one
    back afterwards. The process's output goes to .local/logs/test-<program>.log."""
    name = program.split(":")[1]
    stack.supervisorctl("stop", program)
    env = {**os.environ, **secrets_env(), "SUPERVISOR_PROCESS_NAME": name, **settings}
    try:
        with open(LOCAL / "logs" / f"test-{name}.log", "w") as log:
            process = subprocess.Popen([sys.executable, "-m", module], env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                yield process
            finally:
                process.terminate()
                process.wait(timeout=60)
    finally:
        stack.supervisorctl("start", program)
