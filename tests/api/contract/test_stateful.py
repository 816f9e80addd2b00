"""Schemathesis's stateful phase: sequences of calls that feed each answer's ids into the next request (links
inferred from the document), as a seller and as an admin, with every check (issue 12)."""

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.contract.schema import EXAMPLES, refused_for_a_rule_in_words, schema, use_world
from tests.api.contract.world import spare_token


@pytest.fixture(params=["seller", "admin"])
def machine(request, app, world):
    use_world(world)
    headers = world.callers[request.param].headers

    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            if (case.method, case.path) == ("DELETE", "/api/v1/auth/token"):
                return {"headers": spare_token(app, world, headers)}
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            skip = [positive_data_acceptance] if refused_for_a_rule_in_words(response) else []
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=skip,
                                   transport_kwargs=kwargs or None, recorder=self.recorder)

    return Machine


def test_sequences_of_calls_keep_the_contract(machine):
    machine.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=8, deadline=None,
                                  suppress_health_check=list(HealthCheck)))


def test_the_document_links_operations(machine):
    """The stateful phase has something to chain: answers whose ids other operations take."""
    assert len(schema.as_state_machine().rules()) >= 20
