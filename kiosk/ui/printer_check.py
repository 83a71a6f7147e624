"""The doctor's printer probe: what the system's print service knows, asked through Qt (the
doctor itself stays Qt-free and takes this function as its ``printer_probe``)."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.doctor import Printers

NOT_READY = frozenset({QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted})


def probe_printers() -> Printers:
    default = QPrinterInfo.defaultPrinter()
    available = tuple(printer.printerName() for printer in QPrinterInfo.availablePrinters())
    if default.isNull():
        return Printers("", available)
    return Printers(default.printerName(), available, default.state() not in NOT_READY)
