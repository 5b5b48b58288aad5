"""Readers on arbitrary bytes: only InputError in strict mode, nothing lost in lenient mode."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import InputError
from cleaner.io import ReadOptions, Rejects, read_jsonl_stream

lines = st.lists(
    st.one_of(
        st.binary(max_size=80),
        st.builds(
            lambda t: b'{"id": "x", "text": ' + t.encode() + b"}",
            st.sampled_from(
                ['"ok"', "1", "null", '"\\ud800"', '"a\\u0000b"', "[]", '"Vi\\u1ec7t"']
            ),
        ),
    ),
    max_size=12,
)


@settings(max_examples=200)
@given(lines)
def test_lenient_reader_accounts_for_every_non_blank_line(raw_lines: list[bytes]) -> None:
    data = b"\n".join(raw_lines)
    rejects = Rejects()
    records = list(read_jsonl_stream(io.BytesIO(data), "mem", ReadOptions(), rejects))
    non_blank = [line for line in data.split(b"\n") if line.strip()]
    assert len(records) + rejects.total == len(non_blank)


@settings(max_examples=200)
@given(lines)
def test_strict_reader_raises_only_input_errors(raw_lines: list[bytes]) -> None:
    data = b"\n".join(raw_lines)
    try:
        list(read_jsonl_stream(io.BytesIO(data), "mem", ReadOptions(strict=True)))
    except InputError as error:
        assert error.line is not None and str(error).startswith(f"mem:{error.line}: ")
