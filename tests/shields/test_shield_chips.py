"""Each shield chip on its own, driven the way its datasheet says (transfers straight to the device)."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from pycomsim.sim.net import OFF, STRONG_LO
from pycomsim.sim.shields import l76gnss, lis2hh12, ltr329, mpl3115a2, nmea, pycoproc, si7006

MS = 1_000_000
S = 1_000_000_000


class Clock:
    """A stand-in kernel: events in a list, run in time order by `run_to`."""

    def __init__(self) -> None:
        self.now = 0
        self.events: list[tuple[int, object]] = []

    def schedule(self, t: int, fn: object) -> None:
        self.events.append((max(t, self.now), fn))

    def cancel(self, fn: object) -> None:
        self.events = [(t, f) for t, f in self.events if f != fn]

    def run_to(self, t: int) -> None:
        while True:
            due = sorted((e for e in self.events if e[0] <= t), key=lambda e: e[0])
            if not due:
                break
            when, fn = due[0]
            self.events.remove(due[0])
            self.now = when
            fn(None)  # type: ignore[operator]
        self.now = t


# ---- the coprocessor ----
class Switches:
    def __init__(self) -> None:
        self.module: list[bool] = []
        self.sensors: list[bool] = []
        self.accelerometer: list[bool] = []


def make_pic(clock: Clock, battery: float = 3.7, generation: int = 1):
    sw = Switches()
    pic = pycoproc.Pycoproc(
        generation=generation,
        product_id=0xF012,
        fw_version=8,
        hw_version=1,
        battery_volts=lambda t: battery,
        schedule=clock.schedule,
        cancel=clock.cancel,
        power_module=sw.module.append,
        power_sensors=sw.sensors.append,
        power_accelerometer=sw.accelerometer.append,
        record=lambda t, what, detail: None,
    )
    return pic, sw


def command(pic, data: bytes, n: int, t: int = 0) -> bytes:
    """One command, then the status byte and `n` bytes of answer (how the libraries read it)."""
    pic.i2c_write(data, t)
    reply = pic.i2c_read(n + 1, t)
    assert reply[0] == 0xFF  # done
    return reply[1:]


def peek(pic, addr: int, t: int = 0) -> int:
    return command(pic, bytes([0, addr & 0xFF, addr >> 8]), 1, t)[0]


def test_coprocessor_versions_and_product_id_are_16_bit_little_endian():
    pic, _ = make_pic(Clock())
    assert command(pic, b"\x11", 2) == bytes([8, 0])
    assert command(pic, b"\x12", 2) == bytes([0x12, 0xF0])
    assert command(pic, b"\x10", 2) == bytes([1, 0])


def test_coprocessor_peek_poke_and_magic_and_or_xor():
    pic, _ = make_pic(Clock())
    command(pic, bytes([1, 0x0E, 0x00, 0x5A]), 0)  # POKE PORTC
    assert peek(pic, 0x00E) == 0x5A
    assert peek(pic, 0x08E) == 0xFF  # TRISC resets to inputs
    # MAGIC: ((0x5A & 0xF0) | 0x01) ^ 0x80 = 0xD1, and it answers the new value
    assert command(pic, bytes([2, 0x0E, 0x00, 0xF0, 0x01, 0x80]), 1) == b"\xd1"
    assert peek(pic, 0x00E) == 0xD1


def read_battery(pic, t: int) -> float:
    """A battery read as the PIC's datasheet has it: ADC on AN6, left-justified, GO until done."""
    command(pic, bytes([1, 0x9D, 0x00, 6 << 2 | 1]), 0, t)  # ADCON0: AN6, ADON
    command(pic, bytes([1, 0x9E, 0x00, 0x60]), 0, t)  # ADCON1: Fosc/64, left-justified, VDD ref
    command(pic, bytes([2, 0x9D, 0x00, 0xFF, 0x02, 0]), 1, t)  # set GO
    assert peek(pic, 0x9D, t) & 0x02  # converting
    t += 60_000
    assert not peek(pic, 0x9D, t) & 0x02  # done after the conversion time
    code = peek(pic, 0x9C, t) << 2 | peek(pic, 0x9B, t) >> 6
    return code * 3.3 / 1023 * 280 / 180 + 0.01


