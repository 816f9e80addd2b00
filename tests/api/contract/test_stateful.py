"""Schemathesis's stateful phase: sequences of calls that feed each answer's ids into the next request (links
inferred from the document), as a seller and as an admin, with every check (issue 12)."""

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.contract.schema import (
    DERANDOMIZE,
    EXAMPLES,
    caller_headers,
    refused_for_a_rule_in_words,
    schema,
    use_world,
)
from tests.api.contract.world import build_world, spare_token
from tests.conftest import Factory, empty_database


@pytest.fixture(params=["seller", "admin"])
def machine(request, app):
    role = request.param

    class Machine(schema.as_state_machine()):
        world = None
        sent: dict = {}

        def setup(self):
            # Each sequence starts from the same world: Hypothesis replays sequences and must see the same
            # answers (a product deleted by the last sequence would make this one's choices differ).
            empty_database(app)
            self.world = build_world(app, app.test_client(), Factory(app))
            use_world(self.world)

        def get_call_kwargs(self, case):
            headers = self.world.callers[role].headers
            if (case.method, case.path) == ("DELETE", "/api/v1/auth/token"):
                headers = spare_token(app, self.world, headers)
            self.sent = caller_headers(case, headers)
            return {"headers": self.sent}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # `headers`: the checks then know the credentials were the caller's, not generated ones.
            skip = [positive_data_acceptance] if refused_for_a_rule_in_words(response) else []
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=skip,
                                   headers=self.sent, transport_kwargs=kwargs or None, recorder=self.recorder)

    return Machine


def test_sequences_of_calls_keep_the_contract(machine):
    machine.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=8, derandomize=DERANDOMIZE, deadline=None,
                                  suppress_health_check=list(HealthCheck)))


def test_the_document_links_operations():
    """The stateful phase has something to chain: answers whose ids other operations take."""
    links = schema.as_state_machine()._transitions.operations.values()  # no public count in 4.32.5
    assert sum(len(operation.incoming) for operation in links) >= 20
