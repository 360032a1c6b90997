"""Scenario keys for the network (docs/network.md): positions, regions, [radio], [lorawan]; bad
values are one line naming the file and key."""

import pytest

from pycomsim.scenario import ScenarioError, load_scenario


def scenario(tmp_path, text: str):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return load_scenario(path)


def test_positions_radio_and_lorawan_are_applied(tmp_path):
    s = scenario(
        tmp_path,
        """
[boards.a]
position = [3, 4]
lora_region = "EU433"
[boards.b]
[radio]
seed = 5
path_loss_exponent = 3.0
fading_db = 0
capture_db = 10
[lorawan]
gateway = [100, 0]
[[lorawan.devices]]
board = "a"
app_key = "2B7E151628AED2A6ABF7158809CF4F3C"
downlinks = [{ port = 2, payload = "hi" }]
[[lorawan.devices]]
dev_addr = "26010001"
nwk_skey = "11111111111111111111111111111111"
app_skey = "22222222222222222222222222222222"
region = "US915"
""",
    )
    radio = s.world.radio
    assert radio.distance("a", "b") == 5.0 and radio.distance("a", "gateway") == pytest.approx(
        97.08, abs=0.01
    )
    assert (radio.path_loss_exponent, radio.fading_sigma_db, radio.capture_db) == (3.0, 0.0, 10.0)
    assert s.boards["a"].lora_region == "EU433"
    server = s.world.lorawan
    assert len(server.devices) == 2 and 0x26010001 in server.by_addr
    assert server.by_addr[0x26010001].region == "US915"
    (dev,) = [d for d in server.devices.values() if d.app_key]
    assert [d.payload for d in dev.queue] == [b"hi"]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "[boards.a]\nposition = 3\n",
            "boards.a.position: expected [x, y] or [x, y, z] in metres, got 3",
        ),
        ('[boards.a]\nlora_region = "XX1"\n', "boards.a.lora_region: unknown region 'XX1'"),
        (
            "[boards.a]\n[radio]\nfading_db = -1\n",
            "radio.fading_db: expected a number >= 0, got -1",
        ),
        ("[boards.a]\n[radio]\ncolour = 1\n", "radio.colour: unknown key"),
        (
            "[boards.a]\n[[lorawan.devices]]\nboard = 'zz'\napp_key = '00'\n",
            "lorawan.devices[0].board: unknown board 'zz'",
        ),
        (
            "[boards.a]\n[[lorawan.devices]]\nboard = 'a'\napp_key = '00'\n",
            "lorawan.devices[0]: app_key '00' must be 16 bytes, got 1",
        ),
        (
            "[boards.a]\n[[lorawan.devices]]\nboard = 'a'\n",
            "lorawan.devices[0]: expected 'app_key' (OTAA) or 'dev_addr' (ABP)",
        ),
        (
            "[boards.a]\n[[lorawan.devices]]\nboard = 'a'\napp_key = '%s'\nregion = 'EU433'\n"
            % ("00" * 16),
            "lorawan.devices[0]: unknown region 'EU433' (known: AS923, AU915, EU868, IN865, US915)",
        ),
    ],
)
def test_bad_network_keys_name_the_key(tmp_path, text, message):
    with pytest.raises(ScenarioError) as info:
        scenario(tmp_path, text)
    assert message in str(info.value) and str(info.value).startswith(str(tmp_path / "s.toml"))
