"""Rows to domain objects: the ids inside an order's items JSON read as the UUIDs they name."""

from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_adapters.postgres.rows import ROWS


@given(st.uuids())
def test_a_uuid_written_as_text_reads_back_as_itself(value: UUID) -> None:
    read = ROWS.structure(str(value), UUID)
    assert read == value and isinstance(read, UUID)
    assert (str(read), hash(read)) == (str(value), hash(value))


@pytest.mark.parametrize("text", ["", "not-a-uuid", "a" * 40, "0" * 31])
def test_text_that_is_no_uuid_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="UUID"):
        ROWS.structure(text, UUID)
