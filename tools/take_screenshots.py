"""Walk through every screen of the kiosk in a real window and save a screenshot of each to
docs/screenshots/. Run under a virtual screen:

    xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python tools/take_screenshots.py [--language en]
    xvfb-run -s "-screen 0 1024x768x24" .venv/bin/python tools/take_screenshots.py --size 1024x768

Uses a throwaway data folder and the bundled demo video as the camera. With ``--language en``
the same walk is saved in English to docs/screenshots/en/; with ``--size 1024x768`` the window
(and the virtual screen, which must be that size) is a small laptop's, saved to
docs/screenshots/1024x768/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.camera.frame_source import FrameListSource, VideoFileSource
from kiosk.camera.qr_reader import ZxingQrReader, make_qr_reader
from kiosk.camera.qr_scan import QrHint
from kiosk.officers import Role
from kiosk.demo_data import make_demo_records
from kiosk.i18n import current_language, load_language, tr
from kiosk.paths import database_path
from kiosk.regions import RegionTable
from kiosk.secret_store import use_throwaway_keys
from kiosk.settings import KioskSettings, save_settings
from kiosk.store import open_store
from kiosk.ui.app import (
    build_window,
    camera_factory,
    demo_video_path,
    load_stylesheet,
    shared_face_analyzer,
)
from kiosk.ui.camera_thread import CameraMode, CameraThread
from kiosk.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1280, 800)  # the window, as --size WxH sets it


def wait(app: QApplication, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def shoot(app: QApplication, window: MainWindow, name: str) -> None:
    global OUT
    wait(app, 0.4)
    window.screen().grabWindow(0).save(str(OUT / f"{name}.png"))
    print("saved", OUT / f"{name}.png")


def wait_until(app: QApplication, condition, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("screen did not reach the expected state")
        wait(app, 0.1)


def serve_as_the_supervisor(window: MainWindow, store) -> None:
    """Sign in as the supervisor made at the start of the walk and start serving a citizen."""
    supervisor = next(o for o in store.officers.active() if o.name == "Rina Putri Ananda")
    window.show_sign_in(supervisor.officer_id)
    window.sign_in_screen.pin_field.setText("482915")
    window.sign_in_screen.sign_in_button.click()
    window.home_screen.serve_button.click()


def at_face_step(app: QApplication, store, make_camera, nik: str, email: str, phone: str):
    """A window on the supervisor's desk, one citizen brought to the face step; (window, flow)."""
    window = MainWindow(store, RegionTable.load(), make_camera)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    serve_as_the_supervisor(window, store)
    flow = window.flow_screen
    flow._camera.set_mode(CameraMode.PREVIEW)  # keep a QR in view from replacing the typed NIK
    flow.identify.nik_field.setText(nik)
    flow.go_next()
    flow.contact.email_field.setText(email)
    flow.contact.phone_field.setText(phone)
    flow.go_next()
    flow.consent.agree_box.setChecked(True)
    flow.go_next()
    return window, flow


# Typed into the Sasaran tab as a supervisor would (an example, not real figures): two kelurahan
# with a target, the rest left empty ("sasaran belum diisi" on the tally).
TARGETS = {
    "Lubuk Buaya": ("18450", "Contoh: data Dukcapil Kota Padang", "2026-10-31"),
    "Balai Gadang": ("9120", "Contoh: data Dukcapil Kota Padang", "2026-10-31"),
}


def enter_targets(panel, targets: dict[str, tuple[str, str, str]]) -> None:
    """Fill the Sasaran table's cells and press Simpan, as the supervisor does at the desk."""
    for name, cells in targets.items():
        row = next(index for index, kelurahan in enumerate(panel.kelurahan) if kelurahan.name == name)
        for column, text in enumerate(cells, start=1):
            panel.table.item(row, column).setText(text)
    if not panel.save():
        raise SystemExit(f"the Sasaran tab refused the example targets: {panel.banner.message_text()}")


