"""machine.ADC and machine.DAC as esp32/mods/pybadc.c and pybdac.c (1.20.2) have them, the ESP32 ADC's
transfer curve and esp_adc_cal (chip/adc.py), analog sources (sim/analog.py), real-valued traces in the
VCD and the plot, and a DAC read back by an ADC on a wired pin."""

import io
import re
import textwrap

import pytest

from pycomsim import Board
from pycomsim.chip.adc import characterize, raw_to_voltage, read_raw
from pycomsim.output.vcd import write_vcd
from pycomsim.scenario import load_scenario

INVALID = re.escape("invalid argument(s) value")


@pytest.fixture
def board():
    return Board("lopy4", expansion=False, stdout=io.StringIO())


@pytest.fixture
def machine(board):
    return board.machine


def run(board, tmp_path, source, until="20ms"):
    (tmp_path / "main.py").write_text(textwrap.dedent(source))
    board.run(tmp_path / "main.py", until=until)
    assert board.error is None, board.error
    return "".join(board.output)


# ---- ADC (adc_make_new, adc_init, adc_vref, adc_vref_to_pin, adc_channel) ----
def test_adc_is_a_singleton_that_prints_its_width(machine):
    a = machine.ADC()
    assert a is machine.ADC(0, bits=10)
    assert repr(a) == "ADC(0, bits=10)"
    a.deinit()
    assert repr(a) == "ADC(0)"


def test_adc_id_other_than_0_is_resource_not_available(machine):
    with pytest.raises(OSError, match="^resource not available$"):
        machine.ADC(1)


@pytest.mark.parametrize("bits", [8, 13])
def test_adc_bits_are_9_to_12(machine, bits):
    with pytest.raises(ValueError, match=INVALID):
        machine.ADC(bits=bits)
    with pytest.raises(ValueError, match=INVALID):
        machine.ADC().init(bits=bits)


def test_bits_is_keyword_only(machine):
    with pytest.raises(TypeError, match="extra positional arguments given"):
        machine.ADC(0, 12)


def test_channel_pin_map_is_the_firmwares(machine):
    adc = machine.ADC()
    pins = {"P13": 0, "P14": 1, "P15": 2, "P16": 3, "P19": 4, "P20": 5, "P18": 6, "P17": 7}
    for pin, index in pins.items():
        assert repr(adc.channel(pin=pin)) == f"ADCChannel({index}, pin={pin}, attn=0)"
        assert adc.channel(index) is adc.channel(pin=pin)  # one object per channel


def test_channel_on_a_pin_without_adc1_is_oserror(machine):
    with pytest.raises(OSError, match="^resource not available$"):
        machine.ADC().channel(pin="P9")


def test_channel_id_8_and_up_is_a_valueerror_with_the_oserror_words(machine):
    with pytest.raises(ValueError, match="^resource not available$"):
        machine.ADC().channel(8)


def test_channel_id_and_another_pin_disagree(machine):
    with pytest.raises(ValueError, match=INVALID):
        machine.ADC().channel(0, pin="P14")


def test_attn_is_0_to_3(machine):
    with pytest.raises(ValueError, match=INVALID):
        machine.ADC().channel(pin="P13", attn=4)
    assert (
        machine.ADC.ATTN_0DB,
        machine.ADC.ATTN_2_5DB,
        machine.ADC.ATTN_6DB,
        machine.ADC.ATTN_11DB,
    ) == (0, 1, 2, 3)


def test_after_deinit_channels_raise_the_operation_is_not_possible(machine):
    adc = machine.ADC()
    ch = adc.channel(pin="P13")
    ch.deinit()
    for call in (ch.value, ch, ch.voltage, lambda: ch.value_to_voltage(100)):
        with pytest.raises(OSError, match="^the requested operation is not possible$"):
            call()
    assert repr(ch) == "ADCChannel(0)"
    adc.deinit()
    with pytest.raises(OSError, match="not possible"):
        adc.channel(pin="P13")


def test_vref_defaults_to_1100_and_setting_it_recalibrates_voltage(machine, board):
    board.analog("P13", 0.8)
    adc = machine.ADC()
    assert adc.vref() == 1100
    ch = adc.channel(pin="P13")
    before = ch.voltage()
    adc.vref(1200)
    after = ch.voltage()
    assert after > before * 1.05


