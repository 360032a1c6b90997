"""Every name Pycom firmware 1.20.2.r4 puts in its modules, and in the main classes scripts use.

Data, written from the firmware's globals and locals tables (pycom/pycom-micropython-sigfox at tag
v1.20.2.r4: ``esp32/mods/*.c``, and its MicroPython 1.11 ``py/`` and ``extmod/``), with each
``#if`` resolved for the BASE firmware of each board (``esp32/Makefile``: no Pybytes, Pygate,
Ethernet or OpenThread; LoRa on LoPy, LoPy4, FiPy; Sigfox on SiPy, LoPy4, FiPy; LTE on FiPy, GPy;
py/mpconfig.h defaults where ``esp32/mpconfigport.h`` is silent). The firmware source is not
needed at run or test time: this table is what pycomsim checks itself against
(``firmware/gaps.py``; docs/simulated.md).

Each table is one owner: a module by its real name (``umachine``), or a class under it
(``umachine.Timer.Alarm``). A name ``x@lopy,fipy`` exists only on those boards. Left out: the
``__name__`` and ``__del__`` entries (the object protocol, not names scripts use).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_BOARDS = ("wipy3", "lopy", "lopy4", "sipy", "fipy", "gpy")


@dataclass(frozen=True)
class NameTable:
    owner: str  # 'umachine' (a module's real name) or 'umachine.Pin' (a class of it)
    source: str  # the firmware file and table the names come from
    text: str = field(repr=False)  # the names, whitespace-separated, 'name@board,board' if limited

    @property
    def names(self) -> dict[str, tuple[str, ...]]:
        """name -> the boards that have it, in table order."""
        found: dict[str, tuple[str, ...]] = {}
        for token in self.text.split():
            name, _, boards = token.partition("@")
            found[name] = tuple(boards.split(",")) if boards else ALL_BOARDS
        return found

    @property
    def module(self) -> str:
        return self.owner.partition(".")[0]

    @property
    def class_path(self) -> tuple[str, ...]:
        """The attributes from the module to the class: ('Timer', 'Alarm'); () for a module."""
        rest = self.owner.partition(".")[2]
        return tuple(rest.split(".")) if rest else ()


def _t(owner: str, source: str, text: str) -> NameTable:
    return NameTable(owner, source, text)


_LORA = "@lopy,lopy4,fipy"
_SIGFOX = "@sipy,lopy4,fipy"

TABLES: tuple[NameTable, ...] = (
    # ---- machine and its classes ----
    _t(
        "umachine",
        "esp32/mods/modmachine.c machine_module_globals_table",
        """
        mem8 mem16 mem32 reset freq unique_id main rng idle sleep deepsleep remaining_sleep_time
        pin_sleep_wakeup reset_cause wake_reason disable_irq enable_irq info temperature
        flash_encrypt secure_boot
        Pin UART SPI I2C PWM ADC DAC SD Timer RTC WDT CAN RMT Touch
        PWRON_RESET HARD_RESET WDT_RESET DEEPSLEEP_RESET SOFT_RESET BROWN_OUT_RESET
        PWRON_WAKE PIN_WAKE RTC_WAKE ULP_WAKE WAKEUP_ALL_LOW WAKEUP_ANY_HIGH
    """,
    ),
    _t(
        "umachine.Pin",
        "esp32/mods/machpin.c pin_locals_dict_table",
        """
        init value toggle id mode pull hold callback module exp_board
        IN OUT OPEN_DRAIN PULL_UP PULL_DOWN IRQ_FALLING IRQ_RISING IRQ_LOW_LEVEL IRQ_HIGH_LEVEL
    """,
    ),
    _t(
        "umachine.UART",
        "esp32/mods/machuart.c mach_uart_locals_dict_table",
        """
        init deinit any wait_tx_done sendbreak read readline readinto write EVEN ODD
    """,
    ),
    _t(
        "umachine.SPI",
        "esp32/mods/machspi.c pyb_spi_locals_dict_table",
        """
        init deinit write read readinto write_readinto MASTER MSB LSB
    """,
    ),
    _t(
        "umachine.I2C",
        "esp32/mods/machine_i2c.c machine_i2c_locals_dict_table",
        """
        init deinit scan readfrom readfrom_into writeto readfrom_mem readfrom_mem_into
        writeto_mem MASTER
    """,
    ),
    _t("umachine.PWM", "esp32/mods/machpwm.c mach_pwm_timer_locals_dict_table", "init channel"),
    _t(
        "umachine.ADC",
        "esp32/mods/pybadc.c adc_locals_dict_table",
        """
        init deinit channel vref vref_to_pin ATTN_0DB ATTN_2_5DB ATTN_6DB ATTN_11DB
    """,
    ),
    _t("umachine.DAC", "esp32/mods/pybdac.c dac_locals_dict_table", "init deinit write tone"),
    _t(
        "umachine.SD",
        "esp32/mods/pybsd.c pyb_sd_locals_dict_table",
        """
        init deinit readblocks writeblocks ioctl
    """,
    ),
    _t(
        "umachine.Timer", "esp32/mods/machtimer.c mach_timer_globals_table", "Alarm Chrono sleep_us"
    ),
    _t(
        "umachine.Timer.Alarm",
        "esp32/mods/machtimer_alarm.c mach_timer_alarm_dict_table",
        """
        callback cancel
    """,
    ),
    _t(
        "umachine.Timer.Chrono",
        "esp32/mods/machtimer_chrono.c mach_timer_chrono_dict_table",
        """
        read read_ms read_us start stop reset
    """,
    ),
    _t(
        "umachine.RTC",
        "esp32/mods/machrtc.c mach_rtc_locals_dict_table",
        """
        init now ntp_sync synced memory INTERNAL_RC XTAL_32KHZ
    """,
    ),
    _t("umachine.WDT", "esp32/mods/machwdt.c mach_wdt_locals_dict_table", "init feed"),
    _t(
        "umachine.CAN",
        "esp32/mods/machcan.c mach_can_locals_dict_table",
        """
        init deinit send recv soft_filter callback events NORMAL SILENT FORMAT_STD FORMAT_EXT
        FORMAT_BOTH RX_FRAME RX_FIFO_NOT_EMPTY RX_FIFO_OVERRUN FILTER_LIST FILTER_RANGE
        FILTER_MASK
    """,
    ),
    _t(
        "umachine.RMT",
        "esp32/mods/machrmt.c mach_rmt_locals_dict_table",
        """
        init deinit pulses_send pulses_get LOW HIGH
    """,
    ),
    _t("umachine.Touch", "esp32/mods/machtouch.c mtp_locals_dict_table", "config read init_value"),
    # ---- the port's own modules ----
    _t(
        "utime",
        "esp32/mods/modutime.c time_module_globals_table",
        """
        localtime gmtime mktime sleep sleep_ms sleep_us ticks_ms ticks_us ticks_cpu ticks_add
        ticks_diff time timezone
    """,
    ),
    _t(
        "uos",
        "esp32/mods/moduos.c os_module_globals_table",
        """
        uname chdir getcwd ilistdir listdir mkdir rename remove rmdir stat statvfs getfree
        fsformat unlink sync urandom mount umount mkfat dupterm
    """,
    ),
    _t(
        "pycom",
        "esp32/mods/modpycom.c pycom_module_globals_table",
        f"""
        heartbeat rgbled ota_start ota_write ota_finish ota_verify ota_slot diff_update_enabled
        pulses_get nvs_set nvs_get nvs_erase nvs_erase_all wifi_on_boot wdt_on_boot
        wdt_on_boot_timeout heartbeat_on_boot lte_modem_en_on_boot get_free_heap wifi_ssid_sta
        wifi_ssid_ap wifi_pwd_sta wifi_pwd_ap wifi_mode_on_boot
        create_128bit_le_uuid_from_string sigfox_info{_SIGFOX} bootmgr FACTORY OTA_0 FAT LittleFS
    """,
    ),
    _t(
        "network",
        "esp32/mods/modnetwork.c mp_module_network_globals_table",
        f"""
        WLAN LoRa{_LORA} Sigfox{_SIGFOX} LTE@fipy,gpy Bluetooth Server Coap MDNS
    """,
    ),
    _t(
        "network.WLAN",
        "esp32/mods/modwlan.c wlan_locals_dict_table",
        """
        init deinit scan connect disconnect isconnected ifconfig mode bandwidth ssid bssid auth
        hostname channel antenna mac ap_sta_list ap_tcpip_sta_list max_tx_power country
        joined_ap_info wifi_protocol send_raw promiscuous callback events wifi_packet
        ctrl_pkt_filter smartConfig Connected_ap_pwd
        STA AP STA_AP WEP WPA WPA2 WPA2_ENT INT_ANT EXT_ANT MAN_ANT HT20 HT40
        PHY_11_B PHY_11_G PHY_11_N PHY_LOW_RATE SCAN_PASSIVE SCAN_ACTIVE COUNTRY_POL_AUTO
        COUNTRY_POL_MAN SECONDARY_CHN_ABOVE SECONDARY_CHN_BELOW SECONDARY_CHN_NONE
        EVENT_PKT_MGMT EVENT_PKT_CTRL EVENT_PKT_DATA EVENT_PKT_DATA_MPDU EVENT_PKT_DATA_AMPDU
        EVENT_PKT_MISC EVENT_PKT_ANY FILTER_CTRL_PKT_ALL FILTER_CTRL_PKT_WRAPPER
        FILTER_CTRL_PKT_BAR FILTER_CTRL_PKT_BA FILTER_CTRL_PKT_PSPOLL FILTER_CTRL_PKT_CTS
        FILTER_CTRL_PKT_ACK FILTER_CTRL_PKT_CFEND FILTER_CTRL_PKT_CFENDACK
        SMART_CONF_DONE SMART_CONF_TIMEOUT
    """,
    ),
    _t(
        "network.LoRa",
        "esp32/mods/modlora.c lora_locals_dict_table",
        """
        init join join_multicast_group leave_multicast_group tx_power bandwidth frequency
        coding_rate preamble sf power_mode stats has_joined add_channel remove_channel mac
        compliance_test callback events ischannel_free set_battery_level nvram_save
        nvram_restore nvram_erase airtime reset timeout
        LORA LORAWAN OTAA ABP ALWAYS_ON TX_ONLY SLEEP BW_125KHZ BW_250KHZ BW_500KHZ
        CODING_4_5 CODING_4_6 CODING_4_7 CODING_4_8 RX_PACKET_EVENT TX_PACKET_EVENT
        TX_FAILED_EVENT CLASS_A CLASS_C AS923 AU915 EU868 US915 CN470 IN865 EU433
    """,
    ),
    _t(
        "network.Server",
        "esp32/mods/modnetwork.c network_server_locals_dict_table",
        """
        init deinit timeout isrunning
    """,
    ),
    _t(
        "usocket",
        "esp32/mods/modusocket.c mp_module_usocket_globals_table",
        f"""
        socket getaddrinfo dnsserver error timeout AF_INET AF_LORA{_LORA} AF_SIGFOX{_SIGFOX}
        SOCK_STREAM SOCK_DGRAM SOCK_RAW@lopy,sipy,lopy4,fipy IPPROTO_IP IPPROTO_ICMP
        IPPROTO_TCP IPPROTO_UDP IPPROTO_IPV6 IPPROTO_RAW IP_ADD_MEMBERSHIP SOL_LORA{_LORA}
        SOL_SIGFOX{_SIGFOX} SOL_SOCKET SO_REUSEADDR SO_CONFIRMED{_LORA} SO_DR{_LORA}
        SO_RX{_SIGFOX} SO_TX_REPEAT{_SIGFOX} SO_OOB{_SIGFOX} SO_BIT{_SIGFOX}
    """,
    ),
    _t(
        "usocket.socket",
        "esp32/mods/modusocket.c socket_locals_dict_table",
        """
        close bind listen accept connect send sendall recv sendto recvfrom setsockopt
        settimeout setblocking makefile fileno do_handshake read readinto readline write
    """,
    ),
    _t(
        "ussl",
        "esp32/mods/modussl.c mp_module_ussl_globals_table",
        """
        wrap_socket save_session SSLError CERT_NONE CERT_OPTIONAL CERT_REQUIRED SSL_TIMEOUT
    """,
    ),
    _t(
        "ucrypto",
        "esp32/mods/moducrypto.c module_ucrypto_globals_table",
        """
        AES getrandbits generate_rsa_signature rsa_encrypt rsa_decrypt
    """,
    ),
    _t(
        "ucrypto.AES",
        "esp32/mods/moducrypto.c mp_module_AES_dict_table",
        """
        MODE_ECB MODE_CBC MODE_CFB MODE_CTR SEGMENT_8 SEGMENT_128
    """,
    ),
    _t(
        "uhashlib",
        "esp32/mods/moduhashlib.c mp_module_hashlib_globals_table",
        """
        md5 sha1 sha224 sha256 sha384 sha512
    """,
    ),
    _t("uqueue", "esp32/mods/moduqueue.c mp_module_uqueue_globals_table", "Queue"),
    _t(
        "uqueue.Queue",
        "esp32/mods/moduqueue.c queue_locals_dict_table",
        """
        put get empty full Full Empty
    """,
    ),
    _t(
        "uselect",
        "extmod/moduselect.c mp_module_select_globals_table",
        """
        select poll POLLIN POLLOUT POLLERR POLLHUP
    """,
    ),
    # MICROPY_PY_UERRNO_LIST in esp32/mpconfigport.h; errorcode: MICROPY_PY_UERRNO_ERRORCODE
    _t(
        "uerrno",
        "py/moduerrno.c mp_module_uerrno_globals_table + MICROPY_PY_UERRNO_LIST",
        """
        errorcode
        EPERM ENOENT EIO EBADF EAGAIN ENOMEM EACCES EEXIST ENODEV EISDIR EINVAL EMSGSIZE
        EOPNOTSUPP EADDRINUSE ENETDOWN ECONNABORTED ECONNRESET ENOBUFS ENOTCONN ETIMEDOUT
        ECONNREFUSED EHOSTUNREACH EALREADY EINPROGRESS
        MBEDTLS_ERR_NET_SOCKET_FAILED MBEDTLS_ERR_NET_CONNECT_FAILED MBEDTLS_ERR_NET_BIND_FAILED
        MBEDTLS_ERR_NET_LISTEN_FAILED MBEDTLS_ERR_NET_ACCEPT_FAILED MBEDTLS_ERR_NET_RECV_FAILED
        MBEDTLS_ERR_NET_SEND_FAILED MBEDTLS_ERR_NET_CONN_RESET MBEDTLS_ERR_NET_UNKNOWN_HOST
        MBEDTLS_ERR_NET_BUFFER_TOO_SMALL MBEDTLS_ERR_NET_INVALID_CONTEXT
        MBEDTLS_ERR_NET_POLL_FAILED MBEDTLS_ERR_NET_BAD_INPUT_DATA
        ERR_MEM ERR_BUF ERR_TIMEOUT ERR_RTE ERR_INPROGRESS ERR_VAL ERR_WOULDBLOCK ERR_USE
        ERR_ALREADY ERR_ISCONN ERR_ABRT ERR_RST ERR_CLSD ERR_CONN ERR_ARG ERR_IF
        ESP_ERR_NO_MEM ESP_ERR_INVALID_ARG ESP_ERR_INVALID_STATE ESP_ERR_INVALID_SIZE
        ESP_ERR_NOT_FOUND ESP_ERR_NOT_SUPPORTED ESP_ERR_TIMEOUT ESP_ERR_INVALID_RESPONSE
        ESP_ERR_INVALID_CRC ESP_ERR_INVALID_VERSION ESP_ERR_INVALID_MAC
        EAI_NONAME EAI_SERVICE EAI_FAIL EAI_MEMORY EAI_FAMILY HOST_NOT_FOUND NO_DATA
        NO_RECOVERY TRY_AGAIN
        MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE MBEDTLS_ERR_SSL_BAD_INPUT_DATA
        MBEDTLS_ERR_SSL_INVALID_MAC MBEDTLS_ERR_SSL_INVALID_RECORD MBEDTLS_ERR_SSL_CONN_EOF
        MBEDTLS_ERR_SSL_UNKNOWN_CIPHER MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN MBEDTLS_ERR_SSL_NO_RNG
        MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE
        MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED
        MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE
        MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED
        MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO
        MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE
        MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_REQUEST MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE
        MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO_DONE MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE
        MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_CS
        MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_VERIFY MBEDTLS_ERR_SSL_BAD_HS_CHANGE_CIPHER_SPEC
        MBEDTLS_ERR_SSL_BAD_HS_FINISHED MBEDTLS_ERR_SSL_ALLOC_FAILED
        MBEDTLS_ERR_SSL_HW_ACCEL_FAILED MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH
        MBEDTLS_ERR_SSL_COMPRESSION_FAILED MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION
        MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED
        MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY
        MBEDTLS_ERR_SSL_INTERNAL_ERROR MBEDTLS_ERR_SSL_COUNTER_WRAPPING
        MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED
        MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE
        MBEDTLS_ERR_SSL_WANT_READ MBEDTLS_ERR_SSL_WANT_WRITE MBEDTLS_ERR_SSL_TIMEOUT
        MBEDTLS_ERR_SSL_CLIENT_RECONNECT MBEDTLS_ERR_SSL_UNEXPECTED_RECORD
        MBEDTLS_ERR_SSL_NON_FATAL MBEDTLS_ERR_SSL_INVALID_VERIFY_HASH
        MBEDTLS_ERR_SSL_CONTINUE_PROCESSING MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS
        MBEDTLS_ERR_PK_ALLOC_FAILED MBEDTLS_ERR_PK_TYPE_MISMATCH MBEDTLS_ERR_PK_BAD_INPUT_DATA
        MBEDTLS_ERR_PK_FILE_IO_ERROR MBEDTLS_ERR_PK_KEY_INVALID_VERSION
        MBEDTLS_ERR_PK_KEY_INVALID_FORMAT MBEDTLS_ERR_PK_UNKNOWN_PK_ALG
        MBEDTLS_ERR_PK_PASSWORD_REQUIRED MBEDTLS_ERR_PK_PASSWORD_MISMATCH
        MBEDTLS_ERR_PK_INVALID_PUBKEY MBEDTLS_ERR_PK_INVALID_ALG
        MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE
        MBEDTLS_ERR_PK_SIG_LEN_MISMATCH MBEDTLS_ERR_PK_HW_ACCEL_FAILED
    """,
    ),
    # ---- MicroPython 1.11 modules (py/, extmod/) ----
    _t(
        "micropython",
        "py/modmicropython.c mp_module_micropython_globals_table",
        """
        const opt_level mem_info qstr_info stack_use alloc_emergency_exception_buf heap_lock
        heap_unlock kbd_intr
    """,
    ),
    _t("array", "py/modarray.c mp_module_array_globals_table", "array"),
    _t(
        "uio", "py/modio.c mp_module_io_globals_table", "open FileIO TextIOWrapper StringIO BytesIO"
    ),
    _t(
        "ucollections",
        "py/modcollections.c mp_module_collections_globals_table",
        """
        deque namedtuple
    """,
    ),
    _t(
        "ustruct",
        "py/modstruct.c mp_module_struct_globals_table",
        """
        calcsize pack pack_into unpack unpack_from
    """,
    ),
    _t(
        "math",
        "py/modmath.c mp_module_math_globals_table",
        """
        e pi sqrt pow exp log cos sin tan acos asin atan atan2 ceil copysign fabs floor fmod
        frexp ldexp modf isfinite isinf isnan trunc radians degrees
    """,
    ),
    _t(
        "cmath",
        "py/modcmath.c mp_module_cmath_globals_table",
        """
        e pi phase polar rect exp log sqrt cos sin
    """,
    ),
    _t(
        "sys",
        "py/modsys.c mp_module_sys_globals_table",
        """
        path argv version version_info implementation platform byteorder maxsize exit stdin
        stdout stderr modules exc_info print_exception
    """,
    ),
    _t(
        "gc",
        "py/modgc.c mp_module_gc_globals_table",
        """
        collect disable enable isenabled mem_free mem_alloc threshold
    """,
    ),
    _t(
        "_thread",
        "py/modthread.c mp_module_thread_globals_table",
        """
        LockType get_ident stack_size start_new_thread exit allocate_lock
    """,
    ),
    _t(
        "_thread.LockType",
        "py/modthread.c thread_lock_locals_dict_table",
        """
        acquire release locked __enter__ __exit__
    """,
    ),
    _t(
        "uctypes",
        "extmod/moductypes.c mp_module_uctypes_globals_table",
        """
        struct sizeof addressof bytes_at bytearray_at NATIVE LITTLE_ENDIAN BIG_ENDIAN VOID
        UINT8 INT8 UINT16 INT16 UINT32 INT32 UINT64 INT64 BFUINT8 BFINT8 BFUINT16 BFINT16
        BFUINT32 BFINT32 BF_POS BF_LEN FLOAT32 FLOAT64 SHORT USHORT INT UINT LONG ULONG
        LONGLONG ULONGLONG PTR ARRAY
    """,
    ),
    _t("uzlib", "extmod/moduzlib.c mp_module_uzlib_globals_table", "decompress DecompIO"),
    _t("ujson", "extmod/modujson.c mp_module_ujson_globals_table", "dump dumps load loads"),
    _t("ure", "extmod/modure.c mp_module_re_globals_table", "compile match search DEBUG"),
    _t("utimeq", "extmod/modutimeq.c mp_module_utimeq_globals_table", "utimeq"),
    _t(
        "ubinascii",
        "extmod/modubinascii.c mp_module_binascii_globals_table",
        """
        hexlify unhexlify a2b_base64 b2a_base64
    """,
    ),
    _t(
        "framebuf",
        "extmod/modframebuf.c framebuf_module_globals_table",
        """
        FrameBuffer FrameBuffer1 MVLSB MONO_VLSB RGB565 GS2_HMSB GS4_HMSB GS8 MONO_HLSB MONO_HMSB
    """,
    ),
)

BY_OWNER: dict[str, NameTable] = {table.owner: table for table in TABLES}


def owner_boards(table: NameTable) -> tuple[str, ...]:
    """The boards whose firmware has `table`'s owner: a class is where its parent lists it
    (network.LoRa only on the LoRa boards)."""
    boards = ALL_BOARDS
    parent = table.module
    for step in table.class_path:
        listed = BY_OWNER[parent].names.get(step, ALL_BOARDS) if parent in BY_OWNER else ALL_BOARDS
        boards = tuple(b for b in boards if b in listed)
        parent = f"{parent}.{step}"
    return boards


def names_on(table: NameTable, board_type: str) -> dict[str, tuple[str, ...]]:
    """The names of `table` that `board_type`'s firmware has (-> the boards that have each),
    in table order."""
    if board_type not in owner_boards(table):
        return {}
    return {name: boards for name, boards in table.names.items() if board_type in boards}
