"""The direct build's chips: the real gpiozero MCP3008 against a model speaking the chip's SPI
protocol on gpiozero's mock pins, and the expander driver against an MCP23017 register model
behind the smbus2 interface."""

import errno

import pytest
from gpiozero import MCP3008, DigitalInputDevice
from gpiozero.pins.mock import MockFactory

from controller.stations.adc import AdcChip, SilentChip
from controller.stations.chips import (
    GPINTEN,
    GPIO,
    GPPU,
    INTCAP,
    INTF,
    IOCON,
    MIRROR,
    ODR,
    SPI0_SELECTS,
    BusFactory,
    I2CBus,
    Mcp3008,
    Mcp3008OnPins,
    Mcp23017,
)
from controller.stations.direct_emulation import DirectEmulator
from controller.stations.expander import Expander
from controller.stations.wiring import DirectWiring


@pytest.fixture
def adcs():
    """Two MCP3008 models on CE0 and CE1 of mock pins, opened as the emulator does."""
    emulator = DirectEmulator(DirectWiring(), [])
    factory = emulator.factory
    chips = {0: Mcp3008(), 1: Mcp3008(seed=1)}
    for chip in chips.values():
        chip.noise = [0.0] * 8
    devices = [Mcp3008OnPins(chip, SPI0_SELECTS[cs], factory) for cs, chip in chips.items()]
    with emulator.default_pins():
        readers = {cs: AdcChip(0, cs, range(8), factory) for cs in chips}
    yield chips, readers
    for reader in readers.values():
        reader.close()
    for device in devices:
        device.close()


def test_gpiozero_reads_every_input_of_both_chips_through_the_chip_protocol(adcs):
    chips, readers = adcs
    for cs, chip in chips.items():
        for channel in range(8):
            chip.set_input(channel, 100 * channel + 10 * cs + 3)
    for cs, reader in readers.items():
        device = reader.devices[5]
        assert isinstance(device, MCP3008) and device.raw_value == 503 + 10 * cs
        codes = {ch: round(raw * 1023 / 4095) for ch, raw in reader.read().items()}
        assert codes == {ch: 100 * ch + 10 * cs + 3 for ch in range(8)}
    assert readers[0].read()[7] == 703 * 4095 / 1023  # on the stations' 12-bit scale


def test_a_chip_that_stops_answering_reads_all_ones_and_is_told_apart_from_full_scale(adcs):
    chips, readers = adcs
    chips[0].set_input(2, 1023)
    assert readers[0].read()[2] == 4095  # a slider at its far end is no fault
    chips[0].answering = False
    with pytest.raises(SilentChip):
        readers[0].read()
    assert readers[1].read()  # the other chip on the bus carries on
    chips[0].answering = True
    assert readers[0].read()[2] == 4095


def test_a_floating_input_wanders_while_a_wired_one_holds_still():
    chip = Mcp3008()
    chip.set_input(0, 512)
    chip.floating.add(1)
    wired = [chip.convert(0) for _ in range(50)]
    floating = [chip.convert(1) for _ in range(50)]
    assert max(wired) - min(wired) <= 4
    assert max(floating) - min(floating) > 200


def test_the_bus_level_model_answers_the_same_conversation_in_whole_transfers():
    chip = Mcp3008()
    chip.noise = [0.0] * 8
    chip.set_input(6, 777)
    factory = BusFactory({8: chip})
    device = MCP3008(channel=6, port=0, device=0, pin_factory=factory)
    assert device.raw_value == 777
    assert chip.transfer([0x01, 0x80 | 6 << 4, 0x00])[1:] == [0b11111011, 777 & 0xFF]
    device.close()


# --- the MCP23017 ----------------------------------------------------------------------------


@pytest.fixture
def expander():
    """An MCP23017 model whose INTA drives GPIO17 of mock pins, and the driver on its bus."""
    factory = MockFactory()
    pin = factory.pin(17)

    def wire(inta_high, intb_high):
        pin.drive_high() if inta_high else pin.drive_low()

    chip = Mcp23017(wire)
    bus = I2CBus({0x20: chip})
    line = DigitalInputDevice(17, pull_up=True, pin_factory=factory)
    driver = Expander(bus, 0x20, pins=0b1000_0000_0000_0111)
    yield chip, driver, line, bus
    line.close()


def test_set_up_the_expander_pulls_every_pin_up_and_watches_the_buttons_pins(expander):
    _, driver, _, bus = expander
    assert driver.read() == 0xFFFF  # power-on defaults: no pull-ups, every pin floats low
    assert not driver.configured()
    driver.configure()
    assert driver.configured() and driver.read() == 0
    assert bus.read_byte_data(0x20, IOCON) == MIRROR | ODR
    assert bus.read_i2c_block_data(0x20, GPPU, 2) == [0xFF, 0xFF]
    assert bus.read_i2c_block_data(0x20, GPINTEN, 2) == [0b0000_0111, 0b1000_0000]


def test_a_press_pulls_the_interrupt_line_down_until_the_pins_are_read(expander):
    chip, driver, line, _ = expander
    driver.configure()
    fell = []
    line.when_activated = lambda: fell.append(True)
    assert not line.is_active
    chip.press(15)  # GPB7: port B's interrupt, mirrored onto INTA
    assert line.is_active and fell == [True]
    assert chip.registers[INTF + 1] == 0x80
    chip.press(15, down=False)  # released before the Pi read it: INTCAP kept the press
    assert chip.registers[INTCAP + 1] == 0x7F and line.is_active
    assert driver.read() == 0  # reading clears it; the pins are free again
    assert not line.is_active


def test_pins_without_a_button_raise_no_interrupt(expander):
    chip, driver, line, _ = expander
    driver.configure()
    chip.press(5)
    assert not line.is_active
    assert driver.read() == 1 << 5  # read when asked, all the same


def test_an_expander_without_power_is_a_nack_and_comes_back_with_its_defaults(expander):
    chip, driver, _, bus = expander
    driver.configure()
    chip.power_off()
    with pytest.raises(OSError) as error:
        driver.read()
    assert error.value.errno == errno.EREMOTEIO
    with pytest.raises(OSError):
        bus.read_byte_data(0x27, GPIO)  # no chip at that address at all
    chip.power_on()
    assert not driver.configured()
    driver.configure()
    assert driver.configured()