@pytest.mark.parametrize("volts", [3.3, 3.7, 4.2])
def test_coprocessor_adc_reads_the_battery_through_the_divider(volts):
    pic, _ = make_pic(Clock(), battery=volts)
    lsb = 3.3 / 1023 * 280 / 180
    assert read_battery(pic, 1000) == pytest.approx(volts, abs=lsb)


def test_coprocessor_sleeps_switches_off_and_wakes_on_its_timer():
    clock = Clock()
    pic, sw = make_pic(clock)
    command(pic, bytes([0x20, 10, 0, 0]), 0)  # SETUP_SLEEP 10 s
    pic.i2c_write(b"\x21", 0)  # GO_SLEEP
    assert not pic.i2c_acks(False, 1)  # asleep: no ACK
    clock.run_to(1 * S)
    assert sw.module == [False] and sw.sensors == [False] and sw.accelerometer == [False]
    clock.run_to(10 * S)
    assert sw.module == [False, True]  # the module comes back after the sleep time
    assert pic.i2c_acks(False, 10 * S)
    assert peek(pic, 0x064C, 10 * S) == pycoproc.WAKE_TIMER
    assert [peek(pic, 0x064D + i, 10 * S) for i in range(3)] == [0, 0, 0]


def test_coprocessor_button_wakes_it_early_with_the_seconds_left():
    clock = Clock()
    pic, sw = make_pic(clock)
    command(pic, bytes([0x20, 0x2C, 0x01, 0]), 0)  # 300 s
    pic.i2c_write(b"\x21", 0)
    clock.run_to(100 * S)
    pic.button(True, clock.now)
    assert peek(pic, 0x064C, clock.now) == pycoproc.WAKE_BUTTON
    assert peek(pic, 0x064D, clock.now) == 200
    assert not peek(pic, 0x00C, clock.now) & 0x08  # RA3 low while pressed
    clock.run_to(400 * S)
    assert sw.module == [False, True]  # the cancelled timer does not wake it twice


def test_coprocessor_accelerometer_interrupt_wakes_it_only_when_armed():
    clock = Clock()
    pic, sw = make_pic(clock)
    command(pic, bytes([1, 0x91, 0x03, 0x20]), 0)  # IOCAP bit 5: rising edge on RA5
    command(pic, bytes([0x20, 60, 0, 0]), 0)
    pic.i2c_write(b"\x21", 0)
    clock.run_to(1 * S)
    assert sw.accelerometer == []  # armed interrupt-on-change keeps the accelerometer powered
    pic.accelerometer_line(0, clock.now)  # falling: IOCAN not set
    assert pic.asleep
    pic.accelerometer_line(1, clock.now)
    assert not pic.asleep
    assert peek(pic, 0x064C, clock.now) == pycoproc.WAKE_ACCELEROMETER


def test_coprocessor_nap_switches_only_what_its_options_say():
    clock = Clock()
    pic, sw = make_pic(clock, generation=2)
    command(pic, bytes([0x20, 5, 0, 0]), 0)
    pic.i2c_write(bytes([0x23, 0x1 | 0x2]), 0)  # GO_NAP: SD card and sensors off
    clock.run_to(1 * S)
    assert sw.sensors == [False] and sw.module == [] and sw.accelerometer == []


def test_coprocessor_int_pin_edge_wakes_it_when_inte_is_set():
    clock = Clock()
    pic, _ = make_pic(clock, generation=2)
    command(pic, bytes([2, 0x0B, 0x00, 0xFF, 0x10, 0]), 1)  # INTCON: INTE
    command(pic, bytes([2, 0x95, 0x00, 0xFF, 0x40, 0]), 1)  # OPTION_REG: INTEDG rising
    pic.i2c_write(bytes([0x23, 0x2]), 0)
    pic.int_pin(1, 5 * MS)
    assert not pic.asleep
    assert peek(pic, 0x064C, 5 * MS) == pycoproc.WAKE_INT_PIN


# ---- SI7006-A20 ----
def test_si7006_crc_checks_out_over_data_and_crc():
    for word in (b"\x00\x00", b"\x66\x4c", b"\xff\xfc"):
        assert si7006.crc8(word + bytes([si7006.crc8(word)])) == 0


