"""Sends expiry reminders and expires registrations: `python -m verification.entrypoints.scheduler`.

Loops until SIGTERM: every `EXPIRY_SWEEP_SECONDS` it does what is due (service_layer/expiry.py: each
reminder and each expiry in a conditional write of the case with its event, so two schedulers, or a
run repeated after a crash, do each once). A database outage is waited out with backoff."""
from eventkit.lifecycle import StopFlag
from servicekit.process import run_process
from servicekit.sweeps import run_sweeps
from verification.bootstrap import check_settings, verification_for
from verification.config import Config
from verification.service_layer.expiry import sweep


def run_scheduler(config: Config, stop: StopFlag | None = None) -> None:
    """Run the scheduler's loop until `stop` (SIGTERM or SIGINT by default) is set."""
    deps = verification_for(config)
    run_sweeps(lambda: sweep(deps), config.expiry_sweep_seconds, "verification",
               "expiry reminders and expiries", stop)


if __name__ == "__main__":
    settings = Config.from_env()
    check_settings(settings)
    run_process("verification", "scheduler", settings.log_level, lambda: run_scheduler(settings))
