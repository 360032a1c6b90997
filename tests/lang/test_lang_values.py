"""Issue 9 item 3: ujson, ustruct, ubinascii return what MicroPython 1.11 returns."""

import io

import pytest

from pycomsim.firmware.lang.mod_ubinascii import make_ubinascii
from pycomsim.firmware.lang.mod_ujson import make_ujson
from pycomsim.firmware.lang.mod_ustruct import make_ustruct

ujson, ustruct, ubinascii = make_ujson(), make_ustruct(), make_ubinascii()


# ---- ujson ----


def test_ujson_has_only_the_boards_names():
    assert {n for n in vars(ujson) if not n.startswith("__")} == {"dump", "dumps", "load", "loads"}


def test_ujson_dumps_uses_comma_space_and_colon_space():
    assert ujson.dumps({"a": [1, 2, None, True, False]}) == '{"a": [1, 2, null, true, false]}'


def test_ujson_dumps_writes_non_ascii_raw_and_escapes_control_chars_as_u00xx():
    assert ujson.dumps('é"\\\n\t\x08') == '"é\\"\\\\\\n\\t\\u0008"'


def test_ujson_dumps_prints_non_string_keys_as_they_are():
    assert ujson.dumps({1: 2}) == "{1: 2}"


def test_ujson_dumps_tuples_as_lists_and_unknown_objects_by_repr():
    assert ujson.dumps((1, (2,))) == "[1, [2]]"
    assert ujson.dumps(b"ab") == "b'ab'"


def test_ujson_dumps_floats_in_single_precision():
    assert ujson.dumps([1.0, 0.1, 1 / 3, 1e10]) == "[1.0, 0.1, 0.3333333, 1e+10]"


def test_ujson_loads_accepts_bytes_and_keeps_ints_ints():
    assert ujson.loads(b'{"n": 3, "x": 2.5}') == {"n": 3, "x": 2.5}
    assert type(ujson.loads("3")) is int


@pytest.mark.parametrize("text", ["{'a': 1}", "[1, 2", "NaN", "Infinity", ""])
def test_ujson_loads_rejects_bad_json_with_the_boards_value_error(text):
    with pytest.raises(ValueError) as info:
        ujson.loads(text)
    assert str(info.value) == "syntax error in JSON"
    assert type(info.value) is ValueError


def test_ujson_dump_and_load_use_streams():
    buf = io.StringIO()
    ujson.dump([1, "a"], buf)
    assert buf.getvalue() == '[1, "a"]'
    assert ujson.load(io.StringIO(buf.getvalue())) == [1, "a"]


# ---- ustruct ----


def test_ustruct_has_only_the_boards_names():
    names = {n for n in vars(ustruct) if not n.startswith("__")}
    assert names == {"calcsize", "pack", "pack_into", "unpack", "unpack_from"}


def test_ustruct_native_alignment_is_the_esp32s():
    assert ustruct.calcsize("bi") == 8
    assert ustruct.calcsize("bq") == 16
    assert ustruct.calcsize("<bi") == 5


def test_ustruct_pack_truncates_out_of_range_integers():
    assert ustruct.pack("<B", 256) == b"\x00"
    assert ustruct.pack("<h", 0x12345) == b"\x45\x23"
    assert ustruct.pack(">b", -1) == b"\xff"


def test_ustruct_pack_with_too_few_values_leaves_zeros_and_ignores_extra_ones():
    assert ustruct.pack("<BB", 1) == b"\x01\x00"
    assert ustruct.pack("<B", 1, 2, 3) == b"\x01"


def test_ustruct_unpack_accepts_a_longer_buffer_but_not_a_shorter_one():
    assert ustruct.unpack("<H", b"\x01\x02\x03") == (0x0201,)
    with pytest.raises(ValueError, match="buffer too small"):
        ustruct.unpack("<I", b"\x01\x02")


@pytest.mark.parametrize("fmt", ["=I", "<x", "<?", "<e", "< I"])
def test_ustruct_rejects_codes_the_board_lacks_as_bad_typecode(fmt):
    with pytest.raises(ValueError, match="bad typecode"):
        ustruct.calcsize(fmt)


def test_ustruct_strings_pad_truncate_and_accept_str():
    assert ustruct.pack("<4s", b"ab") == b"ab\x00\x00"
    assert ustruct.pack("<2s", "abc") == b"ab"
    assert ustruct.unpack("<2sB", b"hi\x07") == (b"hi", 7)


def test_ustruct_floats_are_single_precision_even_in_a_double():
    assert ustruct.pack("<f", 1.5) == b"\x00\x00\xc0\x3f"
    assert ustruct.pack("<d", 0.1) == b"\x00\x00\x00\xa0\x99\x99\xb9\x3f"


def test_ustruct_pack_into_and_unpack_from_with_negative_offset():
    buf = bytearray(6)
    ustruct.pack_into(">H", buf, -2, 0xABCD)
    assert bytes(buf) == b"\x00\x00\x00\x00\xab\xcd"
    assert ustruct.unpack_from(">H", buf, -2) == (0xABCD,)


# ---- ubinascii ----


def test_ubinascii_has_no_crc32():
    assert not hasattr(ubinascii, "crc32")


def test_ubinascii_hexlify_with_a_separator_uses_its_first_character():
    assert ubinascii.hexlify(b"\x01\xab") == b"01ab"
    assert ubinascii.hexlify(b"\x01\xab\xff", ":-") == b"01:ab:ff"
    assert ubinascii.hexlify("A") == b"41"  # str has the buffer protocol on the board


@pytest.mark.parametrize(
    ("data", "message"), [("abc", "odd-length string"), ("zz", "non-hex digit found")]
)
def test_ubinascii_unhexlify_errors_are_the_boards(data, message):
    with pytest.raises(ValueError) as info:
        ubinascii.unhexlify(data)
    assert str(info.value) == message and type(info.value) is ValueError


def test_ubinascii_base64_round_trip_ends_with_newline_and_skips_junk():
    assert ubinascii.b2a_base64(b"pycom") == b"cHljb20=\n"
    assert ubinascii.a2b_base64(b"cHlj\nb20=") == b"pycom"
    with pytest.raises(ValueError, match="incorrect padding"):
        ubinascii.a2b_base64(b"cHljb2")
