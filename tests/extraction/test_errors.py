from app.errors import Refused
from app.extraction.errors import ExtractionError


def test_an_extraction_error_carries_its_message_and_field() -> None:
    error = ExtractionError("There is no text to read.", field="text")
    assert (error.message, error.field, str(error)) == (
        "There is no text to read.",
        "text",
        "There is no text to read.",
    )
    assert isinstance(error, Refused) and error.status == 422  # answered by the app's one handler
    assert [(e.field, e.message) for e in error.errors] == [("text", "There is no text to read.")]