def test_si7006_no_hold_measurement_nacks_until_converted_then_reads_the_value():
    chip = si7006.Si7006(lambda t: 45.0, lambda t: 23.25)
    chip.i2c_write(b"\xf3", 100 * MS)
    assert not chip.i2c_acks(True, 100 * MS + 5 * MS)  # 14-bit temperature: up to 10.8 ms
    assert chip.i2c_acks(True, 100 * MS + 11 * MS)
    msb, lsb, crc = chip.i2c_read(3, 111 * MS)
    assert crc == si7006.crc8(bytes([msb, lsb]))
    assert 175.72 * (msb << 8 | lsb) / 65536 - 46.85 == pytest.approx(23.25, abs=0.01)
    chip.i2c_write(b"\xf5", 200 * MS)
    msb, lsb, crc = chip.i2c_read(3, 230 * MS)
    assert 125 * (msb << 8 | lsb) / 65536 - 6 == pytest.approx(45.0, abs=0.01)
    chip.i2c_write(b"\xe0", 231 * MS)  # the temperature of that humidity measurement
    msb, lsb = chip.i2c_read(2, 231 * MS)
    assert 175.72 * (msb << 8 | lsb) / 65536 - 46.85 == pytest.approx(23.25, abs=0.01)


def test_si7006_user_register_electronic_id_and_firmware():
    chip = si7006.Si7006(lambda t: 45.0, lambda t: 23.0)
    chip.i2c_write(b"\xe7", 20 * MS)
    assert chip.i2c_read(1, 20 * MS) == b"\x3a"
    chip.i2c_write(b"\xe6\x3f", 20 * MS)  # only RES1, HTRE, RES0 are writable
    chip.i2c_write(b"\xe7", 20 * MS)
    assert chip.i2c_read(1, 20 * MS) == b"\x3f"
    chip.i2c_write(b"\xfc\xc9", 20 * MS)
    assert chip.i2c_read(1, 20 * MS) == b"\x06"  # SNB_3: a Si7006
    chip.i2c_write(b"\x84\xb8", 20 * MS)
    assert chip.i2c_read(1, 20 * MS) == b"\x20"  # firmware 2.0


# ---- LTR-329ALS-01 ----
def lux_from(ch0: int, ch1: int, gain: int, integration_ms: int) -> float:
    """Appendix A of the LTR-329ALS-01 datasheet."""
    ratio = ch1 / (ch0 + ch1)
    if ratio < 0.45:
        lux = 1.7743 * ch0 + 1.1059 * ch1
    elif ratio < 0.64:
        lux = 4.2785 * ch0 - 1.9548 * ch1
    elif ratio < 0.85:
        lux = 0.5926 * ch0 + 0.1185 * ch1
    else:
        return 0.0
    return lux / gain / (integration_ms / 100)


def read_channels(chip, t: int) -> tuple[int, int]:
    data = []
    for reg in (0x88, 0x89, 0x8A, 0x8B):  # CH1 first: the datasheet's order (it locks the data)
        chip.i2c_write(bytes([reg]), t)
        data.append(chip.i2c_read(1, t)[0])
    return data[3] << 8 | data[2], data[1] << 8 | data[0]


@pytest.mark.parametrize(
    ("lux", "ratio", "gain_bits", "gain"), [(300, 0.2, 0, 1), (40, 0.5, 3, 8), (5, 0.7, 7, 96)]
)
def test_ltr329_counts_read_back_as_the_lux_set(lux, ratio, gain_bits, gain):
    chip = ltr329.Ltr329(lambda t: lux, lambda t: ratio)
    chip.i2c_write(bytes([0x80, gain_bits << 2 | 1]), 0)  # active
    chip.i2c_write(bytes([0x85, 0x03]), 0)  # 100 ms integration, 500 ms rate
    assert read_channels(chip, 50 * MS) == (0, 0)  # wake-up 10 ms + integration 100 ms
    chip.i2c_write(b"\x8c", 50 * MS)
    assert chip.i2c_read(1, 50 * MS)[0] & 0x80  # data not valid yet
    ch0, ch1 = read_channels(chip, 120 * MS)
    assert lux_from(ch0, ch1, gain, 100) == pytest.approx(lux, rel=0.01)
    chip.i2c_write(b"\x86", 0)
    assert chip.i2c_read(2, 0) == b"\xa0\x05"  # part id, manufacturer id