def test_vref_to_pin_only_p6_p21_p22(machine, board):
    with pytest.raises(ValueError, match="^only pins P6, P21 and P22 are able to output VREF$"):
        machine.ADC().vref_to_pin("P9")
    machine.ADC().vref_to_pin("P22")
    adc = machine.ADC()
    from pycomsim.sim.analog import net_voltage

    vref_mv = round(net_voltage(board, board.pin("P22"), board.now) * 1000)
    assert 1000 <= vref_mv <= 1200
    assert adc.vref() == 1100  # the firmware does not learn it by itself


def test_measuring_vref_and_setting_it_makes_voltage_accurate(tmp_path):
    board = Board("lopy4", expansion=False, seed=3, wires=["P22=P13"], stdout=io.StringIO())
    board.analog("P14", 0.6)
    out = run(
        board,
        tmp_path,
        """
        from machine import ADC
        adc = ADC()
        adc.vref_to_pin('P22')
        real = ADC().channel(pin='P13', attn=ADC.ATTN_11DB)  # reads the wired Vref pin
        ref = real.voltage()
        adc.vref(ref)
        v = [adc.channel(pin='P14').voltage() for _ in range(20)]
        print(abs(sum(v) / 20 - 600) < 25)
        """,
    )
    assert out == "True\n"


