"""Screenshot of the home screen after a real sync: a gateway process on loopback, an enrolled
kiosk with five records, two manual passes (send, then pull the decisions). Run under Xvfb:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/take_sync_screenshot.py docs/screenshots/17-home-after-sync.png
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.officers import Role
from kiosk.record import Stand
from kiosk.regions import RegionTable
from kiosk.settings import KioskSettings
from kiosk.store import open_store
from kiosk.sync.enrollment import enroll
from kiosk.ui.app import camera_factory, load_stylesheet
from kiosk.ui.main_window import MainWindow
from kiosk.ui.sync_worker import SyncService


def wait(s):
    l=QEventLoop(); QTimer.singleShot(int(s*1000), l.quit); l.exec()
app=QApplication(sys.argv); load_stylesheet(app)
gw=Path(tempfile.mkdtemp()); data=Path(tempfile.mkdtemp())
p=subprocess.Popen([sys.executable,"-m","kiosk","gateway","serve","--data-dir",str(gw),"--port","0","--reject-percent","30"],stdout=subprocess.PIPE,text=True)
url=p.stdout.readline().split()[-1]
code=subprocess.run([sys.executable,"-m","kiosk","gateway","enroll-code","--data-dir",str(gw)],capture_output=True,text=True).stdout.strip().splitlines()[-1]
store=open_store(data); o=store.officers.add("Rina Putri Ananda","198703122010012005","482915",Role.SUPERVISOR)
store.set_stand(store.clock().date(), Stand("Kantor Lurah Lubuk Buaya","13.71.11.1009","Lubuk Buaya"))
import random

from kiosk.demo_data import synthetic_portrait
from kiosk.record import CitizenDraft, Consent

for i, nik in enumerate(["1371115708900001","1371110101850003","1371114512920007","1371112303880002","1371116610010004"]):
    store.seal(CitizenDraft(nik=nik, email=f"warga{i}@example.com", phone="+6281234567890", consent=Consent("PDP-2026-1", store.clock()), photo_jpeg=synthetic_portrait(random.Random(i))), o.officer_id, Stand("Kantor Lurah Lubuk Buaya","13.71.11.1009","Lubuk Buaya"))
enroll(store.database, store.keys, url, code)
sync=SyncService(data, store.keys, 3600); sync.start()
w=MainWindow(store, RegionTable.load(), camera_factory(KioskSettings(), True), sync=sync); w.setGeometry(0,0,1280,800); w.show()
w.sign_in_screen.pin_field.setText("482915"); w.sign_in_screen.sign_in_button.click()
w.home_screen.sync_button.click(); wait(3)
w.home_screen.sync_button.click(); wait(3)  # second pass pulls the decisions
w.screen().grabWindow(0).save(sys.argv[1])
w.close(); p.terminate(); p.wait()
