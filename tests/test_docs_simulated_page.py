"""docs/simulated.md is generated from the code (output/simulated.py), so it follows what pycomsim
provides: when a module gains a firmware name, the page must be regenerated, or this fails."""

from pathlib import Path

from pycomsim.output import simulated

ROOT = Path(__file__).resolve().parent.parent


def test_the_simulated_page_is_generated_from_the_code():
    page = ROOT / "docs" / "simulated.md"
    expected = simulated.render(simulated.survey())
    assert page.read_text() == expected, (
        "docs/simulated.md is out of date: run "
        "`.venv/bin/python -m pycomsim.output.simulated docs/simulated.md`"
    )


def test_the_page_says_what_is_missing_and_what_is_present():
    text = simulated.render(simulated.survey())
    assert (
        "| `uhashlib` | `hashlib` | `ImportError: uhashlib is not simulated by pycomsim yet` |"
        in text
    )
    machine = text.split("### machine\n", 1)[1].split("###", 1)[0]
    assert "`Pin`" in machine.split("**Simulated:**", 1)[1].split("\n", 1)[0]
    assert "`CAN`" in machine.split("**Not simulated:**", 1)[1].split("\n", 1)[0]
