# Board "ping" of examples/bench.toml: sends five pulses to "pong" over a wire (ping.P11 -> pong.P11)
# and counts the echoes that come back (pong.P19 -> ping.P19). Each echo toggles the expansion LED.
# A press of the expansion button (P10, bouncing) is counted once: edges less than 200 ms after the
# previous edge are bounce, of the press or of the release that follows it.
import time

from machine import Pin

led = Pin('P9', mode=Pin.OUT, value=1)  # the expansion LED lights when P9 is low
line = Pin('P11', mode=Pin.OUT, value=0)
echo = Pin('P19', mode=Pin.IN, pull=Pin.PULL_DOWN)
button = Pin('P10', mode=Pin.IN)  # the expansion board pulls P10 up

echoes = 0
presses = 0
last_press = -1000  # time of the last falling edge


def on_echo(pin):
    global echoes
    echoes += 1
    led.toggle()


def on_press(pin):
    global presses, last_press
    now = time.ticks_ms()
    if time.ticks_diff(now, last_press) > 200:
        presses += 1
        print("button pressed at", now, "ms")
    last_press = now


echo.callback(Pin.IRQ_RISING, on_echo)
button.callback(Pin.IRQ_FALLING, on_press)

for i in range(5):
    line(1)
    time.sleep_ms(20)
    line(0)
    time.sleep_ms(180)
    print("ping", i + 1, "sent, echoes", echoes)

print("done:", echoes, "echoes,", presses, "press(es)")