# ---- MPL3115A2 ----
def test_mpl3115a2_pressure_mode_reads_pascals_after_the_conversion():
    chip = mpl3115a2.Mpl3115a2(lambda t: 98765.25, lambda t: -3.5)
    chip.i2c_write(b"\x26\x38", 0)  # barometer, OS 128
    chip.i2c_write(b"\x26\x39", 0)  # active
    chip.i2c_write(b"\x00", 100 * MS)
    assert chip.i2c_read(1, 100 * MS) == b"\x00"  # converting (512 ms)
    chip.i2c_write(b"\x00", 520 * MS)
    assert chip.i2c_read(1, 520 * MS)[0] & 0x0E == 0x0E  # PTDR, PDR, TDR
    chip.i2c_write(b"\x01", 520 * MS)
    msb, csb, lsb, tmsb, tlsb = chip.i2c_read(5, 520 * MS)
    code = msb << 12 | csb << 4 | lsb >> 4
    assert code / 4 == 98765.25
    t_code = tmsb << 4 | tlsb >> 4
    assert (t_code - 4096 if t_code & 0x800 else t_code) / 16 == -3.5
    chip.i2c_write(b"\x00", 520 * MS)
    assert chip.i2c_read(1, 520 * MS) == b"\x00"  # reading OUT_P_MSB and OUT_T_MSB cleared them


def test_mpl3115a2_altitude_mode_and_one_shot():
    altitude = 321.5
    chip = mpl3115a2.Mpl3115a2(lambda t: mpl3115a2.pressure_pa(altitude), lambda t: 20.0)
    chip.i2c_write(b"\x0c", 0)
    assert chip.i2c_read(1, 0) == b"\xc4"  # WHO_AM_I
    chip.i2c_write(b"\x26\xb8", 0)  # altimeter, standby
    chip.i2c_write(b"\x26\xba", 0)  # OST: one conversion
    chip.i2c_write(b"\x01", 600 * MS)
    msb, csb, lsb = chip.i2c_read(3, 600 * MS)
    code = msb << 12 | csb << 4 | lsb >> 4
    assert (code - (1 << 20) if code & 0x80000 else code) / 16 == pytest.approx(
        altitude, abs=1 / 16
    )
    chip.i2c_write(b"\x26", 600 * MS)
    assert not chip.i2c_read(1, 600 * MS)[0] & 0x02  # OST cleared itself


# ---- LIS2HH12 ----
def make_accelerometer(clock: Clock, vector):
    class Line:
        code = OFF

        def set(self, code: int, t: int) -> None:
            self.code = code

    line = Line()
    chip = lis2hh12.Lis2hh12(
        lambda t: vector[0],
        lambda t: 25.0,
        schedule=clock.schedule,
        cancel=clock.cancel,
        clock=lambda: clock.now,
        int1=line,
    )
    return chip, line


def test_lis2hh12_reads_the_vector_at_the_full_scale_and_roll_pitch_follow():
    clock = Clock()
    vector = [(0.5, -0.25, 0.8)]
    chip, _ = make_accelerometer(clock, vector)
    chip.i2c_write(b"\x0f", 0)
    assert chip.i2c_read(1, 0) == b"\x41"
    chip.i2c_write(b"\x20\x27", 0)  # 50 Hz, xyz on
    chip.i2c_write(b"\x23\x24", 0)  # ±4 g, address increment
    chip.i2c_write(b"\x28", 100 * MS)
    raw = chip.i2c_read(6, 100 * MS)
    x, y, z = (int.from_bytes(raw[i : i + 2], "little", signed=True) * 4 / 32768 for i in (0, 2, 4))
    assert (x, y, z) == pytest.approx(vector[0], abs=4 / 32768)
    assert math.degrees(math.atan2(-x, z)) == pytest.approx(
        math.degrees(math.atan2(-0.5, 0.8)), abs=0.01
    )


