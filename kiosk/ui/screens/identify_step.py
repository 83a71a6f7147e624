"""Identify the citizen: scan a QR (app, receipt, or a USB scanner typing into the field) or type
the NIK; validate it, and warn at once when this NIK is already on this kiosk.

One citizen, one draft: a QR read while the field holds another NIK (typed, or from an earlier
QR) never replaces it silently and never joins it; the officer is asked ("Pakai NIK dari QR").
``scanned_for(nik)`` gives the contact step the QR identity only when it is this NIK's."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.camera.qr_scan import QrHint

from kiosk.errors import InvalidQrPayload
from kiosk.i18n import tr
from kiosk.nik import NikResult, mask_nik, normalize_nik, parse_nik
from kiosk.qr_payload import MAX_PAYLOAD_CHARS, ScannedIdentity, parse_qr_payload
from kiosk.record import CitizenDraft, RecordState, state_label
from kiosk.regions import RegionTable
from kiosk.store import Store
from kiosk.sync.enrolment_qr import is_enrolment_qr
from kiosk.ui.camera_thread import CameraMode
from kiosk.ui.screens.common import button, hint, lay_out_beside, mark_invalid, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.camera_view import CameraView


class IdentifyStep(FlowStep):
    record_viewed = Signal(str)  # record_id of an earlier record shown to the officer (audited)

    def __init__(self, store: Store, regions: RegionTable, parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Identitas")
        self._store = store
        self._regions = regions
        self._duplicate_acknowledged_for = ""
        self.scanned: ScannedIdentity | None = None  # the QR whose NIK the field holds
        self.pending_scan: ScannedIdentity | None = None  # a QR that would replace another NIK
        self.camera_view = CameraView()
        self.qr_hint = QLabel()  # under the picture, where the citizen looks: "Dekatkan ponsel ..."
        self.qr_hint.setObjectName("guidance")
        self.qr_hint.setWordWrap(True)
        self.qr_hint.hide()
        self.nik_field = QLineEdit()
        self.nik_field.setMaxLength(MAX_PAYLOAD_CHARS)  # a USB scanner may type a whole payload
        self.nik_field.setPlaceholderText(tr("16 digit NIK"))
        self.nik_field.textEdited.connect(self._on_nik_field_text_edited)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.use_scan_button = button(tr("Pakai NIK dari QR"))
        self.use_scan_button.clicked.connect(self.use_pending_scan)
        self.use_scan_button.hide()

        lay_out_beside(self, self._camera_column(), [
            title(tr("Pindai QR atau ketik NIK")),
            hint(tr("Arahkan QR dari aplikasi IKD atau tanda terima ke kamera. "
                    "Pemindai USB juga bisa dipakai.")),
            QLabel(tr("NIK")), self.nik_field, self.details, self.banner, self.use_scan_button])

    def _camera_column(self) -> QWidget:
        """The picture with the hint line below it: the officer's fields never move when it shows."""
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.camera_view, 1)
        layout.addWidget(self.qr_hint)
        return column

    def camera_mode(self) -> CameraMode:
        return CameraMode.SCAN_QR

    def show_qr_hint(self, hint: QrHint | None) -> None:
        """What would help the camera read a code it sees (None: nothing to say)."""
        self.qr_hint.setText(hint.text() if hint is not None else "")
        self.qr_hint.setVisible(hint is not None)

    def clear_qr_hint(self) -> None:
        self.show_qr_hint(None)

    def leave(self) -> None:
        self.clear_qr_hint()

    def enter(self, draft: CitizenDraft) -> None:
        self.nik_field.setText(draft.nik)
        self.nik_field.setFocus()
        if draft.nik:
            self._show_nik(parse_nik(draft.nik, self._regions))

    # -- input -------------------------------------------------------------------------------
    def accept_code(self, text: str, typed_into_field: bool = False) -> None:
        """A code read by the camera, or typed by a scanner (``typed_into_field``: the field holds
        the payload itself, not a NIK to protect)."""
        if is_enrolment_qr(text):  # the kiosk's own enrolment QR, shown to the wrong screen
            self.banner.show_message(
                "warning", tr("Ini QR pendaftaran kios, bukan QR warga."),
                tr("QR ini untuk supervisor, di Supervisor → Pengaturan → “Pindai QR pendaftaran”. "
                   "Untuk warga, pindai QR dari aplikasi IKD atau ketik NIK."))
            return
        try:
            identity = parse_qr_payload(text)
        except InvalidQrPayload as error:
            self.banner.show_error(error)
            return
        if identity.receipt_no:
            self._show_receipt(identity.receipt_no)
            return
        held = "" if typed_into_field else normalize_nik(self.nik_field.text())
        if held and held != identity.nik:
            self._ask_before_replacing(identity)
            return
        self._take_scan(identity)

    def _take_scan(self, identity: ScannedIdentity) -> None:
        self.pending_scan = None
        self.use_scan_button.hide()
        self.scanned = identity
        self.nik_field.setText(identity.nik)
        self._show_nik(parse_nik(identity.nik, self._regions))

    def _ask_before_replacing(self, identity: ScannedIdentity) -> None:
        """Another person's QR (a phone in the queue behind) or the right one: the officer says."""
        self.pending_scan = identity
        self.banner.show_message(
            "warning", tr("QR terbaca dengan NIK lain ({nik}) dari yang ada di isian.", nik=mask_nik(identity.nik)),
            tr("Tekan \u201cPakai NIK dari QR\u201d bila QR ini milik warga di depan Anda. "
               "Bila bukan, abaikan dan lanjutkan."))
        self.use_scan_button.show()

    def use_pending_scan(self) -> None:
        if self.pending_scan is not None:
            self._take_scan(self.pending_scan)
            self.nik_field.setFocus()

    def scanned_for(self, nik: str) -> ScannedIdentity | None:
        """The QR identity read for ``nik`` (its email and phone may fill the contact step)."""
        return self.scanned if self.scanned is not None and self.scanned.nik == nik else None

    def _on_nik_field_text_edited(self, text: str) -> None:
        if self.scanned is not None and normalize_nik(text) != self.scanned.nik:
            self.scanned = None  # typed over: the QR's email and phone are no longer this NIK's
        self.pending_scan = None  # the officer typed on: that QR was not this citizen's
        self.use_scan_button.hide()
        digits = normalize_nik(text)
        if len(digits) == 16 and digits.isdigit():
            self._show_nik(parse_nik(digits, self._regions))
        else:  # what was said about an earlier, complete NIK no longer holds
            self.details.clear()
            self.banner.clear()
            mark_invalid(self.nik_field, False)

    def commit(self, draft: CitizenDraft) -> bool:
        text = self.nik_field.text().strip()
        if len(text) > 16 and not normalize_nik(text).isdigit():  # a wedge scanner typed a payload
            self.accept_code(text, typed_into_field=True)
            return False
        result = parse_nik(text, self._regions)
        if not self._show_nik(result):
            return False
        if self._earlier_records(result.nik) and self._duplicate_acknowledged_for != result.nik:
            self._duplicate_acknowledged_for = result.nik  # a second Next means "serve anyway"
            return False
        draft.nik = result.nik
        self.pending_scan = None
        self.use_scan_button.hide()
        return True

    # -- feedback ----------------------------------------------------------------------------
    def _show_nik(self, result: NikResult) -> bool:
        mark_invalid(self.nik_field, not result.ok)
        if not result.ok:
            problem = result.errors[0]
            self.details.clear()
            if problem.code == "length" and len(result.nik) > 16:  # a QR typed into a typed NIK
                self.banner.show_message(
                    "error", tr("Isian NIK berisi {count} angka, lebih dari 16.", count=len(result.nik)),
                    tr("Mungkin QR terbaca saat NIK sedang diketik. Kosongkan isian, lalu ketik "
                       "atau pindai NIK satu kali saja."))
            else:
                self.banner.show_message("error", problem.message, problem.next_step)
            return False
        sex = tr("Perempuan") if result.sex and result.sex.value == "P" else tr("Laki-laki")
        self.details.setText(tr("Lahir {date} \u00b7 {sex}\nWilayah NIK: {region}",
                                date=result.birth_date.strftime("%d-%m-%Y"), sex=sex,
                                region=result.kecamatan and f"{result.kecamatan}, {result.city}"
                                or tr("tidak dikenal")))
        earlier = self._earlier_records(result.nik)
        if earlier:
            latest = earlier[0]
            self.record_viewed.emit(latest.record_id)
            self.banner.show_message(
                "warning",
                tr("NIK ini sudah terdaftar di kios ini ({date}, {state}, tanda terima {slip}).",
                   date=latest.local_date, state=state_label(latest.state), slip=latest.slip_no),
                tr("Tanyakan apakah warga pernah datang. Tekan Lanjut lagi untuk tetap melayani."))
        elif result.warnings:
            self.banner.show_message("warning", result.warnings[0].message, result.warnings[0].next_step)
        else:
            self.banner.clear()
        return True

    def _earlier_records(self, nik: str):
        return self._store.find_by_nik(nik)

    def _show_receipt(self, slip_no: str) -> None:
        record = self._store.find_by_slip(slip_no)
        if record is None:
            self.banner.show_message("warning", tr("Tanda terima {slip} tidak ada di kios ini.", slip=slip_no),
                                     tr("Mungkin dibuat di kios lain. Ketik NIK warga untuk mencari."))
            return
        self.record_viewed.emit(record.record_id)
        kind = "warning" if record.state is RecordState.REJECTED else "info"
        message = tr("Tanda terima {slip}: {state}.", slip=slip_no, state=state_label(record.state))
        if record.status_reason:
            message = f"{message} {record.status_reason}"
        self.banner.show_message(kind, message,
                                 record.remedy or tr("Belum ada kabar dari Dukcapil untuk data ini."))

    def duplicate_pending(self) -> bool:
        return bool(self._duplicate_acknowledged_for)

    def reset(self) -> None:
        self._duplicate_acknowledged_for = ""
        self.scanned = None
        self.pending_scan = None
        self.use_scan_button.hide()
        self.details.clear()
        self.banner.clear()
        self.clear_qr_hint()
        mark_invalid(self.nik_field, False)


__all__ = ["IdentifyStep", "ScannedIdentity"]
