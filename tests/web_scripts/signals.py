from machine import ADC, PWM, UART
import time

PWM(0, 1000).channel(0, pin="P11", duty_cycle=0.25)
uart = UART(1, 115200)
uart.write(b"hi")
adc = ADC().channel(pin="P16")
while True:
    print(adc())
    time.sleep_ms(50)
