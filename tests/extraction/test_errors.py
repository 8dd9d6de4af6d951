from app.extraction.errors import ExtractionError


def test_an_extraction_error_carries_its_message_and_field() -> None:
    error = ExtractionError("There is no text to read.", field="text")
    assert (error.message, error.field, str(error)) == ("There is no text to read.", "text", "There is no text to read.")
    assert isinstance(error, ValueError)
