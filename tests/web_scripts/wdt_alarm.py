from machine import Timer, WDT
import machine
import time

if machine.reset_cause() != machine.WDT_RESET:
    Timer.Alarm(lambda a: None, ms=50, periodic=True)
    wdt = WDT(timeout=190)
    time.sleep_ms(1000)
