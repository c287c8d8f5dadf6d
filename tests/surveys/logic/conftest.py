from tests.surveys.types.conftest import survey, target  # noqa: F401 - the question-type tests' fixtures
