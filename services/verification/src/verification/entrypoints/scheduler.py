"""Sends expiry reminders and expires registrations, and reminds applicants asked for more information and lapses
their applications at the deadline: `python -m verification.entrypoints.scheduler`.

Loops until SIGTERM: every `EXPIRY_SWEEP_SECONDS` it does what is due (service_layer/expiry.py: each
reminder and each expiry in a conditional write of the case with its event, so two schedulers, or a
run repeated after a crash, do each once). A database outage is waited out with backoff."""
from eventkit.lifecycle import StopFlag
from servicekit.process import run_process
from servicekit.sweeps import run_sweeps
from verification.bootstrap import check_settings, verification_for
from verification.config import Config
from verification.service_layer.expiry import sweep
from verification.service_layer.information import sweep_information_requests


def run_scheduler(config: Config, stop: StopFlag | None = None) -> None:
    """Run the scheduler's loop until `stop` (SIGTERM or SIGINT by default) is set."""
    deps = verification_for(config)

    def sweep_all():
        sweep(deps)
        sweep_information_requests(deps)
    run_sweeps(sweep_all, config.expiry_sweep_seconds, "verification",
               "expiry reminders and expiries, information requests' reminders and deadlines", stop)


if __name__ == "__main__":
    settings = Config.from_env()
    check_settings(settings)
    run_process("verification", "scheduler", settings.log_level, lambda: run_scheduler(settings))