# ---- the transfer curve (esp_adc_cal.c) ----
def test_esp_adc_cal_default_vref_line_and_11db_lookup_table():
    c = characterize(0, 12, 1100)
    assert (c.coeff_a, c.coeff_b) == (1100 * 57431 // 4096, 75)
    assert raw_to_voltage(0, c) == 75
    c11 = characterize(3, 12, 1100)
    assert raw_to_voltage(4095, c11) == 3134 or 3100 < raw_to_voltage(4095, c11) < 3200


def test_value_to_voltage_scales_a_narrower_reading_to_12_bits(machine):
    adc = machine.ADC(bits=9)
    ch = adc.channel(pin="P13")
    assert ch.value_to_voltage(511) == raw_to_voltage(4088, characterize(0, 12, 1100))


def test_the_adc_reads_0_below_the_offset_and_saturates_at_the_top():
    import random

    rng = random.Random(0)
    assert read_raw(0.02, 0, 12, 1100, rng) <= 2
    assert read_raw(1.5, 0, 12, 1100, rng) == 4095  # 0 dB covers about 1.1 V
    assert read_raw(3.3, 3, 12, 1100, rng) == 4095


def test_11db_is_non_linear_near_the_top_as_the_lookup_table():
    import random

    rng = random.Random(0)
    c = characterize(3, 12, 1100)
    step_low = raw_to_voltage(1064, c) - raw_to_voltage(1000, c)
    step_high = raw_to_voltage(4000, c) - raw_to_voltage(3936, c)
    assert step_high < 0.7 * step_low  # fewer mV per 64 counts: the counts run up to 4095 by ~3.1 V
    assert read_raw(3.0, 3, 12, 1100, rng) < 4095


def test_noise_is_seeded_same_seed_same_readings(tmp_path):
    outs = []
    for _ in range(2):
        board = Board("lopy4", expansion=False, seed=7, stdout=io.StringIO())
        board.analog("P13", 0.5)
        outs.append(
            run(
                board,
                tmp_path,
                "from machine import ADC\nc = ADC().channel(pin='P13')\nprint([c() for _ in range(8)])\n",
            )
        )
    assert outs[0] == outs[1]
    values = eval(outs[0])  # noqa: S307 - our own printed list
    assert len(set(values)) > 1  # there is noise


@pytest.mark.parametrize("bits,top", [(9, 511), (10, 1023), (11, 2047), (12, 4095)])
def test_readings_have_the_configured_width(machine, board, bits, top):
    board.analog("P13", 3.3)
    assert machine.ADC(bits=bits).channel(pin="P13", attn=3).value() == top


# ---- analog sources ----
def test_potentiometer_turned_from_the_test_is_what_the_script_reads(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    pot = board.potentiometer("P16", 0.2)
    pot.set(0.9, at="10ms")
    out = run(
        board,
        tmp_path,
        """
        from machine import ADC
        import time
        c = ADC().channel(pin='P16')
        a = c()
        time.sleep_ms(15)
        print(c() > a + 2000)
        """,
    )
    assert out == "True\n"


def test_a_sine_source_is_sampled_into_a_real_valued_trace(board):
    board.waveform("P13", "sine", freq=100, low=0.5, high=1.5)
    board.world.run(until="10ms")
    from pycomsim.sim.analog import analog_traces

    points = analog_traces(board.world)["lopy4.P13"].points()
    values = [v for _, v in points]
    assert len(points) >= 64 and max(values) == pytest.approx(1.5, abs=0.01)
    assert min(values) == pytest.approx(0.5, abs=0.01)


def test_csv_source_interpolates_between_rows(tmp_path, board):
    path = tmp_path / "volts.csv"
    path.write_text("time,volts\n0ms,0.0\n10ms,1.0\n")
    src = board.analog_csv("P13", path)
    assert src.voltage(5_000_000) == pytest.approx(0.5)
    assert src.voltage(50_000_000) == 1.0


def test_bad_analog_input_is_one_clear_value_error(tmp_path, board):
    with pytest.raises(ValueError, match="bad voltage 5"):
        board.analog("P13", 5)
    with pytest.raises(ValueError, match="bad waveform shape 'square'"):
        board.waveform("P13", "square")
    (tmp_path / "bad.csv").write_text("0ms,1.0\n1ms,x\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: bad volts 'x'"):
        board.analog_csv("P13", tmp_path / "bad.csv")


def test_scenario_analog_parts(tmp_path):
    (tmp_path / "main.py").write_text(
        "from machine import ADC\nadc = ADC()\nprint(adc.channel(pin='P13')() > 3000, adc.channel(pin='P14')() < 100)\n"
    )
    (tmp_path / "s.toml").write_text(
        'until = "5ms"\n[boards.a]\nscript = "main.py"\nexpansion = false\n'
        '[[analog]]\npin = "P13"\nvolts = 1.05\n[[analog]]\npin = "P14"\npotentiometer = 0.0\n'
    )
    out = io.StringIO()
    load_scenario(tmp_path / "s.toml", stdout=out, stderr=io.StringIO()).run()
    assert out.getvalue() == "True True\n"


# ---- DAC ----
def test_dac_pins_are_p22_and_p21_only(machine):
    with pytest.raises(OSError, match="^resource not available$"):
        machine.DAC("P9")
    with pytest.raises(OSError, match="resource not available"):
        machine.DAC()
    assert machine.DAC("P22") is machine.DAC("P22")
    assert repr(machine.DAC("P21")) == "DAC()"  # dac_print formats the id with %q


def test_dac_write_loopback_an_adc_on_a_wired_pin_reads_the_level(tmp_path):
    board = Board("lopy4", expansion=False, wires=["P22=P13"], stdout=io.StringIO())
    out = run(
        board,
        tmp_path,
        """
        from machine import ADC, DAC
        dac = DAC('P22')
        ch = ADC().channel(pin='P13', attn=ADC.ATTN_11DB)
        for v in (0.25, 0.5, 2.0):
            dac.write(v)
            print(ch.voltage())
        """,
    )
    lows = [int(x) for x in out.split()]
    assert lows[0] < lows[1] < lows[2]
    assert 700 < lows[0] < 900  # 63/255 * 3.3 V = 0.815 V, give or take the chip's Vref


def test_dac_tone_frequency_and_range_checks(machine, board):
    dac = machine.DAC("P22")
    with pytest.raises(ValueError, match="^tone frequency out of range$"):
        dac.tone(100, 0)
    with pytest.raises(ValueError, match="^tone scale out of range$"):
        dac.tone(1000, 4)
    dac.tone(1000, 1)
    out = dac._out
    assert out.frequency() == pytest.approx(8e6 * (((1125 * 65536) // 8_000_000 - 1) + 1) / 65536)
    assert max(out.voltage(t) for t in range(0, 1_000_000, 10_000)) == pytest.approx(
        1.65 + 0.825, abs=0.01
    )


def test_analog_levels_are_real_variables_in_the_vcd(tmp_path):
    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    run(
        board,
        tmp_path,
        "from machine import DAC\nimport time\nd = DAC('P22')\nd.write(0.5)\ntime.sleep_ms(5)\nd.write(1)\n",
    )
    out = io.StringIO()
    write_vcd(board.world, out, pins=["P22"])
    text = out.getvalue()
    assert "$var real 64" in text and "P22_V" in text
    assert "r1.6435" in text and "r3.3" in text


def test_the_plot_draws_an_analog_lane(tmp_path):
    from pycomsim.output.plot import plot_timing

    board = Board("lopy4", expansion=False, stdout=io.StringIO())
    board.waveform("P13", "ramp", freq=200)
    board.world.run(until="20ms")
    path = plot_timing(board.world, tmp_path / "p.png", pins=["P13"])
    assert path.stat().st_size > 1000
