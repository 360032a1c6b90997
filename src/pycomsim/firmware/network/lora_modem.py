"""The board's LoRa task (esp32/mods/modlora.c ``TASK_LoRa``) and its radio, on the kernel clock.

On the board, Python calls never touch the radio: they put a command on ``xCmdQueue`` (7 entries) and
wait on the ``LoRaEvents`` bits. The LoRa task wakes every 2 ms (``vTaskDelay(2)``), takes one command
when it is idle or receiving, and steps its state machine; the radio's interrupts (``OnTxDone``,
``OnRxDone``) set the state, fill ``xRxQueue`` (7 packets, dropped when full) and queue the Python
callback on the interrupt task. This module is that task. Its ticks are kernel events at whole
multiples of 2 ms since boot, scheduled only while there is work, so an idle radio costs nothing.

Faithful details that scripts can notice:

* a blocking ``send`` returns at the first task tick after the packet's last symbol, and before
  sending the task listens 1 ms for a busy channel (``lora_lbt_is_free``: RSSI over -85 dBm), retrying
  every tick while it is busy;
* after a packet is received or sent, the receiver is off until the next tick (``Radio.Sleep()`` then
  ``Radio.Rx()`` in the RX_DONE / TX_DONE states), and every transmission ends in receive mode, also
  in ``TX_ONLY`` power mode;
* a blocking send waits for *any* completion bit, so right after a non-blocking send it may return when
  the earlier packet is done (the bits are cleared before queueing, not per command).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...sim.radio import LBT_THRESHOLD_DBM, Packet, RadioSettings, time_on_air_ms
from .wait import WaitList

if TYPE_CHECKING:
    from ...board import Board

MS = 1_000_000
TICK = 2 * MS  # TASK_LoRa: vTaskDelay(2 / portTICK_PERIOD_MS)
QUEUE_MAX = 7  # modlora.h LORA_CMD_QUEUE_SIZE_MAX, LORA_DATA_QUEUE_SIZE_MAX
PAYLOAD_MAX = 255  # LORA_PAYLOAD_SIZE_MAX
SNR_REPORT_MAX = 10  # dB

# lora_state_t
(
    NOINIT,
    IDLE,
    JOIN,
    LINK_CHECK,
    RX,
    RX_DONE,
    RX_TIMEOUT,
    RX_ERROR,
    TX,
    TX_DONE,
    TX_TIMEOUT,
    SLEEP,
) = range(12)
# LoRaEvents bits (modlora.h)
COMPLETED, ERROR, MSG_SIZE = 0x01, 0x02, 0x04
# callback events (modlora.c)
RX_EVENT, TX_EVENT, TX_FAILED_EVENT = 0x01, 0x02, 0x04
# power modes
ALWAYS_ON, TX_ONLY, SLEEP_MODE = 0, 1, 2
LORA, LORAWAN = 0, 1


@dataclass
class Config:
    """lora_init_cmd_data_t: what INIT sets (lora_set_config)."""

    stack_mode: int = LORA
    region: int = 5
    frequency: int = 868_000_000
    tx_power: int = 14
    bandwidth: int = 0
    sf: int = 7
    preamble: int = 8
    coding_rate: int = 1
    power_mode: int = ALWAYS_ON
    txiq: bool = False
    rxiq: bool = False
    adr: bool = False
    public: bool = True
    tx_retries: int = 2
    device_class: int = 0


@dataclass
class Command:
    kind: str  # 'init', 'tx', 'sleep', 'wake', 'join', 'lorawan_tx'
    data: Any = None


@dataclass
class Stats:
    rx_timestamp: int = 0
    rssi: int = 0
    snr: int = 0  # the SX127x register: quarter dB, int8
    sfrx: int = 0
    sftx: int = 0
    tx_trials: int = 0
    tx_power: int | None = None  # None: the configured power (LoRaWAN sends set an index)
    tx_time_on_air: int = 0
    tx_counter: int = 0
    tx_frequency: int = 0


class IrqSource:
    """What the board's interrupt queue holds for a LoRa callback (mp_irq_queue_interrupt with
    lora_callback_handler): it reads the handler when it runs, like the firmware."""

    __slots__ = ("_handler", "_arg", "_name", "_pad_trigger", "_latched")

    def __init__(self, run: Any, name: str) -> None:
        self._handler = run
        self._arg = None
        self._name = name
        self._pad_trigger = 0  # never a level trigger
        self._latched = False


@dataclass
class Modem:
    """One boot's LoRa state (lora_obj_t and the task's queues)."""

    board: Board
    state: int = NOINIT
    config: Config = field(default_factory=Config)
    stats: Stats = field(default_factory=Stats)
    events: int = 0
    trigger: int = 0
    handler: Any = None
    handler_arg: Any = None
    joined: bool = False

    def __post_init__(self) -> None:
        board = self.board
        self.commands: deque[Command] = deque()
        self.rx_queue: deque[tuple[bytes, int]] = deque()
        self.partial: tuple[bytes, int] | None = None  # lora_partial_rx_packet: a recv's leftover
        self.bits = 0
        self.bits_waiters = WaitList()  # tasks waiting on LoRaEvents
        self.rx_waiters = WaitList()  # tasks waiting on xRxQueue
        self.cmd_waiters = WaitList()  # tasks waiting for room on xCmdQueue
        self.tick_pending = False
        self.boot = board.boot_count
        self.irq = IrqSource(self._run_handler, "LoRa")
        world = board.world
        world.networked.add(board.name)
        self.trx = world.radio.transceiver(board.name, self._on_rx_done, self._on_tx_done)
        self.trx.has_work = lambda: self.tick_pending and self.alive
        self.mac_layer: Any = None  # the LoRaWAN MAC (network/lorawan_mac.py) in LORAWAN mode
        # what makes it: set by lora.py, so that this module and the MAC's do not import each other
        self.mac_factory: Any = None

    # ---- the Python side: commands and bits ----
    @property
    def alive(self) -> bool:
        """False once the board rebooted: the old boot's radio is gone."""
        return self.board.boot_count == self.boot

    def clear_bits(self) -> None:
        self.bits &= ~(COMPLETED | ERROR | MSG_SIZE)

    def queue(self, command: Command, timeout_ns: int | None) -> bool:
        """xQueueSend(xCmdQueue, ..., timeout): False if no room came within the timeout."""
        board = self.board
        deadline = None if timeout_ns is None else board.now + timeout_ns
        room = self.cmd_waiters.wait(
            board, lambda: len(self.commands) < QUEUE_MAX, deadline, certain=True
        )
        if not room:
            return False
        self.commands.append(command)
        self._schedule_tick(board.now)
        return True

    def wait_bits(self, mask: int) -> int:
        """xEventGroupWaitBits(..., clear on exit, any bit, forever): the bits that ended the wait."""
        self.bits_waiters.wait(self.board, lambda: bool(self.bits & mask), None, certain=True)
        got = self.bits & mask
        self.bits &= ~mask
        return got

    def send_cmd(self, command: Command) -> int:
        """lora_send_cmd: clear, queue (forever), wait for COMPLETED or ERROR."""
        self.clear_bits()
        self.queue(command, None)
        return self.wait_bits(COMPLETED | ERROR)

    def _set_bits(self, bits: int) -> None:
        self.bits |= bits
        self.bits_waiters.wake()

    # ---- the task ----
    def _schedule_tick(self, t: int) -> None:
        if self.tick_pending or not self.alive:
            return
        boot = self.board.boot_ns
        k = (max(t, boot) - boot) // TICK + 1
        self.tick_pending = True
        self.board.kernel.schedule(boot + k * TICK, self._tick)

    def _tick(self, _: object) -> None:
        self.tick_pending = False
        if not self.alive:
            return
        now = self.board.kernel.now
        state = self.state
        if state in (NOINIT, IDLE, RX, SLEEP):
            if self.commands:
                self._run(self.commands.popleft(), now)
                self.cmd_waiters.wake()
        elif state in (RX_DONE, RX_TIMEOUT, RX_ERROR):
            self.state = RX
            self.trx.listen(True, now)
        elif state == TX_DONE:
            self._set_bits(COMPLETED)
            self.state = RX
            self.trx.listen(True, now)
        elif state == JOIN and self.mac_layer is not None:
            self.mac_layer.join_tick(now)
        elif state == LINK_CHECK and self.mac_layer is not None:
            self.mac_layer.link_check(now)
            self.state = IDLE
        if self.mac_layer is not None:
            self.mac_layer.tick(now)
        if self.commands or self.state in (
            RX_DONE,
            RX_TIMEOUT,
            RX_ERROR,
            TX_DONE,
            JOIN,
            LINK_CHECK,
        ):
            self._schedule_tick(now)
        elif self.mac_layer is None or not self.mac_layer.busy():
            self.board.world.board_idle(self.board)  # nothing left to do: a run may be over

    def _run(self, command: Command, now: int) -> None:
        kind = command.kind
        if kind == "init":
            self._init(command.data, now)
        elif kind == "tx":
            if self._channel_free(now):
                self.state = TX
                self.board.world.radio.transmit(self.trx, command.data, now)
            else:
                self.commands.appendleft(command)  # xQueueSendToFront: tried again next tick
        elif kind == "sleep":
            self.trx.listen(False, now)
            self.state = SLEEP
            self._set_bits(COMPLETED)
        elif kind == "wake":
            self.trx.listen(True, now)
            self.state = RX
            self._set_bits(COMPLETED)
        elif self.mac_layer is not None:
            self.mac_layer.command(command, now)

    def _init(self, config: Config, now: int) -> None:
        self.config = config
        self.board.world.radio.region = REGION_NAMES.get(config.region)
        self.trx.region = REGION_NAMES.get(config.region)
        self.retune()
        if config.stack_mode == LORAWAN:
            if self.mac_layer is None:
                self.mac_layer = self.mac_factory(self)
            self.mac_layer.init(now)
            self.state = IDLE
        else:
            self.mac_layer = None
            # lora_radio_setup: listen (ALWAYS_ON) or sleep; TASK_LoRa then sets the state to IDLE
            self.trx.listen(config.power_mode == ALWAYS_ON, now)
            self.state = IDLE
        self.joined = False
        if self.state == IDLE:
            self._set_bits(COMPLETED)

    def retune(self, **override: Any) -> None:
        """Program the radio with the raw-mode settings (or `override`, for the LoRaWAN MAC)."""
        c = self.config
        values = dict(
            frequency=c.frequency,
            sf=c.sf,
            bandwidth=c.bandwidth,
            coding_rate=c.coding_rate,
            preamble=c.preamble,
            tx_power=c.tx_power,
            tx_iq=c.txiq,
            rx_iq=c.rxiq,
            public=c.public,
        )
        values.update(override)
        self.trx.settings = RadioSettings(**values)

    def _channel_free(self, now: int) -> bool:
        """lora_lbt_is_free: only while receiving; the channel is busy above -85 dBm."""
        if not self.trx.listening:
            return True
        return self.trx.channel_rssi(now) < LBT_THRESHOLD_DBM

    # ---- the radio's interrupts (kernel loop) ----
    def _on_tx_done(self, packet: Packet) -> None:
        if not self.alive:
            return
        if self.mac_layer is not None:
            self.mac_layer.tx_done(packet)
            return
        self.events |= TX_EVENT
        if self.trigger & TX_EVENT:
            self._post_irq(packet.end)
        self.state = TX_DONE
        self._schedule_tick(packet.end)

    def _on_rx_done(self, packet: Packet, rssi: float, snr: float) -> None:
        if not self.alive:
            return
        if self.mac_layer is not None:
            self.mac_layer.rx_done(packet, rssi, snr)
            return
        self.record_rx(packet, rssi, snr)
        if len(self.rx_queue) < QUEUE_MAX:  # xQueueSendFromISR drops when full
            self.rx_queue.append((packet.payload, 0))
            self.rx_waiters.wake()
        self.events |= RX_EVENT
        if self.trigger & RX_EVENT:
            self._post_irq(packet.end)
        self.state = RX_DONE
        self.trx.listen(False, packet.end)
        self._schedule_tick(packet.end)

    def record_rx(self, packet: Packet, rssi: float, snr: float) -> None:
        """What OnRxDone keeps for stats(): the packet's time (us since boot), RSSI, SNR, SF."""
        board = self.board
        st = self.stats
        st.rx_timestamp = ((packet.end - board.boot_ns) // 1000) & 0xFFFFFFFF
        st.rssi = round(rssi)
        # the modem's SNR estimate tops out near +10 dB (Semtech: typical -20 .. +10 dB), however
        # strong the signal; the register holds quarter dB
        st.snr = max(-128, min(SNR_REPORT_MAX * 4, round(snr * 4)))
        st.sfrx = packet.settings.sf

    def record_tx(self, length: int) -> None:
        """lora_send's bookkeeping after the command went out."""
        c = self.config
        st = self.stats
        st.sftx = c.sf
        st.tx_time_on_air = time_on_air_ms(length, c.sf, c.bandwidth, c.coding_rate, c.preamble)
        st.tx_counter += 1
        st.tx_frequency = c.frequency

    def post_event(self, bit: int, t: int) -> None:
        self.events |= bit
        if self.trigger & bit:
            self._post_irq(t)

    def _post_irq(self, t: int) -> None:
        self.board.irq.post(self.irq, t)  # type: ignore[arg-type]  # duck-typed like a Pin

    def _run_handler(self, _: object) -> None:
        """lora_callback_handler: the handler set now, called with its arg (default: the LoRa)."""
        handler = self.handler
        if handler is not None:
            handler(self.handler_arg)


# LoRaMacRegion_t (lib/lora/mac/LoRaMac.h)
REGIONS = {
    "AS923": 0,
    "AU915": 1,
    "CN470": 2,
    "CN779": 3,
    "EU433": 4,
    "EU868": 5,
    "KR920": 6,
    "IN865": 7,
    "US915": 8,
    "US915_HYBRID": 9,
}
REGION_NAMES = {v: k for k, v in REGIONS.items()}
