"""docs/parts.md's catalogue is rendered from the part registrations, so it cannot drift from the code."""

from pathlib import Path

from pycomsim.sim.part_catalogue import part_kinds
from pycomsim.sim.part_library import BEGIN, END, catalogue_markdown, with_catalogue

DOC = Path(__file__).resolve().parents[2] / "docs" / "parts.md"


def test_the_catalogue_in_the_doc_is_the_one_the_code_registers():
    doc = DOC.read_text()
    assert with_catalogue(doc) == doc, (
        "docs/parts.md's catalogue is out of date: run `make parts-doc`"
    )


def test_every_kind_its_pins_options_and_datasheet_are_in_the_doc():
    section = catalogue_markdown()
    assert section.startswith(BEGIN) and section.rstrip().endswith(END)
    for entry in part_kinds().values():
        assert f"### `{entry.kind}`" in section
        assert entry.datasheet in section
        assert f"- **command line**: `--part {entry.usage()}`" in section
        for option in entry.options:
            assert f"| `{option}` |" in section
    assert {"dht11", "dht22", "hcsr04"} <= set(part_kinds())


def test_the_doc_s_scenario_example_builds_its_parts(tmp_path):
    import io
    import re

    from pycomsim.scenario import load_scenario

    toml = re.search(r"```toml\n(.*?)```", DOC.read_text(), re.S).group(1)
    (tmp_path / "main.py").write_text("print('ok')\n")
    (tmp_path / "bench.toml").write_text(toml)
    scenario = load_scenario(tmp_path / "bench.toml", stdout=io.StringIO(), stderr=io.StringIO())
    dht, sonar = scenario.parts
    assert (dht.kind, sonar.kind) == ("dht22", "hcsr04")
    assert dht.temperature.at(0) == 21.0 and sonar.distance.at(6 * 10**9) == 1.2
