from app.extraction.folding import flat


def test_flat_drops_case_and_diacritics_one_character_for_one() -> None:
    text = "Władysław Kosiniak-Kamysz, Außenministerin, „România”, Tîlvăr’s"
    flattened = flat(text)
    assert flattened == "wladyslaw kosiniak-kamysz, ausenministerin, „romania”, tilvar's"
    assert len(flattened) == len(text)


def test_flat_keeps_characters_it_cannot_fold_to_one() -> None:
    assert flat("İ") == "İ"
