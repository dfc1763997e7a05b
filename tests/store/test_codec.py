"""The row codec: instants to integers and bodies to JSON, exactly and the same every time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.store.codec import _decode, _encode_body, from_ms, offset_minutes, to_ms

_ZONES = st.one_of(
    st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
    st.integers(-50_000, 50_000).map(lambda s: timezone(timedelta(seconds=s))),
    st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]),
)


@given(st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1)), _ZONES)
def test_instants_are_exact_in_every_zone(moment: datetime, zone: timezone) -> None:
    for aware in (moment.replace(tzinfo=zone), moment.replace(microsecond=0, tzinfo=zone)):
        offset = aware.utcoffset()
        assert offset is not None
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        assert to_ms(aware) == (aware - epoch) // timedelta(milliseconds=1)
        assert offset_minutes(aware) == int(offset.total_seconds()) // 60
        if not aware.microsecond % 1000 and not offset.seconds % 60:
            again = from_ms(to_ms(aware), offset_minutes(aware))
            assert again == aware and again.utcoffset() == offset


@given(
    st.lists(
        st.lists(
            st.tuples(st.text(), st.one_of(st.none(), st.text(max_size=5), st.integers())),
            max_size=3,
        ),
        max_size=9,
    )
)
def test_bodies_are_the_compact_json_the_stdlib_writes(
    parts: list[list[tuple[str, str | int | None]]],
) -> None:
    """The body's bytes go into each row's content hash: a change of encoder must not make
    programmes stored by an earlier version look new (and be imported twice)."""
    expected = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    assert _encode_body(parts) == expected
    assert _decode(_encode_body(parts)) == json.loads(expected)
