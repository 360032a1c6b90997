"""Every module and name of Pycom firmware 1.20.2.r4 either works or fails clearly, naming
pycomsim's limit (core/firmware_names.py is the firmware's tables; firmware/gaps.py the errors).

The checks are driven by the table, so they follow the code: when a module starts providing a
name, it must work (and not be None); until then it must raise the exact not-simulated error.
"""

import types

import pytest

from pycomsim import Board
from pycomsim.core.boards import BOARDS
from pycomsim.core.firmware_names import BY_OWNER, TABLES, names_on, owner_boards
from pycomsim.firmware.gaps import display_name, mark_gaps, provides
from pycomsim.firmware.lang.firmware_modules import BUILTIN_MODULES, WEAK_LINKS, Kind
from pycomsim.firmware.loader import BoardImporter

RUNNABLE = [
    real for real, info in BUILTIN_MODULES.items() if info.kind in (Kind.PROVIDED, Kind.HOST)
]


@pytest.fixture(scope="module")
def importers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flash")
    return {board_type: BoardImporter(Board(board_type), folder) for board_type in BOARDS}


def test_every_firmware_module_has_a_name_table_and_every_table_a_firmware_module():
    # esp32/mpconfigport.h MICROPY_PORT_BUILTIN_MODULES + py/objmodule.c mp_builtin_module_table
    language = {"__main__", "builtins"}
    assert {t.module for t in TABLES} == set(BUILTIN_MODULES) - language
    for table in TABLES:
        assert table.names, table.owner
        for boards in table.names.values():
            assert set(boards) <= set(BOARDS), table.owner


def test_class_tables_hang_under_a_name_their_module_table_lists():
    for table in TABLES:
        if table.class_path:
            parent = ".".join((table.module, *table.class_path[:-1]))
            assert table.class_path[-1] in BY_OWNER[parent].names, table.owner


def test_a_class_exists_only_where_its_module_lists_it():
    # modnetwork.c: LoRa under MOD_LORA_ENABLED (LoPy, LoPy4, FiPy)
    assert owner_boards(BY_OWNER["network.LoRa"]) == ("lopy", "lopy4", "fipy")
    assert names_on(BY_OWNER["network.LoRa"], "wipy3") == {}


@pytest.mark.parametrize("board_type", list(BOARDS))
def test_every_firmware_name_works_or_raises_the_not_simulated_error(importers, board_type):
    importer = importers[board_type]
    for table in TABLES:
        if table.module not in RUNNABLE:
            continue
        obj = importer.builtin_module(table.module, table.module)
        for step in table.class_path:
            obj = getattr(obj, step, None)
        if obj is None or (table.class_path and not isinstance(obj, type)):
            continue  # the class is itself a gap (checked in its parent), or a factory function
        path = ".".join((display_name(table.module), *table.class_path))
        for name in names_on(table, board_type):
            if provides(obj, name):
                assert getattr(obj, name) is not None, f"{path}.{name} is a silent None"
                continue
            with pytest.raises(AttributeError) as error:
                getattr(obj, name)
            assert str(error.value) == f"{path}.{name} is not simulated by pycomsim yet"


@pytest.mark.parametrize("board_type", list(BOARDS))
def test_from_module_import_a_missing_firmware_name_is_the_not_simulated_import_error(
    importers, board_type
):
    importer = importers[board_type]
    aliases = {real: [real] + [a for a, r in WEAK_LINKS.items() if r == real] for real in RUNNABLE}
    for table in TABLES:
        if table.module not in RUNNABLE or table.class_path:
            continue
        module = importer.builtin_module(table.module, table.module)
        for name in names_on(table, board_type):
            for requested in aliases[table.module]:
                if provides(module, name):
                    assert importer(requested, fromlist=(name,)) is module
                    continue
                with pytest.raises(ImportError) as error:
                    importer(requested, fromlist=(name,))
                assert str(error.value) == f"{requested}.{name} is not simulated by pycomsim yet"


@pytest.mark.parametrize(
    "real", [r for r, i in BUILTIN_MODULES.items() if i.kind in (Kind.NETWORK, Kind.UNSIMULATED)]
)
def test_a_firmware_module_pycomsim_lacks_is_the_not_simulated_import_error(importers, real):
    importer = importers["fipy"]
    for requested in [real] + [a for a, r in WEAK_LINKS.items() if r == real]:
        with pytest.raises(ImportError) as error:
            importer(requested)
        assert str(error.value) == f"{requested} is not simulated by pycomsim yet"


def run(tmp_path, source, board="lopy4", prepare=None):
    script = tmp_path / "main.py"
    script.write_text(source)
    b = Board(board)
    if prepare:
        prepare(b)
    b.run(script, until="1s")
    return b, "".join(b.output)


def _lose_rtc(board):
    # a firmware name the code does not provide, whatever lands later: take one away
    del board.machine.__dict__["RTC"]


def test_from_machine_import_a_lacking_class_says_pycomsim_and_names_it(tmp_path):
    b, out = run(tmp_path, "from machine import RTC\n", prepare=_lose_rtc)
    assert type(b.error) is ImportError
    assert str(b.error) == "machine.RTC is not simulated by pycomsim yet"
    assert out.endswith("ImportError: machine.RTC is not simulated by pycomsim yet\n")
    assert "unknown location" not in out


def test_machine_dot_a_lacking_class_is_an_attribute_error_in_the_same_words(tmp_path):
    src = "import machine\nprint(hasattr(machine, 'RTC'))\nmachine.RTC\n"
    b, out = run(tmp_path, src, prepare=_lose_rtc)
    assert out.startswith("False\n")
    assert type(b.error) is AttributeError
    assert str(b.error) == "machine.RTC is not simulated by pycomsim yet"


def test_from_umachine_import_names_the_module_as_imported(tmp_path):
    b, _ = run(tmp_path, "from umachine import RTC\n", prepare=_lose_rtc)
    assert str(b.error) == "umachine.RTC is not simulated by pycomsim yet"


def test_a_name_the_firmware_lacks_too_gets_the_boards_own_words(tmp_path):
    # py/runtime.c mp_import_from and mp_load_method (MICROPY_ERROR_REPORTING_NORMAL)
    b, _ = run(tmp_path, "from machine import Frobnicator\n")
    assert type(b.error) is ImportError and str(b.error) == "cannot import name Frobnicator"
    b, _ = run(tmp_path, "import machine\nmachine.Frobnicator\n")
    assert type(b.error) is AttributeError
    assert str(b.error) == "'module' object has no attribute 'Frobnicator'"


def test_from_a_user_module_import_a_missing_name_is_the_boards_message(tmp_path):
    (tmp_path / "helpers.py").write_text("x = 1\n")
    b, out = run(tmp_path, "from helpers import y\n")
    assert type(b.error) is ImportError and str(b.error) == "cannot import name y"
    assert "unknown location" not in out


def test_a_lacking_class_member_raises_on_the_class_and_its_instances():
    module = types.ModuleType("umachine")
    module.Pin = type("Pin", (), {"value": lambda self: 0})  # a Pin with one method
    mark_gaps(module, "umachine", "lopy4")
    for obj in (module.Pin, module.Pin()):
        assert not hasattr(obj, "toggle")
        with pytest.raises(AttributeError) as error:
            _ = obj.toggle
        assert str(error.value) == "machine.Pin.toggle is not simulated by pycomsim yet"
    assert module.Pin().value() == 0  # what it has works as before
    with pytest.raises(AttributeError, match=r"^machine\.I2C is not simulated by pycomsim yet$"):
        _ = module.I2C