def save_pdf_pages(pdf: bytes, stem: str) -> None:
    """Each page of a PDF as a PNG (pdftoppm), as an officer would see it printed: <stem>-<n>.png."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(OUT / stem)], check=True)
    print(f"saved {OUT / stem}-*.png")


def leave(window: MainWindow) -> None:
    window.flow_screen.cancel_button.click()
    window.flow_screen.cancel_button.click()
    window.close()


def shoot_face_guidance(app: QApplication, store) -> None:
    """The face step telling a citizen with glasses what to do (a still photo as the camera)."""
    photo = cv2.imread(str(Path(__file__).resolve().parent.parent / "tests/data/faces/mpl_grace_hopper.jpg"))
    frame = cv2.copyMakeBorder(photo, 0, 0, 120, 120, cv2.BORDER_REPLICATE)
    analyzer, reader = shared_face_analyzer(), make_qr_reader()
    window, flow = at_face_step(
        app, store, lambda: CameraThread(lambda: FrameListSource([frame], loop=True), reader, analyzer),
        "1371110101850003", "grace@example.com", "081398765432")
    wait_until(app, lambda: tr("Lepaskan kacamata") in flow.face.guidance.text())
    shoot(app, window, "10-face-guidance-glasses")
    leave(window)


def far_phone_frame() -> np.ndarray:
    """A phone with a citizen's QR held across the room: the reader finds the code but cannot read
    it (about one pose in four at 1.6 px per module; the first such pose)."""
    import qr_corpus  # tools/ is this script's folder

    reader, size = ZxingQrReader(), (640, 480)
    text = '{"nik": "1371115708900001", "email": "siti.rahma@example.com", "phone": "081234567890"}'
    for seed in range(200):
        rng = np.random.default_rng([seed, 12])
        frame = qr_corpus.desk_scene(size, rng)
        card = qr_corpus.phone_card(text, rng)
        pose = qr_corpus.pose_homography(card, size, (320, 240), 1.6, float(rng.uniform(-8, 8)),
                                         float(rng.uniform(0, 10)), float(rng.uniform(0, 180)))
        qr_corpus.composite(frame, card, pose, 1.6)
        frame = qr_corpus.webcam(frame, rng, jpeg=False)
        if reader.scan(frame).hint is QrHint.MOVE_CLOSER:
            return frame
    raise RuntimeError("no far-away pose the reader calls too small")


def shoot_qr_hint(app: QApplication, store) -> None:
    """The identify step guiding a citizen whose phone is too far away for the camera."""
    frames = [far_phone_frame()]
    window = MainWindow(store, RegionTable.load(), lambda: CameraThread(
        lambda: FrameListSource(frames, loop=True), make_qr_reader(), shared_face_analyzer()))
    window.setGeometry(0, 0, *SIZE)
    window.show()
    serve_as_the_supervisor(window, store)
    wait_until(app, window.flow_screen.identify.qr_hint.isVisible)
    shoot(app, window, "07-identify-qr-hint")
    window.close()


def shoot_face_models_missing(app: QApplication, store) -> None:
    """The face step on a kiosk whose face models cannot load: it says so and the photo is
    taken by hand (F3), with the reason kept."""
    empty_models = Path(tempfile.mkdtemp(prefix="kiosk-shots-no-models-"))
    source = lambda: VideoFileSource(demo_video_path(), loop=True)  # noqa: E731
    window, flow = at_face_step(
        app, store, lambda: CameraThread(source, make_qr_reader(), shared_face_analyzer(empty_models)),
        "1371116304880004", "yusuf@example.com", "081277654321")
    wait_until(app, lambda: flow.face.face_checks_off)
    wait(app, 1.0)
    shoot(app, window, "25-face-models-missing")
    flow.face.capture()
    shoot(app, window, "25-face-models-missing-manual-photo")
    leave(window)


def shoot_not_continued(app: QApplication, store) -> None:
    """The citizen leaves at the consent step: "Warga tidak melanjutkan" (F8) asks why."""
    source = lambda: VideoFileSource(demo_video_path(), loop=True)  # noqa: E731
    window, flow = at_face_step(app, store, lambda: CameraThread(source, make_qr_reader(), shared_face_analyzer()),
                                "1371114506920002", "dewi.lestari@gmail.com", "081277654321")
    flow.go_back()  # to the consent step, where a citizen who declines leaves
    flow.not_continued.ask()
    dialog = flow.not_continued.dialog
    shoot(app, window, "29-not-continued-question")
    dialog.pick(2)
    shoot(app, window, "29-not-continued-picked")
    dialog.accept()
    shoot(app, window, "29-not-continued-home")
    window.close()


def shoot_face_no_face_reason(app: QApplication, store) -> None:
    """F3 on a frame without a face (a coffee cup): the photo is taken only with a reason."""
    photo = cv2.imread(str(Path(__file__).resolve().parent.parent / "tests/data/faces/sk_coffee.png"))
    analyzer, reader = shared_face_analyzer(), make_qr_reader()
    window, flow = at_face_step(
        app, store, lambda: CameraThread(lambda: FrameListSource([photo], loop=True), reader, analyzer),
        "1371116512990137", "ani@example.com", "081355512345")
    wait_until(app, lambda: tr("Hadapkan wajah ke kamera") in flow.face.guidance.text())
    flow.face.capture()
    dialog = flow.face.reason_dialog
    shoot(app, window, "30-face-no-face-question")
    dialog.accept()  # Enter with nothing picked: the window says how
    shoot(app, window, "30-face-no-face-question-unpicked")
    dialog.pick(0)
    dialog.accept()
    shoot(app, window, "30-face-manual-with-reason")
    leave(window)


def main() -> int:
    global OUT, SIZE
    if "--language" in sys.argv:
        language = sys.argv[sys.argv.index("--language") + 1]
        load_language(language)
        OUT = OUT / language
    if "--size" in sys.argv:
        size = sys.argv[sys.argv.index("--size") + 1]
        SIZE = tuple(int(part) for part in size.split("x"))
        OUT = OUT / size
    # Throwaway data folders: their keys may sit beside them (no keyring needed to take pictures).
    os.environ.setdefault("KIOSK_KEY_BACKEND", "file")
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    load_stylesheet(app)
    store = open_store(Path(tempfile.mkdtemp(prefix="kiosk-shots-")))
    window = MainWindow(store, RegionTable.load(), camera_factory(KioskSettings(), demo=True))
    window.setGeometry(0, 0, *SIZE)
    window.show()
    shoot(app, window, "01-setup")

    setup = window.setup_screen
    setup.name_field.setText("Rina Putri Ananda")
    setup.nip_field.setText("198703122010012005")
    setup.pin_field.setText("482915")
    setup.pin_again_field.setText("482915")
    setup.create_button.click()
    shoot(app, window, "02-sign-in")

    window.sign_in_screen.pin_field.setText("000000")
    window.sign_in_screen.sign_in_button.click()
    shoot(app, window, "03-sign-in-wrong-pin")
    window.sign_in_screen.pin_field.setText("482915")
    window.sign_in_screen.sign_in_button.click()
    window.stand_screen.kelurahan_box.setCurrentIndex(8)
    window.stand_screen.place_field.setText("Kantor Lurah Lubuk Buaya")
    shoot(app, window, "04-stand")
    store.officers.add("Andi Saputra", "199205172019031004", "730164", Role.OFFICER,
                       by=store.officers.active()[0].officer_id)  # by the supervisor made above
    window.stand_screen.start_button.click()
    shoot(app, window, "05-home-empty")

    flow = window.flow_screen
    window.home_screen.serve_button.click()
    flow._camera.set_mode(CameraMode.PREVIEW)  # keep the demo QR from replacing the typed NIK
    flow.identify.nik_field.setText("1371113202000000")
    flow.go_next()
    shoot(app, window, "06-identify-wrong-nik")
    flow.identify.nik_field.clear()
    flow._camera.set_mode(CameraMode.SCAN_QR)
    wait_until(app, lambda: flow.identify.nik_field.text() == "1371115708900001")
    shoot(app, window, "07-identify-qr-scanned")
    flow.go_next()
    shoot(app, window, "08-contact")
    flow.contact.email_field.setText("siti.rahma@gmial.com")  # a slip in the domain: a suggestion
    flow.contact.email_field.setFocus()
    shoot(app, window, "08-contact-suggestion")
    flow.contact.email_suggestion.take_button.click()
    flow.go_next()
    flow.consent.agree_box.setChecked(True)
    shoot(app, window, "09-consent")
    flow.go_next()
    wait_until(app, lambda: 0 < flow.face.progress.value() < 100 and not flow.face.has_photo())
    window.screen().grabWindow(0).save(str(OUT / "10-face-live.png"))  # now: the gate moves on
    wait_until(app, flow.face.has_photo)
    shoot(app, window, "10-face-captured")
    flow.go_next()
    shoot(app, window, "11-activation-qr")
    flow.go_next()
    shoot(app, window, "12-saved")
    flow.go_next()
    flow.identify.nik_field.setText("1371115708900001")
    flow.identify._on_nik_field_text_edited("1371115708900001")
    shoot(app, window, "13-identify-duplicate-warning")
    flow.cancel_button.click()
    flow.cancel_button.click()
    shoot(app, window, "14-home-queue")
    window.home_screen.serve_button.click()
    flow.identify.nik_field.setText("1371114506920002")
    flow.go_next()
    flow.contact.email_field.setText("dewi.lestari@example.com")
    window.recover_from_crash("20261205-0915-7Q")  # what CrashGuard does after a bug mid-citizen
    shoot(app, window, "24-home-crash-box")
    window.crash_box.close()
    shoot(app, window, "24-home-resume-offer")
    window.home_screen.discard_button.click()
    make_demo_records(store, 14, days=1, seed=5)
    window.show_supervisor()
    window.supervisor_screen.show_panel(window.supervisor_screen.targets_panel)
    enter_targets(window.supervisor_screen.targets_panel, TARGETS)
    window.supervisor_screen.show_panel(window.supervisor_screen.tally_panel)
    tally = window.supervisor_screen.tally_panel
    tally.date_from.setDate(tally.date_from.date().addDays(-3))
    tally.build()
    shoot(app, window, "18-supervisor-tally")
    if OUT.name == "screenshots":  # the PDF is the same at every size and in the docs once
        save_pdf_pages(tally.pdf, "tally-page")
    screen = window.supervisor_screen
    screen.show_panel(screen.records_panel)
    screen.records_panel.table.selectRow(0)
    shoot(app, window, "19-supervisor-unsent-records")
    screen.show_panel(screen.officers_panel)
    screen.officers_panel.table.selectRow(0)
    shoot(app, window, "20-supervisor-officers")
    screen.show_panel(screen.settings_panel)
    shoot(app, window, "21-supervisor-settings")
    enrol = screen.settings_panel.enrol_panel
    enrol.scan_button.click()  # the demo camera shows a citizen's QR: refused, the camera looks on
    wait_until(app, lambda: enrol.scan_dialog.banner.isVisible())
    shoot(app, window, "27-supervisor-enrol-scan")
    enrol.scan_dialog.reject()
    shown = (screen.tally_panel, screen.records_panel, screen.officers_panel, screen.settings_panel)
    for index in range(screen.tabs.count()):  # the panels added later (targets, enrolment...)
        screen.tabs.setCurrentIndex(index)
        if screen.current_panel() in shown:
            continue
        slug = "-".join(screen.tabs.tabText(index).lower().split())
        shoot(app, window, f"21-supervisor-{slug}")
    window.show_home()
    window.show_help()
    window.help_screen.run_checks()
    wait_until(app, lambda: not window.help_screen.is_checking(), timeout=60)
    shoot(app, window, "23-help-doctor")
    window.show_home()
    window.lock()
    shoot(app, window, "22-idle-lock")
    window.sign_in_screen.pin_field.clear()
    window.sign_in_screen.sign_in_button.click()  # Enter on an empty PIN: guided, not counted
    shoot(app, window, "26-lock-empty-pin")
    window.close()
    shoot_face_guidance(app, store)
    shoot_face_models_missing(app, store)
    shoot_qr_hint(app, store)
    shoot_not_continued(app, store)
    shoot_face_no_face_reason(app, store)

    demo_dir = Path(tempfile.mkdtemp(prefix="kiosk-shots-demo-"))
    use_throwaway_keys(demo_dir)  # as run_gui does for --demo
    save_settings(demo_dir, KioskSettings(language=current_language()))  # build_window loads it
    demo = build_window(demo_dir, demo=True)
    demo.setGeometry(0, 0, *SIZE)
    demo.show()
    shoot(app, demo, "15-demo-sign-in")
    demo.close()

    broken = Path(tempfile.mkdtemp(prefix="kiosk-shots-broken-"))
    save_settings(broken, KioskSettings(language=current_language()))
    database_path(broken).write_bytes(b"this is not a database" * 100)
    error = build_window(broken, demo=False)
    error.setGeometry(0, 0, *SIZE)
    error.show()
    shoot(app, error, "16-startup-error-corrupt-database")
    error.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