def test_lis2hh12_inactivity_asserts_int1_active_low_open_drain_and_activity_releases_it():
    clock = Clock()
    vector = [(0.0, 0.0, 0.1)]
    chip, line = make_accelerometer(clock, vector)
    chip.i2c_write(b"\x20\x27", 0)  # 50 Hz
    chip.i2c_write(b"\x24\x03", 0)  # CTRL5: active low, open drain
    chip.i2c_write(b"\x1e\x20", 0)  # threshold 32 * 2 g / 128 = 0.5 g
    chip.i2c_write(b"\x1f\x02", 0)  # duration 2 * 8 / 50 Hz = 320 ms
    chip.i2c_write(b"\x22\x20", 0)  # INT1_INACT
    clock.run_to(200 * MS)
    assert line.code == OFF  # still active: released (the pull-up makes it high)
    clock.run_to(400 * MS)
    assert line.code == STRONG_LO  # inactive: asserted low
    vector[0] = (0.0, 0.9, 0.1)  # moved
    clock.run_to(420 * MS)
    assert line.code == OFF


# ---- L76-L ----
def parse(buffer: bytes) -> list[str]:
    lines = [line for line in buffer.decode("ascii").split("\r\n") if line.startswith("$")]
    for line in lines:
        body, star, given = line[1:].partition("*")
        assert star and given == nmea.checksum(body), line
    return lines


def test_l76_sends_nmea_with_checksums_no_fix_before_ttff_then_the_position():
    gps = l76gnss.L76Gnss(
        lambda t: (48.1173, 11.5167, 545.4),
        utc_start=datetime(2024, 3, 1, 12, 0, 0),
        ttff_ns=5 * S,
        ttff_hot_ns=S,
    )
    first = parse(gps.i2c_read(255, 0))
    assert first == ["$PMTK011,MTKGPS*08", "$PMTK010,001*2E"]
    assert gps.i2c_read(4, 0) == b"\n\n\n\n"  # an empty buffer reads <LF>
    early = parse(gps.i2c_read(2048, int(2.5 * S)))
    gll = [line for line in early if line.startswith("$GNGLL")]
    assert gll[-1].startswith("$GNGLL,,,,,120002.000,V")
    late = parse(gps.i2c_read(4096, 6 * S))
    fields = [line for line in late if line.startswith("$GNGGA")][-1].split(",")
    assert fields[1] == "120006.000" and fields[6] == "1"
    lat = int(fields[2][:2]) + float(fields[2][2:]) / 60
    lon = int(fields[4][:3]) + float(fields[4][3:]) / 60
    assert (lat, lon, float(fields[9])) == pytest.approx((48.1173, 11.5167, 545.4), abs=1e-4)
    rmc = [line for line in late if line.startswith("$GNRMC")][-1].split(",")
    assert rmc[2] == "A" and rmc[9] == "010324"


def test_l76_acknowledges_a_pmtk_command():
    gps = l76gnss.L76Gnss(lambda t: None, utc_start=datetime(2024, 1, 1), ttff_ns=0, ttff_hot_ns=0)
    gps.i2c_read(255, 0)
    gps.i2c_write(b"$PMTK220,1000*1F\r\n", 10)
    assert parse(gps.i2c_read(255, 10)) == ["$PMTK001,220,3*30"]


def first_fix_second(gps, *times: int) -> int:
    """The UTC second of the first GGA with a fix in what the receiver sent, read at `times`."""
    sent = b"".join(gps.i2c_read(4096, t) for t in times)
    ggas = [line.split(",") for line in parse(sent) if line.startswith("$GNGGA")]
    return next(int(f[1][4:6]) + 60 * int(f[1][2:4]) for f in ggas if f[6] == "1")


@pytest.mark.parametrize(("backup", "first_fix_s"), [(True, 101), (False, 105)])
def test_l76_hot_starts_after_losing_power_only_with_its_backup_supply_kept(backup, first_fix_s):
    gps = l76gnss.L76Gnss(
        lambda t: (1.0, 2.0, 3.0), utc_start=datetime(2024, 1, 1), ttff_ns=5 * S, ttff_hot_ns=S
    )
    assert first_fix_second(gps, 6 * S) == 5
    gps.power_off(6 * S, backup=backup)
    gps.powered = True
    gps.power_on(100 * S)
    assert first_fix_second(gps, 103 * S, 107 * S) == first_fix_s
