"""Schemathesis against every service's OpenAPI document on the running stack: whatever the
generated request, no 500, and every response matches the status codes, content types,
headers and bodies the document promises; authentication is not bypassable.

Left out: schemathesis' "schema-valid data must be accepted" check. The documents give types
and lengths, not every domain rule (a CNIC's digits, a mobile's prefix, a name's letters, an
opaque cursor), so schema-valid data is rightly refused with a field-level 422.

The operations are driven from a plain test rather than schemathesis' pytest plugin, whose
lazy loader does not work with pytest 9; every failing operation is reported, not only the first.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 30
FUZZ = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)


def fuzz_operation(operation, headers: dict) -> None:
    @FUZZ
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance], timeout=30)
    run()


@pytest.mark.parametrize("service", ["intake", "verification", "notification", "directory", "payments"])
def test_every_operation_keeps_its_documented_promises(service, stack, credentials):
    schema = schemathesis.openapi.from_url(stack.url(service, "/openapi.json"), timeout=15)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the document lists the service's operations"
    failures = []
    for operation in operations:
        try:
            fuzz_operation(operation, credentials[service])
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
