"""One citizen at the desk: identify -> contact -> consent -> face -> activation QR -> saved.

Owns the draft, the step bar, Back/Next (Enter = Next, Alt+Left/Right) and the camera thread
while a citizen is being served. The record is sealed only when the officer presses Simpan.

A double click or a double Enter moves one step forward, never two: a "Lanjut" press (click, Enter,
Alt+Right) that comes within the double-click interval of a step change, with no other key or click
in between, is dropped (``kiosk/ui/repeat_guard.py``). Going back needs no guard: it cannot save or
skip.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.errors import CameraError, KioskError
from kiosk.i18n import tr
from kiosk.nik import mask_nik
from kiosk.officers import Officer
from kiosk.record import CitizenDraft, Stand
from kiosk.regions import RegionTable
from kiosk.store import Store
from kiosk.ui.camera_thread import CameraFailure, CameraMode, CameraThread
from kiosk.ui.repeat_guard import NAVIGATION_KEYS, RepeatGuard
from kiosk.ui.activation_watch import ActivationWatch
from kiosk.ui.screens.activation_step import ActivationStep
from kiosk.ui.screens.common import button
from kiosk.ui.screens.consent_step import ConsentStep
from kiosk.ui.screens.contact_step import ContactStep
from kiosk.ui.screens.face_step import FaceStep
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.screens.identify_step import IdentifyStep
from kiosk.ui.screens.not_continued import NotContinuedQuestion
from kiosk.ui.screens.saved_step import SavedStep
from kiosk.ui.widgets.current_page_stack import CurrentPageStack


class CitizenFlowScreen(QWidget):
    record_sealed = Signal(object)  # RecordSummary
    home_requested = Signal()
    visit_not_continued = Signal(object)  # NotContinuedReason: counted, the draft dropped, home shown

    def __init__(self, store: Store, regions: RegionTable, make_camera: Callable[[], CameraThread],
                 now: Callable[[], float] = time.time, activation_watch: ActivationWatch | None = None,
                 parent=None) -> None:
        """``now``: the clock the activation QR is dated by; ``activation_watch``: asks the gateway
        whether the phone scanned it (both: see ``ActivationStep``)."""
        super().__init__(parent)
        self._store = store
        self._make_camera = make_camera
        self._camera: CameraThread | None = None
        self._camera_error: KioskError | None = None
        self._officer: Officer | None = None
        self._stand: Stand | None = None
        self._cancel_armed = False
        self._resume_focus: QWidget | None = None
        self.draft = CitizenDraft()

        self.identify = IdentifyStep(store, regions)
        self.contact = ContactStep()
        self.consent = ConsentStep(store.clock)
        self.face = FaceStep(self._latest_frame)
        self.activation = ActivationStep(store.keys, now, activation_watch)
        self.saved = SavedStep()
        self.steps: list[FlowStep] = [self.identify, self.contact, self.consent, self.face,
                                      self.activation, self.saved]
        self.identify.record_viewed.connect(self._on_identify_record_viewed)
        self.saved.slip_printed.connect(self._on_saved_slip_printed)
        self.face.camera_mode_requested.connect(self._on_face_camera_mode_requested)
        self.activation.activate_later_chosen.connect(self._on_activation_activate_later_chosen)
        self.stack = CurrentPageStack()  # a tall step must not make the others overflow a small screen
        for step in self.steps:
            self.stack.addWidget(step)
        self._build_layout()
        self._bind_keys()

    # -- layout --------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.step_bar = QLabel()
        self.step_bar.setObjectName("stepBar")
        self.back_button = button(tr("\u2190 Kembali"))
        self.back_button.clicked.connect(self.go_back)
        self.cancel_button = button(tr("Batal"), name="danger")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.not_continued = NotContinuedQuestion(self, self._citizen_may_leave)
        self.not_continued.reason_chosen.connect(self._on_not_continued_reason_chosen)
        self.not_continued_button = self.not_continued.button
        self.retry_camera_button = button(tr("Coba kamera lagi"))
        self.retry_camera_button.clicked.connect(self._on_retry_camera_clicked)
        self.retry_camera_button.hide()
        self.next_button = button(tr("Lanjut \u2192"), primary=True)
        self.next_button.clicked.connect(self.press_next)
        self.repeat_guard = RepeatGuard((self.next_button,), self)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.cancel_button)
        nav.addWidget(self.retry_camera_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        # "Warga tidak melanjutkan" on the step bar's row: beside Batal it pushed "Lanjut" off a
        # 1024 px screen (and at 125 % there was room for 177 px of it).
        top = QHBoxLayout()
        top.addWidget(self.step_bar, 1)
        top.addWidget(self.not_continued_button)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addLayout(nav)
        # From "Lanjut" one Tab reaches "Batal"/"Ke beranda" before the step's own buttons (the
        # saved step's slip buttons would otherwise come first).
        QWidget.setTabOrder(self.next_button, self.cancel_button)

    def _bind_keys(self) -> None:
        for key in NAVIGATION_KEYS:
            QShortcut(QKeySequence(key), self, activated=self.press_next)
        QShortcut(QKeySequence("Alt+Right"), self, activated=self.press_next)
        QShortcut(QKeySequence("Alt+Left"), self, activated=self.go_back)

    # -- serving -------------------------------------------------------------------------------
    def start(self, officer: Officer, stand: Stand) -> None:
        """A new citizen: a fresh draft, the first step, the camera on."""
        self._officer, self._stand = officer, stand
        self.draft = CitizenDraft()
        for step in self.steps:
            reset = getattr(step, "reset", None)
            if reset:
                reset()
        self.identify.nik_field.clear()
        self._show_step(0)
        self.restart_camera()

    def current_step(self) -> FlowStep:
        return self.steps[self.stack.currentIndex()]

    def press_next(self) -> None:
        """Lanjut/Simpan pressed by the officer (button, Enter, Alt+Right)."""
        if self.repeat_guard.is_repeat():
            return
        before = (self.draft.record_id, self.stack.currentIndex(), self.current_step().stops)
        self.go_next()
        if (self.draft.record_id, self.stack.currentIndex(), self.current_step().stops) != before:
            self.repeat_guard.step_changed()

    def go_next(self) -> None:
        step = self.current_step()
        nik_before = self.draft.nik
        if not self.isVisible() or not step.commit(self.draft):
            return
        if step is self.identify:
            self._contacts_for(nik_before)
        if step is self.activation:
            self._seal()
        elif step is self.saved:
            self.start(self._officer, self._stand)
        else:
            self._show_step(self.stack.currentIndex() + 1)

    def _contacts_for(self, nik_before: str) -> None:
        """One citizen, one draft: contacts saved for another NIK go; this NIK's QR fills in."""
        nik = self.draft.nik
        if nik_before and nik_before != nik:
            self.draft.email = self.draft.phone = ""
        self.contact.for_citizen(nik, self.identify.scanned_for(nik))

    def go_back(self) -> None:
        index = self.stack.currentIndex()
        if self.isVisible() and 0 < index < len(self.steps) - 1:
            self._show_step(index - 1)

    def _seal(self) -> None:
        try:
            record = self._store.seal(self.draft, self._officer.officer_id, self._stand)
        except KioskError as error:  # the store says what failed (disk full, database busy) and "Coba lagi"
            self.activation.banner.show_error(error)
            return
        self.saved.show_record(record)
        self._show_step(len(self.steps) - 1)
        self.record_sealed.emit(record)

    def _on_activation_activate_later_chosen(self) -> None:
        if self.current_step() is self.activation:
            self.draft.activation_later = True
            self._seal()

    def _show_step(self, index: int) -> None:
        self.current_step().leave()
        self.stack.setCurrentIndex(index)
        step = self.current_step()
        self._cancel_armed = False
        last = step is self.saved
        self.step_bar.setText(tr("Langkah {number} dari {total}: {name}",
                                 number=index + 1, total=len(self.steps), name=step.step_title))
        self.back_button.setVisible(not last)
        self.not_continued_button.setVisible(not last)
        self.back_button.setEnabled(index > 0)
        self.cancel_button.setText(tr("Ke beranda") if last else tr("Batal"))
        self.cancel_button.setObjectName("" if last else "danger")  # nothing to lose once saved
        self.cancel_button.style().unpolish(self.cancel_button)
        self.cancel_button.style().polish(self.cancel_button)
        self.next_button.setText(step.next_label() + ("" if last else " \u2192"))
        self._apply_camera_mode()
        self._update_camera_notice()
        step.enter(self.draft)
        if last and self.stack.isAncestorOf(self.focusWidget()):
            self.next_button.setFocus()  # not the slip buttons: Space must not print by surprise

    def _on_cancel_clicked(self) -> None:
        if self.current_step() is self.saved or self._cancel_armed or not self._draft_started():
            self.finish()
            return
        self._cancel_armed = True
        self.current_step().banner.show_message(
            "warning", tr("Data warga ini belum disimpan."),
            tr("Tekan Batal sekali lagi untuk membuang data ini dan kembali ke beranda."))

    # -- a citizen who leaves without a record ---------------------------------------------------
    def _citizen_may_leave(self) -> bool:
        """“Warga tidak melanjutkan” (button, F8) is for a citizen whose record is not saved yet."""
        return self.isVisible() and self.current_step() is not self.saved and self._officer is not None

    def _on_not_continued_reason_chosen(self, reason) -> None:
        if not self._citizen_may_leave():
            return  # the flow moved on under the window (a fault, a lock): nothing to count
        try:
            self._store.record_not_continued(reason, self._officer.officer_id, self._stand)
        except KioskError as error:  # not counted: the draft stays, the officer may try again
            self.current_step().banner.show_error(error)
            return
        self.discard()
        self.finish()
        self.visit_not_continued.emit(reason)

    def _close_questions(self) -> None:
        """The flow leaves the citizen (lock, fault, home): an open question goes, unanswered."""
        self.not_continued.close()
        self.face.close_question()

    def _draft_started(self) -> bool:
        return bool(self.identify.nik_field.text() or self.draft.nik)

    def has_unsaved_citizen(self) -> bool:
        """A citizen is being served and their data is not sealed yet."""
        return self.current_step() is not self.saved and self._draft_started()

    def _on_identify_record_viewed(self, record_id: str) -> None:
        if self._officer is not None:
            self._store.note_viewed(record_id, self._officer.officer_id)

    def _on_saved_slip_printed(self, record_id: str) -> None:
        if self._officer is not None:
            self._store.note_printed(record_id, self._officer.officer_id)

    # -- the screen lock -----------------------------------------------------------------------
    def pause(self) -> None:
        """The screen locks: the camera goes off, the draft and the step stay as they are."""
        self._close_questions()
        self.stop_camera()

    def resume(self) -> None:
        """The same officer is back: the camera again, on the step where they were."""
        self.restart_camera()

    def hold_for_resume(self) -> bool:
        """A fault sent the desk home: the camera goes off and the unsaved citizen is kept, as
        typed, to resume. False (and dropped) when there is nothing to keep or it is already
        sealed: a sealed record must never be offered, and saved, a second time."""
        self._resume_focus = self.focusWidget()
        self._close_questions()
        self.stop_camera()
        if not self.has_unsaved_citizen() or self._store.get(self.draft.record_id) is not None:
            self.discard()
            return False
        return True

    def resume_summary(self) -> str:
        """Which citizen waits and where, for the offer on the home screen (NIK masked)."""
        index = self.stack.currentIndex()
        where = tr("langkah {number} dari {total}: {name}", number=index + 1, total=len(self.steps),
                   name=self.current_step().step_title)
        nik = self.draft.nik or self.identify.nik_field.text().strip()
        return tr("NIK {nik}, {step}", nik=mask_nik(nik), step=where) if nik else where

    def resume_after_fault(self) -> None:
        """Back to the step the officer was on, with everything typed so far."""
        self.restart_camera()
        focus = self._resume_focus
        (focus if focus is not None and self.isAncestorOf(focus) else self.next_button).setFocus()

    def discard(self) -> None:
        """Another officer unlocked: the citizen's unsaved data is dropped, never shown to them."""
        self._close_questions()
        self.stop_camera()
        self.current_step().leave()
        self.draft = CitizenDraft()
        for step in self.steps:
            reset = getattr(step, "reset", None)
            if reset:
                reset()
        self.identify.nik_field.clear()

    def finish(self) -> None:
        self._close_questions()
        self.stop_camera()
        self.current_step().leave()
        self.home_requested.emit()

    # -- camera --------------------------------------------------------------------------------
    def restart_camera(self) -> None:
        self.stop_camera()
        self._camera_error = None
        for step in self.steps:  # never show the previous citizen's last frame
            view = getattr(step, "camera_view", None)
            if view is not None:
                view.show_text(tr("Menyalakan kamera\u2026"))
        self._camera = self._make_camera()
        self._camera.frame_ready.connect(self._on_camera_frame_ready)
        self._camera.code_scanned.connect(self._on_camera_code_scanned)
        self._camera.qr_hint_changed.connect(self.identify.show_qr_hint)
        self._camera.finished.connect(self.identify.clear_qr_hint)  # stopped or failed: its last hint goes
        self._camera.camera_failed.connect(self._on_camera_camera_failed)
        self._camera.stream_ended.connect(self._on_camera_stream_ended)
        self._camera.photo_captured.connect(self._on_camera_photo_captured)
        self._apply_camera_mode()
        self._update_camera_notice()
        self._camera.start()

    def stop_camera(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera.deleteLater()
            self._camera = None

    def _latest_frame(self):
        # A failed camera still holds its last frame (maybe the phone from the identify step):
        # never hand that out as the citizen's photo.
        if self._camera is None or self._camera_error is not None:
            return None, None
        return self._camera.latest_frame()

    def _on_camera_frame_ready(self) -> None:
        if self._camera is None:
            return
        image, info = self._camera.take_frame()
        step = self.current_step()
        view = getattr(step, "camera_view", None)
        if image is not None and view is not None and not self._camera_error:
            view.show_image(image)
            if step is self.face:
                self.face.show_frame_info(info)

    def _on_camera_photo_captured(self, photo) -> None:
        if self.sender() is self._camera and self.current_step() is self.face and not self.face.has_photo():
            self.face.accept_photo(photo)

    def _on_face_camera_mode_requested(self, mode) -> None:
        if self._camera is not None:
            self._camera.set_mode(mode)

    def _apply_camera_mode(self) -> None:
        if self._camera is not None:
            self._camera.set_mode(self.current_step().camera_mode() or CameraMode.PREVIEW)

    def _on_camera_code_scanned(self, text: str) -> None:
        if self.current_step() is self.identify:
            self.repeat_guard.note_input()
            self.identify.accept_code(text)

    def _on_retry_camera_clicked(self) -> None:
        self.restart_camera()
        focus = {self.identify: self.identify.nik_field, self.face: self.face.capture_button}
        focus.get(self.current_step(), self.next_button).setFocus()

    def _on_camera_camera_failed(self, failure: CameraFailure) -> None:
        if self.sender() is not self._camera:  # a stale report from a camera already replaced
            return
        self._camera_error = failure.error
        self._update_camera_notice()

    def _on_camera_stream_ended(self) -> None:
        if self.sender() is not self._camera:
            return
        self._camera_error = CameraError(tr("Gambar kamera berhenti."),
                                         tr("Tekan \u201cCoba kamera lagi\u201d."))
        self._update_camera_notice()

    def _update_camera_notice(self) -> None:
        step = self.current_step()
        view = getattr(step, "camera_view", None)
        failed = self._camera_error is not None
        self.retry_camera_button.setVisible(failed and view is not None)
        if view is None:
            return
        if failed:
            view.show_text(f"{self._camera_error.message}\n\n{self._camera_error.next_step}")
        elif view.pixmap() is None or view.pixmap().isNull():
            view.show_text(tr("Menyalakan kamera\u2026"))
