"""/flash is an overlay: the board sees the script's folder, its writes land in a layer of its own
(issue case 2). Errors as extmod/vfs_fat.c and vfs_fat_file.c raise them."""

import io

import pytest

from pycomsim import Board


def snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_remove_rename_and_writes_never_touch_the_sources(write, tmp_path):
    write("lib/util.py", "X = 1\n")
    write("data.txt", "keep\n")
    script = write(
        "main.py",
        """
        import os
        os.remove('data.txt')
        os.rename('lib/util.py', 'lib/old.py')
        with open('main.py', 'w') as f:
            f.write('# overwritten by an OTA update')
        os.mkdir('logs')
        open('logs/1.txt', 'w').write('a')
        print(sorted(os.listdir()), os.listdir('lib'))
        """,
    )
    before = snapshot(tmp_path)
    board = Board("lopy4", stdout=io.StringIO())
    board.run(script)
    assert board.error is None
    assert "".join(board.output) == "['lib', 'logs', 'main.py'] ['old.py']\n"
    assert snapshot(tmp_path) == before


def test_formatting_the_flash_leaves_the_folder_alone(write, tmp_path):
    script = write(
        "main.py",
        """
        import os
        os.fsformat('/flash')
        print(os.listdir('/flash'))
        """,
    )
    board = Board("lopy4", stdout=io.StringIO()).run(script)
    assert "".join(board.output) == "[]\n" and script.exists()


def test_the_layer_starts_empty_each_run(write):
    script = write(
        "main.py",
        """
        import os
        print('log.txt' in os.listdir())
        open('log.txt', 'a').write('x')
        """,
    )
    outputs = ["".join(Board("lopy4", stdout=io.StringIO()).run(script).output) for _ in range(2)]
    assert outputs == ["False\n", "False\n"]


def test_flash_dir_keeps_the_layer_between_runs(write, tmp_path, cli):
    script = write(
        "main.py",
        """
        import os
        with open('log.txt', 'a') as f:
            f.write('x')
        print(open('log.txt').read())
        if 'old.txt' in os.listdir():
            os.remove('old.txt')
        """,
    )
    write("old.txt", "from the sources\n")
    layer = tmp_path.parent / (tmp_path.name + "-flash")
    assert cli("run", script, "--flash-dir", layer)[:2] == (0, "x\n")
    assert cli("run", script, "--flash-dir", layer)[:2] == (0, "xx\n")
    board = Board("lopy4", stdout=io.StringIO(), flash_dir=layer)
    board.run(write("check.py", "import os\nprint('old.txt' in os.listdir())\n"))
    assert "".join(board.output) == "False\n"  # the deletion is kept too
    assert (tmp_path / "old.txt").exists() and not (tmp_path / "log.txt").exists()


def test_a_flash_dir_that_holds_the_sources_is_refused(write, tmp_path, cli):
    script = write("main.py", "print(1)\n")
    code, out, err = cli("run", script, "--flash-dir", tmp_path)
    assert code == 2 and out == "" and "would write over its sources" in err


def test_the_layer_survives_reset_and_deep_sleep(write):
    script = write(
        "main.py",
        """
        import machine, os
        n = len(open('boots.txt').read()) if 'boots.txt' in os.listdir() else 0
        print('boot', n)
        with open('boots.txt', 'a') as f:
            f.write('x')
        if n == 0:
            machine.reset()
        elif n == 1:
            machine.deepsleep(10)
        """,
    )
    board = Board("lopy4", cpu="free", stdout=io.StringIO()).run(script, until="1s")
    assert "".join(board.output).split("\n")[:3] == ["boot 0", "boot 1", "boot 2"]


def test_a_rewritten_main_runs_after_a_reset_as_an_ota_update(write, tmp_path):
    script = write(
        "main.py",
        """
        import machine
        with open('main.py', 'w') as f:
            f.write("print('new version')\\n")
        print('old version')
        machine.reset()
        """,
    )
    board = Board("lopy4", cpu="free", stdout=io.StringIO()).run(script, until="1s")
    assert "".join(board.output) == "old version\nnew version\n"
    assert "machine.reset" in script.read_text()


def errno_in(board):
    return board.error.errno if isinstance(board.error, OSError) else board.error


@pytest.mark.parametrize(
    "code, errno",
    [
        ("open('missing.txt')", 2),  # ENOENT
        ("import os; os.remove('missing.txt')", 2),
        ("import os; os.mkdir('/')", 1),  # EPERM: no file system on the VFS root
        ("import os; os.mkdir('lib'); os.mkdir('lib')", 17),  # EEXIST
        (
            "f = open('big', 'wb'); f.write(bytes(600 * 1024))",
            28,
        ),  # ENOSPC: the LoPy (4 MB flash) has 508 KiB
    ],
)
def test_the_firmware_errors_are_kept(write, code, errno):
    script = write("main.py", code + "\n")
    board = Board("lopy", stdout=io.StringIO()).run(script)
    assert errno_in(board) == errno


def test_enospc_counts_the_boards_flash_size(write):
    script = write(
        "main.py",
        """
        f = open('big', 'wb')
        f.write(bytes(600 * 1024))
        f.close()
        import os
        print(os.stat('big')[6])
        """,
    )
    assert "".join(Board("lopy4", stdout=io.StringIO()).run(script).output) == "614400\n"
