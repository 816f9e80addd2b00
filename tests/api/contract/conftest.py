import os

# Unfinished (issue 12): the whole-API run with seller and admin tokens, every check and the stateful phase
# still has findings, and schemathesis builds its coverage cases while collecting. It runs only when asked:
#   SCHEMATHESIS_CONTRACT=1 SCHEMATHESIS_EXAMPLES=100 .venv/bin/pytest tests/api/contract
# tests/api/test_openapi_contract.py is the contract test `make test` runs meanwhile.
if not os.environ.get("SCHEMATHESIS_CONTRACT"):
    collect_ignore = ["test_operations.py", "test_stateful.py"]
