"""`machine.reset_cause()` and `machine.wake_reason()` values (esp32/mods/modmachine.c)."""

PWRON_RESET, HARD_RESET, WDT_RESET, DEEPSLEEP_RESET, SOFT_RESET, BROWN_OUT_RESET = range(6)
PWRON_WAKE, PIN_WAKE, RTC_WAKE, ULP_WAKE = range(4)
