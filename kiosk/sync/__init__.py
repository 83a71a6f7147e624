"""Sync with Dukcapil: the kiosk-sync/1 protocol, its signing, the HTTP client and uploader, and
the reference gateway server. No Qt here; the GUI runs the uploader in a worker thread."""
