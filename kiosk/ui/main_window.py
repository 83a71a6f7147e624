"""The main window: which screen is showing, and the moves between them
(setup -> sign-in -> stand of the day -> home <-> citizen flow)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from kiosk.disk_guard import check_room_for_new_record
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.officers import Officer
from kiosk.outcomes import not_continued_label
from kiosk.record import UNSYNCED_STATES, Stand
from kiosk.regions import RegionTable
from kiosk.settings import KioskSettings
from kiosk.store import Store
from kiosk.ui.screens.citizen_flow_screen import CitizenFlowScreen
from kiosk.ui.screens.help_screen import HelpScreen
from kiosk.ui.screens.home_screen import HomeScreen
from kiosk.ui.screens.setup_screen import SetupScreen
from kiosk.ui.screens.sign_in_screen import SignInScreen
from kiosk.ui.screens.stand_screen import StandScreen
from kiosk.ui.screens.supervisor_screen import SupervisorScreen
from kiosk.ui.sync_status import manual_sync_message, show_sync_outcome
from kiosk.ui.dialog_focus import DialogFocus
from kiosk.ui.idle_watch import IdleWatch
from kiosk.ui.activation_watch import ActivationWatch
from kiosk.ui.sync_worker import SyncOutcome, SyncService
from kiosk.ui.widgets.current_page_stack import CurrentPageStack
from kiosk.ui.widgets.status_bar import KioskStatusBar


class MainWindow(QMainWindow):
    def __init__(self, store: Store, regions: RegionTable, make_camera, demo_pin: str | None = None,
                 sync: SyncService | None = None, settings: KioskSettings | None = None,
                 now: Callable[[], float] = time.time, activation_watch: ActivationWatch | None = None) -> None:
        """``now``: the kiosk's clock as the gateway reckons it, for the activation QR;
        ``activation_watch``: asks the gateway whether the citizen's phone scanned it."""
        super().__init__()
        self._sync = sync
        self._activation_watch = activation_watch
        self._demo = bool(demo_pin)
        self.settings = settings or KioskSettings()
        self._locked: tuple[Officer, QWidget] | None = None  # who was working, and where
        self._recovering = False
        self._resume_pending = False  # a citizen kept after a fault, offered on the home screen
        self._replace_armed = False  # F2 pressed once over that offer: a second press drops it
        self._visit_note = ""  # "Kunjungan dicatat: ..." on the home screen, until the next citizen
        self.crash_box: QMessageBox | None = None
        self.crash_guard = None  # set by the composition root (kiosk/ui/app.py)
        self.idle_watch = IdleWatch(self.settings.idle_lock_minutes * 60_000, self)
        self.idle_watch.idle.connect(self.lock)
        self.dialog_focus = DialogFocus(self, self.main_action)
        self.setWindowTitle(tr("Kios IKD") + (" \u2014 " + tr("MODE DEMO") if demo_pin else ""))
        self._store = store
        self.officer: Officer | None = None
        self.stand: Stand | None = None

        self.setup_screen = SetupScreen(store)
        self.sign_in_screen = SignInScreen(store, demo_pin)
        self.stand_screen = StandScreen(store, regions)
        self.home_screen = HomeScreen(store)
        self.flow_screen = CitizenFlowScreen(store, regions, make_camera, now, activation_watch)
        self.flow_screen.consent.set_retention_days(self.settings.retention_days)
        self.flow_screen.saved.paper = self.settings.slip_paper
        self.supervisor_screen = SupervisorScreen(store, make_camera)  # "Pindai QR pendaftaran"
        self.help_screen = HelpScreen(store.database.path.parent)
        self.pages = CurrentPageStack()
        for page in (self.setup_screen, self.sign_in_screen, self.stand_screen, self.home_screen,
                     self.flow_screen, self.supervisor_screen, self.help_screen):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self.status = KioskStatusBar()
        self.status.set_demo(bool(demo_pin))
        self.setStatusBar(self.status)
        self._connect()
        self.refresh_queue_size()
        if store.officers.any_exists():
            self.show_sign_in()
        else:
            self.pages.setCurrentWidget(self.setup_screen)

    def _connect(self) -> None:
        self.setup_screen.supervisor_created.connect(self._on_setup_screen_supervisor_created)
        self.sign_in_screen.signed_in.connect(self._on_sign_in_screen_signed_in)
        self.stand_screen.stand_chosen.connect(self._on_stand_screen_stand_chosen)
        self.home_screen.serve_requested.connect(self._on_home_screen_serve_requested)
        self.home_screen.stand_change_requested.connect(self.show_stand)
        self.home_screen.sign_out_requested.connect(self.sign_out)
        self.flow_screen.record_sealed.connect(self._on_flow_screen_record_sealed)
        self.flow_screen.home_requested.connect(self.show_home)
        self.flow_screen.visit_not_continued.connect(self._on_flow_screen_visit_not_continued)
        self.home_screen.sync_requested.connect(self._on_home_screen_sync_requested)
        self.home_screen.supervisor_requested.connect(self.show_supervisor)
        self.supervisor_screen.home_requested.connect(self.show_home)
        self.home_screen.help_requested.connect(self.show_help)
        self.home_screen.resume_requested.connect(self._on_home_screen_resume_requested)
        self.home_screen.discard_requested.connect(self._on_home_screen_discard_requested)
        self.help_screen.home_requested.connect(self.show_home)
        self.supervisor_screen.settings_panel.settings_saved.connect(self.apply_settings)
        if self._sync is not None:
            self._sync.worker.sync_finished.connect(self._on_sync_worker_sync_finished)

    # -- moves -------------------------------------------------------------------------------
    def show_sign_in(self, officer_id: int | None = None) -> None:
        self.sign_in_screen.refresh()
        if officer_id is not None:
            self.sign_in_screen.select_officer(officer_id)
        self.pages.setCurrentWidget(self.sign_in_screen)

    def show_stand(self) -> None:
        self.stand_screen.prefill()
        self.pages.setCurrentWidget(self.stand_screen)

    def show_home(self) -> None:
        self.home_screen.show_session(self.officer, self.stand)
        self.refresh_queue_size()
        self.pages.setCurrentWidget(self.home_screen)

    def show_supervisor(self) -> bool:
        """The supervisor's desk, for a signed-in supervisor only."""
        if self.officer is None or not self.officer.is_supervisor:
            return False
        self.supervisor_screen.open_for(self.officer, self.settings)
        self.pages.setCurrentWidget(self.supervisor_screen)
        return True

    def show_help(self) -> None:
        self.flow_screen.stop_camera()  # "Periksa kios" opens the camera device itself
        self.pages.setCurrentWidget(self.help_screen)

    def sign_out(self) -> bool:
        """Back to the sign-in screen, after a warning when records are not sent yet."""
        if not self.confirm_leaving(tr("Keluar")):
            return False
        self.flow_screen.stop_camera()
        self._drop_kept_citizen()  # the next officer never sees it
        self.idle_watch.stop()
        self.officer = None
        self.status.set_officer("")
        self.show_sign_in()
        return True

    def lock(self) -> None:
        """Nobody touched the kiosk for a while: the sign-in screen covers everything, the
        camera goes off, and the citizen in progress waits for the same officer's PIN."""
        if self.officer is None or self._locked is not None:
            return
        page = self.pages.currentWidget()
        if page is self.flow_screen:
            self.flow_screen.pause()
        self._locked = (self.officer, page)
        self.idle_watch.stop()
        self.officer = None
        self.status.set_officer("")
        self.sign_in_screen.show_locked(self._locked[0].officer_id, self.settings.idle_lock_minutes)
        self.pages.setCurrentWidget(self.sign_in_screen)

    def main_action(self) -> QWidget | None:
        """Where the keyboard goes after a dialog closes: the big button (or the field) of the
        screen showing; None on the supervisor's desk, where the button that opened it is right."""
        page = self.pages.currentWidget()
        if page is self.flow_screen:
            return self.flow_screen.next_button  # Lanjut, Simpan, Warga berikutnya
        if page is self.home_screen:
            return self.home_screen.main_action()
        return {self.sign_in_screen: self.sign_in_screen.pin_field, self.stand_screen: self.stand_screen.place_field,
                self.setup_screen: self.setup_screen.name_field,
                self.help_screen: self.help_screen.check_button}.get(page)

    def is_locked(self) -> bool:
        return self._locked is not None

    def _resume_after_lock(self, officer: Officer) -> bool:
        """True when ``officer`` is the one who was locked out: they are back where they were.
        Another officer starts from home; the unsaved citizen is dropped, not shown to them."""
        previous, page = self._locked
        self._locked = None
        if officer.officer_id != previous.officer_id:
            self._drop_kept_citizen()
            return False
        self.pages.setCurrentWidget(page)
        if page is self.flow_screen:
            self.flow_screen.resume()
        return True

    def recover_from_crash(self, code: str) -> None:
        """An exception nobody caught (CrashGuard): back to a safe screen, the camera off. The
        citizen being served is kept and offered on home ("Lanjutkan warga tadi?"); sealed
        records are in the database and untouched."""
        if self._recovering:
            return  # the recovery itself failed: stay where we are rather than loop
        self._recovering = True
        try:
            kept = self._keep_citizen_for_resume()
            if self.officer is not None:
                self.show_home()
                self.home_screen.show_sync_result(
                    "error", tr("Terjadi kesalahan tak terduga (kode {code}). Data yang sudah tersimpan aman.",
                                code=code),
                    tr("Tekan \u201cLanjutkan\u201d untuk melayani warga tadi dari langkah terakhir. Bila terulang, "
                       "hubungi dukungan teknis dan sebutkan kode ini.") if kept else
                    tr("Periksa antrean di bawah: warga yang sudah tersimpan tidak perlu dilayani lagi. Bila "
                       "terulang, hubungi dukungan teknis dan sebutkan kode ini."))
                if kept:
                    self.home_screen.offer_resume(self.flow_screen.resume_summary())
            elif not self.is_locked():
                self.show_sign_in()
            self._show_crash_box(code)
        finally:
            self._recovering = False

    def _keep_citizen_for_resume(self) -> bool:
        """True when a citizen in progress is kept (camera off) to be resumed from home."""
        if self.is_locked():
            return False  # the lock already holds the citizen, paused, for the same officer
        serving = self.pages.currentWidget() is self.flow_screen or self._resume_pending
        self._resume_pending = self.officer is not None and serving and self.flow_screen.hold_for_resume()
        self._replace_armed = False
        if not self._resume_pending:
            self._drop_kept_citizen()
        return self._resume_pending

    def _drop_kept_citizen(self) -> None:
        self.flow_screen.discard()
        self._resume_pending = False
        self.home_screen.withdraw_resume_offer()

    def _show_crash_box(self, code: str) -> None:
        self.crash_box = QMessageBox(QMessageBox.Icon.Warning, tr("Kios IKD"),
                                     tr("Maaf, terjadi kesalahan tak terduga. Kios kembali ke beranda; data "
                                        "yang sudah tersimpan aman."), parent=self)
        self.crash_box.setInformativeText(tr("Kode untuk dukungan teknis: {code}", code=code))
        self.crash_box.open()  # not modal-blocking: the kiosk goes on behind it

    def apply_settings(self, settings: KioskSettings) -> None:
        """Settings changed by the supervisor take effect now."""
        self.settings = settings
        self.idle_watch.set_timeout_ms(settings.idle_lock_minutes * 60_000)
        self.flow_screen.consent.set_retention_days(settings.retention_days)
        self.flow_screen.saved.paper = settings.slip_paper

    def confirm_leaving(self, action: str) -> bool:
        """Ask before signing out or closing while records wait to be sent or a citizen is being
        served; True when there is nothing to lose or the officer confirms."""
        unsynced = 0 if self._demo else self._store.count_in_states(UNSYNCED_STATES)
        serving = self.flow_screen.has_unsaved_citizen() and (
            self.pages.currentWidget() is self.flow_screen or self._resume_pending)
        if not unsynced and not serving:
            return True
        lines = []
        if serving:
            lines.append(tr("Data warga yang sedang dilayani belum disimpan dan akan hilang."))
        if unsynced:
            lines.append(tr("{count} data warga belum terkirim ke Dukcapil. Data itu aman terenkripsi di kios "
                            "ini dan terkirim otomatis saat ada jaringan; jangan hapus folder data atau "
                            "instal ulang kios sebelum terkirim.", count=unsynced))
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Kios IKD"), "\n\n".join(lines), parent=self)
        box.setInformativeText(tr("Tetap {action}?", action=action.lower()))
        leave = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton(tr("Batal"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.exec()
        return box.clickedButton() is leave

    def refresh_queue_size(self) -> None:
        self.status.set_queue_size(self._store.count_in_states(UNSYNCED_STATES))

    # -- slots -------------------------------------------------------------------------------
    def _on_setup_screen_supervisor_created(self, officer: Officer) -> None:
        self.show_sign_in(officer.officer_id)

    def _on_sign_in_screen_signed_in(self, officer: Officer) -> None:
        self.officer = officer
        self.status.set_officer(officer.name)
        self.idle_watch.start()
        if self._locked is not None and self._resume_after_lock(officer):
            return
        self.stand = self._store.stand_for(self._store.clock().date())
        if self.stand is None:
            self.show_stand()
        else:
            self.show_home()

    def _on_stand_screen_stand_chosen(self, stand: Stand) -> None:
        self.stand = stand
        self.show_home()

    def _on_home_screen_serve_requested(self) -> None:
        try:
            check_room_for_new_record(self._store.database.path.parent, self.settings.min_free_disk_mb)
        except KioskError as error:
            self.home_screen.show_sync_result("error", error.message, error.next_step)
            return
        if self._resume_pending and not self._replace_armed:  # F2 out of habit must not drop a citizen
            self._replace_armed = True
            self.home_screen.show_sync_result(
                "warning", tr("Data warga tadi belum disimpan."),
                tr("Tekan \u201cLanjutkan\u201d untuk melayani warga tadi, atau tekan F2 sekali lagi untuk "
                   "membuangnya dan melayani warga baru."))
            return
        if self._visit_note and self.home_screen.sync_banner.message_text() == self._visit_note:
            self.home_screen.sync_banner.clear()  # about the citizen before: stale once the next one comes
        self._resume_pending = False  # a new citizen instead of the one offered: that draft goes
        self.home_screen.withdraw_resume_offer()
        self.pages.setCurrentWidget(self.flow_screen)
        self.flow_screen.start(self.officer, self.stand)

    def _on_home_screen_resume_requested(self) -> None:
        if not self._resume_pending:
            return
        self._resume_pending = False
        self.home_screen.withdraw_resume_offer()
        self.home_screen.sync_banner.clear()
        self.pages.setCurrentWidget(self.flow_screen)
        self.flow_screen.resume_after_fault()

    def _on_home_screen_discard_requested(self) -> None:
        self._drop_kept_citizen()
        self.home_screen.sync_banner.clear()
        self.home_screen.serve_button.setFocus()

    def _on_flow_screen_record_sealed(self, record) -> None:
        self.refresh_queue_size()

    def _on_flow_screen_visit_not_continued(self, reason) -> None:
        self._visit_note = tr("Kunjungan dicatat: {reason}. Data warga itu tidak disimpan.",
                              reason=not_continued_label(reason))
        self.home_screen.show_sync_result("success", self._visit_note,
                                          tr("Tekan F2 untuk melayani warga berikutnya."))

    def _on_home_screen_sync_requested(self) -> None:
        if self._sync is None:
            self.home_screen.show_sync_result("warning", tr("Sinkronisasi tidak tersedia di sini."),
                                              tr("Kirim data dengan \u201ckiosk export\u201d bila tidak ada jaringan."))
            return
        self.home_screen.show_sync_result("info", tr("Sinkronisasi berjalan\u2026"))
        self._sync.request(manual=True)

    def _on_sync_worker_sync_finished(self, outcome: SyncOutcome) -> None:
        show_sync_outcome(self.status, outcome)
        if outcome.manual:
            self.home_screen.show_sync_result(*manual_sync_message(outcome))
        self.refresh_queue_size()
        if self.pages.currentWidget() is self.home_screen:
            self.home_screen.refresh()

    def closeEvent(self, event) -> None:  # noqa: N802
        # Only a person closing the window is asked; a shutdown (SIGTERM, tests) just closes.
        if event.spontaneous() and self.officer is not None and not self.confirm_leaving(tr("Tutup aplikasi")):
            event.ignore()
            return
        self.idle_watch.close()
        self.dialog_focus.close()
        self.flow_screen.stop_camera()
        self.help_screen.shutdown()
        if self._sync is not None:
            self._sync.shutdown()
        if self._activation_watch is not None:
            self._activation_watch.shutdown()
        super().closeEvent(event)
