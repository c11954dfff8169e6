"""Property: the anonymised text never contains a team member's name as a whole word,
whatever the names and the text around them (case, accents, punctuation)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cercle.missions.anonymise import MASK, find_names, fold, strip_names

LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæñß" + "ABCDEÉÈÇÆŒ"
word = st.text(alphabet=LETTERS, min_size=2, max_size=10)
name = st.one_of(
    word,
    st.builds(lambda a, b: f"{a} {b}", word, word),
    st.builds(lambda a, b: f"{a}-{b}", word, word),
)
filler = st.text(alphabet=LETTERS + " ,.;:!?'’-()\n0123456789", max_size=30)


def _variant(value: str, style: int) -> str:
    return [value, value.upper(), value.lower(), fold(value), value.title()][style % 5]


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(name, min_size=1, max_size=6),
    pieces=st.lists(st.tuples(filler, st.integers(0, 5), st.integers(0, 4)), max_size=8),
)
def test_no_name_survives_as_a_whole_word(
    names: list[str], pieces: list[tuple[str, int, int]]
) -> None:
    text = "".join(f"{gap} {_variant(names[i % len(names)], s)} " for gap, i, s in pieces)
    stripped = strip_names(text, names)
    assert find_names(stripped, names) == []


@settings(max_examples=200, deadline=None)
@given(names=st.lists(name, min_size=1, max_size=4), text=filler)
def test_text_without_names_is_unchanged_except_for_masks(names: list[str], text: str) -> None:
    stripped = strip_names(text, names)
    if not find_names(text, names):
        assert stripped == text
    else:
        assert MASK in stripped
    # Whatever was kept is the original text, in order.
    kept = [p for p in stripped.split(MASK) if p]
    position = 0
    for part in kept:
        found = text.find(part, position)
        assert found >= 0
        position = found + len(part)
