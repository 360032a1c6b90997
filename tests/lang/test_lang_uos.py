"""Issue 9 item 3: uos on a per-board virtual flash, /flash being the script's folder."""

import random

import pytest

from pycomsim.firmware.lang.mod_uos import make_uos
from pycomsim.firmware.lang.vflash import VirtualFlash

ENOENT, EPERM, EEXIST, ENODEV, ENOTDIR, EISDIR, EACCES = 2, 1, 17, 19, 20, 21, 13


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "main.py").write_text("print(1)\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("x = 1\n")
    (tmp_path / "__pycache__").mkdir()
    return tmp_path


@pytest.fixture
def flash(folder):
    return VirtualFlash(folder)


@pytest.fixture
def uos(folder, flash):
    return make_uos(folder, "lopy4", rng=random.Random(1), flash=flash)


def errno_of(fn, *args):
    with pytest.raises(OSError) as info:
        fn(*args)
    return info.value.errno


def test_uos_has_exactly_the_firmwares_names(uos):
    assert {n for n in vars(uos) if not n.startswith("__")} == {
        "uname", "chdir", "getcwd", "ilistdir", "listdir", "mkdir", "rename", "remove", "rmdir",
        "stat", "statvfs", "getfree", "fsformat", "unlink", "sync", "urandom", "mount", "umount",
        "mkfat", "dupterm",
    }  # fmt: skip


def test_the_current_directory_after_boot_is_flash(uos):
    assert uos.getcwd() == "/flash"


def test_listdir_shows_the_script_folder_without_pycache(uos):
    assert uos.listdir() == ["lib", "main.py"]
    assert uos.listdir("/flash/lib") == ["util.py"]


def test_the_vfs_root_lists_the_mount_point(uos):
    assert uos.listdir("/") == ["flash"]
    assert uos.stat("/")[0] == 0x4000


def test_paths_outside_flash_belong_to_no_mount(uos):
    assert errno_of(uos.listdir, "/sd") == ENODEV
    assert errno_of(uos.stat, "/etc/passwd") == ENODEV


def test_a_missing_file_is_enoent_and_prints_the_errno_name(uos):
    with pytest.raises(OSError) as info:
        uos.stat("nothing.txt")
    assert info.value.errno == ENOENT and str(info.value) == "[Errno 2] ENOENT"


def test_stat_is_the_boards_ten_tuple(uos):
    st = uos.stat("main.py")
    assert len(st) == 10 and st[0] == 0x8000 and st[6] == len("print(1)\n")
    assert st[1:6] == (0, 0, 0, 0, 0) and st[7] == st[8] == st[9]
    assert uos.stat("lib")[0] == 0x4000


def test_chdir_is_relative_and_dotdot_stops_at_the_volume_root(uos):
    uos.chdir("lib")
    assert uos.getcwd() == "/flash/lib" and uos.listdir() == ["util.py"]
    uos.chdir("../..")
    assert uos.getcwd() == "/flash"
    uos.chdir("/")
    assert uos.getcwd() == "/" and uos.listdir() == ["flash"]


def test_mkdir_rename_remove_rmdir_change_the_flash_not_the_host_folder(uos, flash, folder):
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    uos.mkdir("data")
    with flash.open("data/a.txt", "w") as f:
        f.write("1")
    uos.rename("data/a.txt", "data/b.txt")
    assert uos.listdir("data") == ["b.txt"]
    assert errno_of(uos.rmdir, "data") == EACCES  # not empty
    uos.remove("data/b.txt")
    uos.rmdir("data")
    assert "data" not in uos.listdir()
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_vfs_fat_error_codes(uos):
    assert errno_of(uos.mkdir, "lib") == EEXIST
    assert errno_of(uos.remove, "lib") == EISDIR
    assert errno_of(uos.rmdir, "main.py") == ENOTDIR
    assert errno_of(uos.mkdir, "/") == EPERM
    assert errno_of(uos.remove, "gone.py") == ENOENT


def test_rename_over_an_existing_file_replaces_it(uos, flash, folder):
    (folder / "new.py").write_text("old")
    uos.rename("main.py", "new.py")
    assert flash.open("new.py").read() == "print(1)\n" and "main.py" not in uos.listdir()
    assert (folder / "new.py").read_text() == "old" and (folder / "main.py").exists()


def test_builtin_open_resolves_through_the_vfs(flash, folder):
    flash.chdir("/flash/lib")
    with flash.open("util.py") as f:
        assert f.read() == "x = 1\n"
    with flash.open("/flash/out.txt", "w") as f:
        f.write("hi")
    assert flash.open("/flash/out.txt").read() == "hi" and not (folder / "out.txt").exists()
    with pytest.raises(OSError) as info:
        flash.open("/tmp/x.txt")
    assert info.value.errno == ENODEV


def test_uname_is_an_attrtuple_with_the_boards_fields(uos):
    u = uos.uname()
    assert u.sysname == "LoPy4" and u.machine == "LoPy4 with ESP32"
    assert repr(u).startswith("(sysname='LoPy4', nodename='LoPy4', release='1.20.2.r4'")


def test_urandom_is_deterministic_for_a_seed(folder):
    a = make_uos(folder, "lopy4", rng=random.Random(7)).urandom(8)
    b = make_uos(folder, "lopy4", rng=random.Random(7)).urandom(8)
    assert a == b and len(a) == 8 and isinstance(a, bytes)


def test_dupterm_returns_the_previous_stream_setting(uos):
    assert uos.dupterm() is None
    import io

    s = io.BytesIO()
    assert uos.dupterm(s) is None and uos.dupterm() is s


def test_mount_refuses_naming_pycomsim_and_fsformat_empties_only_the_flash(uos, folder):
    with pytest.raises(OSError, match="pycomsim: mount is not simulated"):
        uos.mount(None, "/sd")
    uos.fsformat("/flash")
    assert uos.listdir("/flash") == [] and (folder / "main.py").exists()


def test_getfree_counts_the_boards_flash(uos):
    assert 0 < uos.getfree("/flash") <= 4096
